// crm.item.list filters and order over the custom fields of every type (crm-item-list.md): every
// prefix against an oracle written here over the rendered values, empty values and negations,
// nested `logic: OR` groups, dates in the portal's time zone, NULLs in order, refused names.
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../src/state.js';
import type { PortalState } from '../src/types.js';
import { call, fail, makeState } from './data-fixture.js';

type Spec = (typeof DEMO.customFields)[number][number];
type Item = Record<string, any>;

const ENTITIES = [1, 2, 3, 4, 128, 130, 1032, 1034];
const OFFSET = '+03:00';

let s: PortalState;
const camelOf = new Map<string, string>();
const items = new Map<number, Item[]>();

function pages(params: Record<string, unknown>): Item[] {
  const out: Item[] = [];
  for (let start = 0; ; start += 50) {
    const page = call(s, 'crm.item.list', { ...params, start });
    out.push(...page.result.items);
    if (page.next === undefined) return out;
  }
}

beforeAll(() => {
  s = makeState();
  for (const e of ENTITIES) {
    const fields = call(s, 'crm.item.fields', { entityTypeId: e }).result.fields;
    for (const [k, d] of Object.entries<any>(fields)) if (d.isDynamic) camelOf.set(`${e}:${d.upperName}`, k);
    items.set(e, pages({ entityTypeId: e, select: ['*'] }));
  }
});

const camel = (e: number, spec: Spec) => camelOf.get(`${e}:${spec.name}`)!;
const ids = (e: number, filter: unknown): number[] =>
  pages({ entityTypeId: e, filter, select: ['id'] }).map((i) => i.id);

// ---- the oracle: values as MySQL compares them -------------------------------------------------

const ORDERED = new Set(['integer', 'double', 'date', 'datetime', 'enumeration', 'employee', 'file']);
const TEXT = new Set(['string', 'url', 'address', 'money', 'crm']);

/** A rendered crm.item value → what the database compares: numbers, epoch ms, lower-case text. */
function norm(type: string, v: unknown): number | string {
  if (type === 'date' || type === 'datetime') return Date.parse(String(v));
  if (type === 'file') return (v as { id: number }).id;
  if (typeof v === 'number') return v;
  return String(v).toLowerCase();
}

/** A filter value → the same space (a date without a zone is midnight in the portal's zone). */
function normFilter(type: string, x: unknown): number | string {
  if (type === 'date' || type === 'datetime') {
    const t = String(x);
    return Date.parse(/^\d{4}-\d\d-\d\d$/.test(t) ? `${t}T00:00:00${OFFSET}` : t);
  }
  if (typeof x === 'number') return x;
  if (ORDERED.has(type) && /^-?\d+(\.\d+)?$/.test(String(x))) return Number(x);
  return String(x).toLowerCase();
}

function valuesOf(item: Item, key: string, spec: Spec): (number | string)[] {
  const v = item[key];
  if (v === null || v === undefined) return [];
  return (spec.multiple ? v : [v]).map((x: unknown) => norm(spec.type, x));
}

function likeRe(pattern: string): RegExp {
  const esc = pattern
    .toLowerCase()
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/%/g, '.*')
    .replace(/_/g, '.');
  return new RegExp(`^${esc}$`, 's');
}

type Oracle = (vals: (number | string)[]) => boolean;

function oracle(type: string, op: string, raw: unknown): Oracle {
  const xs = (Array.isArray(raw) ? raw : [raw]).map((x) => normFilter(type, x));
  const x = xs[0];
  const any = (p: (v: number | string) => boolean) => (vals: (number | string)[]) => vals.some(p);
  const not = (o: Oracle) => (vals: (number | string)[]) => !o(vals);
  const eq = any((v) => xs.includes(v));
  switch (op) {
    case '':
    case '=':
    case '@':
      return eq;
    case '!':
    case '!=':
    case '!@':
      // Negations include records without a value (the reading documented in filter.ts).
      return not(eq);
    case '>':
      return any((v) => v > x);
    case '>=':
      return any((v) => v >= x);
    case '<':
      return any((v) => v < x);
    case '<=':
      return any((v) => v <= x);
    case '%':
      return any((v) => String(v).includes(String(x)));
    case '!%':
      return not(any((v) => String(v).includes(String(x))));
    case '=%':
    case '%=':
      return any((v) => likeRe(String(raw)).test(String(v)));
    default:
      // !=% and !%=
      return not(any((v) => likeRe(String(raw)).test(String(v))));
  }
}

