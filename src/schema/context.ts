// What every resolver and loader gets: the shared portal, and this request's cost meter,
// cancellation signal and limits.
import type { BitrixPortal } from '../upstream/portal.js';
import type { CostMeter } from '../upstream/scheduler.js';
import type { EventHub } from '../crm/changes.js';
import type { BulkJobs } from '../crm/bulk-jobs.js';
import type { ChangeFeed } from '../crm/change-feed.js';
import type { ReadCache, ReadOptions } from '../crm/record-cache.js';
import type { Selection } from './selection.js';

export interface RequestLimits {
  /** Largest `first` a connection accepts (≤ 2,500: one chained batch). */
  maxPageSize: number;
  defaultPageSize: number;
}

export interface Context {
  portal: BitrixPortal;
  meter: CostMeter;
  /** Aborted when the client disconnects or the request's deadline passes. */
  signal: AbortSignal;
  /** Epoch ms when this request's deadline passes. */
  deadline: number;
  limits: RequestLimits;
  /** CRM change events, for subscriptions. */
  events: EventHub;
  /** The change feed, for the `changes` sync cursor. */
  feed: ChangeFeed;
  /** Bulk writes, run as jobs. */
  bulk: BulkJobs;
  /** The read cache; none for mutations and for requests that ask for fresh data
   * (`Cache-Control: no-cache`). */
  cache?: ReadCache;
  /** What the operation selects on each type (for upstream select lists); set at execution. */
  selection?: Selection;
  /** The `Idempotency-Key` header, applied to the create mutation of the request. */
  idempotencyKey?: string;
}

/** Read options carrying this request's meter, signal, deadline and cache. */
export function upstream(ctx: Context): ReadOptions {
  return { meter: ctx.meter, signal: ctx.signal, deadline: ctx.deadline, cache: ctx.cache };
}
