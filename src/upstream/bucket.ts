// A mirror of the portal's leaky bucket (bitrix24-api.md §3.1): +1 per HTTP request (a batch
// counts once), drains `drainPerSecond`, rejects above `bucket`. Keeping our own copy of the
// level lets the scheduler wait instead of ever receiving 503 QUERY_LIMIT_EXCEEDED.

export interface RateLimitPlan {
  drainPerSecond: number;
  bucket: number;
}

export const PLANS: Record<'standard' | 'enterprise', RateLimitPlan> = {
  standard: { drainPerSecond: 2, bucket: 50 },
  enterprise: { drainPerSecond: 5, bucket: 250 },
};

/** What the scheduler needs from the portal's request limit (the leaky bucket, local or shared in
 * Redis): a slot now (0), or how long to wait (ms). */
export interface PortalLimiter {
  acquire(): number | Promise<number>;
  refund(): void;
  /** The portal answered 503 anyway (another client shares the limit): back off. */
  onRejected(): void;
  /** How full the bucket is, 0..1, when known (the scheduler fills batches as it rises). */
  pressure?(): number;
}

export class LeakyBucket implements PortalLimiter {
  private level = 0;
  private updatedAt: number;
  /** Total time callers were told to wait, for metrics. */
  waitedMs = 0;

  constructor(
    private readonly plan: RateLimitPlan,
    /** Requests kept in reserve below the portal's bucket: other clients on the same IP, clock skew. */
    private readonly headroom = 2,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.updatedAt = this.now();
  }

  private drain(): void {
    const t = this.now();
    this.level = Math.max(0, this.level - ((t - this.updatedAt) / 1000) * this.plan.drainPerSecond);
    this.updatedAt = t;
  }

  private get capacity(): number {
    return Math.max(1, this.plan.bucket - this.headroom);
  }

  /** Takes a slot now if one is free. */
  tryAcquire(): boolean {
    this.drain();
    if (this.level + 1 > this.capacity) return false;
    this.level += 1;
    return true;
  }

  acquire(): number {
    return this.tryAcquire() ? 0 : this.msUntilAvailable();
  }

  /** Gives back a slot taken but not used. */
  refund(): void {
    this.level = Math.max(0, this.level - 1);
  }

  /** Milliseconds until `tryAcquire` can succeed. */
  msUntilAvailable(): number {
    this.drain();
    const excess = this.level + 1 - this.capacity;
    return excess <= 0 ? 0 : Math.ceil((excess / this.plan.drainPerSecond) * 1000);
  }

  /** The portal said 503: our mirror was behind (another client shares the IP). Assume full. */
  onRejected(): void {
    this.drain();
    this.level = Math.max(this.level, this.plan.bucket);
  }

  pressure(): number {
    return this.currentLevel() / this.capacity;
  }

  currentLevel(): number {
    this.drain();
    return this.level;
  }
}
