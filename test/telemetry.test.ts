// OpenTelemetry: off and not even loaded without OTEL_EXPORTER_OTLP_ENDPOINT; with it, traces
// reach an OTLP/HTTP collector (here a tiny node:http server on loopback that records POSTs),
// with the GraphQL operation and the upstream calls, and without the webhook secret.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startPortal, type EmulatorPortal } from '@bitrix24-graphql/demo-portal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { start } from '../src/main.js';

const OTEL_GLOBAL = Symbol.for('opentelemetry.js.api.1');
const query = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(
    (r) => r.json(),
  );

describe('OpenTelemetry', () => {
  let collector: Server;
  let endpoint: string;
  let demo: EmulatorPortal;
  const config = (env: Record<string, string>) =>
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      BITRIX_WEBHOOK_URL: demo.webhookUrl,
      GATEWAY_AUTH: 'off',
      CHANGE_FEED_FILE: join(tmpdir(), `feed-${process.pid}-${Date.now()}.json`),
      ...env,
    });
  const received: { path: string; type: string; body: string }[] = [];

  beforeAll(async () => {
    collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        received.push({
          path: req.url ?? '',
          type: String(req.headers['content-type']),
          body: Buffer.concat(chunks).toString('utf8'),
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
    demo = await startPortal({ size: 'small' });
  });
  afterAll(async () => {
    await demo.close();
    await new Promise<void>((resolve) => collector.close(() => resolve()));
  });

  it('without OTEL_EXPORTER_OTLP_ENDPOINT nothing of OpenTelemetry is loaded', async () => {
    const running = await start(config({}));
    try {
      const body = await query(running.url, { query: '{ employees(first: 1) { edges { node { id } } } }' });
      expect(body.data.employees.edges).toHaveLength(1);
      expect((globalThis as Record<symbol, unknown>)[OTEL_GLOBAL]).toBeUndefined();
    } finally {
      await running.stop();
    }
    expect(received).toHaveLength(0);
  });

  it('with it, a trace with the operation and its upstream requests arrives at the collector', async () => {
    const running = await start(
      config({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: 'gateway-under-test' }),
    );
    try {
      const body = await query(running.url, {
        query: 'query TracedStaff { employees(first: 2) { edges { node { fullName } } } }',
      });
      expect(body.data.employees.edges).toHaveLength(2);
    } finally {
      await running.stop(); // flushes the exporter
    }
    const traces = received.filter((r) => r.path === '/v1/traces');
    expect(traces.length).toBeGreaterThan(0);
    const all = traces.map((t) => t.body).join('\n');
    expect(traces[0]!.type).toContain('json');
    expect(all).toContain('gateway-under-test');
    expect(all).toContain('TracedStaff');
    // The upstream call is traced with the method's path only: /rest/***/batch, never the secret.
    expect(all).toContain('/rest/***/');
    expect(all).not.toMatch(/\/rest\/\d+\//); // a webhook path is /rest/<user>/<secret>/<method>
    expect((globalThis as Record<symbol, unknown>)[OTEL_GLOBAL]).toBeDefined();
  });
});
