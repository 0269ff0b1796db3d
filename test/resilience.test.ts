// Issue 5: faults, lost answers, bursts, operating budgets, a failing portal and cancellation.
// The emulator injects the faults; the gateway must hide them or fail with a typed error.
import { describe, expect, it } from 'vitest';
import { data, startStack } from './helpers/stack.js';

const PAGE_QUERY = `query($after: String) { spaCards(entityTypeId: 128, first: 3, after: $after) { edges { node { title assignedBy { fullName } } } } }`;

/** Cursors to 160 different pages, so the scheduler cannot deduplicate the load away. */
async function cursors(gql: (q: string, v?: any) => Promise<any>, n: number): Promise<(string | null)[]> {
  const r = await gql('{ spaCards(entityTypeId: 128, first: 160) { edges { cursor } } }');
  // Every cursor but the last one (after the last card the page is empty).
  const all = [null, ...r.body.data.spaCards.edges.map((e: any) => e.cursor).slice(0, -1)];
  return Array.from({ length: n }, (_, i) => all[i % all.length]);
}

describe('faults', () => {
  it('500 read queries at 20% faults (500, 503, slow, drop, truncate): every one succeeds', async () => {
    // Every read goes to the portal (no read cache): the faults must meet the load.
    const s = await startStack({ gateway: { deadlineMs: 30_000, cache: false } });
    try {
      const afters = await cursors(s.gql, 500);
      s.emulator.setFaults({ rate: 0.2, kinds: ['http500', 'http503', 'slow', 'drop', 'truncate'], slowMs: 200 });
      const results: any[] = [];
      for (let i = 0; i < afters.length; i += 50) {
        results.push(...(await Promise.all(afters.slice(i, i + 50).map((after) => s.gql(PAGE_QUERY, { after })))));
      }
      s.emulator.setFaults(null);
      const failed = results.filter((r) => r.status !== 200 || r.body.errors);
      expect(failed.map((r) => r.body.errors?.[0]?.extensions?.code)).toEqual([]);
      expect(results.every((r) => r.body.data.spaCards.edges.length > 0)).toBe(true);
      const injected = Object.values(s.emulator.counters.faults).reduce((a: number, b) => a + (b ?? 0), 0);
      expect(injected).toBeGreaterThanOrEqual(8); // the load really met faults (fewer when batches fill up)
    } finally {
      await s.close();
    }
  }, 120_000);

  it('200 creates whose answers are lost, retried with the same key: exactly 200 cards, no duplicate', async () => {
    const s = await startStack({ portal: { breaker: { cooldownMs: 100 } } });
    try {
      const count = async () =>
        (await s.gql('{ spaCards(entityTypeId: 130, first: 0) { totalCount } }')).body.data.spaCards.totalCount;
      const before = await count();
      s.emulator.setFaults({ rate: 1, kinds: ['dropAfterCommit'], methods: ['crm.item.add'] });
      const create = (i: number) =>
        s.gql(
          `mutation($input: CreateSpaCardInput!) { createSpaCard(entityTypeId: 130, input: $input) {
          __typename ... on CreateSpaCardSuccess { data { bitrixId } } ... on UpstreamError { code retryable } } }`,
          { input: { title: `Lost ${i}`, idempotencyKey: `lost-${i}` } },
        );
      const ids: number[] = [];
      for (let i = 0; i < 200; i += 20) {
        await Promise.all(
          Array.from({ length: 20 }, async (_, k) => {
            // The client retries until it gets an answer, as a client with an idempotency key may.
            // (So many dropped connections also open the circuit for a moment: those attempts
            // fail fast, retryable, without reaching the portal.)
            for (let attempt = 0; attempt < 50; attempt++) {
              const r = await create(i + k);
              const res = r.body.data.createSpaCard;
              if (res.__typename === 'CreateSpaCardSuccess') return ids.push(res.data.bitrixId);
              expect(res.__typename).toBe('UpstreamError');
              await new Promise((r) => setTimeout(r, 20 * attempt));
            }
            throw new Error('no answer after 50 attempts');
          }),
        );
      }
      s.emulator.setFaults(null);
      // Every add ran and lost its answer; the key found each card (mostly in the same call).
      expect(s.emulator.counters.faults.dropAfterCommit).toBe(200);
      expect(new Set(ids).size).toBe(200);
      expect((await count()) - before).toBe(200);
      expect(s.emulator.counters.commandsByMethod['crm.item.add']).toBe(200);
    } finally {
      await s.close();
    }
  }, 60_000);
});

