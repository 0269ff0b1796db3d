// What changed in the portal since a position, read from the portal itself: rows ordered by their
// modification time then id (`DATE_MODIFY`/`ID` on old-style lists, `updatedTime`/`id` on
// crm.item.list — both documented filter and order keys), read as a keyset so nothing is skipped
// however rows move while we page. The change feed and the `changes` sync cursor both stand on it.
import { ref, type Command, type CommandResult } from '../upstream/batch.js';
import { BitrixError } from '../upstream/errors.js';
import { MAX_CHAIN_ROWS, PAGE } from '../upstream/paging.js';
import type { BitrixPortal } from '../upstream/portal.js';
import { MAX_BATCH, type SubmitOptions } from '../upstream/scheduler.js';
import { COMPANY } from './companies.js';
import { CONTACT } from './contacts.js';
import { DEAL } from './deals.js';
import { EntityTypeId, isSmartProcessId } from './entity-types.js';
import { LEAD } from './leads.js';
import type { OldEntity } from './records.js';
import { toInt } from './values.js';

/** How one entity type's rows are listed by modification time. */
export interface ChangeSource {
  entityTypeId: number;
  method: string;
  /** Fixed parameters (crm.item's entityTypeId, the select list). */
  base: Record<string, unknown>;
  idKey: 'ID' | 'id';
  timeKey: 'DATE_MODIFY' | 'updatedTime';
  createdKey: 'DATE_CREATE' | 'createdTime';
  rowsPath: readonly string[];
}

const OLD_STYLE: Record<number, OldEntity<unknown>> = {
  [EntityTypeId.contact]: CONTACT,
  [EntityTypeId.company]: COMPANY,
  [EntityTypeId.deal]: DEAL,
  [EntityTypeId.lead]: LEAD,
};

/** The types the change feed follows besides smart processes. */
export const OLD_STYLE_TYPES = [EntityTypeId.contact, EntityTypeId.company, EntityTypeId.deal, EntityTypeId.lead];

export function changeSource(entityTypeId: number): ChangeSource {
  const entity = OLD_STYLE[entityTypeId];
  if (entity)
    return {
      entityTypeId,
      method: `${entity.prefix}.list`,
      base: { select: entity.select },
      idKey: 'ID',
      timeKey: 'DATE_MODIFY',
      createdKey: 'DATE_CREATE',
      rowsPath: [],
    };
  if (!isSmartProcessId(entityTypeId)) throw new RangeError(`no change source for entity type ${entityTypeId}`);
  return {
    entityTypeId,
    method: 'crm.item.list',
    base: { entityTypeId, select: ['*'] },
    idKey: 'id',
    timeKey: 'updatedTime',
    createdKey: 'createdTime',
    rowsPath: ['items'],
  };
}

/** A place in a type's (modification time, id) order: after this row. `time` is the portal's own
 * text for the instant (whole seconds with its offset), sent back to it as it came. */
export interface ChangePosition {
  time: string;
  id: number;
}

export type Row = Record<string, unknown>;

export function rowPosition(source: ChangeSource, row: Row): ChangePosition {
  return { time: String(row[source.timeKey] ?? ''), id: toInt(row[source.idKey]) ?? 0 };
}

/** Orders positions: by instant, then by id. */
export function comparePositions(a: ChangePosition, b: ChangePosition): number {
  return Date.parse(a.time) - Date.parse(b.time) || a.id - b.id;
}

export interface ChangedRows {
  rows: Row[];
  /** The position after the last row returned (the one given when none). */
  last: ChangePosition | null;
  /** More rows may follow `last` (up to the horizon). */
  more: boolean;
}

export interface ScanOptions extends SubmitOptions {
  /** Only rows modified at or before this instant (portal text); none = up to now. */
  horizon?: string;
  /** At most this many rows (≤ 2,500: one HTTP request). @default 2500 */
  limit?: number;
}

