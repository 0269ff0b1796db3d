// Conditions on crm.item fields, compiled to crm.item.list's filter (crm-item-list.md): key
// prefixes `=`, `!=`, `<`, `<=`, `>`, `>=`, `@`, `!@`, `%`, `!%`, `=%`, `!=%`, nested groups (AND by
// default) and `logic: 'OR'`. Keys are crm.item's camelCase field names chosen by the gateway;
// user text is only ever a value. `not` is pushed down to the conditions (the filter has no NOT).
// Empty is `''`: the docs' own example filters "not empty" as `{"!=name": ""}`.

import type { ResultRef } from '../upstream/batch.js';

export type Comparison = 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte';
/** A value: the gateway's own, or a reference to an earlier answer in the same batch. */
export type Scalar = string | number | ResultRef;

export type Condition =
  | { op: Comparison; key: string; value: Scalar }
  | { op: 'in' | 'notIn'; key: string; values: Scalar[] }
  | { op: 'isNull'; key: string; value: boolean }
  | { op: 'contains' | 'notContains' | 'startsWith' | 'notStartsWith'; key: string; value: string }
  | { op: 'and' | 'or'; items: Condition[] }
  | { op: 'not'; item: Condition }
  | { op: 'all' | 'none' }
  /** A filter the gateway already wrote (the generic lists' simple filters); never negated. */
  | { op: 'filter'; filter: Record<string, unknown> };

export const ALL: Condition = { op: 'all' };
export const NONE: Condition = { op: 'none' };

export function and(...items: Condition[]): Condition {
  return { op: 'and', items };
}

export function or(...items: Condition[]): Condition {
  return { op: 'or', items };
}

const OPPOSITE: Record<Comparison, Comparison> = { eq: 'ne', ne: 'eq', lt: 'gte', gte: 'lt', gt: 'lte', lte: 'gt' };

/** The condition's negation, with `not` pushed down to the leaves. */
export function negate(c: Condition): Condition {
  switch (c.op) {
    case 'eq':
    case 'ne':
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      return { ...c, op: OPPOSITE[c.op] };
    case 'in':
      return { ...c, op: 'notIn' };
    case 'notIn':
      return { ...c, op: 'in' };
    case 'isNull':
      return { ...c, value: !c.value };
    case 'contains':
      return { ...c, op: 'notContains' };
    case 'notContains':
      return { ...c, op: 'contains' };
    case 'startsWith':
      return { ...c, op: 'notStartsWith' };
    case 'notStartsWith':
      return { ...c, op: 'startsWith' };
    case 'and':
      return { op: 'or', items: c.items.map(negate) };
    case 'or':
      return { op: 'and', items: c.items.map(negate) };
    case 'not':
      return c.item;
    case 'all':
      return NONE;
    case 'none':
      return ALL;
    case 'filter':
      throw new RangeError('a written filter is not negated');
  }
}

const PREFIX: Record<string, string> = {
  eq: '=',
  ne: '!=',
  lt: '<',
  lte: '<=',
  gt: '>',
  gte: '>=',
  in: '@',
  notIn: '!@',
  contains: '%',
  notContains: '!%',
  startsWith: '=%',
  notStartsWith: '!=%',
};

export type Filter = Record<string, unknown>;

/** The crm.item.list filter of a condition; `null` when nothing can match (send nothing then). */
export function compile(c: Condition): Filter | null {
  const out = build(c);
  return out === false ? null : out === true ? {} : out;
}

function build(c: Condition): Filter | boolean {
  switch (c.op) {
    case 'all':
      return true;
    case 'none':
      return false;
    case 'not':
      return build(negate(c.item));
    case 'filter':
      return Object.keys(c.filter).length === 0 ? true : c.filter;
    case 'isNull':
      return { [`${c.value ? '=' : '!='}${c.key}`]: '' };
    case 'in':
    case 'notIn':
      // An empty list: IN () matches nothing, NOT IN () everything — decided here, not sent.
      if (c.values.length === 0) return c.op === 'notIn';
      return { [`${PREFIX[c.op]}${c.key}`]: c.values };
    case 'startsWith':
    case 'notStartsWith':
      return { [`${PREFIX[c.op]}${c.key}`]: `${c.value}%` };
    case 'and': {
      const parts: Filter[] = [];
      for (const item of c.items) {
        const built = build(item);
        if (built === false) return false;
        if (built !== true) parts.push(built);
      }
      return parts.length === 0 ? true : merge(parts);
    }
    case 'or': {
      const parts: Filter[] = [];
      for (const item of c.items) {
        const built = build(item);
        if (built === true) return true;
        if (built !== false) parts.push(built);
      }
      if (parts.length === 0) return false;
      if (parts.length === 1) return parts[0];
      return { logic: 'OR', ...Object.fromEntries(parts.map((p, i) => [String(i), p])) };
    }
    default:
      return { [`${PREFIX[c.op]}${c.key}`]: c.value };
  }
}

/** ANDs filters: conditions side by side while their keys differ; a group (or a repeated key) as
 * a nested group under a numeric key (groups are ANDed by default). */
function merge(parts: Filter[]): Filter {
  const out: Filter = {};
  let group = 0;
  for (const part of parts) {
    const plain = !('logic' in part) && Object.keys(part).every((k) => !(k in out) && !/^\d+$/.test(k));
    if (plain) Object.assign(out, part);
    else out[String(group++)] = part;
  }
  return out;
}
