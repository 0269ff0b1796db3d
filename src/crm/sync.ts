// The `changes` sync cursor for backends that mirror the CRM. A cursor holds, per type, where the
// reading stands, and the last deletion it has seen:
//   1. snapshot: every record modified up to the cursor's first horizon H, by id (2,500 per
//      request), as ADD;
//   2. then the records modified after H in (modification time, id) order (change-scan.ts), up to
//      a horizon that trails the portal's clock by SETTLE_MS so that a second is over before we
//      pass it: no write can still land in it. ADD when created after the position, else UPDATE;
//   3. deletions from the change feed's log (the portal keeps no trace of them), by their seq.
// Every position is exact, so within one cursor no change is missed and none is given twice; a
// record that changed several times between two reads is given once, as it is now.
import { MAX_CHAIN_ROWS } from '../upstream/paging.js';
import type { BitrixPortal } from '../upstream/portal.js';
import type { SubmitOptions } from '../upstream/scheduler.js';
import type { ChangeFeed } from './change-feed.js';
import {
  changedRows,
  changeSource,
  rowPosition,
  type ChangePosition,
  type ChangeSource,
  type Row,
} from './change-scan.js';
import type { ChangeAction } from './changes.js';
import { COMPANY } from './companies.js';
import { CONTACT } from './contacts.js';
import { DEAL } from './deals.js';
import { EntityTypeId, isSmartProcessId } from './entity-types.js';
import { toItem } from './items.js';
import { LEAD } from './leads.js';
import { toInt } from './values.js';

/** How far behind the portal's clock the cursor reads: a second must be over, and any write
 * stamped with it committed, before the cursor passes it. */
export const SETTLE_MS = 3_000;
/** After every id of a second: where a snapshot hands over to the modification-time reading. */
const END_OF_SECOND = 2_147_483_647;

interface TypeCursor {
  /** Snapshot phase: after this id, rows modified up to `h`. */
  s?: { after: number; h: string };
  /** Modification-time phase: after this position. */
  p?: ChangePosition;
}

export interface SyncCursor {
  v: 1;
  types: Record<string, TypeCursor>;
  /** The last deletion seq given. */
  d: number;
}

export interface SyncEntry {
  action: ChangeAction;
  entityTypeId: number;
  id: number;
  /** The modification time (the deletion's discovery, for DELETE), epoch ms. */
  at: number;
  /** The record as it is now (normalised like every other read); null for DELETE. */
  record: unknown;
}

export interface SyncPage {
  entries: SyncEntry[];
  cursor: string;
  /** More entries are ready now (read on at once); false: you are up to date. */
  hasMore: boolean;
}

export class CursorError extends Error {
  constructor(
    message: string,
    readonly expired = false,
  ) {
    super(message);
  }
}