describe('limits', () => {
  it('a burst of 300 concurrent queries never lets QUERY_LIMIT_EXCEEDED through and stays within the bucket', async () => {
    const s = await startStack({
      emulator: { rateLimit: { enabled: false } },
      plan: { drainPerSecond: 2, bucket: 50 },
    });
    try {
      const afters = await cursors(s.gql, 300);
      s.emulator.resetLimiters();
      s.emulator.setRateLimit({ enabled: true, drainPerSecond: 2, bucket: 50 });
      const results = await Promise.all(afters.map((after) => s.gql(PAGE_QUERY, { after })));
      expect(results.filter((r) => r.body.errors).map((r) => r.body.errors[0].extensions.code)).toEqual([]);
      expect(s.emulator.counters.rateLimited).toBe(0);
      expect(s.emulator.counters.maxBucketLevel).toBeLessThanOrEqual(50);
    } finally {
      await s.close();
    }
  }, 60_000);

  it('a method near its operating budget waits or answers UPSTREAM_BUSY with retryAfter; the portal never says 429', async () => {
    const s = await startStack({
      emulator: { operatingLimit: { enabled: true, limitSeconds: 10, costSeconds: 1 } },
      portal: { operating: { limitSeconds: 10, marginSeconds: 2 } },
      // At 1 s a command, the typed schema's 26 crm.item.fields would spend that method's budget.
      gateway: { deadlineMs: 3_000, typedSchema: false },
    });
    try {
      const codes: string[] = [];
      for (let i = 0; i < 15; i++) {
        const r = await s.gql('query($id: Int!) { employee(id: $id) { fullName } }', { id: i + 1 });
        codes.push(r.body.errors ? r.body.errors[0].extensions.code : 'OK');
        if (r.body.errors) expect(r.body.errors[0].extensions.retryAfter).toBeGreaterThan(0);
      }
      expect(codes.filter((c) => c === 'OK').length).toBeGreaterThanOrEqual(7);
      expect(codes.slice(-3)).toEqual(['UPSTREAM_BUSY', 'UPSTREAM_BUSY', 'UPSTREAM_BUSY']);
      expect(s.emulator.counters.operatingLimited).toBe(0);
      // Other methods are not affected.
      const other = await s.gql('{ stages(entityTypeId: 128, categoryId: 7) { name } }');
      data(other);
    } finally {
      await s.close();
    }
  });
});

describe('a failing portal', () => {
  it('opens the circuit (fail fast, not ready), then recovers by itself', async () => {
    const s = await startStack({
      maxAttempts: 1,
      portal: { breaker: { failureThreshold: 3, cooldownMs: 300 }, readinessCacheMs: 0 },
    });
    const base = s.url.replace('/graphql', '');
    try {
      expect((await fetch(`${base}/ready`)).status).toBe(200);
      s.emulator.setFaults({ rate: 1, kinds: ['http500'] });
      for (let i = 0; i < 3; i++) await s.gql('query($id: Int!) { employee(id: $id) { fullName } }', { id: i + 1 });
      const before = s.emulator.counters.httpRequests;
      const fast = await s.gql('{ employee(id: 9) { fullName } }');
      expect(fast.body.errors[0].extensions).toMatchObject({
        code: 'UPSTREAM_UNAVAILABLE',
        bitrix: { code: 'CIRCUIT_OPEN' },
      });
      expect(s.emulator.counters.httpRequests).toBe(before); // failed fast: nothing sent
      expect((await fetch(`${base}/ready`)).status).toBe(503);
      s.emulator.setFaults(null);
      await new Promise((r) => setTimeout(r, 350));
      const healed = await s.gql('{ employee(id: 9) { fullName } }');
      data(healed);
      expect((await fetch(`${base}/ready`)).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});

describe('cancellation', () => {
  it('a client that disconnects cancels the upstream work nobody else waits for', async () => {
    // A tight bucket holds the second level of the query in the queue for ~2 s.
    // The static schema: the typed one's build would spend the tight bucket before the query.
    const s = await startStack({ plan: { drainPerSecond: 0.5, bucket: 3 }, gateway: { typedSchema: false } });
    try {
      const controller = new AbortController();
      const pending = fetch(s.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ employees(first: 20) { edges { node { departments { name } } } } }' }),
        signal: controller.signal,
      }).catch(() => 'aborted');
      await new Promise((r) => setTimeout(r, 300));
      expect(s.emulator.counters.commandsByMethod['user.get']).toBe(1);
      controller.abort();
      expect(await pending).toBe('aborted');
      await new Promise((r) => setTimeout(r, 2_500));
      expect(s.emulator.counters.commandsByMethod['department.get']).toBeUndefined();
    } finally {
      await s.close();
    }
  });
});