/** Two values of a field found in the data (as a filter takes them) and one absent one. */
function samples(e: number, spec: Spec): unknown[] {
  const key = camel(e, spec);
  const seen: unknown[] = [];
  for (const item of items.get(e)!) {
    const v = item[key];
    for (const x of v === null ? [] : spec.multiple ? v : [v]) {
      let f: unknown = x;
      if (spec.type === 'date') f = String(x).slice(0, 10);
      if (spec.type === 'file') f = x.id;
      if (!seen.some((y) => JSON.stringify(y) === JSON.stringify(f))) seen.push(f);
    }
  }
  return [seen[0], seen[Math.floor(seen.length / 2)]];
}

function expectFilter(e: number, spec: Spec, op: string, raw: unknown): void {
  const key = camel(e, spec);
  const want = items
    .get(e)!
    .filter((i) => oracle(spec.type, op, raw)(valuesOf(i, key, spec)))
    .map((i) => i.id);
  const got = ids(e, { [`${op}${key}`]: raw });
  expect(got, `${e} ${op}${spec.name} ${JSON.stringify(raw)}`).toEqual(want);
}

const fieldsOf = (e: number) => DEMO.customFields[e].filter((f) => f.type !== 'boolean');

describe('every prefix on every field type', () => {
  it('=, !=, !, @, !@ (IN takes lists), with numbers given as strings too', () => {
    for (const e of ENTITIES) {
      for (const spec of fieldsOf(e)) {
        const [a, b] = samples(e, spec);
        for (const op of ['', '=', '!=', '!']) expectFilter(e, spec, op, a);
        for (const op of ['@', '!@']) expectFilter(e, spec, op, [a, b]);
        if (typeof a === 'number') expectFilter(e, spec, '', String(a));
      }
    }
  });

  it('>, >=, <, <= on numbers, enumeration ids, employees, files, dates and text', () => {
    for (const e of ENTITIES) {
      for (const spec of fieldsOf(e)) {
        if (!ORDERED.has(spec.type) && !TEXT.has(spec.type)) continue;
        const [, b] = samples(e, spec);
        for (const op of ['>', '>=', '<', '<=']) expectFilter(e, spec, op, b);
      }
    }
  });

  it('%, !%, =%, %=, !=%, !%= on text; on other types LIKE is equality', () => {
    let text = 0;
    for (const e of ENTITIES) {
      for (const spec of fieldsOf(e)) {
        const [a] = samples(e, spec);
        if (!TEXT.has(spec.type)) {
          // Not text: the value must match exactly (§6.4), the negation is not-equal.
          const key = camel(e, spec);
          expect(ids(e, { [`%${key}`]: a })).toEqual(ids(e, { [key]: a }));
          expect(ids(e, { [`!%${key}`]: a })).toEqual(ids(e, { [`!=${key}`]: a }));
          continue;
        }
        text++;
        const t = String(a);
        const mid = t.slice(1, Math.max(2, t.length - 1));
        for (const op of ['%', '!%']) expectFilter(e, spec, op, mid);
        for (const op of ['=%', '%=', '!=%', '!%=']) {
          expectFilter(e, spec, op, `${t.slice(0, 3)}%`);
          expectFilter(e, spec, op, `%${t.slice(-2)}`);
        }
        // Without %, =% is an exact (case-insensitive) match.
        expectFilter(e, spec, '=%', t.toUpperCase());
      }
    }
    expect(text).toBeGreaterThan(30);
  });

  it('an empty value finds the empty fields; its negation the filled ones; negations include empty ones', () => {
    for (const e of ENTITIES) {
      for (const spec of DEMO.customFields[e]) {
        const key = camel(e, spec);
        const all = items.get(e)!;
        const empty = all.filter((i) => valuesOf(i, key, spec).length === 0).map((i) => i.id);
        const filled = all.filter((i) => valuesOf(i, key, spec).length > 0).map((i) => i.id);
        expect(empty.length, `${e} ${spec.name}`).toBeGreaterThan(0);
        expect(ids(e, { [key]: '' }), `${e} =''`).toEqual(empty);
        expect(ids(e, { [key]: null }), `${e} =null`).toEqual(empty);
        expect(ids(e, { [`!=${key}`]: '' }), `${e} !=''`).toEqual(filled);
        expect(ids(e, { [`!${key}`]: '' }), `${e} !''`).toEqual(filled);
        if (spec.type === 'boolean') continue;
        // A negation of a value: every record not holding it, the empty ones included.
        const [a] = samples(e, spec);
        const not = ids(e, { [`!=${key}`]: a });
        for (const id of empty) expect(not).toContain(id);
        expect(ids(e, { [`!@${key}`]: [a] })).toEqual(not);
      }
    }
  });

  it('custom booleans are filtered by 1/0 only (Y/N match nothing); !=1 includes the unset ones', () => {
    for (const e of ENTITIES) {
      for (const spec of DEMO.customFields[e].filter((f) => f.type === 'boolean')) {
        const key = camel(e, spec);
        const all = items.get(e)!;
        const yes = all.filter((i) => i[key] === 'Y').map((i) => i.id);
        const no = all.filter((i) => i[key] === 'N').map((i) => i.id);
        const unset = all.filter((i) => i[key] === null).map((i) => i.id);
        expect(
          [yes.length, no.length, unset.length].every((n) => n > 0),
          `${e} ${spec.name}`,
        ).toBe(true);
        expect(ids(e, { [key]: 1 })).toEqual(yes);
        expect(ids(e, { [key]: '1' })).toEqual(yes);
        expect(ids(e, { [key]: 0 })).toEqual(no);
        expect(ids(e, { [key]: '0' })).toEqual(no);
        expect(ids(e, { [key]: 'Y' })).toEqual([]);
        expect(ids(e, { [key]: 'N' })).toEqual([]);
        expect(ids(e, { [`!=${key}`]: 1 })).toEqual([...no, ...unset].sort((a, b) => a - b));
        expect(ids(e, { [`@${key}`]: [0, 1] })).toEqual([...yes, ...no].sort((a, b) => a - b));
      }
    }
  });

  it('multiple fields match when any value matches; a negation when none does', () => {
    let checked = 0;
    for (const e of ENTITIES) {
      for (const spec of DEMO.customFields[e].filter((f) => f.multiple)) {
        const key = camel(e, spec);
        const withMany = items.get(e)!.find((i) => i[key].length > 1);
        if (!withMany) continue;
        checked++;
        const second = spec.type === 'file' ? withMany[key][1].id : withMany[key][1];
        const value = spec.type === 'date' ? String(second).slice(0, 10) : second;
        expect(ids(e, { [key]: value })).toContain(withMany.id);
        expect(ids(e, { [`!${key}`]: value })).not.toContain(withMany.id);
      }
    }
    expect(checked).toBeGreaterThan(10);
  });
});