function encodeCursor(cursor: SyncCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(text: string): SyncCursor {
  let cursor: SyncCursor;
  try {
    cursor = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as SyncCursor;
  } catch {
    throw new CursorError('not a cursor this gateway gave');
  }
  const typesOk =
    cursor &&
    typeof cursor === 'object' &&
    cursor.v === 1 &&
    Number.isInteger(cursor.d) &&
    cursor.types &&
    typeof cursor.types === 'object' &&
    Object.entries(cursor.types).every(
      ([type, t]) =>
        Number.isInteger(Number(type)) &&
        (t.s
          ? Number.isInteger(t.s.after) && !Number.isNaN(Date.parse(t.s.h))
          : t.p && Number.isInteger(t.p.id) && !Number.isNaN(Date.parse(t.p.time))),
    );
  if (!typesOk) throw new CursorError('not a cursor this gateway gave');
  return cursor;
}

/** The record a row is, normalised as every read normalises it. */
function recordOf(entityTypeId: number, row: Row): unknown {
  switch (entityTypeId) {
    case EntityTypeId.contact:
      return CONTACT.normalise(row);
    case EntityTypeId.company:
      return COMPANY.normalise(row);
    case EntityTypeId.deal:
      return DEAL.normalise(row);
    case EntityTypeId.lead:
      return LEAD.normalise(row);
    default:
      return toItem(row, entityTypeId);
  }
}

/** A new cursor at the beginning: every record of `types`, then every change. */
export async function firstCursor(
  portal: BitrixPortal,
  feed: ChangeFeed,
  types: readonly number[],
): Promise<SyncCursor> {
  const clock = portal.transport.clock;
  if (!clock.known) await portal.read('user.current', {}); // learn the portal's clock first
  const h = clock.format(clock.now() - SETTLE_MS);
  const { head } = await feed.store.deletionBounds();
  return { v: 1, types: Object.fromEntries(types.map((t) => [t, { s: { after: 0, h } }])), d: head };
}

/** Up to `first` entries after `cursor`, and the cursor after them. */
export async function readChanges(
  portal: BitrixPortal,
  feed: ChangeFeed,
  cursor: SyncCursor,
  first: number,
  options: SubmitOptions = {},
): Promise<SyncPage> {
  const limit = Math.min(Math.max(first, 1), MAX_CHAIN_ROWS);
  const next: SyncCursor = { v: 1, types: structuredClone(cursor.types), d: cursor.d };
  const types = Object.keys(next.types).map(Number);
  const { oldest } = await feed.store.deletionBounds();
  if (cursor.d < oldest)
    throw new CursorError('deletions after this cursor are no longer kept: sync again from the beginning', true);

  // 1. Snapshots, type after type, until the page is full.
  const entries: SyncEntry[] = [];
  for (const type of types) {
    const state = next.types[type];
    if (!state.s || entries.length >= limit) continue;
    const source = changeSource(type);
    const list = { method: source.method, idKey: source.idKey, rowsPath: source.rowsPath };
    const page = await portal.page<Row>(
      list,
      source.base,
      { [`<=${source.timeKey}`]: state.s.h },
      state.s.after,
      limit - entries.length,
      options,
    );
    for (const row of page.rows) entries.push(entry(source, row, 'add'));
    await feed.seen(
      type,
      page.rows.map((row) => toInt(row[source.idKey]) ?? 0),
    );
    if (page.rows.length) state.s.after = toInt(page.rows.at(-1)![source.idKey]) ?? state.s.after;
    if (!page.hasNextPage) next.types[type] = { p: { time: state.s.h, id: END_OF_SECOND } };
  }
  if (types.some((type) => next.types[type].s)) return { entries, cursor: encodeCursor(next), hasMore: true };
  if (entries.length >= limit) return { entries, cursor: encodeCursor(next), hasMore: true };

  // 2. and 3. Changes since each position and deletions since `d`, merged by time; only what
  // every stream has read up to is given (a stream cut short may hold rows before its end).
  const room = limit - entries.length;
  const clock = portal.transport.clock;
  const horizonMs = clock.now() - SETTLE_MS;
  const horizon = clock.format(horizonMs);
  const streams = await Promise.all(
    types.map(async (type) => {
      const source = changeSource(type);
      const after = next.types[type].p!;
      const page = await changedRows(portal, source, after, { ...options, horizon, limit: room });
      return { type, source, after, page };
    }),
  );
  const deletions = await feed.store.deletionsAfter(cursor.d, room + 1);

  // Every candidate has a key (instant, stream, id) in the one order entries are given in.
  type Key = [number, number, number];
  const before = (a: Key, b: Key) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
  const candidates: { key: Key; take(): SyncEntry | null }[] = [];
  // A stream cut short may hold more rows after its last: only keys up to it are ready.
  let cut: Key | null = null;
  const cutAt = (key: Key) => {
    if (!cut || before(key, cut) < 0) cut = key;
  };
  for (const [order, { type, source, after, page }] of streams.entries()) {
    const afterMs = Date.parse(after.time);
    let key: Key | null = null;
    for (const row of page.rows) {
      const position = rowPosition(source, row);
      const created = Date.parse(String(row[source.createdKey] ?? ''));
      key = [Date.parse(position.time), order, position.id];
      candidates.push({
        key,
        take: () => {
          next.types[type] = { p: position };
          return entry(source, row, created > afterMs ? 'add' : 'update');
        },
      });
    }
    if (page.more && key) cutAt(key);
  }
  // Deletions in seq order, each no earlier than the one before (two scans' instants may cross),
  // up to the horizon; those of types this cursor does not follow only move it on.
  let floor = 0;
  let last: Key | null = null;
  for (const deletion of deletions.slice(0, room)) {
    floor = Math.max(floor, deletion.at);
    if (floor > horizonMs) break;
    last = [floor, types.length, deletion.seq];
    candidates.push({
      key: last,
      take: () => {
        next.d = deletion.seq;
        return types.includes(deletion.entityTypeId)
          ? { action: 'delete', entityTypeId: deletion.entityTypeId, id: deletion.id, at: deletion.at, record: null }
          : null;
      },
    });
  }
  if (deletions.length > room && last) cutAt(last);
  candidates.sort((a, b) => before(a.key, b.key));
  const ready = cut ? candidates.filter((c) => before(c.key, cut!) <= 0) : candidates;
  const taken = ready.slice(0, room);
  for (const candidate of taken) {
    const given = candidate.take();
    if (given) entries.push(given);
  }
  for (const { type } of streams) {
    const ids = entries.filter((e) => e.entityTypeId === type && e.action !== 'delete').map((e) => e.id);
    if (ids.length) await feed.seen(type, ids);
  }
  return { entries, cursor: encodeCursor(next), hasMore: ready.length > taken.length || cut !== null };
}

function entry(source: ChangeSource, row: Row, action: ChangeAction): SyncEntry {
  const position = rowPosition(source, row);
  return {
    action,
    entityTypeId: source.entityTypeId,
    id: position.id,
    at: Date.parse(position.time),
    record: recordOf(source.entityTypeId, row),
  };
}

/** The types a new cursor follows: the named old-style ones and the smart processes asked for. */
export function syncTypes(oldStyle: readonly number[], smartProcesses: readonly number[]): number[] {
  for (const id of smartProcesses)
    if (!isSmartProcessId(id)) throw new CursorError(`${id} is not a smart-process type (they start at 128)`);
  return [...new Set([...oldStyle, ...smartProcesses])];
}
