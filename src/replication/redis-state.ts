// State that several gateway replicas must share because the portal limits the whole portal,
// not each replica: the leaky bucket, the operating budgets, the metadata cache and the locks of
// idempotent creates. Kept in Redis (ioredis). When Redis is unreachable each replica falls back
// to its own in-memory state at a conservative rate, says so, and returns to Redis by itself.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { lockUnavailable } from '../upstream/errors.js';
import { LeakyBucket, type PortalLimiter, type RateLimitPlan } from '../upstream/bucket.js';

// Atomic leaky bucket on Redis' own clock (replicas' clocks may differ).
// KEYS[1] bucket hash; ARGV[1] drain per ms; ARGV[2] capacity; ARGV[3] '1' when this replica
// returns from degraded mode: the shared level is then stale (replicas sent on their own while
// Redis was away), so it is taken as full. Returns 0 or ms to wait.
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local level = tonumber(redis.call('HGET', KEYS[1], 'level') or '0')
local at = tonumber(redis.call('HGET', KEYS[1], 'at') or tostring(now))
local rate = tonumber(ARGV[1])
local cap = tonumber(ARGV[2])
level = math.max(0, level - (now - at) * rate)
if ARGV[3] == '1' then level = math.max(level, cap) end
local wait = 0
if level + 1 <= cap then level = level + 1 else wait = math.ceil((level + 1 - cap) / rate) end
redis.call('HSET', KEYS[1], 'level', tostring(level), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], 3600000)
return wait`;

const COMMAND_TIMEOUT_MS = 250;

/** Whether Redis is in use right now, for readiness, logs and metrics. */
export interface SharedStatus {
  degraded: boolean;
  since: number | null;
}

function withTimeout<T>(promise: Promise<T>, ms = COMMAND_TIMEOUT_MS): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error('redis timeout')), ms).unref()),
  ]);
}

export class SharedState {
  readonly status: SharedStatus = { degraded: false, since: null };
  private readonly prefix: string;
  private readonly degradedListeners: (() => void)[] = [];

  constructor(
    readonly redis: Redis,
    portalName: string,
    private readonly logger: Logger,
  ) {
    this.prefix = `b24gql:${portalName}:`;
  }

  key(name: string): string {
    return `${this.prefix}${name}`;
  }

  /** Called when this replica loses Redis, before any fallback runs. */
  onDegraded(listener: () => void): void {
    this.degradedListeners.push(listener);
  }

  /** Runs a Redis call; on failure marks the state degraded and returns `fallback()`. */
  async run<T>(call: (redis: Redis) => Promise<T>, fallback: () => T): Promise<T> {
    if (this.status.degraded && this.redis.status !== 'ready') return fallback();
    try {
      const value = await withTimeout(call(this.redis));
      if (this.status.degraded) {
        this.status.degraded = false;
        this.status.since = null;
        this.logger.warn('redis is back: shared limits, cache and locks restored');
      }
      return value;
    } catch (error) {
      if (!this.status.degraded) {
        this.status.degraded = true;
        this.status.since = Date.now();
        this.logger.error({ err: error }, 'redis unreachable: DEGRADED to in-memory limits at a conservative rate');
        for (const listener of this.degradedListeners) listener();
      }
      return fallback();
    }
  }
}

/** The portal's bucket shared by all replicas. Degraded: an in-memory bucket at half the
 * rate and half the burst, since other replicas may still be sending; it starts full, because the
 * portal's bucket may be full when Redis goes away. Back on Redis, the shared level is taken as
 * full once too (see ACQUIRE). Either switch costs a pause of up to one bucket's drain time,
 * never a QUERY_LIMIT_EXCEEDED. */
export class RedisLeakyBucket implements PortalLimiter {
  private readonly fallback: LeakyBucket;

  constructor(
    private readonly shared: SharedState,
    private readonly plan: RateLimitPlan,
    private readonly headroom = 2,
  ) {
    this.fallback = new LeakyBucket(
      { drainPerSecond: plan.drainPerSecond / 2, bucket: Math.max(1, Math.floor(plan.bucket / 2)) },
      headroom,
    );
    shared.onDegraded(() => this.fallback.onRejected());
  }

  acquire(): Promise<number> {
    const capacity = Math.max(1, this.plan.bucket - this.headroom);
    const returning = this.shared.status.degraded ? '1' : '0';
    return this.shared.run(
      async (redis) =>
        Number(
          await redis.eval(
            ACQUIRE,
            1,
            this.shared.key('bucket'),
            String(this.plan.drainPerSecond / 1000),
            String(capacity),
            returning,
          ),
        ),
      () => this.fallback.acquire(),
    );
  }

  refund(): void {
    void this.shared.run(
      async (redis) => void (await redis.hincrbyfloat(this.shared.key('bucket'), 'level', -1)),
      () => this.fallback.refund(),
    );
  }

  onRejected(): void {
    void this.shared.run(
      async (redis) => void (await redis.hset(this.shared.key('bucket'), 'level', String(this.plan.bucket))),
      () => this.fallback.onRejected(),
    );
  }
}

/** A lock per key across replicas (SET NX PX), so two replicas cannot both run an idempotent
 * create with the same key, or both rewrite one record's phones. Without Redis the lock cannot
 * be had: the write is refused (retryable, nothing sent) rather than run unguarded, since another
 * replica may be running the same one. */
export async function withLock<T>(shared: SharedState, name: string, fn: () => Promise<T>, ttlMs = 30_000): Promise<T> {
  const key = shared.key(`lock:${name}`);
  const token = `${process.pid}:${Math.random()}`;
  const deadline = Date.now() + ttlMs;
  for (;;) {
    const got = await shared.run(
      (redis) => redis.set(key, token, 'PX', ttlMs, 'NX'),
      () => 'UNAVAILABLE' as const,
    );
    if (got === 'UNAVAILABLE') throw lockUnavailable(name);
    if (got === 'OK') break;
    if (Date.now() > deadline) throw lockUnavailable(name);
    await new Promise((r) => setTimeout(r, 25));
  }
  try {
    return await fn();
  } finally {
    // Release only our own lock.
    await shared.run(
      (redis) =>
        redis.eval(
          "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
          1,
          key,
          token,
        ),
      () => 0,
    );
  }
}

/** Operating-time observations shared by replicas: each replica adds what it sees per method
 * into per-minute counters; every second each replica reads the 10-minute sums back. */
export class SharedOperating {
  private readonly timer: NodeJS.Timeout;
  private readonly methods = new Set<string>();

  constructor(
    private readonly shared: SharedState,
    private readonly budget: import('../upstream/operating-budget.js').OperatingBudget,
  ) {
    budget.onObserve = (method, seconds) => {
      this.methods.add(method);
      const minute = Math.floor(Date.now() / 60_000);
      const key = this.shared.key(`op:${method}:${minute}`);
      void this.shared.run(
        async (redis) => {
          await redis
            .multi()
            .incrbyfloat(key, seconds)
            .pexpire(key, 11 * 60_000)
            .exec();
        },
        () => undefined,
      );
    };
    this.timer = setInterval(() => void this.refresh(), 1_000);
    this.timer.unref();
  }

  private async refresh(): Promise<void> {
    const minute = Math.floor(Date.now() / 60_000);
    for (const method of this.methods) {
      const keys = Array.from({ length: 10 }, (_, i) => this.shared.key(`op:${method}:${minute - i}`));
      const values = await this.shared.run(
        (redis) => redis.mget(...keys),
        () => null,
      );
      if (values)
        this.budget.setShared(
          method,
          values.reduce((sum, v) => sum + Number(v ?? 0), 0),
        );
    }
  }

  close(): void {
    clearInterval(this.timer);
  }
}

/** The metadata cache's second level: entries written by any replica are read by all. */
export function remoteMetadata(shared: SharedState) {
  return {
    get: (key: string) =>
      shared.run(
        async (redis) => {
          const raw = await redis.get(shared.key(`meta:${key}`));
          return raw ? (JSON.parse(raw) as { value: unknown; fetchedAt: number }) : null;
        },
        () => null,
      ),
    set: (key: string, entry: { value: unknown; fetchedAt: number }, ttlMs: number) =>
      shared.run(
        (redis) => redis.set(shared.key(`meta:${key}`), JSON.stringify(entry), 'PX', ttlMs).then(() => undefined),
        () => undefined,
      ),
  };
}
