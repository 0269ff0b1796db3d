// Issue 7: two gateway processes, one Redis, one rate-limited emulator. The portal's limit is
// shared, events fan out to every replica, idempotency keys hold across replicas, and losing
// Redis degrades (in-memory, conservative) instead of failing, then recovers.
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventBody } from '@bitrix24-graphql/demo-portal';
import { startPortal, type EmulatorPortal } from '@bitrix24-graphql/demo-portal';
import { subscribe } from './helpers/sse.js';
import { freePort, hasRedis, startRedis, startReplica, waitFor, type Replica } from './helpers/processes.js';

const TOKEN = 'replica-events-token-42';

describe.skipIf(!hasRedis)('two replicas sharing one Redis', () => {
  let emulator: EmulatorPortal;
  let redisPort: number;
  let redis: ChildProcess;
  let a: Replica;
  let b: Replica;

  beforeAll(async () => {
    emulator = await startPortal({ size: 'small', rateLimit: { enabled: true, drainPerSecond: 10, bucket: 20 } });
    redisPort = await freePort();
    redis = startRedis(redisPort);
    const env = {
      BITRIX_WEBHOOK_URL: emulator.webhookUrl,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      BITRIX_EVENTS_TOKEN: TOKEN,
      BITRIX_PLAN: 'custom',
      BITRIX_RATE_PER_SECOND: '10',
      BITRIX_RATE_BUCKET: '20',
      // No reconciliation here: what reaches a replica's cache comes from the bus alone.
      CHANGE_FEED_INTERVAL_MS: '0',
    };
    await new Promise((r) => setTimeout(r, 300));
    [a, b] = await Promise.all([startReplica(env), startReplica(env)]);
  }, 60_000);

  afterAll(async () => {
    for (const child of [a?.process, b?.process, redis]) child?.kill('SIGTERM');
    await emulator?.close();
  });

  it('a burst through both replicas stays within the portal bucket: 0 QUERY_LIMIT_EXCEEDED', async () => {
    emulator.resetLimiters();
    emulator.resetCounters();
    // Sequential queries on both replicas at once: each is its own HTTP request upstream, so
    // two unshared buckets would send about twice the portal's burst.
    const run = async (replica: Replica, from: number) => {
      const codes: string[] = [];
      for (let id = from; id < from + 35; id++) {
        const r = await replica.gql('query($id: Int!) { spaCard(entityTypeId: 128, id: $id) { title } }', { id });
        codes.push(r.errors ? r.errors[0].extensions.code : 'OK');
      }
      return codes;
    };
    const codes = (await Promise.all([run(a, 1), run(b, 50)])).flat();
    expect(codes.filter((c) => c !== 'OK')).toEqual([]);
    expect(emulator.counters.httpRequests).toBeGreaterThan(40);
    expect(emulator.counters.rateLimited).toBe(0);
    expect(emulator.counters.maxBucketLevel).toBeLessThanOrEqual(20);
  }, 60_000);

  it('an event posted to replica A reaches a subscriber on replica B, as the fresh object', async () => {
    const sub = subscribe(
      b.url,
      'subscription { spaCardChanged(entityTypeId: 130) { action bitrixId card { bitrixId title } } }',
    );
    await sub.ready;
    await new Promise((r) => setTimeout(r, 200));
    const res = await fetch(a.url.replace('/graphql', '/bitrix/events'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: eventBody({ entityTypeId: 130, id: 4, action: 'update' }, TOKEN, emulator.origin),
    });
    expect(res.status).toBe(200);
    const [event] = await sub.waitFor(1, 10_000);
    expect(event.data.spaCardChanged).toMatchObject({
      action: 'UPDATE',
      bitrixId: 4,
      card: { bitrixId: 4, title: expect.any(String) },
    });
    // A forged one is refused by A and reaches nobody on B.
    const forged = await fetch(a.url.replace('/graphql', '/bitrix/events'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: eventBody({ entityTypeId: 130, id: 5, action: 'delete' }, 'forged-token-000', emulator.origin),
    });
    expect(forged.status).toBe(401);
    await new Promise((r) => setTimeout(r, 300));
    expect(sub.events).toHaveLength(1);
    sub.close();
  }, 30_000);

  it('an idempotency key used on replica A is honoured on replica B, even at the same moment', async () => {
    const create = (r: Replica) =>
      r.gql(
        'mutation { createSpaCard(entityTypeId: 130, input: {title: "Once", idempotencyKey: "replica-key-1"}) { __typename ... on CreateSpaCardSuccess { data { bitrixId } } } }',
      );
    const results = await Promise.all([create(a), create(b), create(a), create(b)]);
    const ids = results.map((r) => r.data.createSpaCard.data.bitrixId);
    expect(new Set(ids).size).toBe(1);
  }, 30_000);

  it("a write through replica A reaches replica B's read cache (Redis pub/sub), events or not", async () => {
    const read = async (r: Replica) =>
      (await r.gql('{ spaCard(entityTypeId: 128, id: 31) { title } }')).data.spaCard.title;
    await read(b); // kept by B
    const wrote = await a.gql(
      'mutation { updateSpaCard(entityTypeId: 128, id: 31, input: {title: "Written on A"}) { __typename } }',
    );
    expect(wrote.data.updateSpaCard.__typename).toBe('UpdateSpaCardSuccess');
    // The announcement travels while A answers; B has it within milliseconds.
    await waitFor(async () => (await read(b)) === 'Written on A', 2_000);
  }, 30_000);

  it('a record one replica read serves the other from Redis, and a write forgets it on both', async () => {
    const read = async (r: Replica, id: number) =>
      (await r.gql(`{ spaCard(entityTypeId: 128, id: ${id}) { title } }`)).data.spaCard.title;
    await read(b, 33); // B's metadata is warm
    const title = await read(a, 32); // A reads, and shares
    await new Promise((r) => setTimeout(r, 100)); // the shared write is in the background
    emulator.resetCounters();
    expect(await read(b, 32)).toBe(title);
    expect(emulator.counters.httpRequests).toBe(0);
    await a.gql(
      'mutation { updateSpaCard(entityTypeId: 128, id: 32, input: {title: "Shared, then written"}) { __typename } }',
    );
    await waitFor(async () => (await read(b, 32)) === 'Shared, then written', 2_000);
  }, 30_000);

  it('10 concurrent adds of one phone through both replicas leave one copy', async () => {
    const created = await a.gql(
      'mutation { createContact(input: {name: "Replicated"}) { ... on CreateContactSuccess { data { bitrixId } } } }',
    );
    const id = created.data.createContact.data.bitrixId;
    const add = `mutation { updateContact(id: ${id}, input: {phones: {add: [{value: "+55 11 98888-7777"}]}}) { __typename } }`;
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).gql(add)));
    expect(results.map((r) => r.data.updateContact.__typename)).toEqual(results.map(() => 'UpdateContactSuccess'));
    const read = await a.gql(`{ contact(id: ${id}) { phones { value } } }`);
    expect(read.data.contact.phones).toEqual([{ value: '+55 11 98888-7777' }]);
  }, 30_000);

  it('without Redis: keyed creates never duplicate (refused, retryable, until the lock is back); the bucket never overflows across the switches', async () => {
    const burst = (r: Replica, from: number) =>
      Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          r.gql('query($id: Int!) { spaCard(entityTypeId: 128, id: $id) { title } }', { id: from + i }),
        ),
      );
    emulator.resetCounters();
    await Promise.all([burst(a, 1), burst(b, 20)]); // the portal's bucket is well filled when Redis goes
    redis.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    const during = await Promise.all([burst(a, 40), burst(b, 60)]);
    for (const r of during.flat()) expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    await waitFor(async () => a.logs.join('').includes('DEGRADED') && b.logs.join('').includes('DEGRADED'));

    const create = (r: Replica, key: string) =>
      r.gql(
        `mutation { createSpaCard(entityTypeId: 130, input: {title: "Degraded", idempotencyKey: "${key}"}) { __typename ... on UpstreamError { code retryable } ... on CreateSpaCardSuccess { data { bitrixId } } } }`,
      );
    for (const key of ['degraded-1', 'degraded-2', 'degraded-3']) {
      const answers = (await Promise.all([create(a, key), create(b, key)])).map((r) => r.data.createSpaCard);
      for (const answer of answers)
        expect(answer).toMatchObject({ __typename: 'UpstreamError', code: 'UPSTREAM_UNAVAILABLE', retryable: true });
    }
    const made = await a.gql('{ spaCards(entityTypeId: 130, filter: {search: "Degraded"}, first: 50) { totalCount } }');
    expect(made.data.spaCards.totalCount).toBe(0);

    // Back means back after this outage (a replica may have flapped once at its start), seen by
    // reads that reach the portal (through the shared bucket), not the read cache.
    const backs = (r: Replica) => r.logs.join('').split('redis is back').length - 1;
    const [backA, backB] = [backs(a), backs(b)];
    redis = startRedis(redisPort);
    const fresh = { 'cache-control': 'no-cache' };
    await waitFor(async () => {
      await a.gql('{ spaCard(entityTypeId: 128, id: 4) { title } }', {}, fresh);
      await b.gql('{ spaCard(entityTypeId: 128, id: 5) { title } }', {}, fresh);
      return backs(a) > backA && backs(b) > backB;
    }, 20_000);
    await Promise.all([burst(a, 80), burst(b, 100)]);
    // Once Redis is back, the same keys create exactly one card each.
    for (const key of ['degraded-1', 'degraded-2', 'degraded-3']) {
      const ids = (await Promise.all([create(a, key), create(b, key)])).map((r) => r.data.createSpaCard.data.bitrixId);
      expect(new Set(ids).size).toBe(1);
    }
    expect(emulator.counters.rateLimited).toBe(0);
  }, 60_000);
});
