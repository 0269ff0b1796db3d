// The change feed: every change of contacts, companies, deals, leads and smart-process cards
// reaches the bus (subscriptions, the record cache) whether or not its event arrived.
//   - Events are the fast path (freshChange reads the record; see use-bitrix-events.ts).
//   - Reconciliation, every `intervalMs`: ONE batch reads, for every type, the rows modified since
//     its watermark (change-scan.ts); a row newer than what was last published goes out as a
//     change. Bitrix24 never re-sends a lost event (events/index.md): this is what finds it.
//   - The deletion scan, every `deletionScanMs`: lists every id (2,500 per request) and compares
//     with the ids it knew; a missing one, confirmed by a fresh read, is a deletion.
// Watermarks, known ids and the deletion log live in a FeedStore (a file or Redis), so a gateway
// that was down reads on from where it stopped.
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import type { BitrixPortal } from '../upstream/portal.js';
import type { SubmitOptions } from '../upstream/scheduler.js';
import {
  allIds,
  changedRows,
  changeSource,
  OLD_STYLE_TYPES,
  rowPosition,
  type ChangePosition,
  type ChangeSource,
  type Row,
} from './change-scan.js';
import {
  freshChange,
  memoryStageMemory,
  type CrmChange,
  type EventHub,
  type ParsedEvent,
  type StageMemory,
} from './changes.js';
import { CONTACT } from './contacts.js';
import { EntityTypeId, isSmartProcessId } from './entity-types.js';
import type { FeedStore } from './feed-store.js';
import { toItem } from './items.js';
import { spaTypes } from './metadata.js';
import { MAX_BATCH } from '../upstream/scheduler.js';
import { PAGE } from '../upstream/paging.js';
import { toInt } from './values.js';

export interface ChangeFeedOptions {
  portal: BitrixPortal;
  hub: EventHub;
  store: FeedStore;
  logger: Logger;
  stages?: StageMemory;
  /** How often reconciliation reads what changed (CHANGE_FEED_INTERVAL_MS). @default 10000 */
  intervalMs?: number;
  /** How often the deletion scan lists every id. @default 300000 */
  deletionScanMs?: number;
  /** How far back each reconciliation reads again, for rows the portal stamped with a second it
   * had already answered for (a write committing as we read). @default 2000 */
  overlapMs?: number;
  /** Whether this replica runs the scans now (one does, with Redis); always when absent. */
  lead?: () => Promise<boolean>;
}

export interface FeedStats {
  reconciliations: number;
  /** Changes reconciliation published that no event had brought. */
  reconciled: number;
  deletionScans: number;
  deletionsFound: number;
  eventsPublished: number;
}

export class ChangeFeed {
  readonly stats: FeedStats = {
    reconciliations: 0,
    reconciled: 0,
    deletionScans: 0,
    deletionsFound: 0,
    eventsPublished: 0,
  };
  /** What was last published per record (its modification instant), so reconciliation does not
   * publish again what an event already brought. */
  private readonly lastPublished = new LRUCache<string, number>({ max: 200_000 });
  private readonly stages: StageMemory;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private lastDeletionScan = 0;
  private stopped = false;

  constructor(private readonly options: ChangeFeedOptions) {
    this.stages = options.stages ?? memoryStageMemory();
  }

  get store(): FeedStore {
    return this.options.store;
  }

  get intervalMs(): number {
    return this.options.intervalMs ?? 10_000;
  }