describe('dates in the portal time zone (+03:00)', () => {
  it('a date without a zone is the portal day; the same instant in UTC is the same filter', () => {
    const spec = DEMO.customFields[2].find((f) => f.label === 'Дата договора')!;
    const key = camel(2, spec);
    const day = items
      .get(2)!
      .find((i) => i[key])!
      [key].slice(0, 10) as string;
    const onDay = ids(2, { [key]: day });
    expect(onDay.length).toBeGreaterThan(0);
    expect(ids(2, { [key]: `${day}T00:00:00+03:00` })).toEqual(onDay);
    const before = new Date(Date.parse(`${day}T00:00:00+03:00`)).toISOString().replace('.000Z', 'Z');
    expect(before).toMatch(/T21:00:00Z$/);
    expect(ids(2, { [key]: before })).toEqual(onDay);
    // Midnight UTC is 03:00 in the portal: no date field holds it.
    expect(ids(2, { [key]: `${day}T00:00:00Z` })).toEqual([]);
    expect(ids(2, { [`>=${key}`]: day, [`<${key}`]: `${day}T00:00:01+03:00` })).toEqual(onDay);
    // DD.MM.YYYY, the portal's own format, is the portal day as well.
    const [y, m, d] = day.split('-');
    expect(ids(2, { [key]: `${d}.${m}.${y}` })).toEqual(onDay);
  });

  it('datetimes: the same instant written in another zone finds the same records', () => {
    const spec = DEMO.customFields[2].find((f) => f.type === 'datetime')!;
    const key = camel(2, spec);
    const when = items.get(2)!.find((i) => i[key])![key] as string;
    const utc = new Date(Date.parse(when)).toISOString().replace('.000Z', '+00:00');
    expect(ids(2, { [key]: utc })).toEqual(ids(2, { [key]: when }));
    expect(ids(2, { [`<=${key}`]: utc })).toEqual(ids(2, { [`<=${key}`]: when }));
    expect(ids(2, { [key]: when.slice(0, 19) })).toEqual(ids(2, { [key]: when }));
  });
});

