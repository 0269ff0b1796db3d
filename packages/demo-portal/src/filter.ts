// The list engine shared by every list method: filter key prefixes (§6.4, §7.4), `logic: OR`
// groups, ordering and fixed 50-row pages with `start`/`total`/`next` (§5).
import { ApiError } from './types.js';
import type { Storage } from './fields.js';
import type { Table } from './store.js';
import { asList, isObj, parseDateTime, toBool, toNum } from './util.js';

export const PAGE = 50;

/** How the engine reads one field of a record. */
export interface Access {
  /** The name as the caller spelled it (for error texts). */
  name: string;
  storage: Storage;
  /** Comparable value: numbers, strings, booleans, epoch ms for dates; arrays for multiple. */
  get(rec: never): unknown;
  multiple?: boolean;
  /** Dictionary codes / bindings: LIKE acts as equality (§6.4). */
  likeless?: boolean;
  isId?: boolean;
  /** UF booleans are filtered by 1/0, not Y/N (§7.4). */
  ufBool?: boolean;
  /** PHONE/EMAIL/…: exact match against the entries of that type: the value as stored, not its
   * digits ("Filters for these fields only work on exact matches", crm-contact-list.md). */
  multiType?: 'PHONE' | 'EMAIL' | 'WEB' | 'IM';
}

export type Resolver = (name: string) => Access | null;

export interface FilterOptions {
  resolve: Resolver;
  /** crm.item: unknown field / bad value → 400 INVALID_ARG_VALUE; old-style: ignored. */
  strict: boolean;
  /** crm.item supports `logic` and nested groups; old-style does not (§6.4) — ignored there. */
  logic: boolean;
  offset: string;
}

type Pred = (rec: unknown) => boolean;

export interface IdRange {
  lo: number;
  hi: number;
  ids?: number[];
}

export interface Compiled {
  pred: Pred | null;
  range: IdRange;
}

const PREFIX = /^(!=%|!%=|>=|<=|!@|!%|=%|%=|!=|>|<|@|%|=|!)?(.*)$/s;
const EMPTY = Symbol('empty');

function invalidValue(name: string): ApiError {
  return new ApiError('INVALID_ARG_VALUE', `Invalid filter: field '${name}' has invalid value`);
}

/** Coerces one filter value to the field's comparable form; undefined = cannot match. */
function coerce(acc: Access, v: unknown, opts: FilterOptions): unknown {
  if (v === null || v === '' || (v === false && acc.storage !== 'bool')) return EMPTY;
  switch (acc.storage) {
    case 'int':
    case 'num': {
      const n = toNum(v);
      if (n === null) {
        if (opts.strict) throw invalidValue(acc.name);
        return undefined;
      }
      return n;
    }
    case 'bool': {
      if (acc.ufBool && typeof v === 'string' && /^[YN]$/i.test(v)) return undefined;
      const b = toBool(v);
      return b === null ? undefined : b;
    }
    case 'date':
    case 'datetime': {
      const ms = parseDateTime(v, opts.offset);
      // An unparsable date matches nothing (§8.1).
      return ms === null ? undefined : ms;
    }
    default:
      return String(v);
  }
}

const lower = (x: unknown) => (typeof x === 'string' ? x.toLowerCase() : x);

function isEmptyVal(v: unknown): boolean {
  return v === null || v === undefined || v === '' || v === 0 || (Array.isArray(v) && v.length === 0);
}

function eqOne(v: unknown, x: unknown): boolean {
  if (x === EMPTY) return isEmptyVal(v);
  // Unset bindings read as 0 in crm.item (§2.6), so `companyId: 0` finds them.
  if (v === null || v === undefined) return x === 0;
  if (typeof v === 'string' || typeof x === 'string') return String(v).toLowerCase() === String(x).toLowerCase();
  return v === x;
}

function cmp(v: unknown, x: unknown): number | null {
  if (v === null || v === undefined || x === EMPTY) return null;
  const a = lower(v) as number | string;
  const b = lower(x) as number | string;
  if (typeof a === 'boolean' || typeof b === 'boolean') return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

function likeRegex(pattern: string): RegExp {
  const esc = pattern
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/%/g, '.*')
    .replace(/_/g, '.');
  return new RegExp(`^${esc}$`, 'is');
}

