// Several replicas, one portal: with REDIS_URL the bucket, the operating budgets, the metadata
// cache, the idempotency locks, the stage memory and the event bus live in Redis, so N replicas
// together stay within the portal's limit and every replica's subscribers see every event.
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RateLimitPlan } from '../upstream/bucket.js';
import { OperatingBudget, type OperatingOptions } from '../upstream/operating-budget.js';
import { RedisLeakyBucket, SharedOperating, SharedState, remoteMetadata, withLock } from './redis-state.js';
import { RedisJobStore } from './redis-jobs.js';
import { RedisFeedStore } from './redis-feed.js';
import { RedisRows } from './redis-rows.js';
import { EventHub, type StageMemory } from '../crm/changes.js';

export interface Replication {
  limiter: RedisLeakyBucket;
  budget: OperatingBudget;
  metadataRemote: ReturnType<typeof remoteMetadata>;
  lock: <T>(name: string, fn: () => Promise<T>) => Promise<T>;
  hub: EventHub;
  stages: StageMemory;
  shared: SharedState;
  /** Bulk jobs, kept so that a job outlives the gateway that started it. */
  jobs: RedisJobStore;
  /** The change feed's watermarks, known ids and deletion log, and the lease of its scans. */
  feed: RedisFeedStore;
  /** The read cache's records, shared by the replicas. */
  rows: RedisRows;
  close(): Promise<void>;
}

export function connectReplication(
  url: string,
  portalName: string,
  plan: RateLimitPlan,
  operating: OperatingOptions,
  logger: Logger,
  jobLeaseMs?: number,
): Replication {
  // Commands fail fast while Redis is down (the callers fall back); the clients keep
  // reconnecting in the background.
  const options = {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    lazyConnect: false,
    retryStrategy: (n: number) => Math.min(n * 200, 2_000),
  };
  const redis = new Redis(url, options);
  const publishClient = new Redis(url, { ...options, enableOfflineQueue: true, maxRetriesPerRequest: null });
  const subscribeClient = new Redis(url, { ...options, enableOfflineQueue: true, maxRetriesPerRequest: null });
  for (const client of [redis, publishClient, subscribeClient]) client.on('error', () => undefined); // state is tracked by SharedState
  const shared = new SharedState(redis, portalName, logger.child({ component: 'redis' }));
  const budget = new OperatingBudget(operating);
  const sharedOperating = new SharedOperating(shared, budget);
  const hub = new EventHub(createRedisEventTarget({ publishClient, subscribeClient }) as unknown as EventTarget);
  return {
    limiter: new RedisLeakyBucket(shared, plan),
    budget,
    metadataRemote: remoteMetadata(shared),
    lock: (name, fn) => withLock(shared, name, fn),
    hub,
    stages: {
      get: (key) =>
        shared.run(
          async (r) => (await r.hget(shared.key('stages'), key)) ?? undefined,
          () => undefined,
        ),
      set: (key, stageId) =>
        shared.run(
          async (r) => void (await r.hset(shared.key('stages'), key, stageId)),
          () => undefined,
        ),
    },
    shared,
    jobs: new RedisJobStore(shared, jobLeaseMs),
    feed: new RedisFeedStore(shared),
    rows: new RedisRows(shared),
    async close() {
      sharedOperating.close();
      await Promise.allSettled([redis.quit(), publishClient.quit(), subscribeClient.quit()]);
    },
  };
}
