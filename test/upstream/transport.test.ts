// The transport against the embedded portal over loopback HTTP: every error class, timeouts,
// broken bodies, OAuth refresh, and no secret in any error text or log line.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BitrixError } from '../../src/upstream/errors.js';
import { BitrixTransport } from '../../src/upstream/transport.js';
import { startPortal, type EmulatorPortal } from '@bitrix24-graphql/demo-portal';
import { createLogger, registerSecrets } from '../../src/lib/logger.js';
import { fakeState } from '@bitrix24-graphql/demo-portal';

const SECRET = 'transp0rtSecretXy';
let portal: EmulatorPortal;
const logs: string[] = [];
const logger = createLogger(
  'debug',
  new Writable({
    write(chunk, _e, done) {
      logs.push(String(chunk));
      done();
    },
  }),
);

beforeAll(async () => {
  portal = await startPortal({
    state: fakeState(),
    secret: SECRET,
    oauth: { clientId: 'app', clientSecret: 'appSecretValue99' },
  });
});
afterAll(() => portal.close());

function transport(options: ConstructorParameters<typeof BitrixTransport>[1] = {}) {
  return new BitrixTransport({ kind: 'webhook', url: portal.webhookUrl }, { logger, ...options });
}

async function failure(promise: Promise<unknown>): Promise<BitrixError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BitrixError);
  const e = error as BitrixError;
  expect(e.message).not.toContain(SECRET);
  expect(e.description).not.toContain(SECRET);
  return e;
}

describe('BitrixTransport', () => {
  it('parses the success envelope: result, total, next, time', async () => {
    const t = transport();
    const res = await t.call('test.list', { start: 0 });
    expect((res.result as unknown[]).length).toBe(50);
    expect(res.total).toBe(120);
    expect(res.next).toBe(50);
    expect(res.time?.duration).toBeTypeOf('number');
    await t.close();
  });

  it('maps an error envelope to a typed BitrixError (not-found)', async () => {
    const t = transport();
    const e = await failure(t.call('test.fail', {}));
    expect(e).toMatchObject({
      code: 'NOT_FOUND',
      description: 'Element not found',
      httpStatus: 400,
      method: 'test.fail',
      errorClass: 'not-found',
    });
    await t.close();
  });

  it('unknown method is a bad request (404 ERROR_METHOD_NOT_FOUND)', async () => {
    const t = transport();
    const e = await failure(t.call('no.such.method', {}));
    expect(e).toMatchObject({ code: 'ERROR_METHOD_NOT_FOUND', httpStatus: 404, errorClass: 'bad-request' });
    await t.close();
  });

  it('a wrong webhook secret is an auth error and the secret appears nowhere', async () => {
    const wrong = portal.webhookUrl.replace(SECRET, 'wrongSecret123456');
    const t = new BitrixTransport({ kind: 'webhook', url: wrong }, { logger });
    registerSecrets(['wrongSecret123456']);
    const e = await failure(t.call('test.echo', {}));
    expect(e).toMatchObject({ code: 'INVALID_CREDENTIALS', httpStatus: 401, errorClass: 'auth' });
    expect(e.message).not.toContain('wrongSecret123456');
    await t.close();
  });

  it('503 QUERY_LIMIT_EXCEEDED is rate-limited; 429 OPERATION_TIME_LIMIT is operating-limit', async () => {
    const t = transport();
    portal.setRateLimit({ enabled: true, bucket: 1, drainPerSecond: 0.01 });
    await t.call('test.echo', {});
    const limited = await failure(t.call('test.echo', {}));
    expect(limited).toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', httpStatus: 503, errorClass: 'rate-limited' });
    expect(limited.transient).toBe(true);
    portal.setRateLimit({ enabled: false });
    portal.setOperatingLimit({ enabled: true, limitSeconds: 1, costSeconds: 2 });
    await t.call('test.echo', {});
    const busy = await failure(t.call('test.echo', {}));
    expect(busy).toMatchObject({ code: 'OPERATION_TIME_LIMIT', httpStatus: 429, errorClass: 'operating-limit' });
    portal.setOperatingLimit({ enabled: false });
    portal.resetLimiters();
    await t.close();
  });

  it('500 is an upstream failure; a truncated body is an upstream failure (ambiguous), never a crash', async () => {
    const t = transport();
    portal.setFaults({ rate: 1, kinds: ['http500'] });
    expect(await failure(t.call('test.echo', {}))).toMatchObject({ httpStatus: 500, errorClass: 'upstream-failure' });
    portal.setFaults({ rate: 1, kinds: ['truncate'] });
    const truncated = await failure(t.call('test.echo', {}));
    expect(truncated).toMatchObject({ code: 'INVALID_RESPONSE', errorClass: 'upstream-failure', ambiguous: true });
    portal.setFaults(null);
    await t.close();
  });

  it('a dropped connection is a network error marked ambiguous', async () => {
    const t = transport();
    portal.setFaults({ rate: 1, kinds: ['dropAfterCommit'] });
    const e = await failure(t.call('test.write', {}));
    expect(e).toMatchObject({ errorClass: 'network', ambiguous: true });
    portal.setFaults(null);
    await t.close();
  });

  it('a slow portal hits the headers timeout', async () => {
    const t = transport({ headersTimeoutMs: 150 });
    portal.setFaults({ rate: 1, kinds: ['slow'], slowMs: 1_000 });
    const e = await failure(t.call('test.echo', {}));
    expect(e.errorClass).toBe('timeout');
    portal.setFaults(null);
    await t.close();
  });

  it('a cancelled call (deadline) is a timeout', async () => {
    const t = transport();
    portal.setFaults({ rate: 1, kinds: ['slow'], slowMs: 1_000 });
    const e = await failure(t.call('test.echo', {}, { signal: AbortSignal.timeout(100) }));
    expect(e).toMatchObject({ code: 'ABORTED', errorClass: 'timeout' });
    portal.setFaults(null);
    await t.close();
  });

  it('a refused connection is a network error, not ambiguous', async () => {
    const t = new BitrixTransport({ kind: 'webhook', url: `http://127.0.0.1:1/rest/1/${SECRET}/` }, { logger });
    const e = await failure(t.call('test.echo', {}));
    expect(e).toMatchObject({ errorClass: 'network', ambiguous: false });
    await t.close();
  });

  it('OAuth: an expired token is refreshed once for concurrent calls, then the calls succeed', async () => {
    const tokens = portal.issueOAuthTokens();
    const t = new BitrixTransport(
      {
        kind: 'oauth',
        clientEndpoint: portal.restUrl,
        accessToken: tokens.access_token,
        refreshToken: tokens.refresh_token,
        clientId: 'app',
        clientSecret: 'appSecretValue99',
        tokenUrl: portal.oauthTokenUrl,
      },
      { logger },
    );
    expect((await t.call('test.echo', {})).result).toMatchObject({ userId: 1 });
    portal.expireAccessTokens();
    const before = portal.counters.tokenRefreshes;
    const results = await Promise.all(Array.from({ length: 5 }, () => t.call('test.echo', {})));
    expect(results).toHaveLength(5);
    expect(portal.counters.tokenRefreshes - before).toBe(1);
    expect(t.oauthRefreshCount).toBe(1);
    await t.close();
  });

  it('never writes the webhook secret into a log line', () => {
    expect(logs.length).toBeGreaterThan(5);
    for (const line of logs) expect(line).not.toContain(SECRET);
  });
});
