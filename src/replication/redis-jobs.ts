// Bulk jobs in Redis: a job, its items and its outcomes outlive the gateway that started it, and
// any replica can report its progress. One replica runs a job at a time (a lease it renews while
// it runs); when that replica stops, the lease lapses and the next replica to look resumes it.
import type { BulkJob, BulkJobSpec, JobStore, StoredOutcome } from '../crm/bulk-jobs.js';
import type { SharedState } from './redis-state.js';

/** How long a finished job is kept. */
const KEEP_SECONDS = 7 * 24 * 3600;

export class RedisJobStore implements JobStore {
  readonly durable = true;

  /** `leaseMs`: a runner's lease, renewed every third of it; a stopped runner's job is free
   * for another replica this long after it stopped. */
  constructor(
    private readonly shared: SharedState,
    readonly leaseMs = 30_000,
  ) {}

  private keys(id: string) {
    return {
      job: this.shared.key(`job:${id}`),
      spec: this.shared.key(`job:${id}:spec`),
      outcomes: this.shared.key(`job:${id}:outcomes`),
      lease: this.shared.key(`job:${id}:lease`),
    };
  }

  private get running(): string {
    return this.shared.key('jobs:running');
  }

  /** A store call that must reach Redis: without it a durable job cannot be kept. */
  private must<T>(call: (redis: SharedState['redis']) => Promise<T>): Promise<T> {
    return this.shared.run(call, () => {
      throw new Error('redis unreachable: the bulk job store is unavailable');
    });
  }

  async create(job: BulkJob, spec: BulkJobSpec): Promise<boolean> {
    const k = this.keys(job.id);
    const created = await this.must(async (redis) => redis.set(k.job, JSON.stringify(job), 'NX'));
    if (created !== 'OK') return false;
    await this.must(async (redis) => redis.multi().set(k.spec, JSON.stringify(spec)).sadd(this.running, job.id).exec());
    return true;
  }

  async get(id: string): Promise<BulkJob | null> {
    const raw = await this.must(async (redis) => redis.get(this.keys(id).job));
    return raw ? (JSON.parse(raw) as BulkJob) : null;
  }

  async spec(id: string): Promise<BulkJobSpec | null> {
    const raw = await this.must(async (redis) => redis.get(this.keys(id).spec));
    return raw ? (JSON.parse(raw) as BulkJobSpec) : null;
  }

  async outcomes(id: string, from: number, count: number): Promise<(StoredOutcome | null)[]> {
    if (count <= 0) return [];
    const fields = Array.from({ length: count }, (_, i) => String(from + i));
    const raw = await this.must(async (redis) => redis.hmget(this.keys(id).outcomes, ...fields));
    return raw.map((value) => (value ? (JSON.parse(value) as StoredOutcome) : null));
  }

  async record(job: BulkJob, outcomes: readonly StoredOutcome[]): Promise<void> {
    const k = this.keys(job.id);
    await this.must(async (redis) => {
      const tx = redis.multi();
      if (outcomes.length)
        tx.hset(k.outcomes, Object.fromEntries(outcomes.map((o) => [String(o.index), JSON.stringify(o)])));
      tx.set(k.job, JSON.stringify(job));
      if (job.status !== 'RUNNING') {
        // A finished job is answered from its outcomes: its items go now, the rest in a week.
        tx.srem(this.running, job.id);
        tx.del(k.spec);
        for (const key of [k.job, k.outcomes]) tx.expire(key, KEEP_SECONDS);
      }
      return tx.exec();
    });
  }

  async reopen(job: BulkJob, spec: BulkJobSpec): Promise<void> {
    const k = this.keys(job.id);
    await this.must(async (redis) => {
      const tx = redis
        .multi()
        .set(k.job, JSON.stringify(job))
        .set(k.spec, JSON.stringify(spec))
        .sadd(this.running, job.id);
      if (spec.items.length) tx.hdel(k.outcomes, ...spec.items.map((item) => String(item.index)));
      return tx.persist(k.outcomes).exec();
    });
  }

  async unfinished(): Promise<string[]> {
    return this.shared.run(
      (redis) => redis.smembers(this.running),
      () => [],
    );
  }

  async hold(id: string, fn: () => Promise<void>): Promise<boolean> {
    const lease = this.keys(id).lease;
    const token = `${process.pid}:${Math.random()}`;
    const got = await this.must(async (redis) => redis.set(lease, token, 'PX', this.leaseMs, 'NX'));
    if (got !== 'OK') return false;
    // Only our own lease is extended: once it has lapsed, another gateway may hold the job.
    const renew = setInterval(() => {
      void this.shared.run(
        (redis) =>
          redis.eval(
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0",
            1,
            lease,
            token,
            String(this.leaseMs),
          ),
        () => 0,
      );
    }, this.leaseMs / 3);
    renew.unref();
    try {
      await fn();
      return true;
    } finally {
      clearInterval(renew);
      await this.shared.run(
        (redis) =>
          redis.eval(
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
            1,
            lease,
            token,
          ),
        () => 0,
      );
    }
  }
}