describe('logic OR and nested groups', () => {
  it('top-level OR, OR inside AND, AND inside OR, and a PHP list where JSON has an object', () => {
    const e = 3;
    const all = items.get(e)!;
    const spec = (label: string) => DEMO.customFields[3].find((f) => f.label === label)!;
    const age = camel(e, spec('Idade'));
    const vip = camel(e, spec('Cliente VIP'));
    const interests = camel(e, spec('Interesses'));
    const tags = camel(e, spec('Tags'));
    const interest = all.find((i) => i[interests].length)![interests][0];
    const pick = (p: (i: Item) => boolean) => all.filter(p).map((i) => i.id);

    expect(ids(e, { logic: 'OR', [`>=${age}`]: 70, [vip]: 1 })).toEqual(
      pick((i) => (i[age] ?? -1) >= 70 || i[vip] === 'Y'),
    );
    expect(ids(e, { 0: { logic: 'OR', [`<${age}`]: 25, [interests]: interest }, [`!${vip}`]: 1 })).toEqual(
      pick((i) => ((i[age] !== null && i[age] < 25) || i[interests].includes(interest)) && i[vip] !== 'Y'),
    );
    expect(
      ids(e, {
        0: {
          logic: 'OR',
          0: { [`>${age}`]: 60, [`%${tags}`]: 'vip' },
          1: { [`=${tags}`]: '', [vip]: 0 },
          2: { logic: 'or', [`@${age}`]: [30, 31], [`!%${tags}`]: 'b' },
        },
      }),
    ).toEqual(
      pick(
        (i) =>
          ((i[age] ?? -1) > 60 && i[tags].some((t: string) => t.includes('vip'))) ||
          (i[tags].length === 0 && i[vip] === 'N') ||
          [30, 31].includes(i[age]) ||
          !i[tags].some((t: string) => t.includes('b')),
      ),
    );
    expect(ids(e, [{ logic: 'OR', 0: { [vip]: 1 }, 1: { [`>${age}`]: 75 } }])).toEqual(
      pick((i) => i[vip] === 'Y' || (i[age] ?? -1) > 75),
    );
  });

  it('old-style lists take custom fields by UPPER name and ignore logic', () => {
    const all = items.get(3)!;
    const spec = DEMO.customFields[3].find((f) => f.label === 'Idade')!;
    const key = camel(3, spec);
    const want = all.filter((i) => i[key] !== null && i[key] >= 40).map((i) => String(i.id));
    const got: string[] = [];
    for (let start = 0; ; start += 50) {
      const page = call(s, 'crm.contact.list', { filter: { [`>=${spec.name}`]: 40 }, select: ['ID'], start });
      got.push(...page.result.map((r: { ID: string }) => r.ID));
      if (page.next === undefined) break;
    }
    expect(got).toEqual(want);
    const withOr = call(s, 'crm.contact.list', {
      filter: { logic: 'OR', [`>=${spec.name}`]: 79, [`<=${spec.name}`]: 18 },
      select: ['ID'],
    });
    expect(withOr.total).toBe(all.filter((i) => i[key] !== null && i[key] >= 79 && i[key] <= 18).length);
  });
});