/** Values of a multiple field, or the single value as a one-element list. */
function vals(acc: Access, rec: unknown): unknown[] {
  const v = acc.get(rec as never);
  if (acc.multiple) return Array.isArray(v) ? v : [];
  return [v];
}

/**
 * One condition. The prefixes of crm-item-list.md: `=` / none (equal; a list means IN), `!=` / `!`
 * (not equal), `@` / `!@` (IN / NOT IN), `>`, `>=`, `<`, `<=`, `%` (substring), `=%` / `%=` (LIKE
 * with the caller's `%`), `!%`, `!=%`, `!%=` (their negations).
 *
 * Multiple fields match when ANY of their values matches (a negation: when none does).
 *
 * EMPTY values and negations — the docs are silent on whether `!=x`, `!@[…]`, `!%x` match a record
 * whose field is empty. The reading taken is the real portal's: Bitrix's ORM builds a negation as
 * `NOT (cond)` of the positive condition and the old CSQLWhere adds `OR field IS NULL` to it, so
 * a record without a value is one the positive condition does not match, and the negation returns
 * it. EVERY negation here therefore also matches records whose field is empty/NULL (and a
 * multiple field with no values), consistently for every field type. Comparisons (`>`, `>=`, `<`,
 * `<=`) never match NULL, as in SQL; `=''` (or null) finds the empty ones, `!=''` the filled ones.
 */
function leaf(acc: Access, op: string, raw: unknown, opts: FilterOptions): Pred {
  const list =
    Array.isArray(raw) ||
    (isObj(raw) && (op === '@' || op === '!@' || op === '' || op === '=' || op === '!' || op === '!='));
  if (op === '@' || op === '!@' || (list && (op === '' || op === '=' || op === '!' || op === '!='))) {
    let items = asList(raw);
    if (!list && typeof raw === 'string') items = raw.split(',').map((s) => s.trim());
    const set = items.map((x) => coerce(acc, x, opts)).filter((x) => x !== undefined);
    const neg = op.startsWith('!');
    return (rec) => {
      const hit = vals(acc, rec).some((v) => set.some((x) => x !== EMPTY && eqOne(v, x)));
      return neg ? !hit : hit;
    };
  }
  if (Array.isArray(raw) || isObj(raw)) {
    if (opts.strict) throw invalidValue(acc.name);
    return () => false;
  }
  // crm.item: a comparison needs one value; an empty one is refused like any invalid value
  // (crm-item-list.md errors: INVALID_ARG_VALUE "Invalid filter: field … has invalid value").
  if (opts.strict && (op === '>' || op === '>=' || op === '<' || op === '<=') && (raw === '' || raw === null))
    throw invalidValue(acc.name);
  const likeOp = op === '%' || op === '!%' || op === '=%' || op === '%=' || op === '!=%' || op === '!%=';
  if (likeOp && (acc.likeless || acc.storage !== 'str')) {
    // LIKE does not apply to dictionary/binding/non-string fields: equality instead (§6.4).
    return leaf(acc, op.startsWith('!') ? '!' : '=', raw, opts);
  }
  const x = coerce(acc, raw, opts);
  if (x === undefined) return op === '!' || op === '!=' ? () => true : () => false;
  const anyOf =
    (test: (v: unknown) => boolean): Pred =>
    (rec) => {
      const vs = vals(acc, rec);
      if (acc.multiple && x === EMPTY) return test(vs);
      return vs.some(test);
    };
  switch (op) {
    case '':
    case '=':
      return acc.multiple && x === EMPTY ? (rec) => vals(acc, rec).length === 0 : anyOf((v) => eqOne(v, x));
    case '!':
    case '!=': {
      const eq =
        acc.multiple && x === EMPTY ? (rec: unknown) => vals(acc, rec).length === 0 : anyOf((v) => eqOne(v, x));
      return (rec) => !eq(rec);
    }
    case '>':
      return anyOf((v) => (cmp(v, x) ?? NaN) > 0);
    case '>=':
      return anyOf((v) => (cmp(v, x) ?? NaN) >= 0);
    case '<':
      return anyOf((v) => (cmp(v, x) ?? NaN) < 0);
    case '<=':
      return anyOf((v) => (cmp(v, x) ?? NaN) <= 0);
    case '%':
    case '!%': {
      const needle = String(x === EMPTY ? '' : x).toLowerCase();
      const hit = anyOf((v) => typeof v === 'string' && v.toLowerCase().includes(needle));
      return op === '%' ? hit : (rec) => !hit(rec);
    }
    default: {
      // =% / %= / !=% / !%= : LIKE with explicit % wildcards in the value.
      const re = likeRegex(String(x === EMPTY ? '' : x));
      const hit = anyOf((v) => typeof v === 'string' && re.test(v));
      return op.startsWith('!') ? (rec) => !hit(rec) : hit;
    }
  }
}

