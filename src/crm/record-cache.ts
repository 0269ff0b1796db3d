// The read cache: records by id and list pages (rows as the portal sent them), kept so that hot
// reads stop costing the portal. It is only ever as stale as the change feed lets it be:
//   - every change on the bus (an event, ~1 s; reconciliation, within its interval) drops the
//     record and every list of its type;
//   - the gateway's own writes drop what they touch as soon as the portal answers (write-effects),
//     so a client always reads its own writes; other replicas hear of it on the bus;
//   - a read that started before a change of its type is not kept (the type's version moved);
//   - a TTL bounds what a lost event and a stopped feed could leave.
import { LRUCache } from 'lru-cache';
import { stableJson } from '../lib/stable-json.js';
import type { CostMeter } from '../upstream/cost.js';
import type { SubmitOptions } from '../upstream/scheduler.js';
import type { Row } from './change-scan.js';
import type { CacheInvalidation, EventHub } from './changes.js';

/** What one request sees of the cache. */
export interface ReadCache {
  /** Records by id, in id order: the kept ones that hold every field of `select` (none: the full
   * row), and `fetch` for the rest (then kept, with the fields they were read with). A kept
   * row is normalised once, and the record shared by every request that reads it. */
  records<R>(
    entityTypeId: number,
    ids: readonly number[],
    select: readonly string[] | undefined,
    idOf: (row: Row) => number,
    fetch: (missing: number[]) => Promise<Row[]>,
    normalise: (row: Row) => R,
  ): Promise<R[]>;
  /** A list page (or count) of one type, by everything that shapes it. */
  list<T extends object | number>(entityTypeId: number, shape: unknown, load: () => Promise<T>): Promise<T>;
}

/** Read options of the domain's cached reads: the scheduler's, the request's cache (none:
 * straight to the portal, as mutations and `Cache-Control: no-cache` requests read), and the
 * fields the request needs (none: the entity's full select). */
export interface ReadOptions extends SubmitOptions {
  cache?: ReadCache;
  select?: readonly string[];
}

/** A kept row, the fields it was read with (null: every field), and the record made of it. */
interface Kept {
  row: Row;
  fields: ReadonlySet<string> | null;
  record?: unknown;
}

/** A second tier shared by replicas (Redis): rows by key (`r:<type>:<id>`), with the fields
 * they were read with (null: every field). Best effort: a failure reads as a miss. */
export interface SharedRows {
  get(keys: readonly string[]): Promise<({ row: Row; fields: string[] | null } | null)[]>;
  set(entries: readonly { key: string; row: Row; fields: string[] | null }[], ttlMs: number): Promise<void>;
  delete(keys: readonly string[]): Promise<void>;
  /** Drops every row of a type, or every row. */
  clear(entityTypeId?: number): Promise<void>;
}

export interface RecordCacheOptions {
  /** Records and list pages kept (least recently used go first). @default 50000 */
  maxEntries?: number;
  /** The longest anything is kept. @default 60000 */
  ttlMs?: number;
  /** Records shared by the replicas (Redis): a record one replica read serves the others.
   * List pages stay per replica. */
  shared?: SharedRows;
}

export interface CacheStats {
  recordHits: number;
  recordMisses: number;
  listHits: number;
  listMisses: number;
  invalidations: number;
}

export class RecordCache {
  readonly stats: CacheStats = { recordHits: 0, recordMisses: 0, listHits: 0, listMisses: 0, invalidations: 0 };
  private readonly entries: LRUCache<string, object>;
  /** Per type: moves on every change of the type. List keys carry it, so a change drops every
   * list of the type at once; a read started under an older version is not kept. */
  private readonly versions = new Map<number, number>();
  private epoch = 0;
  private readonly shared?: SharedRows;
  private readonly ttlMs: number;

  constructor(options: RecordCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? 60_000;
    this.entries = new LRUCache<string, object>({ max: options.maxEntries ?? 50_000, ttl: this.ttlMs });
    this.shared = options.shared;
  }

  /** Best effort on the shared tier, in the background: every replica hears every invalidation
   * and forgets there too (repeated, harmless); a failure is left to the TTL. */
  private onSharedTier(call: (shared: SharedRows) => Promise<void>): void {
    if (this.shared) call(this.shared).catch(() => undefined);
  }

  private version(entityTypeId: number): string {
    return `${this.epoch}.${this.versions.get(entityTypeId) ?? 0}`;
  }

