// HTTP front: URL forms, bodies, auth errors, envelopes (bitrix24-api.md §1, §2).
import { connect } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startPortal } from '../src/portal.js';
import type { EmulatorPortal } from '../src/portal.js';
import { call, fakeState, postForm, postJson } from '../src/fake-state.js';
import type { FakeState } from '../src/fake-state.js';

let portal: EmulatorPortal;
let state: FakeState;
const internalErrors: unknown[] = [];

beforeAll(async () => {
  state = fakeState();
  portal = await startPortal({
    state,
    userId: 7,
    secret: 'abcdef0123456789',
    onInternalError: (e) => internalErrors.push(e),
  });
});
afterAll(() => portal.close());

const TIME_KEYS = [
  'date_finish',
  'date_start',
  'duration',
  'finish',
  'operating',
  'operating_reset_at',
  'processing',
  'start',
];

describe('URL forms', () => {
  it('serves the webhook URL and exposes origin/webhookUrl', async () => {
    expect(portal.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(portal.webhookUrl).toBe(`${portal.origin}/rest/7/abcdef0123456789/`);
    const r = await call(`${portal.webhookUrl}test.echo?a=1`);
    expect(r.status).toBe(200);
    expect(r.json.result).toEqual({ params: { a: '1' }, userId: 7, inBatch: false });
  });

  it('looks methods up case-insensitively, with optional .json and trailing slash', async () => {
    for (const m of ['TEST.ECHO', 'Test.Echo.json', 'test.echo/', 'test.echo.json/', 'TEST.echo.JSON']) {
      const r = await call(`${portal.webhookUrl}${m}`);
      expect(r.status, m).toBe(200);
      expect(r.json.result.userId, m).toBe(7);
    }
  });

  it('answers 400 for the .xml format, which is not emulated', async () => {
    const r = await call(`${portal.webhookUrl}test.echo.xml`);
    expect(r.status).toBe(400);
    expect(r.json.error).toBe('INVALID_REQUEST');
    expect(r.json.error_description).toMatch(/xml/i);
  });

  it('answers 404 ERROR_METHOD_NOT_FOUND for an unknown method, and for a webhook URL without the user', async () => {
    const expected = { error: 'ERROR_METHOD_NOT_FOUND', error_description: 'Method not found!' };
    for (const url of [
      `${portal.webhookUrl}no.such.method`,
      `${portal.origin}/rest/abcdef0123456789/test.echo`,
      `${portal.webhookUrl}constructor`,
    ]) {
      const r = await call(url);
      expect(r.status, url).toBe(404);
      expect(r.json, url).toEqual(expected);
    }
  });
});

describe('authentication', () => {
  it('answers 401 INVALID_CREDENTIALS for a wrong secret or user', async () => {
    const expected = { error: 'INVALID_CREDENTIALS', error_description: 'Invalid request credentials' };
    for (const url of [
      `${portal.origin}/rest/7/wrongsecret00000/test.echo`,
      `${portal.origin}/rest/8/abcdef0123456789/test.echo`,
    ]) {
      const r = await call(url);
      expect(r.status).toBe(401);
      expect(r.json).toEqual(expected);
    }
  });

  it('answers 401 NO_AUTH_FOUND for /rest/{method} without auth (and with a token on a portal without OAuth)', async () => {
    const expected = { error: 'NO_AUTH_FOUND', error_description: 'Wrong authorization data' };
    let r = await call(`${portal.origin}/rest/test.echo`);
    expect(r.status).toBe(401);
    expect(r.json).toEqual(expected);
    r = await call(`${portal.origin}/rest/test.echo.json?auth=abc`);
    expect(r.status).toBe(401);
    expect(r.json).toEqual(expected);
  });
});

describe('request bodies', () => {
  const nested = 'filter[>ID]=5&select[]=ID&select[]=NAME&fields[PHONE][0][VALUE]=1&fields[PHONE][0][VALUE_TYPE]=WORK';
  const parsed = {
    filter: { '>ID': '5' },
    select: ['ID', 'NAME'],
    fields: { PHONE: [{ VALUE: '1', VALUE_TYPE: 'WORK' }] },
  };

  it('parses PHP-style nested keys from the query string (leaves are strings)', async () => {
    const r = await call(`${portal.webhookUrl}test.echo?${encodeURI(nested)}`);
    expect(r.json.result.params).toEqual(parsed);
  });

  it('parses form bodies and merges the query string, the body winning', async () => {
    const r = await postForm(`${portal.webhookUrl}test.echo?q=1&start=0`, `${nested}&start=50`);
    expect(r.json.result.params).toEqual({ ...parsed, q: '1', start: '50' });
  });

  it('keeps PHP semantics for sparse indices and repeated keys', async () => {
    const r = await call(`${portal.webhookUrl}test.echo?a[0]=x&a[2]=y&b=1&b=2`);
    expect(r.json.result.params).toEqual({ a: { '0': 'x', '2': 'y' }, b: '2' });
  });

  it('parses JSON bodies with their types and merges the query string', async () => {
    const body = { filter: { '>ID': 5 }, select: ['ID'], flag: true, start: -1 };
    const r = await postJson(`${portal.webhookUrl}test.echo?extra=x`, body);
    expect(r.json.result.params).toEqual({ ...body, extra: 'x' });
  });

  it('parses multipart/form-data text fields', async () => {
    const form = new FormData();
    form.append('filter[>ID]', '5');
    form.append('select[]', 'ID');
    const r = await call(`${portal.webhookUrl}test.echo`, { method: 'POST', body: form });
    expect(r.json.result.params).toEqual({ filter: { '>ID': '5' }, select: ['ID'] });
  });

  it('answers 400 INVALID_REQUEST for malformed JSON', async () => {
    const r = await call(`${portal.webhookUrl}test.echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":',
    });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ error: 'INVALID_REQUEST', error_description: 'Malformed JSON body' });
  });

  it('answers 413 for bodies above 8 MB', async () => {
    const r = await postForm(`${portal.webhookUrl}test.echo`, `a=${'x'.repeat(9 * 1024 * 1024)}`);
    expect(r.status).toBe(413);
    expect(r.json.error).toBeTypeOf('string');
  });
});

describe('envelopes', () => {
  it('wraps a single result with `time` only, as application/json; charset=utf-8', async () => {
    const r = await call(`${portal.webhookUrl}test.echo`);
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(Object.keys(r.json)).toEqual(['result', 'time']);
    expect(Object.keys(r.json.time).sort()).toEqual(TIME_KEYS);
    const t = r.json.time;
    expect(t.date_start).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+03:00$/);
    expect(t.date_finish).toMatch(/\+03:00$/);
    expect(t.finish).toBeGreaterThanOrEqual(t.start);
    expect(t.duration).toBeCloseTo(t.finish - t.start, 5);
    expect(Math.abs(t.start - Date.now() / 1000)).toBeLessThan(5);
    expect(Number.isInteger(t.operating_reset_at)).toBe(true);
    expect(t.operating).toBeGreaterThanOrEqual(0);
  });

  it('adds total/next for lists, next only when more rows exist, total 0 for start=-1', async () => {
    let r = await call(`${portal.webhookUrl}test.list`);
    expect(Object.keys(r.json)).toEqual(['result', 'total', 'next', 'time']);
    expect(r.json).toMatchObject({ total: 120, next: 50 });
    r = await call(`${portal.webhookUrl}test.list?start=100`);
    expect(r.json.result).toHaveLength(20);
    expect(r.json.total).toBe(120);
    expect('next' in r.json).toBe(false);
    r = await call(`${portal.webhookUrl}test.list?start=-1`);
    expect(r.json.total).toBe(0);
    expect('next' in r.json).toBe(false);
  });

  it('escapes / as \\/ like PHP json_encode', async () => {
    const r = await call(`${portal.webhookUrl}test.url`);
    expect(r.text).toContain('"url":"https:\\/\\/example.com\\/a\\/b"');
    expect(r.json.result.url).toBe('https://example.com/a/b');
  });

  it('answers an ApiError with its status and {error, error_description} only', async () => {
    const r = await call(`${portal.webhookUrl}test.fail`);
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ error: 'NOT_FOUND', error_description: 'Element not found' });
  });

  it('answers 500 INTERNAL_SERVER_ERROR on an unexpected exception and keeps serving', async () => {
    const r = await call(`${portal.webhookUrl}test.crash`);
    expect(r.status).toBe(500);
    expect(r.json).toEqual({ error: 'INTERNAL_SERVER_ERROR', error_description: 'Internal server error' });
    expect(internalErrors.length).toBeGreaterThan(0);
    expect((await call(`${portal.webhookUrl}test.echo`)).status).toBe(200);
  });
});

describe('robustness', () => {
  it('survives clients that hang up mid-body or send garbage', async () => {
    const { port } = new URL(portal.origin);
    const sendRaw = (raw: string): Promise<void> =>
      new Promise((resolve) => {
        const socket = connect(Number(port), '127.0.0.1', () => {
          socket.write(raw);
          setTimeout(() => {
            socket.destroy();
            resolve();
          }, 20);
        });
        socket.on('error', () => resolve());
      });
    const before = internalErrors.length;
    await sendRaw(`POST /rest/7/abcdef0123456789/test.echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nabc`);
    await sendRaw('NOT HTTP AT ALL\r\n\r\n');
    expect((await call(`${portal.webhookUrl}test.echo`)).status).toBe(200);
    expect(internalErrors.length).toBe(before);
  });
});

describe('portal options and close()', () => {
  it('renders date_* in the configured UTC offset', async () => {
    const p = await startPortal({ state: fakeState(), utcOffset: '-05:30' });
    try {
      const r = await call(`${p.webhookUrl}test.echo`);
      expect(r.json.time.date_start).toMatch(/-05:30$/);
      const local = new Date(r.json.time.date_start).getTime() / 1000;
      expect(Math.abs(local - r.json.time.start)).toBeLessThan(1.01);
    } finally {
      await p.close();
    }
  });

  it('closes gracefully even with open keep-alive connections', async () => {
    const p = await startPortal({ state: fakeState() });
    expect((await call(`${p.webhookUrl}test.echo`)).status).toBe(200);
    const t0 = Date.now();
    await p.close();
    expect(Date.now() - t0).toBeLessThan(1000);
    await expect(fetch(`${p.webhookUrl}test.echo`)).rejects.toThrow();
  });
});
