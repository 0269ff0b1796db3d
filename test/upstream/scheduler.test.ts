// The portal scheduler against the embedded portal: coalescing into batches of ≤50, dedupe,
// per-command errors, chained keyset pages, writes alone, and never exceeding the bucket.
import { getEventListeners } from 'node:events';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BitrixError } from '../../src/upstream/errors.js';
import { BitrixPortal } from '../../src/upstream/portal.js';
import { newMeter } from '../../src/upstream/scheduler.js';
import { startPortal, type EmulatorPortal } from '@bitrix24-graphql/demo-portal';
import { fakeState, type FakeState } from '@bitrix24-graphql/demo-portal';

let emulator: EmulatorPortal;
let portal: BitrixPortal;
let state: FakeState;
const LIST = { method: 'test.biglist', idKey: 'ID' as const, rowsPath: [] };

beforeAll(async () => {
  state = fakeState();
  emulator = await startPortal({ state });
  portal = new BitrixPortal({
    auth: { kind: 'webhook', url: emulator.webhookUrl },
    plan: { drainPerSecond: 1000, bucket: 10_000 },
  });
});
afterAll(async () => {
  await portal.close();
  await emulator.close();
});
beforeEach(() => emulator.resetCounters());

describe('PortalScheduler', () => {
  it('packs 120 concurrent commands into 3 batch requests of at most 50', async () => {
    const results = await Promise.all(Array.from({ length: 120 }, (_, i) => portal.read('test.echo', { n: i })));
    expect(results.map((r) => (r.result as { params: { n: string } }).params.n)).toEqual(
      Array.from({ length: 120 }, (_, i) => String(i)),
    );
    expect(emulator.counters.httpRequests).toBe(3);
    expect(emulator.counters.byMethod.batch).toBe(3);
    expect(emulator.counters.batchCommands).toBe(120);
  });

  it('sends a lone command at once, directly, not wrapped in a batch', async () => {
    await portal.read('test.echo', { alone: 1 });
    expect(emulator.counters.byMethod).toEqual({ 'test.echo': 1 });
  });

  it('sends identical concurrent reads once', async () => {
    const meter = newMeter();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => portal.read('test.echo', { same: 1 }, { meter })),
    );
    expect(new Set(results.map((r) => JSON.stringify(r.result))).size).toBe(1);
    expect(emulator.counters.commandsByMethod['test.echo']).toBe(1);
  });

  it('fails only the bad command of a batch, never its siblings', async () => {
    const outcomes = await Promise.allSettled([
      portal.read('test.echo', { a: 1 }),
      portal.read('test.fail', {}),
      portal.read('test.echo', { b: 2 }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const reason = (outcomes[1] as PromiseRejectedResult).reason as BitrixError;
    expect(reason).toBeInstanceOf(BitrixError);
    expect(reason.errorClass).toBe('not-found');
    expect(emulator.counters.httpRequests).toBe(1);
  });

  it('never batches or deduplicates writes', async () => {
    await Promise.all([
      portal.write('test.write', { x: 1 }),
      portal.write('test.write', { x: 1 }),
      portal.write('test.write', { x: 1 }),
    ]);
    expect(emulator.counters.byMethod['test.write']).toBe(3);
    expect(emulator.counters.byMethod.batch).toBeUndefined();
  });

  it('counts the cost of each request on its meter', async () => {
    const a = newMeter();
    const b = newMeter();
    await Promise.all([
      portal.read('test.echo', { m: 1 }, { meter: a }),
      portal.read('test.echo', { m: 2 }, { meter: b }),
    ]);
    expect(a).toMatchObject({ httpRequests: 1, commands: 1 });
    expect(b).toMatchObject({ httpRequests: 1, commands: 1 });
  });
});

describe('keyset pages', () => {
  it('reads 2,450 rows with an exact hasNextPage in ONE HTTP request', async () => {
    const page = await portal.page<{ ID: string }>(LIST, {}, {}, 0, 2_450);
    expect(page.rows).toHaveLength(2_450);
    expect(page.rows[2_449].ID).toBe('2450');
    expect(page.hasNextPage).toBe(true);
    expect(emulator.counters.httpRequests).toBe(1);
  });

  it('reads the whole 2,500-row list with first=2500 in one request and knows it is the end', async () => {
    const page = await portal.page<{ ID: string }>(LIST, {}, {}, 0, 2_500);
    expect(page.rows).toHaveLength(2_500);
    expect(page.hasNextPage).toBe(false);
    expect(emulator.counters.httpRequests).toBe(1);
  });

  it('continues after a cursor and stops at a short page', async () => {
    const page = await portal.page<{ ID: string }>(LIST, {}, {}, 2_400, 500);
    expect(page.rows.map((r) => r.ID)).toEqual(Array.from({ length: 100 }, (_, i) => String(2_401 + i)));
    expect(page.hasNextPage).toBe(false);
  });

  it('lets go of a request signal once its commands settle (no listener keeps results alive)', async () => {
    const controller = new AbortController();
    const options = { signal: controller.signal };
    await Promise.all([portal.read('test.echo', { held: 1 }, options), portal.read('test.echo', { held: 2 }, options)]);
    await portal.chain([{ method: 'test.echo', params: { held: 3 } }], options);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('sends text the batch engine would rewrite ($result[…], $next[…], any case) alone and literally, never inside a batch', async () => {
    state.calls.length = 0;
    const texts = [
      '$result[c0][params][n]',
      '$RESULT[c1]',
      'x $next[c0] y',
      '$error[c0][error]',
      '$time[c0][start]',
      '$total[c0]',
    ];
    const [plain, ...echoed] = await Promise.all([
      portal.read('test.echo', { n: 'plain' }),
      ...texts.map((text) => portal.read('test.echo', { filter: { '%TITLE': text } })),
    ]);
    expect((plain.result as { params: unknown }).params).toEqual({ n: 'plain' });
    expect(
      echoed.map((r) => (r.result as { params: { filter: Record<string, unknown> } }).params.filter['%TITLE']),
    ).toEqual(texts);
    expect(echoed.map((r) => (r.result as { inBatch: boolean }).inBatch)).toEqual(texts.map(() => false));
    expect(emulator.counters.httpRequests).toBe(1 + texts.length);
  });

  it('runs a chain carrying such text one direct call at a time, resolving its references itself', async () => {
    const page = await portal.page<{ ID: string }>(LIST, {}, { NAME: '$result[c0][0][ID]' }, 0, 60);
    expect(page.rows.map((r) => Number(r.ID))).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(page.hasNextPage).toBe(true);
    expect(emulator.counters.byMethod).toEqual({ 'test.biglist': 2 });
  });

  it('first=50 on exactly 50 remaining rows says there is no next page', async () => {
    const page = await portal.page<{ ID: string }>(LIST, {}, {}, 2_450, 50);
    expect(page.rows).toHaveLength(50);
    expect(page.hasNextPage).toBe(false);
  });
});

describe('limiter', () => {
  it('a burst of 300 distinct reads never gets a 503 from a rate-limited portal', async () => {
    emulator.setRateLimit({ enabled: true, bucket: 5, drainPerSecond: 10 });
    const limited = new BitrixPortal({
      auth: { kind: 'webhook', url: emulator.webhookUrl },
      plan: { drainPerSecond: 10, bucket: 5 },
    });
    try {
      // Each tick adds 25 commands, so the scheduler has to wait on its bucket between batches.
      const all: Promise<unknown>[] = [];
      for (let wave = 0; wave < 12; wave++) {
        for (let i = 0; i < 25; i++) all.push(limited.read('test.echo', { wave, i }));
        await new Promise((r) => setTimeout(r, 5));
      }
      await Promise.all(all);
      expect(emulator.counters.rateLimited).toBe(0);
      expect(emulator.counters.maxBucketLevel).toBeLessThanOrEqual(5);
      expect(emulator.counters.batchCommands).toBe(300);
    } finally {
      await limited.close();
      emulator.setRateLimit({ enabled: false });
    }
  });
});