describe('order', () => {
  /** The oracle's order: NULL (no value; a multiple field by its first value) first ascending and
   * last descending, as MySQL sorts; ties by id. */
  function sorted(e: number, spec: Spec, desc: boolean): number[] {
    const key = camel(e, spec);
    const keyOf = (i: Item) => valuesOf(i, key, spec)[0] ?? null;
    return [...items.get(e)!]
      .sort((a, b) => {
        const x = keyOf(a);
        const y = keyOf(b);
        let c = x === null ? (y === null ? 0 : -1) : y === null ? 1 : x < y ? -1 : x > y ? 1 : 0;
        if (desc) c = -c;
        return c || a.id - b.id;
      })
      .map((i) => i.id);
  }

  it('by every custom field, ASC and DESC, across pages; NULLs first on ASC, last on DESC', () => {
    for (const e of ENTITIES) {
      for (const spec of DEMO.customFields[e]) {
        const key = camel(e, spec);
        for (const dir of ['ASC', 'DESC'] as const) {
          const got = pages({ entityTypeId: e, order: { [key]: dir }, select: ['id'] }).map((i) => i.id);
          expect(got, `${e} ${spec.name} ${dir}`).toEqual(sorted(e, spec, dir === 'DESC'));
        }
      }
    }
  });

  it('two keys: the second orders ties of the first', () => {
    const e = 3;
    const enumSpec = DEMO.customFields[3].find((f) => f.label === 'Status' && f.type === 'enumeration')!;
    const ageSpec = DEMO.customFields[3].find((f) => f.label === 'Idade')!;
    const [st, age] = [camel(e, enumSpec), camel(e, ageSpec)];
    const got = pages({ entityTypeId: e, order: { [st]: 'DESC', [age]: 'ASC' }, select: ['id', st, age] });
    for (let k = 1; k < got.length; k++) {
      const [a, b] = [got[k - 1], got[k]];
      if (a[st] === b[st] && a[age] !== null && b[age] !== null) expect(a[age]).toBeLessThanOrEqual(b[age]);
      if (a[st] !== null && b[st] !== null) expect(a[st]).toBeGreaterThanOrEqual(b[st]);
    }
    expect(got.at(-1)![st]).toBeNull();
  });
});

describe('names a filter or an order may not use (crm-item-list.md errors)', () => {
  it('unknown names, fm, UF names in the other spelling and fields the type switches off are refused', () => {
    const refused: [number, Record<string, unknown>, string][] = [
      [3, { ufCrmNope: 1 }, 'ufCrmNope'],
      [3, { fm: 'x' }, 'fm'],
      [3, { UF_CRM_AGE: 30 }, 'UF_CRM_AGE'],
      [1032, { stageId: 'DT1032_10:NEW' }, 'stageId'],
      [130, { '>opportunity': 1 }, 'opportunity'],
      [1034, { '@observers': [1] }, 'observers'],
    ];
    for (const [e, filter, name] of refused) {
      const err = fail(s, 'crm.item.list', { entityTypeId: e, filter });
      expect([err.code, err.description]).toEqual([
        'INVALID_ARG_VALUE',
        `Invalid filter: field '${name}' is not allowed in filter`,
      ]);
      const key = Object.keys(filter)[0].replace(/^[!@%<>=]+/, '');
      const o = fail(s, 'crm.item.list', { entityTypeId: e, order: { [key]: 'ASC' } });
      expect([o.code, o.description]).toEqual([
        'INVALID_ARG_VALUE',
        `Invalid order: field '${name}' is not allowed in order`,
      ]);
    }
    // …and inside a nested group too.
    expect(
      fail(s, 'crm.item.list', { entityTypeId: 3, filter: { 0: { logic: 'OR', 0: { nope: 1 } } } }).description,
    ).toBe("Invalid filter: field 'nope' is not allowed in filter");
    // With useOriginalUfNames=Y the UPPER name is the field.
    expect(
      call(s, 'crm.item.list', { entityTypeId: 3, useOriginalUfNames: 'Y', filter: { UF_CRM_AGE: 30 } }).total,
    ).toBe(items.get(3)!.filter((i) => i.ufCrmAge === 30).length);
  });

  it('a value a field cannot hold is "has invalid value"', () => {
    const spec = DEMO.customFields[3].find((f) => f.label === 'Idade')!;
    const err = fail(s, 'crm.item.list', { entityTypeId: 3, filter: { [`>${camel(3, spec)}`]: 'old' } });
    expect(err.description).toBe(`Invalid filter: field '${camel(3, spec)}' has invalid value`);
  });
});
