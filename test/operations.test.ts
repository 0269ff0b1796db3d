// Operating the gateway: Prometheus metrics, one structured log line per GraphQL request with a
// request id, and no secret (webhook secret, API keys) in any log line or response.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashKey, parseApiKeys } from '../src/gateway/use-api-keys.js';
import { startStack, type Stack } from './helpers/stack.js';

const KEY = 'ops_key_5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e';
const READ_KEY = 'ops_read_9f8e7d6c5b4a39281716151413121110';
const auth = { authorization: `Bearer ${KEY}` };

describe('metrics and logs', () => {
  let stack: Stack;
  const responses: string[] = [];
  const gql = async (query: string, variables?: Record<string, unknown>, headers: Record<string, string> = auth) => {
    const res = await stack.gql(query, variables, headers);
    responses.push(res.text);
    return res;
  };
  const graphqlLines = () =>
    stack.logs.map((line) => JSON.parse(line)).filter((line) => line.msg === 'graphql request');

  beforeAll(async () => {
    stack = await startStack({
      gateway: { apiKeys: parseApiKeys(`ops:read+write:${hashKey(KEY)},reader:read:${hashKey(READ_KEY)}`) },
    });
  });
  afterAll(() => stack.close());

  it('one JSON line per GraphQL request: request id, caller, operation, status, duration, upstream cost, error codes', async () => {
    const res = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-me-42', ...auth },
      body: JSON.stringify({ query: 'query Staff { employees(first: 3) { edges { node { fullName } } } }' }),
    });
    expect(res.headers.get('x-request-id')).toBe('trace-me-42');
    responses.push(await res.text());
    const line = graphqlLines().find((l) => l.requestId === 'trace-me-42');
    expect(line).toMatchObject({
      level: 30,
      caller: 'ops',
      operation: 'Staff',
      type: 'query',
      status: 200,
      upstream: { httpRequests: 1 },
    });
    expect(line.ms).toBeGreaterThan(0);
    expect(line.errors).toBeUndefined();

    const failed = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    const generated = failed.headers.get('x-request-id');
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    responses.push(await failed.text());
    expect(graphqlLines().find((l) => l.requestId === generated)).toMatchObject({
      status: 401,
      errors: ['UNAUTHENTICATED'],
    });

    // A client-sent id that is not plain text is replaced, never logged.
    const odd = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'a b\u00e9', ...auth },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    await odd.text();
  });

  it('/metrics: operations and latency by name, errors by code, upstream requests, batch fill, cache, retries, waits, circuit', async () => {
    await gql('query Staff { employees(first: 2) { edges { node { fullName departments { name } } } } }');
    await gql('query Cards { spaCards(entityTypeId: 128, first: 5) { edges { node { title stage { name } } } } }');
    await gql('mutation Drop { deleteLead(id: 1) { __typename } }', undefined, { 'x-api-key': READ_KEY });
    await gql('{ nope }');
    const res = await fetch(stack.url.replace('/graphql', '/metrics'), { headers: auth });
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    const value = (pattern: RegExp) => Number(text.match(pattern)?.[1] ?? NaN);

    expect(
      value(/^graphql_operations_total\{operation_name="Staff",operation_type="query",outcome="ok"\} (\d+)$/m),
    ).toBeGreaterThanOrEqual(2);
    expect(
      value(/^graphql_operation_duration_seconds_count\{operation_name="Cards",operation_type="query"\} (\d+)$/m),
    ).toBe(1);
    expect(
      value(/^graphql_operations_total\{operation_name="Drop",operation_type="mutation",outcome="error"\} (\d+)$/m),
    ).toBe(1);
    expect(value(/^graphql_errors_total\{code="FORBIDDEN"\} (\d+)$/m)).toBe(1);
    expect(value(/^graphql_errors_total\{code="UNAUTHENTICATED"\} (\d+)$/m)).toBeGreaterThanOrEqual(1);
    expect(value(/^graphql_errors_total\{code="GRAPHQL_VALIDATION_FAILED"\} (\d+)$/m)).toBe(1);

    const upstream = stack.portal.scheduler.stats;
    const sent =
      value(/^bitrix_http_requests_total\{kind="batch"\} (\d+)$/m) +
      (value(/^bitrix_http_requests_total\{kind="single"\} (\d+)$/m) || 0);
    expect(sent).toBe(upstream.httpRequests);
    expect(value(/^bitrix_batch_commands_count (\d+)$/m)).toBe(upstream.httpRequests);
    expect(value(/^bitrix_batch_commands_sum (\d+)$/m)).toBe(upstream.commands);
    expect(value(/^bitrix_commands_total (\d+)$/m)).toBe(upstream.commands);
    expect(value(/^bitrix_metadata_cache_misses_total (\d+)$/m)).toBe(stack.portal.metadata.misses);
    expect(value(/^bitrix_metadata_cache_hits_total (\d+)$/m)).toBe(stack.portal.metadata.hits);
    for (const name of [
      'bitrix_retries_total',
      'bitrix_limiter_waits_total',
      'bitrix_budget_waits_total',
      'bitrix_deduplicated_commands_total',
      'bitrix_failed_fast_total',
      'bitrix_circuit_opened_total',
    ]) {
      expect(text).toMatch(new RegExp(`^${name} \\d+$`, 'm'));
    }
    expect(text).toMatch(/^bitrix_circuit_state\{state="closed"\} 1$/m);
    expect(text).toMatch(/^bitrix_circuit_state\{state="open"\} 0$/m);
    expect(text).toMatch(/^process_cpu_seconds_total /m);
  });

  it('no log line and no response carries the webhook secret or an API key', async () => {
    // A failing upstream call logs at warn/debug with the method URL: the secret must be scrubbed there too.
    await gql('{ spaCards(entityTypeId: 999999, first: 1) { edges { node { title } } } }');
    await gql('{ employees(first: 1) { edges { node { id } } } }', undefined, {
      'x-api-key': KEY,
      authorization: `Bearer ${READ_KEY}`,
    });
    await gql('{ __typename }', undefined, { authorization: `Bearer ${KEY}x` });
    const secret = new URL(stack.emulator.webhookUrl).pathname.split('/')[3]!;
    expect(secret.length).toBeGreaterThan(8);
    expect(stack.logs.length).toBeGreaterThan(10);
    expect(responses.length).toBeGreaterThan(5);
    for (const text of [...stack.logs, ...responses]) {
      for (const needle of [secret, KEY, READ_KEY, hashKey(KEY)]) expect(text).not.toContain(needle);
    }
  });
});
