// Fault injection, latency, exact counters and the control API.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { startPortal } from '../src/portal.js';
import type { EmulatorPortal } from '../src/portal.js';
import type { FaultKind } from '../src/types.js';
import { call, fakeState, postJson } from '../src/fake-state.js';
import type { FakeState } from '../src/fake-state.js';

let portal: EmulatorPortal;
let state: FakeState;

beforeAll(async () => {
  state = fakeState();
  portal = await startPortal({ state, seed: 7 });
});
afterAll(() => portal.close());
beforeEach(() => {
  portal.setFaults(null);
  portal.setLatency(0);
  portal.resetCounters();
  state.writes = 0;
});

const write = (): Promise<Response> => fetch(`${portal.webhookUrl}test.write`, { method: 'POST' });
const always = (kind: FaultKind, slowMs?: number): void => portal.setFaults({ rate: 1, kinds: [kind], slowMs });

describe('faults', () => {
  it('http500 answers 500 before executing', async () => {
    always('http500');
    const r = await write();
    expect(r.status).toBe(500);
    expect(await r.json()).toEqual({ error: 'INTERNAL_SERVER_ERROR', error_description: 'Internal server error' });
    expect(state.writes).toBe(0);
    expect(portal.counters.faults).toEqual({ http500: 1 });
  });

  it('http503 answers 503 QUERY_LIMIT_EXCEEDED before executing (not counted as rate limited)', async () => {
    always('http503');
    const r = await write();
    expect(r.status).toBe(503);
    expect(await r.json()).toEqual({ error: 'QUERY_LIMIT_EXCEEDED', error_description: 'Too many requests' });
    expect(state.writes).toBe(0);
    expect(portal.counters.rateLimited).toBe(0);
    expect(portal.counters.faults).toEqual({ http503: 1 });
  });

  it('drop destroys the connection before executing', async () => {
    always('drop');
    await expect(write()).rejects.toThrow();
    expect(state.writes).toBe(0);
    expect(portal.counters.faults).toEqual({ drop: 1 });
  });

  it('dropAfterCommit executes the write, then destroys the connection', async () => {
    always('dropAfterCommit');
    await expect(write()).rejects.toThrow();
    expect(state.writes).toBe(1);
    expect(portal.counters.faults).toEqual({ dropAfterCommit: 1 });
  });

  it('truncate executes and sends half a JSON body with status 200', async () => {
    portal.setFaults(null);
    const full = await (await fetch(`${portal.webhookUrl}test.list`)).text();
    always('truncate');
    const r = await fetch(`${portal.webhookUrl}test.list`);
    expect(r.status).toBe(200);
    const text = await r.text();
    // Half the body (the `time` floats vary in length from call to call, hence the slack).
    expect(Math.abs(text.length - full.length / 2)).toBeLessThan(16);
    expect(r.headers.get('content-length')).toBe(String(text.length));
    expect(text.startsWith('{"result":[{"ID":"1","NAME":"Row 1"}')).toBe(true);
    expect(() => JSON.parse(text)).toThrow();
    const w = await write();
    expect(w.status).toBe(200);
    expect(state.writes).toBe(1);
    expect(portal.counters.faults).toEqual({ truncate: 2 });
  });

  it('slow delays the response by slowMs', async () => {
    always('slow', 250);
    const t0 = Date.now();
    const r = await write();
    expect(r.status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(240);
    expect(portal.counters.faults).toEqual({ slow: 1 });
  });

  it('only hits the listed methods and can be turned off', async () => {
    portal.setFaults({ rate: 1, kinds: ['http500'], methods: ['TEST.WRITE'] });
    expect((await write()).status).toBe(500);
    expect((await fetch(`${portal.webhookUrl}test.echo`)).status).toBe(200);
    portal.setFaults(null);
    expect((await write()).status).toBe(200);
  });

  it('is reproducible for a given seed', async () => {
    const run = async (): Promise<number[]> => {
      const p = await startPortal({ state: fakeState(), seed: 99 });
      p.setFaults({ rate: 0.5, kinds: ['http500', 'http503'] });
      const statuses: number[] = [];
      for (let i = 0; i < 24; i++) statuses.push((await fetch(`${p.webhookUrl}test.echo`)).status);
      await p.close();
      return statuses;
    };
    const a = await run();
    expect(await run()).toEqual(a);
    expect(a.filter((s) => s !== 200).length).toBeGreaterThan(0);
    expect(a.filter((s) => s === 200).length).toBeGreaterThan(0);
  });

  it('latencyMs adds a fixed delay to every response', async () => {
    portal.setLatency(150);
    const t0 = Date.now();
    expect((await fetch(`${portal.webhookUrl}test.echo`)).status).toBe(200);
    expect((await fetch(`${portal.webhookUrl}no.such`)).status).toBe(404);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  });
});

describe('counters', () => {
  it('are exact, and resetCounters zeroes them', async () => {
    await call(`${portal.webhookUrl}test.echo`);
    await call(`${portal.webhookUrl}TEST.ECHO.json`);
    await postJson(`${portal.webhookUrl}batch`, {
      cmd: { a: 'test.echo', b: 'test.list', c: 'nope', d: 'batch', e: 'test.fail' },
    });
    await call(`${portal.webhookUrl}no.such`); // 404: never reached a method
    await call(`${portal.origin}/rest/1/bad/test.echo`); // 401: never reached a method
    await call(`${portal.webhookUrl}test.fail`); // reached and executed, answered 400
    expect(portal.counters).toEqual({
      httpRequests: 4,
      batchCommands: 3,
      byMethod: { 'test.echo': 2, batch: 1, 'test.fail': 1 },
      commandsByMethod: { 'test.echo': 3, 'test.list': 1, 'test.fail': 2 },
      rateLimited: 0,
      operatingLimited: 0,
      faults: {},
      maxBucketLevel: expect.any(Number),
      tokenRefreshes: 0,
    });
    portal.resetCounters();
    expect(portal.counters).toEqual({
      httpRequests: 0,
      batchCommands: 0,
      byMethod: {},
      commandsByMethod: {},
      rateLimited: 0,
      operatingLimited: 0,
      faults: {},
      maxBucketLevel: 0,
      tokenRefreshes: 0,
    });
  });
});

describe('control API', () => {
  it('serves counters, reset, faults and limits under the secret; 404 otherwise', async () => {
    const base = portal.controlUrl;
    expect(base).toBe(`${portal.origin}/_emulator/demo4portal8code/`);
    await call(`${portal.webhookUrl}test.echo`);

    let r = await call(`${base}counters`);
    expect(r.status).toBe(200);
    expect(r.json.httpRequests).toBe(1);
    expect((await call(`${portal.origin}/_emulator/wrong/counters`)).status).toBe(404);
    expect((await call(`${base}nothing`, { method: 'POST' })).status).toBe(404);

    r = await postJson(`${base}faults`, { rate: 1, kinds: ['http500'] });
    expect(r.status).toBe(200);
    expect((await fetch(`${portal.webhookUrl}test.echo`)).status).toBe(500);
    expect((await postJson(`${base}faults`, { rate: 2, kinds: ['nope'] })).status).toBe(400);
    expect((await postJson(`${base}faults`, null)).status).toBe(200);
    expect((await fetch(`${portal.webhookUrl}test.echo`)).status).toBe(200);

    r = await postJson(`${base}limits`, { operatingLimit: { enabled: true, limitSeconds: 0.5, costSeconds: 1 } });
    expect(r.status).toBe(200);
    expect((await fetch(`${portal.webhookUrl}test.list`)).status).toBe(200);
    expect((await fetch(`${portal.webhookUrl}test.list`)).status).toBe(429);
    expect((await postJson(`${base}limits`, { rateLimit: { bucket: 3 } })).status).toBe(400);
    r = await postJson(`${base}limits`, {
      rateLimit: { enabled: true, bucket: 1, drainPerSecond: 0.1 },
      operatingLimit: { enabled: false },
    });
    expect(r.status).toBe(200);
    expect((await fetch(`${portal.webhookUrl}test.echo`)).status).toBe(200);
    expect((await fetch(`${portal.webhookUrl}test.echo`)).status).toBe(503);
    // reset {limiters:true} also empties the bucket.
    expect((await postJson(`${base}reset`, { limiters: true })).status).toBe(200);
    expect((await call(`${base}counters`)).json.httpRequests).toBe(0);
    expect((await fetch(`${portal.webhookUrl}test.echo`)).status).toBe(200);
    portal.setRateLimit({ enabled: false });
  });
});