  /** Runs reconciliation (and, when due, the deletion scan) now — a gateway that was down
   * catches up at once — and then every interval. */
  start(): void {
    if (this.timer || this.stopped) return;
    const loop = (ms: number) => {
      this.timer = setTimeout(async () => {
        await this.runOnce();
        if (!this.stopped) loop(this.intervalMs);
      }, ms);
      this.timer.unref();
    };
    loop(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One round: reconciliation, then the deletion scan when due. Never throws (logged). */
  runOnce(): Promise<void> {
    this.running ??= (async () => {
      try {
        if (this.options.lead && !(await this.options.lead())) return;
        await this.reconcile();
        if (Date.now() - this.lastDeletionScan >= (this.options.deletionScanMs ?? 300_000)) await this.scanDeletions();
      } catch (error) {
        this.options.logger.warn({ err: error }, 'change feed: round failed; it is tried again next interval');
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  /** Every type the feed follows: the four old-style ones and every smart process. */
  async types(options: SubmitOptions = {}): Promise<number[]> {
    const smart = (await spaTypes(this.options.portal, options)).map((t) => t.entityTypeId);
    return [...OLD_STYLE_TYPES, ...smart.filter(isSmartProcessId)];
  }

  /** Reads what changed since each type's watermark, all types in one batch, and publishes
   * what no event brought. Returns how many changes it published. */
  async reconcile(): Promise<number> {
    const { portal, store } = this.options;
    const types = await this.types();
    const clock = portal.transport.clock;
    // One batch for all: each type's chain gets its share of the 50 commands (c0, c1, pages).
    const perType = Math.max(3, Math.floor(MAX_BATCH / types.length));
    const limit = (perType - 2) * PAGE;
    const overlap = this.options.overlapMs ?? 2_000;
    let published = 0;
    const roundStart = clock.now();
    await Promise.all(
      types.map(async (entityTypeId) => {
        const source = changeSource(entityTypeId);
        const stored = await store.position(entityTypeId);
        // A round cut short goes on exactly where it stopped; a caught-up one re-reads from a
        // little before it started (a write committing as it read). Never read before: from now.
        const start: ChangePosition =
          stored && !stored.caughtUp
            ? { time: stored.time, id: stored.id }
            : { time: clock.format((stored ? Date.parse(stored.time) : roundStart) - overlap), id: 0 };
        const page = await changedRows(portal, source, start, { limit });
        const ids = page.rows.map((row) => toInt(row[source.idKey]) ?? 0);
        await store.addKnownIds(entityTypeId, ids);
        for (const row of page.rows) if (await this.publishRow(source, row)) published++;
        await store.setPosition(
          entityTypeId,
          page.more && page.last
            ? { ...page.last, caughtUp: false }
            : { time: clock.format(roundStart), id: 0, caughtUp: true },
        );
      }),
    );
    this.stats.reconciliations++;
    this.stats.reconciled += published;
    if (published)
      this.options.logger.info({ changes: published }, 'change feed: reconciliation found changes no event brought');
    return published;
  }

  /** Lists every id of every type and reports the ones that vanished. Returns how many. */
  async scanDeletions(): Promise<number> {
    const { portal, store } = this.options;
    let found = 0;
    for (const entityTypeId of await this.types()) {
      const source = changeSource(entityTypeId);
      // The ids known BEFORE listing: a record created while we list is not taken for deleted.
      const known = await store.knownIds(entityTypeId);
      const at = portal.transport.clock.now();
      const ids = await allIds(portal, source);
      if (!known) {
        await store.setKnownIds(entityTypeId, ids);
        continue;
      }
      const listed = new Set(ids);
      const missing = [...known].filter((id) => !listed.has(id));
      await store.addKnownIds(
        entityTypeId,
        ids.filter((id) => !known.has(id)),
      );
      if (!missing.length) continue;
      // Never report a deletion on doubt: a fresh read by id must not find the record either.
      const still = await portal.byIds(
        source.method,
        missing,
        (chunk) => ({ ...source.base, select: [source.idKey], filter: { [`@${source.idKey}`]: chunk }, start: -1 }),
        source.rowsPath,
        { fresh: true },
      );
      const present = new Set(still.map((row) => toInt(row[source.idKey])));
      const gone = missing.filter((id) => !present.has(id));
      found += (await this.recordDeletions(entityTypeId, gone, at)).length;
    }
    this.lastDeletionScan = Date.now();
    this.stats.deletionScans++;
    this.stats.deletionsFound += found;
    if (found) this.options.logger.info({ deletions: found }, 'change feed: deletion scan found deleted records');
    return found;
  }

  /** An outgoing-webhook event: the record read fresh, published, and remembered. */
  async onEvent(event: ParsedEvent): Promise<CrmChange> {
    const change = await freshChange(this.options.portal, event, this.stages);
    const key = `${event.entityTypeId}:${event.id}`;
    if (event.action === 'delete') {
      await this.options.store.recordDeletions(
        event.entityTypeId,
        [event.id],
        this.options.portal.transport.clock.now(),
      );
      this.lastPublished.delete(key);
    } else {
      await this.options.store.addKnownIds(event.entityTypeId, [event.id]);
      const updated = change.record ? modifiedAt(change.record) : null;
      if (updated !== null) this.lastPublished.set(key, updated);
    }
    this.options.hub.publish(change);
    this.stats.eventsPublished++;
    return change;
  }

  /** Rows a client was given (the `changes` cursor): their ids join the known ones, so their
   * deletion is found even when it happens before reconciliation saw them. */
  async seen(entityTypeId: number, ids: readonly number[]): Promise<void> {
    await this.options.store.addKnownIds(entityTypeId, ids);
  }

  private async recordDeletions(entityTypeId: number, ids: number[], at: number) {
    const logged = await this.options.store.recordDeletions(entityTypeId, ids, at);
    for (const { id } of logged) {
      this.lastPublished.delete(`${entityTypeId}:${id}`);
      const base = { entityTypeId, id, action: 'delete' as const, at: Date.now() };
      this.options.hub.publish(
        entityTypeId === EntityTypeId.contact
          ? { ...base, kind: 'contact', record: null }
          : isSmartProcessId(entityTypeId)
            ? { ...base, kind: 'card', record: null, moved: false }
            : { ...base, kind: 'other', record: null },
      );
    }
    return logged;
  }

  /** Publishes a row reconciliation read unless it was published already. */
  private async publishRow(source: ChangeSource, row: Row): Promise<boolean> {
    const { entityTypeId } = source;
    const { id, time } = rowPosition(source, row);
    const updated = Date.parse(time);
    const key = `${entityTypeId}:${id}`;
    const last = this.lastPublished.get(key);
    if (last !== undefined && last >= updated) return false;
    this.lastPublished.set(key, updated);
    const action = row[source.createdKey] === row[source.timeKey] ? 'add' : 'update';
    const base = { entityTypeId, id, action, at: Date.now() } as const;
    if (entityTypeId === EntityTypeId.contact) {
      this.options.hub.publish({ ...base, kind: 'contact', record: CONTACT.normalise(row) });
    } else if (isSmartProcessId(entityTypeId)) {
      const item = toItem(row, entityTypeId);
      const stageKey = `${entityTypeId}:${id}`;
      const before = item.stageId ? await this.stages.get(stageKey) : undefined;
      if (item.stageId) await this.stages.set(stageKey, item.stageId);
      const moved = action === 'update' && before !== undefined && before !== item.stageId;
      this.options.hub.publish({ ...base, kind: 'card', record: item, moved });
    } else {
      this.options.hub.publish({ ...base, kind: 'other', record: null });
    }
    return true;
  }
}

function modifiedAt(record: { updatedTime?: string | null; updatedAt?: string | null }): number | null {
  const text = record.updatedTime ?? record.updatedAt ?? null;
  return text ? Date.parse(text) : null;
}
