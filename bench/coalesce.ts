// COALESCE: what the idle scheduler's 3 ms hold costs and buys. Two in-process gateways over one
// emulator (20 ms latency, no limit), one with coalesceMs 3 (the default), one with 0; the read
// cache off so every read reaches the portal. Latency: 200 sequential single-contact reads on
// an idle gateway, the two gateways alternating request by request (so both see the same noise).
// Sharing: 20 concurrent reads of different contacts from a separate client process over
// kept-alive connections, 10 rounds each: upstream HTTP requests per round.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { startPortal, type EmulatorPortal } from '@bitrix24-graphql/demo-portal';
import { createGateway } from '../src/gateway/yoga.js';
import { createLogger } from '../src/lib/logger.js';
import { BitrixPortal } from '../src/upstream/portal.js';
import { concurrentReads } from '../test/helpers/concurrent-reads.js';
import { fmtMs, gql, median, sleep } from './lib.js';

export interface CoalesceResult {
  latency: { hold: number; none: number; added: number };
  upstream: { hold: number[]; none: number[] };
}

async function gateway(emulator: EmulatorPortal, coalesceMs: number) {
  const logger = createLogger('error', new Writable({ write: (_c, _e, done) => done() }));
  const portal = new BitrixPortal({
    auth: { kind: 'webhook', url: emulator.webhookUrl },
    plan: { drainPerSecond: 100_000, bucket: 100_000 },
    logger,
  });
  (portal.scheduler as unknown as { options: { coalesceMs: number } }).options.coalesceMs = coalesceMs;
  const gw = createGateway({ portal, logger, rateLimit: null, cache: false });
  const server = createServer(gw.yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await gw.yoga.dispose();
      await portal.close();
    },
  };
}

/** Upstream requests per round of 20 concurrent reads, from a client in its own process. */
async function rounds(emulator: EmulatorPortal, url: string): Promise<number[]> {
  const client = concurrentReads(url);
  const out: number[] = [];
  try {
    await client.ready;
    for (let k = 0; k < 10; k++) {
      await sleep(100);
      emulator.resetCounters();
      await client.round(10 + 20 * k);
      out.push(emulator.counters.httpRequests);
    }
  } finally {
    client.close();
  }
  return out;
}

export async function runCoalesce(options: { log?: (s: string) => void } = {}): Promise<CoalesceResult> {
  const log = options.log ?? (() => {});
  const emulator = await startPortal({ size: 'large', latencyMs: 20 });
  const hold = await gateway(emulator, 3);
  const none = await gateway(emulator, 0);
  try {
    const query = (id: number) => `{ contact(id: ${id}) { bitrixId name } }`;
    for (let i = 0; i < 20; i++) await Promise.all([gql(hold.url, query(i + 1)), gql(none.url, query(i + 1))]);
    const times = { hold: [] as number[], none: [] as number[] };
    for (let i = 0; i < 200; i++) {
      for (const [name, g] of (i % 2
        ? [
            ['none', none],
            ['hold', hold],
          ]
        : [
            ['hold', hold],
            ['none', none],
          ]) as ['hold' | 'none', typeof hold][]) {
        await sleep(5); // idle: nothing in flight
        const r = await gql(g.url, query(1 + ((i * 7) % 3000)));
        if (r.status !== 200 || r.body.errors) throw new Error(`COALESCE: a read failed: ${JSON.stringify(r.body)}`);
        times[name].push(r.ms);
      }
    }
    const latency = { hold: median(times.hold), none: median(times.none), added: 0 };
    latency.added = latency.hold - latency.none;
    const upstream = { hold: await rounds(emulator, hold.url), none: await rounds(emulator, none.url) };
    log(
      `COALESCE: median ${fmtMs(latency.hold)} with the hold, ${fmtMs(latency.none)} without; upstream per 20 concurrent reads ${upstream.hold.join(',')} vs ${upstream.none.join(',')}`,
    );
    return { latency, upstream };
  } finally {
    await hold.close();
    await none.close();
    await emulator.close();
  }
}

export function coalesceMarkdown(r: CoalesceResult): string {
  const avg = (xs: number[]) => (xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1);
  return [
    "Two in-process gateways over one emulator (`size: 'large'`, 20 ms latency, no rate limit), the read cache off so every read reaches the portal: one with the idle scheduler's hold (`coalesceMs` 3, the default), one without (0). Latency: 200 sequential reads of one contact on each (idle between requests: 5 ms), the two alternating request by request. Sharing: a client in its own process, over kept-alive connections, sends 20 concurrent reads of different contacts, 10 rounds per gateway.",
    '',
    '| | with the 3 ms hold | without | difference |',
    '|---|---|---|---|',
    `| median latency of a single read on an idle gateway | ${fmtMs(r.latency.hold)} | ${fmtMs(r.latency.none)} | **${r.latency.added >= 0 ? '+' : ''}${fmtMs(r.latency.added)}** |`,
    `| upstream HTTP requests per 20 concurrent reads (10 rounds) | ${r.upstream.hold.join(', ')} (mean ${avg(r.upstream.hold)}) | ${r.upstream.none.join(', ')} (mean ${avg(r.upstream.none)}) | |`,
    '',
  ].join('\n');
}
