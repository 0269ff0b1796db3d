// The real stack for end-to-end tests: the embedded portal on a loopback port, the gateway's
// own transport/scheduler against it, and Yoga behind a real HTTP server. Nothing is mocked.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { expect } from 'vitest';
import { BitrixPortal, type PortalOptions } from '../../src/upstream/portal.js';
import type { RateLimitPlan } from '../../src/upstream/bucket.js';
import { startPortal, type EmulatorPortal, type StartPortalOptions } from '@bitrix24-graphql/demo-portal';
import { createLogger, registerSecrets } from '../../src/lib/logger.js';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/gateway/yoga.js';

export interface GraphQLResponse<T = any> {
  status: number;
  // Loosely typed on purpose: tests assert on shapes, including malformed ones.
  body: { data?: T; errors?: any; extensions?: any } & Record<string, any>;
  text: string;
}

/** The data of an answer that must have succeeded: fails with the whole answer when it carries
 * errors or is not a 200. */
export function data<T = any>(r: GraphQLResponse<T>): T {
  expect(r.body.errors, r.text).toBeUndefined();
  expect(r.status, r.text).toBe(200);
  return r.body.data as T;
}

/** A REST call straight to the portal, not through the gateway, as another of its clients would
 * make it (a change the gateway learns of only by an event or the change feed): the whole
 * envelope; a Bitrix error throws. */
export async function portalCall(s: Stack, method: string, params: Record<string, unknown> = {}): Promise<any> {
  const res = await fetch(`${s.emulator.webhookUrl}${method}.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  const body = await res.json();
  if (body.error) throw new Error(`${method}: ${body.error} ${body.error_description ?? ''}`);
  return body;
}

export interface Stack {
  emulator: EmulatorPortal;
  portal: BitrixPortal;
  gateway: Gateway;
  url: string;
  /** Every log line the gateway wrote (for secret-leak scans). */
  logs: string[];
  gql<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

export interface StackOptions {
  emulator?: StartPortalOptions;
  plan?: RateLimitPlan;
  gateway?: Partial<Omit<GatewayOptions, 'portal' | 'logger'>>;
  /** Extra options for the gateway's portal client (operating budget, breaker, retries). */
  portal?: Partial<Omit<PortalOptions, 'auth' | 'plan' | 'logger'>>;
  maxAttempts?: number;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const emulator = await startPortal({ size: 'small', ...options.emulator });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const logger = createLogger('debug', sink);
  const portal = new BitrixPortal({
    auth: { kind: 'webhook', url: emulator.webhookUrl },
    plan: options.plan ?? { drainPerSecond: 1_000, bucket: 10_000 },
    logger,
    maxAttempts: options.maxAttempts,
    baseBackoffMs: 20,
    ...options.portal,
  });
  registerSecrets(portal.secrets());
  // Tests fire bursts of requests: the per-caller rate limit is off unless a test sets one.
  const gateway = createGateway({ portal, logger, rateLimit: null, ...options.gateway });
  // The schema is built from the portal's metadata first: tests count requests from here on.
  await gateway.schema?.ready;
  const server: Server = createServer(gateway.yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return {
    emulator,
    portal,
    gateway,
    url,
    logs,
    async gql(query, variables, headers) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const text = await res.text();
      let body: GraphQLResponse['body'];
      try {
        body = JSON.parse(text);
      } catch {
        body = {};
      }
      return { status: res.status, body, text };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await gateway.yoga.dispose();
      await portal.close();
      await emulator.close();
    },
  };
}
