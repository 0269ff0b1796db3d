// Keyset pages of crm.item.list in ANY order: rows ordered by the requested keys, then by id, read
// after a position (the ordered values and id of the last row seen). One chained batch reads up to
// 2,500 rows: command 0 starts after the position, each next one after the last row of the one
// before (`$result[n][items][49][key]`), so nothing is skipped or repeated however rows move.
//
// Empty values: the portal orders them first ascending and last descending (MySQL: NULL sorts
// lowest) and filters them with `''` (`=key: ''` empty, `!=key: ''` not). A reference to an empty
// value cannot say "after empty" (it would compare with ''), so the chain stops at a page whose last
// row has an empty ordered value, and the page goes on from that row's concrete position in the
// next request. Such a boundary costs one request more; a page never comes back short.
import { ref, type Command, type CommandResult } from '../upstream/batch.js';
import { PAGE, settle } from '../upstream/paging.js';
import type { BitrixPortal } from '../upstream/portal.js';
import { MAX_BATCH, type SubmitOptions } from '../upstream/scheduler.js';
import { ALL, and, compile, NONE, or, type Condition, type Scalar } from './conditions.js';

export interface OrderKey {
  /** crm.item field name (camelCase); `id` only as the last key (it replaces the tiebreak). */
  key: string;
  direction: 'ASC' | 'DESC';
}

/** After this row: its ordered values (null when empty) and its id. */
export interface OrderedPosition {
  values: (string | number | null)[];
  id: number;
}

export interface OrderedQuery {
  entityTypeId: number;
  where: Condition;
  order: OrderKey[];
  select: readonly string[];
}

type Row = Record<string, unknown>;

const isEmpty = (v: unknown) => v === null || v === undefined || v === '';

/** Rows after `after` in the query's order (ties broken by id ascending). */
function after(order: OrderKey[], values: (Scalar | null)[], id: Scalar): Condition {
  const branches: Condition[] = [];
  const equal: Condition[] = [];
  order.forEach(({ key, direction }, i) => {
    const value = values[i];
    branches.push(and(...equal, beyond(key, direction, value)));
    equal.push(value === null ? { op: 'isNull', key, value: true } : { op: 'eq', key, value });
  });
  // Ordered by id itself (then last: ids are unique): no tiebreak needed.
  if (!order.some((o) => o.key === 'id')) branches.push(and(...equal, { op: 'gt', key: 'id', value: id }));
  return or(...branches);
}

/** Values strictly after `value` on one key: empties come first ascending, last descending. */
function beyond(key: string, direction: 'ASC' | 'DESC', value: Scalar | null): Condition {
  const notEmpty: Condition = { op: 'isNull', key, value: false };
  const empty: Condition = { op: 'isNull', key, value: true };
  if (direction === 'ASC') return value === null ? notEmpty : { op: 'gt', key, value };
  return value === null ? NONE : or({ op: 'lt', key, value }, empty);
}

export function positionOf(order: OrderKey[], row: Row): OrderedPosition {
  return {
    values: order.map(({ key }) => (isEmpty(row[key]) ? null : (row[key] as string | number))),
    id: Number(row.id),
  };
}

/**
 * `first` rows after `position` (from the start when null), and whether more follow. One HTTP
 * request per 2,500 rows, plus one per empty-value boundary crossed (see above).
 */
export async function readOrderedPage(
  portal: BitrixPortal,
  query: OrderedQuery,
  position: OrderedPosition | null,
  first: number,
  options: SubmitOptions = {},
): Promise<{ rows: Row[]; hasNextPage: boolean }> {
  const rows: Row[] = [];
  let from = position;
  for (;;) {
    const chain = await readChain(portal, query, from, first + 1 - rows.length, options);
    rows.push(...chain.rows);
    if (rows.length > first) return { rows: rows.slice(0, first), hasNextPage: true };
    if (chain.ended) return { rows, hasNextPage: false };
    from = positionOf(query.order, rows[rows.length - 1]);
  }
}

/** Up to `wanted` rows in one chained batch; `ended` when the list has no more. When more rows are
 * wanted than a batch holds, its last command runs with `start=0`: its `next` says whether more
 * rows follow (a COUNT over the rest only). */
async function readChain(
  portal: BitrixPortal,
  query: OrderedQuery,
  position: OrderedPosition | null,
  wanted: number,
  options: SubmitOptions,
): Promise<{ rows: Row[]; ended: boolean }> {
  const pages = Math.ceil(wanted / PAGE);
  const count = Math.min(pages, MAX_BATCH);
  const order: Record<string, string> = {};
  for (const o of query.order) order[o.key] = o.direction;
  order.id ??= 'ASC'; // the tiebreak, last
  const select = [...new Set([...query.select, 'id', ...query.order.map((o) => o.key)])];
  const command = (bound: Condition, start: number): Command | null => {
    const filter = compile(and(query.where, bound));
    const params = { entityTypeId: query.entityTypeId, select, filter, order, start };
    return filter && { method: 'crm.item.list', params };
  };
  const counted = (i: number) => (pages > MAX_BATCH && i === count - 1 ? 0 : -1);
  const head = command(position ? after(query.order, position.values, position.id) : ALL, counted(0));
  if (!head) return { rows: [], ended: true };
  const commands: Command[] = [head];
  for (let i = 1; i < count; i++) {
    const last = (key: string) => ref(i - 1, 'items', PAGE - 1, key);
    const next = command(
      after(
        query.order,
        query.order.map((o) => last(o.key)),
        last('id'),
      ),
      counted(i),
    );
    if (next) commands.push(next);
  }
  const outcomes =
    commands.length === 1
      ? [await settle(portal.scheduler.submit(commands[0], options))]
      : await portal.chain(commands, options);
  const rows: Row[] = [];
  for (const [i, outcome] of outcomes.entries()) {
    if (outcome instanceof Error) throw outcome;
    const page = rowsOf(outcome);
    rows.push(...page);
    if (page.length < PAGE) return { rows, ended: true };
    // The next command referred to an empty value: what it answered is not trusted.
    if (query.order.some((o) => isEmpty(page[PAGE - 1][o.key]))) return { rows, ended: false };
    if (counted(i) === 0) return { rows, ended: outcome.next === undefined };
  }
  return { rows, ended: false };
}
function rowsOf(outcome: CommandResult): Row[] {
  const items = (outcome.result as { items?: unknown } | undefined)?.items;
  return Array.isArray(items) ? (items as Row[]) : [];
}