  /** A change of one record (its id), of a type (no id: every record of it), or of its lists
   * only (an add). Every list of the type goes in each case. */
  invalidate(entityTypeId: number, id?: number, listsOnly = false): void {
    this.stats.invalidations++;
    this.versions.set(entityTypeId, (this.versions.get(entityTypeId) ?? 0) + 1);
    if (id !== undefined) {
      this.entries.delete(`r:${entityTypeId}:${id}`);
      this.onSharedTier((shared) => shared.delete([`r:${entityTypeId}:${id}`]));
    } else if (!listsOnly) {
      for (const key of this.entries.keys()) if (key.startsWith(`r:${entityTypeId}:`)) this.entries.delete(key);
      this.onSharedTier((shared) => shared.clear(entityTypeId));
    }
  }

  /** Everything: a change whose reach we cannot name (bindings, an unknown write). */
  invalidateAll(): void {
    this.stats.invalidations++;
    this.epoch++;
    this.entries.clear();
    this.onSharedTier((shared) => shared.clear());
  }

  apply(invalidation: CacheInvalidation): void {
    if (invalidation.entityTypeId === undefined) this.invalidateAll();
    else this.invalidate(invalidation.entityTypeId, invalidation.id, invalidation.listsOnly);
  }

  /** Follows the bus: every change and every invalidation a replica announces. */
  follow(hub: EventHub): () => void {
    return hub.listen((invalidation) => this.apply(invalidation));
  }

  /** The cache as one request sees it, counting its hits on the request's meter. */
  forRequest(meter: CostMeter): ReadCache {
    return {
      records: async (entityTypeId, ids, select, idOf, fetch, normalise) => {
        type R = ReturnType<typeof normalise>;
        const found: { id: number; record: R }[] = [];
        const missing: number[] = [];
        for (const id of ids) {
          const kept = this.entries.get(`r:${entityTypeId}:${id}`) as Kept | undefined;
          // A full row serves any select; a partial one only a select it covers.
          const enough = kept && (kept.fields === null || select?.every((f) => kept.fields!.has(f)) === true);
          if (!kept || !enough) {
            missing.push(id);
            continue;
          }
          kept.record ??= normalise(kept.row);
          found.push({ id, record: kept.record as R });
        }
        const version = this.version(entityTypeId);
        let wanted = missing;
        if (wanted.length && this.shared) {
          // The replicas' tier: what another replica read, with enough fields, is taken as kept.
          const kept = await this.shared.get(wanted.map((id) => `r:${entityTypeId}:${id}`)).catch(() => []);
          const keep = this.version(entityTypeId) === version;
          wanted = wanted.filter((id, i) => {
            const hit = kept[i];
            if (!hit || !(hit.fields === null || select?.every((f) => hit.fields!.includes(f)) === true)) return true;
            const record = normalise(hit.row);
            const fields = hit.fields ? new Set(hit.fields) : null;
            if (keep) this.entries.set(`r:${entityTypeId}:${id}`, { row: hit.row, fields, record } satisfies Kept);
            found.push({ id, record });
            return false;
          });
        }
        this.stats.recordHits += ids.length - wanted.length;
        this.stats.recordMisses += wanted.length;
        meter.cachedRecords += ids.length - wanted.length;
        if (wanted.length) {
          const fetched = await fetch(wanted);
          const keep = this.version(entityTypeId) === version;
          const fields = select ? new Set(select) : null;
          const toShare: { key: string; row: Row; fields: string[] | null }[] = [];
          for (const row of fetched) {
            const record = normalise(row);
            const id = idOf(row);
            if (keep) {
              this.entries.set(`r:${entityTypeId}:${id}`, { row, fields, record } satisfies Kept);
              toShare.push({ key: `r:${entityTypeId}:${id}`, row, fields: select ? [...select] : null });
            }
            found.push({ id, record });
          }
          if (toShare.length) this.onSharedTier((shared) => shared.set(toShare, this.ttlMs));
        }
        if (missing.length) found.sort((a, b) => a.id - b.id);
        return found.map((f) => f.record);
      },
      list: async <T extends object | number>(entityTypeId: number, shape: unknown, load: () => Promise<T>) => {
        const version = this.version(entityTypeId);
        const key = `l:${entityTypeId}:${version}:${stableJson(shape)}`;
        const kept = this.entries.get(key) as { value: T } | undefined;
        if (kept) {
          this.stats.listHits++;
          meter.cachedLists++;
          return kept.value;
        }
        this.stats.listMisses++;
        const value = await load();
        if (this.version(entityTypeId) === version) this.entries.set(key, { value });
        return value;
      },
    };
  }
}

/** The scheduler's part of read options (the cache and the select list stay here). */
export function submitOnly({ cache: _cache, select: _select, ...submit }: ReadOptions): SubmitOptions {
  return submit;
}

/** Reads through the request's cache when it has one and the read need not be fresh. */
export function cacheOf(options: ReadOptions): ReadCache | undefined {
  return options.fresh ? undefined : options.cache;
}