/**
 * Rows modified after `after` (all rows when null), in (time, id) order, in ONE chained batch:
 *   - c0 `=time t, >id i`: the rest of the second the position stands in;
 *   - c1 `>time t`: the seconds after it;
 *   - cN `>=time $result[cN-1][49][time]`: the next page, from the second the previous page ended
 *     in (rows of that second already read are dropped here, by position).
 * A second holding more than 50 rows stops the chain at that second; the next call's c0 reads the
 * rest of it by id. Every filter key is an equality or a bound on the time and the id, so the
 * reading is exact even while rows change: a row that changes moves past the horizon or to the end,
 * and is read again there.
 */
export async function changedRows(
  portal: BitrixPortal,
  source: ChangeSource,
  after: ChangePosition | null,
  options: ScanOptions = {},
): Promise<ChangedRows> {
  const limit = Math.min(options.limit ?? MAX_CHAIN_ROWS, MAX_CHAIN_ROWS);
  const { timeKey, idKey } = source;
  const bound: Row = options.horizon ? { [`<=${timeKey}`]: options.horizon } : {};
  const order = { [timeKey]: 'ASC', [idKey]: 'ASC' };
  const command = (filter: Row): Command => ({
    method: source.method,
    params: { ...source.base, filter: { ...filter, ...bound }, order, start: -1 },
  });
  const commands: Command[] = [];
  if (after) commands.push(command({ [`=${timeKey}`]: after.time, [`>${idKey}`]: after.id }));
  const first = commands.length;
  commands.push(command(after ? { [`>${timeKey}`]: after.time } : {}));
  const pages = Math.min(MAX_BATCH - first, Math.ceil(limit / PAGE) + 1);
  for (let i = commands.length; i < first + pages; i++)
    commands.push(command({ [`>=${timeKey}`]: ref(i - 1, ...source.rowsPath, PAGE - 1, timeKey) }));

  const outcomes = await portal.chain(commands, options);
  const rows: Row[] = [];
  let last = after;
  let more = true;
  const take = (page: Row[]) => {
    for (const row of page) {
      const position = rowPosition(source, row);
      if (last && comparePositions(position, last) <= 0) continue;
      rows.push(row);
      last = position;
    }
  };
  for (let i = 0; i < outcomes.length; i++) {
    const page = rowsOf(outcomes[i], source.rowsPath);
    const before = rows.length;
    take(page);
    if (i < first) {
      if (page.length === PAGE) break; // the position's second holds more: read it on by id
      continue;
    }
    if (page.length < PAGE) {
      more = false; // the list ends here; later commands ran on an unresolved reference
      break;
    }
    if (rows.length === before) break; // one second holds a whole page: go on by id next time
  }
  if (rows.length > limit) {
    rows.length = limit;
    last = rowPosition(source, rows[limit - 1]);
    more = true;
  }
  return { rows, last, more };
}

function rowsOf(outcome: CommandResult | BitrixError, path: readonly string[]): Row[] {
  if (outcome instanceof BitrixError) throw outcome;
  let value: unknown = outcome.result;
  for (const key of path) value = (value as Row | undefined)?.[key];
  return Array.isArray(value) ? (value as Row[]) : [];
}

/** Every id of a type, ascending (2,500 per HTTP request, `select` of the id only): what the
 * deletion scan compares with the ids it knew. */
export async function allIds(
  portal: BitrixPortal,
  source: ChangeSource,
  options: SubmitOptions = {},
): Promise<number[]> {
  const list = { method: source.method, idKey: source.idKey, rowsPath: source.rowsPath };
  const base = { ...source.base, select: [source.idKey] };
  const ids: number[] = [];
  let after = 0;
  for (;;) {
    const page = await portal.page<Row>(list, base, {}, after, MAX_CHAIN_ROWS, options);
    for (const row of page.rows) ids.push(toInt(row[source.idKey]) ?? 0);
    if (!page.hasNextPage || page.rows.length === 0) return ids;
    after = ids[ids.length - 1];
  }
}
