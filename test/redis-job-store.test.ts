// RedisJobStore against a private redis-server: a job, its items and outcomes, the lease, and a
// finished job reopened for its failed items.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BulkJob, BulkJobSpec } from '../src/crm/bulk-jobs.js';
import { createLogger } from '../src/lib/logger.js';
import { RedisJobStore } from '../src/replication/redis-jobs.js';
import { SharedState } from '../src/replication/redis-state.js';
import { hasRedis, privateRedis } from './helpers/processes.js';

const target = { kind: 'item', entityTypeId: 128, operation: 'create' } as const;
const spec: BulkJobSpec = {
  target,
  items: [0, 1, 2].map((index) => ({ index, fields: { title: `t${index}` }, key: `k${index}` })),
};
const job = (over: Partial<BulkJob> = {}): BulkJob => ({
  id: 'job-1',
  target,
  status: 'RUNNING',
  total: 3,
  done: 0,
  failed: 0,
  createdAt: 1,
  updatedAt: 1,
  finishedAt: null,
  durable: true,
  ...over,
});

describe.skipIf(!hasRedis)('RedisJobStore', () => {
  let redis: Redis;
  let stop: () => Promise<void>;
  let store: RedisJobStore;

  beforeAll(async () => {
    ({ redis, stop } = await privateRedis());
    store = new RedisJobStore(new SharedState(redis, 'portal.test', createLogger('silent')), 1_000);
  });
  afterAll(() => stop?.());

  it('keeps a job and its outcomes; a finished job drops its items, and reopened runs again for the failed ones', async () => {
    expect(await store.create(job(), spec)).toBe(true);
    expect(await store.create(job(), spec)).toBe(false);
    expect(await store.unfinished()).toEqual(['job-1']);
    const failure = { type: 'UpstreamError', message: 'lost' };
    await store.record(job({ done: 3, failed: 1 }), [
      { index: 0, id: 10, created: true, failure: null },
      { index: 1, id: null, created: false, failure },
      { index: 2, id: 12, created: true, failure: null },
    ]);
    await store.record(job({ status: 'DONE', done: 3, failed: 1, finishedAt: 2 }), []);
    expect(await store.unfinished()).toEqual([]);
    expect(await store.spec('job-1')).toBeNull();
    const k = 'b24gql:portal.test:job:job-1';
    expect(await redis.ttl(k)).toBeGreaterThan(6 * 24 * 3600);

    await store.reopen(job({ done: 2, failed: 0 }), { target, items: [spec.items[1]] });
    expect(await store.unfinished()).toEqual(['job-1']);
    expect((await store.spec('job-1'))?.items.map((i) => i.index)).toEqual([1]);
    expect((await store.outcomes('job-1', 0, 3)).map((o) => o?.id ?? null)).toEqual([10, null, 12]);
    expect(await redis.ttl(k)).toBe(-1);
    expect(await redis.ttl(`${k}:outcomes`)).toBe(-1);
  });

  it('one holder at a time; the lease lapses when its holder stops renewing', async () => {
    let inside = 0;
    const first = store.hold('job-2', async () => {
      inside++;
      expect(await store.hold('job-2', async () => void inside++)).toBe(false);
    });
    expect(await first).toBe(true);
    expect(inside).toBe(1);
    // A lease left behind by a gateway that died: free after it lapses.
    await redis.set('b24gql:portal.test:job:job-3:lease', 'dead-gateway', 'PX', 300);
    expect(await store.hold('job-3', async () => undefined)).toBe(false);
    await new Promise((r) => setTimeout(r, 350));
    expect(await store.hold('job-3', async () => undefined)).toBe(true);
  });
});
