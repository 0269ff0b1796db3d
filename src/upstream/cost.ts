// The cost of one GraphQL request to the portal, counted by the scheduler.

/** What one GraphQL request cost the portal; shown in `extensions.bitrix`. */
export interface CostMeter {
  httpRequests: number;
  commands: number;
  cacheHits: number;
}

export function newMeter(): CostMeter {
  return { httpRequests: 0, commands: 0, cacheHits: 0 };
}
