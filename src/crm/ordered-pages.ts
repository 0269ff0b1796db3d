// Keyset pages of crm.item.list in ANY order: rows ordered by the requested keys, then by id, read
// after a position (the ordered values and id of the last row seen). One chained batch reads up to
// 2,500 rows: command 0 starts after the position, each next one after the last row of the one
// before (`$result[n][items][49][key]`), so nothing is skipped or repeated however rows move.
//
// Empty values: the portal orders them first ascending and last descending (MySQL: NULL sorts
// lowest) and filters them with `''` (`=key: ''` empty, `!=key: ''` not). A reference to an empty
// value cannot say "after empty" (it would compare with ''), so a chain stops at a page whose last
// row has an empty ordered value, and the page goes on from that row's concrete position in the
// next request. Inside a run of empty first keys that next request reads the run as a chain of its
// own (ordered by the other keys and id, references that are never the empty key), followed in the
// same batch by the rows after the run: a long run costs two or three requests, not one per 50 rows.
// A page never comes back short.
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

/** A part of the list read by one chain: its condition, its order, and where in it to start
 * (null: at its beginning). */
interface Segment {
  where: Condition;
  order: OrderKey[];
  from: OrderedPosition | null;
}

/** The chains to read after `position`: the whole list, one chain; but inside a run of rows whose
 * first key is empty, that run (ordered by the other keys and id: references there are never the
 * empty key) and, ascending, the rows after it from their beginning. */
function segments(order: OrderKey[], position: OrderedPosition | null): Segment[] {
  const whole: Segment[] = [{ where: ALL, order, from: position }];
  if (!position || position.values[0] !== null || order.length === 0 || order[0].key === 'id') return whole;
  const [{ key, direction }, ...rest] = order;
  const run: Segment = {
    where: { op: 'isNull', key, value: true },
    order: rest,
    from: { values: position.values.slice(1), id: position.id },
  };
  return direction === 'ASC' ? [run, { where: { op: 'isNull', key, value: false }, order, from: null }] : [run];
}

/**
 * `first` rows after `position` (from the start when null), and whether more follow. One HTTP
 * request per 2,500 rows, plus one where a segment ends with the batch's commands spent on it.
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
    if (chain.rows.length === 0 && !chain.ended) throw new Error('an ordered read made no progress');
    rows.push(...chain.rows);
    if (rows.length > first || (rows.length === first && chain.more))
      return { rows: rows.slice(0, first), hasNextPage: true };
    if (chain.ended) return { rows, hasNextPage: false };
    from = positionOf(query.order, rows[rows.length - 1]);
  }
}

/** Up to `wanted` rows in one chained batch: each segment's commands, one after the other.
 * `ended`: the list has no more; `more`: it surely has (a counted command said `next`). When more
 * rows are wanted than a batch holds, its last command runs with `start=0`, whose `next` says
 * whether more rows follow in its segment (a COUNT over the rest only). */
async function readChain(
  portal: BitrixPortal,
  query: OrderedQuery,
  position: OrderedPosition | null,
  wanted: number,
  options: SubmitOptions,
): Promise<{ rows: Row[]; ended: boolean; more: boolean }> {
  const pages = Math.ceil(wanted / PAGE);
  const select = [...new Set([...query.select, 'id', ...query.order.map((o) => o.key)])];
  const commands: Command[] = [];
  const parts: { segment: Segment; first: number; count: number }[] = [];
  let unread = false; // a segment left for the next batch
  const segmentList = segments(query.order, position);
  for (const segment of segmentList) {
    const order: Record<string, string> = {};
    for (const o of query.order) order[o.key] = o.direction;
    order.id ??= 'ASC'; // the tiebreak, last
    const command = (bound: Condition): Command | null => {
      const filter = compile(and(query.where, segment.where, bound));
      const params = { entityTypeId: query.entityTypeId, select, filter, order, start: -1 };
      return filter && { method: 'crm.item.list', params };
    };
    const start = commands.length;
    // A later segment keeps one command at least: the batch always gets past this one.
    const later = segmentList.length - 1 - segmentList.indexOf(segment);
    const count = Math.min(pages, MAX_BATCH - start - later);
    if (count <= 0) {
      unread = true;
      break;
    }
    const head = command(segment.from ? after(segment.order, segment.from.values, segment.from.id) : ALL);
    if (!head) continue; // nothing can match in this segment
    commands.push(head);
    for (let i = 1; i < count; i++) {
      const last = (key: string) => ref(start + i - 1, 'items', PAGE - 1, key);
      const next = command(
        after(
          segment.order,
          segment.order.map((o) => last(o.key)),
          last('id'),
        ),
      );
      if (next) commands.push(next);
    }
    parts.push({ segment, first: start, count: commands.length - start });
  }
  if (commands.length === 0) return { rows: [], ended: !unread, more: false };
  const counted = pages > MAX_BATCH ? commands.length - 1 : -1;
  if (counted >= 0) commands[counted].params.start = 0;
  const outcomes =
    commands.length === 1
      ? [await settle(portal.scheduler.submit(commands[0], options))]
      : await portal.chain(commands, options);
  const rows: Row[] = [];
  for (const [n, part] of parts.entries()) {
    let segmentEnded = false;
    for (let i = part.first; i < part.first + part.count; i++) {
      const outcome = outcomes[i];
      if (outcome instanceof Error) throw outcome;
      const page = rowsOf(outcome);
      rows.push(...page);
      if (page.length < PAGE || (i === counted && outcome.next === undefined)) {
        segmentEnded = true;
        break;
      }
      if (i === counted) return { rows, ended: false, more: true };
      // The next command referred to an empty value: what it answered is not trusted.
      if (part.segment.order.some((o) => isEmpty(page[PAGE - 1][o.key]))) return { rows, ended: false, more: false };
    }
    // A segment not read to its end: the next segment's rows do not follow these yet.
    if (!segmentEnded) return { rows, ended: false, more: false };
    if (n === parts.length - 1) return { rows, ended: !unread, more: false };
  }
  return { rows, ended: !unread, more: false };
}

function rowsOf(outcome: CommandResult): Row[] {
  const items = (outcome.result as { items?: unknown } | undefined)?.items;
  return Array.isArray(items) ? (items as Row[]) : [];
}