/** A filter (or a nested group) as PHP holds it: an array whose keys may all be numeric. A form
 * or batch command (`filter[0][0][=%xmlId]=…`) parses to a list where JSON gives an object; the
 * portal sees the same PHP array either way. */
function phpArray(value: unknown): Record<string, unknown> | null {
  if (Array.isArray(value)) return Object.fromEntries(value.entries());
  return isObj(value) ? value : null;
}

function group(filter: Record<string, unknown>, opts: FilterOptions, top: boolean, range: IdRange): Pred | null {
  const preds: Pred[] = [];
  let or = false;
  for (const [key, value] of Object.entries(filter)) {
    if (key.toLowerCase() === 'logic') {
      if (opts.logic) or = String(value).toUpperCase() === 'OR';
      continue;
    }
    const nested = /^\d+$/.test(key) ? phpArray(value) : null;
    if (nested) {
      if (!opts.logic) continue;
      const g = group(nested, opts, false, range);
      if (g) preds.push(g);
      continue;
    }
    const [, op = '', name] = PREFIX.exec(key)!;
    const acc = opts.resolve(name);
    if (!acc) {
      if (opts.strict)
        throw new ApiError('INVALID_ARG_VALUE', `Invalid filter: field '${name}' is not allowed in filter`);
      continue;
    }
    preds.push(leaf(acc, op, value, opts));
    if (top && acc.isId) narrow(range, op, value);
  }
  if (or && top) {
    // An OR at the top level makes the id bounds meaningless.
    range.lo = -Infinity;
    range.hi = Infinity;
    range.ids = undefined;
  }
  if (preds.length === 0) return null;
  if (preds.length === 1) return preds[0];
  return or ? (rec) => preds.some((p) => p(rec)) : (rec) => preds.every((p) => p(rec));
}

/** Id bounds of top-level AND conditions, so a keyset page starts with a binary search. */
function narrow(range: IdRange, op: string, value: unknown): void {
  if (op === '@' || Array.isArray(value) || isObj(value)) {
    if (op !== '@' && op !== '' && op !== '=') return;
    const ids = asList(value)
      .map(toNum)
      .filter((n): n is number => n !== null);
    range.ids = range.ids ? range.ids.filter((i) => ids.includes(i)) : [...new Set(ids)].sort((a, b) => a - b);
    return;
  }
  const n = toNum(value);
  if (n === null) return;
  if (op === '>') range.lo = Math.max(range.lo, Math.floor(n) + 1);
  else if (op === '>=') range.lo = Math.max(range.lo, Math.ceil(n));
  else if (op === '<') range.hi = Math.min(range.hi, Math.ceil(n) - 1);
  else if (op === '<=') range.hi = Math.min(range.hi, Math.floor(n));
  else if (op === '' || op === '=') {
    range.lo = Math.max(range.lo, n);
    range.hi = Math.min(range.hi, n);
  }
}

export function compileFilter(filter: unknown, opts: FilterOptions): Compiled {
  const range: IdRange = { lo: -Infinity, hi: Infinity };
  if (filter === undefined || filter === null || filter === '') return { pred: null, range };
  const assoc = phpArray(filter);
  if (!assoc) return { pred: null, range };
  return { pred: group(assoc, opts, true, range), range };
}

