// The cost of one GraphQL request to the portal, counted by the scheduler.

/** What one GraphQL request cost the portal; shown in `extensions.bitrix`. */
export interface CostMeter {
  httpRequests: number;
  commands: number;
  /** Metadata (fields, stages, types) served from the metadata cache. */
  cacheHits: number;
  /** Records served from the read cache. */
  cachedRecords: number;
  /** List pages and counts served from the read cache. */
  cachedLists: number;
}

export function newMeter(): CostMeter {
  return { httpRequests: 0, commands: 0, cacheHits: 0, cachedRecords: 0, cachedLists: 0 };
}
