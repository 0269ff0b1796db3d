// Limits (bitrix24-api.md §3): the leaky bucket (503 QUERY_LIMIT_EXCEEDED) and the per-method
// operating budget (429 OPERATION_TIME_LIMIT), both switchable at run time.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { startPortal } from '../src/portal.js';
import type { EmulatorPortal } from '../src/portal.js';
import { call, fakeState, postJson, sleep } from '../src/fake-state.js';

let portal: EmulatorPortal;

beforeAll(async () => {
  portal = await startPortal({ state: fakeState() });
});
afterAll(() => portal.close());
beforeEach(() => {
  portal.setRateLimit({ enabled: false });
  portal.setOperatingLimit({ enabled: false });
  portal.resetCounters();
});

const QUERY_LIMIT = { error: 'QUERY_LIMIT_EXCEEDED', error_description: 'Too many requests' };
const OPERATION_LIMIT = {
  error: 'OPERATION_TIME_LIMIT',
  error_description: 'Method is blocked due to operation time limit',
};

describe('leaky bucket', () => {
  it('is off by default: a burst passes', async () => {
    const replies = await Promise.all(Array.from({ length: 60 }, () => call(`${portal.webhookUrl}test.echo`)));
    expect(replies.every((r) => r.status === 200)).toBe(true);
    expect(portal.counters.rateLimited).toBe(0);
  });

  it('answers exactly N 503s to a burst of bucket+N, then recovers as it drains', async () => {
    // 2/s: a slot frees every 500 ms, far longer than the burst takes on loopback.
    portal.setRateLimit({ enabled: true, bucket: 5, drainPerSecond: 2 });
    const replies = await Promise.all(Array.from({ length: 8 }, () => call(`${portal.webhookUrl}test.echo`)));
    const limited = replies.filter((r) => r.status === 503);
    expect(limited).toHaveLength(3);
    expect(limited[0].json).toEqual(QUERY_LIMIT);
    expect(replies.filter((r) => r.status === 200)).toHaveLength(5);
    expect(portal.counters.rateLimited).toBe(3);
    expect(portal.counters.httpRequests).toBe(8);
    expect(portal.counters.maxBucketLevel).toBeLessThanOrEqual(5);
    expect(portal.counters.maxBucketLevel).toBeGreaterThan(4.5);

    expect((await call(`${portal.webhookUrl}test.echo`)).status).toBe(503);
    await sleep(600);
    expect((await call(`${portal.webhookUrl}test.echo`)).status).toBe(200);
  });

  it('counts a batch as one request', async () => {
    portal.setRateLimit({ enabled: true, bucket: 2, drainPerSecond: 0.5 });
    const cmd = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`e${i}`, 'test.echo']));
    const a = await postJson(`${portal.webhookUrl}batch`, { cmd });
    const b = await postJson(`${portal.webhookUrl}batch`, { cmd });
    const c = await postJson(`${portal.webhookUrl}batch`, { cmd });
    expect([a.status, b.status, c.status]).toEqual([200, 200, 503]);
    expect(portal.counters.batchCommands).toBe(100);
  });
});

describe('operating budget', () => {
  it('lets the crossing call complete and blocks the NEXT call of that method only', async () => {
    portal.setOperatingLimit({ enabled: true, limitSeconds: 2.5, costSeconds: 1 });
    const operating: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await call(`${portal.webhookUrl}test.echo`);
      expect(r.status).toBe(200);
      operating.push(r.json.time.operating);
      const resetAt = r.json.time.operating_reset_at;
      expect(resetAt).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 598);
      expect(resetAt).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 600);
    }
    expect(operating).toEqual([1, 2, 3]);
    const blocked = await call(`${portal.webhookUrl}test.echo`);
    expect(blocked.status).toBe(429);
    expect(blocked.json).toEqual(OPERATION_LIMIT);
    expect(portal.counters.operatingLimited).toBe(1);
    // Other methods carry on, with their own `operating`.
    const other = await call(`${portal.webhookUrl}test.list`);
    expect(other.status).toBe(200);
    expect(other.json.time.operating).toBe(1);
  });

  it('blocks inner batch commands of a blocked method; batch itself is not accounted', async () => {
    portal.setOperatingLimit({ enabled: true, limitSeconds: 0.5, costSeconds: 1 });
    expect((await call(`${portal.webhookUrl}test.echo`)).status).toBe(200);
    const r = await postJson(`${portal.webhookUrl}batch`, { cmd: { e: 'test.echo', w: 'test.write' } });
    expect(r.status).toBe(200);
    expect(r.json.result.result_error).toEqual({ e: OPERATION_LIMIT });
    expect(Object.keys(r.json.result.result)).toEqual(['w']);
    expect(r.json.time.operating).toBe(0);
    expect(portal.counters.operatingLimited).toBe(1);
    // test.write crossed its limit inside the batch: now a direct call is blocked too.
    expect((await call(`${portal.webhookUrl}test.write`)).status).toBe(429);
  });

  it('unblocks when the window rolls off', async () => {
    portal.setOperatingLimit({ enabled: true, limitSeconds: 0.5, costSeconds: 1, windowSeconds: 0.3 });
    expect((await call(`${portal.webhookUrl}test.echo`)).status).toBe(200);
    expect((await call(`${portal.webhookUrl}test.echo`)).status).toBe(429);
    await sleep(350);
    const r = await call(`${portal.webhookUrl}test.echo`);
    expect(r.status).toBe(200);
    expect(r.json.time.operating).toBe(1);
  });

  it('tracks measured time when no costSeconds is set and never blocks when disabled', async () => {
    portal.setOperatingLimit({ enabled: false, limitSeconds: 0.000001 });
    for (let i = 0; i < 3; i++) {
      const r = await call(`${portal.webhookUrl}test.list`);
      expect(r.status).toBe(200);
      expect(r.json.time.operating).toBeGreaterThan(0);
      expect(r.json.time.operating).toBeLessThan(1);
    }
  });
});