export interface OrderKey {
  acc: Access;
  desc: boolean;
}

/** `order: {FIELD: 'ASC'|'DESC'}`; crm.item validates names and directions (§2.5). */
export function compileOrder(order: unknown, resolve: Resolver, strict: boolean): OrderKey[] {
  if (!isObj(order)) return [];
  const keys: OrderKey[] = [];
  for (const [name, dirRaw] of Object.entries(order)) {
    const acc = resolve(name);
    if (!acc) {
      if (strict) throw new ApiError('INVALID_ARG_VALUE', `Invalid order: field '${name}' is not allowed in order`);
      continue;
    }
    const dir = String(dirRaw).toUpperCase();
    if (dir !== 'ASC' && dir !== 'DESC') {
      if (strict) {
        throw new ApiError(
          'INVALID_ARG_VALUE',
          `Invalid order: allowed sort directions are ASC, DESC. But got '${String(dirRaw)}' for field '${name}'`,
        );
      }
    }
    keys.push({ acc, desc: dir === 'DESC' });
  }
  return keys;
}

/** The value a row sorts by: a multiple field by its first value, no values being NULL. */
function sortValue(acc: Access, row: unknown): unknown {
  const v = acc.get(row as never);
  if (!acc.multiple) return v;
  return Array.isArray(v) && v.length ? v[0] : null;
}

function compareRows(keys: OrderKey[]) {
  return (a: { ID: number }, b: { ID: number }): number => {
    for (const k of keys) {
      const va = sortValue(k.acc, a);
      const vb = sortValue(k.acc, b);
      let c: number;
      // NULLs sort first ascending and last descending, as in MySQL; an empty string is a value
      // (it sorts before every other string).
      if (va === null || va === undefined) c = vb === null || vb === undefined ? 0 : -1;
      else if (vb === null || vb === undefined) c = 1;
      else c = cmp(va, vb) ?? 0;
      if (c !== 0) return k.desc ? -c : c;
    }
    return a.ID - b.ID;
  };
}

export interface Page<R> {
  rows: R[];
  total: number;
  next?: number;
}

/**
 * One page of 50. `start = -1` skips the COUNT (total 0, no next); otherwise total is the full
 * count and `next = start + 50` only when more rows exist (§5).
 */
export function runQuery<R extends { ID: number }>(
  table: Table<R>,
  c: Compiled,
  order: OrderKey[],
  start: number,
): Page<R> {
  const { pred, range } = c;
  const count = start >= 0;
  const offset = Math.max(start, 0);
  const idOrder = order.length === 0 || (order.length === 1 && order[0].acc.isId);
  const desc = idOrder && order.length === 1 && order[0].desc;
  const rows = table.rows;
  const from = range.lo === -Infinity ? 0 : table.lowerBound(range.lo);
  let to = range.hi === Infinity ? rows.length : table.lowerBound(range.hi + 1);
  if (from > to) to = from;

  const candidates: Iterable<R> = range.ids
    ? range.ids
        .filter((id) => id >= range.lo && id <= range.hi)
        .map((id) => table.get(id))
        .filter((r): r is R => !!r)
    : (function* () {
        if (desc) for (let i = to - 1; i >= from; i--) yield rows[i];
        else for (let i = from; i < to; i++) yield rows[i];
      })();

  if (idOrder) {
    const list = range.ids && desc ? [...candidates].reverse() : candidates;
    const out: R[] = [];
    let matched = 0;
    for (const r of list) {
      if (pred && !pred(r)) continue;
      if (matched >= offset && out.length < PAGE) out.push(r);
      matched++;
      if (!count && out.length >= PAGE) break;
    }
    return page(out, count ? matched : 0, count, offset);
  }
  const all: R[] = [];
  for (const r of candidates) if (!pred || pred(r)) all.push(r);
  all.sort(compareRows(order));
  return page(all.slice(offset, offset + PAGE), count ? all.length : 0, count, offset);
}

function page<R>(rows: R[], total: number, count: boolean, offset: number): Page<R> {
  if (!count) return { rows, total: 0 };
  return offset + PAGE < total ? { rows, total, next: offset + PAGE } : { rows, total };
}
