// The portal's two limits (bitrix24-api.md §3): the request-rate leaky bucket and the
// per-method operating-time budget. Both are tracked even when disabled (so `time.operating`
// and `maxBucketLevel` stay meaningful) but only reject when enabled.
import type { PortalOptions } from './types.js';

export interface RateLimitConfig {
  enabled: boolean;
  drainPerSecond: number;
  bucket: number;
}

export interface OperatingLimitConfig {
  enabled: boolean;
  limitSeconds: number;
  windowSeconds: number;
  costSeconds?: number;
}

/** §3.1 "Others" plan: drain 2/s, bucket 50. */
export function rateLimitConfig(o: PortalOptions['rateLimit']): RateLimitConfig {
  return { enabled: o?.enabled ?? false, drainPerSecond: o?.drainPerSecond ?? 2, bucket: o?.bucket ?? 50 };
}

/** §3.2: 480 s per 10-minute window. */
export function operatingLimitConfig(o: PortalOptions['operatingLimit']): OperatingLimitConfig {
  return {
    enabled: o?.enabled ?? false,
    limitSeconds: o?.limitSeconds ?? 480,
    windowSeconds: o?.windowSeconds ?? 600,
    costSeconds: o?.costSeconds,
  };
}

export type Clock = () => number;

/** +1 per HTTP request that reaches a method (a batch counts once), draining continuously. */
export class LeakyBucket {
  private level = 0;
  private last: number;
  private cfg: RateLimitConfig;

  constructor(
    cfg: RateLimitConfig,
    private readonly clock: Clock = () => performance.now(),
  ) {
    this.cfg = cfg;
    this.last = clock();
  }

  get config(): RateLimitConfig {
    return this.cfg;
  }

  /** A new configuration starts from an empty bucket, so switching limits on mid-run is predictable. */
  configure(cfg: RateLimitConfig): void {
    this.cfg = cfg;
    this.empty();
  }

  empty(): void {
    this.level = 0;
    this.last = this.clock();
  }

  private drain(): void {
    const now = this.clock();
    this.level = Math.max(0, this.level - ((now - this.last) / 1000) * this.cfg.drainPerSecond);
    this.last = now;
  }

  /** Adds one request. `ok: false` when it would overflow an enabled bucket; a rejected request
   * does not fill the bucket. `level` is the fill level after the call. */
  take(): { ok: boolean; level: number } {
    this.drain();
    if (this.cfg.enabled && this.level + 1 > this.cfg.bucket) return { ok: false, level: this.level };
    this.level += 1;
    return { ok: true, level: this.level };
  }
}

interface MinuteBucket {
  start: number;
  seconds: number;
}

/** §3.2: accumulated execution seconds per method over 10 buckets of window/10 each; a bucket's
 * countdown starts at the first call in it and it drops `windowSeconds` later. The call that
 * crosses the limit completes; the next call of that method is blocked until buckets roll off. */
export class OperatingBudget {
  private readonly byMethod = new Map<string, MinuteBucket[]>();
  private cfg: OperatingLimitConfig;

  constructor(
    cfg: OperatingLimitConfig,
    private readonly clock: Clock = () => Date.now(),
  ) {
    this.cfg = cfg;
  }

  get config(): OperatingLimitConfig {
    return this.cfg;
  }

  configure(cfg: OperatingLimitConfig): void {
    this.cfg = cfg;
    this.byMethod.clear();
  }

  clear(): void {
    this.byMethod.clear();
  }

  private live(method: string, now: number): MinuteBucket[] {
    const windowMs = this.cfg.windowSeconds * 1000;
    const list = this.byMethod.get(method);
    if (!list) return [];
    while (list.length > 0 && list[0].start + windowMs <= now) list.shift();
    if (list.length === 0) this.byMethod.delete(method);
    return list;
  }

  used(method: string): number {
    return this.live(method, this.clock()).reduce((s, b) => s + b.seconds, 0);
  }

  /** "If the accumulated value exceeds the limit, the next call … is blocked" (§3.2). */
  isBlocked(method: string): boolean {
    return this.cfg.enabled && this.used(method) > this.cfg.limitSeconds;
  }

  /** The cost to charge: the configured simulated cost, else the measured handler time. */
  cost(measuredSeconds: number): number {
    return this.cfg.costSeconds ?? measuredSeconds;
  }

  charge(method: string, seconds: number): void {
    const now = this.clock();
    const list = this.live(method, now);
    const bucketMs = (this.cfg.windowSeconds * 1000) / 10;
    const last = list[list.length - 1];
    if (last && now - last.start < bucketMs) {
      last.seconds += seconds;
    } else {
      list.push({ start: now, seconds });
      this.byMethod.set(method, list);
    }
  }

  /** `time.operating` and `time.operating_reset_at` (unix seconds when the oldest bucket drops). */
  snapshot(method: string): { operating: number; resetAt: number } {
    const now = this.clock();
    const list = this.live(method, now);
    const windowMs = this.cfg.windowSeconds * 1000;
    const oldest = list.length > 0 ? list[0].start : now;
    return {
      operating: list.reduce((s, b) => s + b.seconds, 0),
      resetAt: Math.ceil((oldest + windowMs) / 1000),
    };
  }
}
