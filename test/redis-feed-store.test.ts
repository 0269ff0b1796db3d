// RedisFeedStore against a private redis-server: the FeedStore contract, and the scans' lease.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/lib/logger.js';
import { RedisFeedStore } from '../src/replication/redis-feed.js';
import { SharedState } from '../src/replication/redis-state.js';
import { feedStoreContract } from './helpers/feed-store-contract.js';
import { hasRedis, privateRedis } from './helpers/processes.js';

describe.skipIf(!hasRedis)('RedisFeedStore', () => {
  let redis: Redis;
  let stop: () => Promise<void>;
  let portals = 0;
  const shared = () => new SharedState(redis, `portal${++portals}.test`, createLogger('silent'));

  beforeAll(async () => {
    ({ redis, stop } = await privateRedis());
  });
  afterAll(() => stop?.());

  // Each check gets its own portal prefix: an empty store.
  feedStoreContract(async () => new RedisFeedStore(shared(), 3));

  it('lets one replica at a time run the scans, and hands over when its lease lapses', async () => {
    const state = shared();
    const a = new RedisFeedStore(state);
    const b = new RedisFeedStore(state);
    expect(await a.lead(200)).toBe(true);
    expect(await b.lead(200)).toBe(false);
    expect(await a.lead(200)).toBe(true); // renewed
    await new Promise((r) => setTimeout(r, 300));
    expect(await b.lead(200)).toBe(true);
    expect(await a.lead(200)).toBe(false);
  });
});
