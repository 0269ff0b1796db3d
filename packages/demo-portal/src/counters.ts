// Exact request/command accounting of the emulated portal (Counters in types.ts), plus the
// emulator-only OAuth refresh count.
import type { Counters } from './types.js';

export interface PortalCounters extends Counters {
  /** Successful `grant_type=refresh_token` calls on /oauth/token/. */
  tokenRefreshes: number;
}

export function newCounters(): PortalCounters {
  return {
    httpRequests: 0,
    batchCommands: 0,
    byMethod: {},
    commandsByMethod: {},
    rateLimited: 0,
    operatingLimited: 0,
    faults: {},
    maxBucketLevel: 0,
    tokenRefreshes: 0,
  };
}

/** Zeroes in place, so a reference held by a test (`portal.counters`) stays live. */
export function zeroCounters(c: PortalCounters): void {
  Object.assign(c, newCounters());
}

export function bump(rec: Record<string, number>, key: string): void {
  rec[key] = (Object.hasOwn(rec, key) ? rec[key] : 0) + 1;
}

/** A detached copy (for the control API and for assertions across resets). */
