// The per-method operating budget (bitrix24-api.md §3.2): the portal blocks a method with 429
// OPERATION_TIME_LIMIT once its execution time in a 10-minute window passes the limit (480 s
// on cloud). We track each method's use from the answers themselves — `time.operating` and
// `operating_reset_at` of direct calls (authoritative), plus the `processing` of every command
// inside a batch (batch answers carry no `operating`) — and stop sending a method while it is
// near its limit, so the portal never has to refuse it.

export interface OperatingOptions {
  limitSeconds?: number;
  windowSeconds?: number;
  /** Kept free below the limit: the call that crosses the limit still completes, so we stop
   * while one more batch of the method still fits. */
  marginSeconds?: number;
}

interface MethodUse {
  /** Seconds used in the window as of `at` (from `time.operating`), or 0. */
  base: number;
  at: number;
  /** When the oldest minute-bucket drops (ms), from `operating_reset_at`. */
  resetAt: number | null;
  /** Processing seen since `at` (batch commands), summed per second in time order:
   * [start of the second (ms), seconds]. A second's entry expires with its first observation
   * plus the window (late by under a second: on the safe side). */
  since: [number, number][];
  /** The sum of `since`, kept as entries come and go (an import observes thousands). */
  sinceSum: number;
  /** Average processing of one command, to size batches. */
  avg: number;
  /** A 429 was seen: blocked until then (ms). */
  blockedUntil: number;
}

export class OperatingBudget {
  private readonly methods = new Map<string, MethodUse>();
  /** What other replicas report per method (seconds in the window), when shared. */
  private readonly sharedUse = new Map<string, number>();
  /** Called with every processing time seen, to share it (Redis). */
  onObserve?: (method: string, seconds: number) => void;
  readonly limit: number;
  private readonly windowMs: number;
  private readonly margin: number;

  constructor(
    options: OperatingOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.limit = options.limitSeconds ?? 480;
    this.windowMs = (options.windowSeconds ?? 600) * 1000;
    this.margin = options.marginSeconds ?? Math.max(5, this.limit * 0.05);
  }

  private use(method: string): MethodUse {
    let u = this.methods.get(method);
    if (!u) {
      u = { base: 0, at: this.now(), resetAt: null, since: [], sinceSum: 0, avg: 0, blockedUntil: 0 };
      this.methods.set(method, u);
    }
    return u;
  }

  /** Records what an answer says about a method. `operating` only comes with direct calls. */
  observe(
    method: string,
    time: { operating?: number; operating_reset_at?: number; processing?: number } | undefined,
  ): void {
    if (!time) return;
    const u = this.use(method);
    const t = this.now();
    if (typeof time.processing === 'number') {
      u.avg = u.avg === 0 ? time.processing : u.avg * 0.8 + time.processing * 0.2;
      this.onObserve?.(method, time.processing);
    }
    if (typeof time.operating === 'number') {
      u.base = time.operating;
      u.at = t;
      u.since = [];
      u.sinceSum = 0;
      u.resetAt = typeof time.operating_reset_at === 'number' ? time.operating_reset_at * 1000 : null;
    } else if (typeof time.processing === 'number') {
      const last = u.since[u.since.length - 1];
      if (last && t - last[0] < 1_000) last[1] += time.processing;
      else u.since.push([t, time.processing]);
      u.sinceSum += time.processing;
    }
  }

  /** The portal answered 429 for this method: hold it until its oldest bucket drops. */
  onBlocked(method: string): void {
    const u = this.use(method);
    // The portal said no: block until the reset it announced, or a minute when that time is
    // unknown or already past (a stale reset must not unblock a method the portal refuses).
    const now = this.now();
    const reset = u.resetAt !== null && u.resetAt > now ? u.resetAt : now + 60_000;
    u.blockedUntil = Math.max(u.blockedUntil, reset);
  }

  /** Sum reported by all replicas for a method (see SharedOperating). */
  setShared(method: string, seconds: number): void {
    this.sharedUse.set(method, seconds);
  }

  /** Seconds used in the window, as far as we know (ours, or all replicas' when larger). */
  used(method: string): number {
    const u = this.methods.get(method);
    if (!u) return this.sharedUse.get(method) ?? 0;
    return Math.max(this.localUse(u), this.sharedUse.get(method) ?? 0);
  }

  private localUse(u: MethodUse): number {
    const t = this.now();
    while (u.since.length && t - u.since[0][0] >= this.windowMs) u.sinceSum -= u.since.shift()![1];
    // Past the reset time the oldest bucket has dropped; we no longer know how much is left of
    // `base`, so we keep only what we saw ourselves and let the next direct answer correct it.
    const base = u.resetAt !== null && t >= u.resetAt ? 0 : u.base;
    return base + u.sinceSum;
  }

  /** Whether the cost of `method` has been seen (ours or another replica's). */
  known(method: string): boolean {
    return (this.methods.get(method)?.avg ?? 0) > 0 || this.sharedUse.has(method);
  }

  /** How many more commands of `method` may be sent now (Infinity when far from the limit). */
  allowance(method: string): number {
    const u = this.methods.get(method);
    if (!u && !this.sharedUse.has(method)) return Infinity;
    if (u && this.now() < u.blockedUntil) return 0;
    const room = this.limit - this.margin - this.used(method);
    if (room <= 0) return 0;
    return u && u.avg > 0 ? Math.max(1, Math.floor(room / u.avg)) : Infinity;
  }

  /** Milliseconds until `method` may be sent again (0 when it may now). */
  msUntilAllowed(method: string): number {
    if (this.allowance(method) > 0) return 0;
    const u = this.methods.get(method);
    if (!u) return 1_000; // only other replicas' use: look again soon
    const t = this.now();
    const oldest = u.since[0] ? u.since[0][0] + this.windowMs : 0;
    const candidates = [u.blockedUntil, u.resetAt ?? 0, oldest].filter((x) => x > t);
    return candidates.length ? Math.min(...candidates) - t + 1_000 : 1_000;
  }
}
