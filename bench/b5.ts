// B5 dashboard: 100 clients poll a mix of hot records and lists for 60 s while a writer changes
// one of those records every second straight in the portal (not through the gateway); the portal
// delivers 90% of its events and loses 10% (seeded). Every read of a hot card is checked against
// the writer's truth: how long the value it returned had already been replaced when the read
// started. The gateway is its own process (src/main.ts, default settings: read cache on, change
// feed every CHANGE_FEED_INTERVAL_MS=10 s); the emulator has the real limit and 20 ms latency.
import { startPortal } from '@bitrix24-graphql/demo-portal';
import { fmtMs, freePort, gql, percentile, sleep, spawnGateway, type Child } from './lib.js';

const TOKEN = 'b5-application-token-0123';
const CLIENTS = 100;
const SECONDS = 60;
const HOT = Array.from({ length: 20 }, (_, i) => i + 1); // the first page of the list, too
const FEED_MS = 10_000;

const RECORD = `query($id: Int!) { spaCard(entityTypeId: 128, id: $id) { bitrixId title } }`;
const LIST = `query($first: Int!) { spaCards(entityTypeId: 128, first: $first) { edges { node { bitrixId title } } } }`;

export interface B5Result {
  reads: number;
  readsPerSecond: number;
  listReads: number;
  gatewayUpstreamPerSecond: number;
  writerPerSecond: number;
  errors: number;
  errorCodes: Record<string, number>;
  p50ms: number;
  p99ms: number;
  staleness: { all: Stat; delivered: Stat; lost: Stat };
  writes: number;
  lostWrites: number;
  rejected503: number;
}

interface Stat {
  samples: number;
  stale: number;
  p50: number;
  p99: number;
  max: number;
}

function stat(values: number[]): Stat {
  return {
    samples: values.length,
    stale: values.filter((v) => v > 0).length,
    p50: values.length ? percentile(values, 50) : 0,
    p99: values.length ? percentile(values, 99) : 0,
    max: values.reduce((a, b) => Math.max(a, b), 0),
  };
}

export async function runB5(options: { log?: (s: string) => void } = {}): Promise<B5Result> {
  const log = options.log ?? (() => {});
  const emulator = await startPortal({
    size: 'small',
    rateLimit: { enabled: true, drainPerSecond: 2, bucket: 50 },
    latencyMs: 20,
  });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/graphql`;
  let gateway: Child | null = null;
  try {
    ({ child: gateway } = await spawnGateway(emulator.webhookUrl, port, {
      BITRIX_EVENTS_TOKEN: TOKEN,
      CHANGE_FEED_FILE: `/tmp/b5-feed-${port}.json`,
      CHANGE_FEED_INTERVAL_MS: String(FEED_MS),
    }));
    emulator.setOutgoingWebhook({
      handlerUrl: `http://127.0.0.1:${port}/bitrix/events`,
      applicationToken: TOKEN,
      lossRate: 0.1,
      lossSeed: 5,
    });
    // Truth: every version of every hot card, with when the portal acknowledged it.
    const versions = new Map<number, { title: string; at: number }[]>();
    for (const id of HOT) {
      const r = await gql(url, RECORD, { id });
      versions.set(id, [{ title: r.body.data.spaCard.title, at: 0 }]);
    }
    await sleep(2_000); // the bucket refills after the warm-up
    emulator.resetCounters();
    const t0 = performance.now();
    const until = Date.now() + SECONDS * 1_000;
    const staleness: { ms: number; lostEvent: boolean | null }[] = [];
    const latencies: number[] = [];
    const errorCodes: Record<string, number> = {};
    let reads = 0;
    let listReads = 0;
    let errors = 0;
    let writes = 0;
    const writeTimes: { id: number; at: number }[] = [];

    /** How long `title` had been replaced when a read of `id` started (0 when it was current). */
    const check = (id: number, title: string, startedAt: number) => {
      const list = versions.get(id)!;
      const k = list.findIndex((v) => v.title === title);
      if (k < 0) return; // a version the writer has not acknowledged yet: current
      const next = list[k + 1];
      const ms = next && next.at < startedAt ? startedAt - next.at : 0;
      staleness.push({ ms, lostEvent: next && ms > 0 ? lostFor(id, next.at) : null });
    };
    const lostFor = (id: number, at: number) =>
      emulator.events.lostEvents.some((e) => e.entityTypeId === 128 && e.id === id && Math.abs(e.at - at) < 1_000);

    const writer = (async () => {
      let seq = 0;
      while (Date.now() < until) {
        const id = HOT[seq % HOT.length];
        const title = `B5 ${id} v${++seq}`;
        const res = await fetch(`${emulator.webhookUrl}crm.item.update.json`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ entityTypeId: 128, id, fields: { title } }),
        });
        const body = await res.json();
        if (!body.error) {
          versions.get(id)!.push({ title, at: Date.now() });
          writeTimes.push({ id, at: Date.now() });
          writes++;
        }
        await sleep(1_000);
      }
    })();

    const client = async (n: number) => {
      for (let k = 0; Date.now() < until; k++) {
        const list = (n + k) % 7 === 0;
        const started = Date.now();
        const r = list
          ? await gql(url, LIST, { first: 20 + ((n + k) % 3) })
          : await gql(url, RECORD, { id: HOT[(n * 13 + k * 7) % HOT.length] });
        latencies.push(r.ms);
        if (r.status !== 200 || r.body.errors) {
          errors++;
          const code = r.body.errors?.[0]?.extensions?.code ?? `HTTP ${r.status}`;
          errorCodes[code] = (errorCodes[code] ?? 0) + 1;
          continue;
        }
        reads++;
        if (list) {
          listReads++;
          for (const { node } of r.body.data.spaCards.edges)
            if (versions.has(node.bitrixId)) check(node.bitrixId, node.title, started);
        } else check(r.body.data.spaCard.bitrixId, r.body.data.spaCard.title, started);
      }
    };
    await Promise.all([writer, ...Array.from({ length: CLIENTS }, (_, n) => client(n))]);
    const seconds = (performance.now() - t0) / 1000;
    const upstream = emulator.counters.httpRequests;
    const lostWrites = writeTimes.filter((w) => lostFor(w.id, w.at)).length;
    const result: B5Result = {
      reads,
      readsPerSecond: reads / seconds,
      listReads,
      gatewayUpstreamPerSecond: (upstream - writes) / seconds,
      writerPerSecond: writes / seconds,
      errors,
      errorCodes,
      p50ms: percentile(latencies, 50),
      p99ms: percentile(latencies, 99),
      staleness: {
        all: stat(staleness.map((s) => s.ms)),
        delivered: stat(staleness.filter((s) => s.lostEvent !== true).map((s) => s.ms)),
        lost: stat(staleness.filter((s) => s.lostEvent === true).map((s) => s.ms)),
      },
      writes,
      lostWrites,
      rejected503: emulator.counters.rateLimited,
    };
    log(
      `B5: ${result.readsPerSecond.toFixed(0)} reads/s, ${result.gatewayUpstreamPerSecond.toFixed(2)} upstream/s, staleness p99 ${fmtMs(result.staleness.all.p99)} max ${fmtMs(result.staleness.all.max)}, errors ${errors}`,
    );
    return result;
  } finally {
    await (gateway as Child | null)?.stop();
    await emulator.close();
  }
}

export function b5Markdown(r: B5Result): string {
  const row = (name: string, s: Stat) =>
    `| ${name} | ${s.samples.toLocaleString('en')} | ${s.stale.toLocaleString('en')} | ${fmtMs(s.p50)} | ${fmtMs(s.p99)} | ${fmtMs(s.max)} |`;
  return [
    `${CLIENTS} clients, each in a loop for ${SECONDS} s: 6 reads in 7 of one of ${HOT.length} hot cards (\`spaCard(entityTypeId: 128, id)\` → bitrixId, title), 1 in 7 a list (\`spaCards(entityTypeId: 128, first: 20|21|22)\`, whose first page holds the hot cards). A writer updates one hot card's title every second straight in the portal (\`crm.item.update\`, not through the gateway); the portal delivers its events to the gateway's /bitrix/events and loses 10% of them (seeded). Gateway: its own process (src/main.ts, production settings: read cache on, CHANGE_FEED_INTERVAL_MS=${FEED_MS}). Emulator: \`size: 'small'\`, real limit (2/s, burst 50), 20 ms latency. Staleness of a read: how long the value it returned had already been replaced in the portal when the read started (0 when current), for every hot card it returned (a list counts each).`,
    '',
    '| | value |',
    '|---|---|',
    `| **GraphQL reads served** | **${r.readsPerSecond.toFixed(0)}/s** (${r.reads.toLocaleString('en')} in ${SECONDS} s, ${r.listReads.toLocaleString('en')} of them lists) |`,
    `| latency p50 / p99 | ${fmtMs(r.p50ms)} / ${fmtMs(r.p99ms)} |`,
    `| upstream HTTP requests by the gateway | ${r.gatewayUpstreamPerSecond.toFixed(2)}/s (the portal allows 2/s; the writer's own: ${r.writerPerSecond.toFixed(2)}/s) |`,
    `| client-visible errors | ${r.errors}${
      r.errors
        ? ` (${Object.entries(r.errorCodes)
            .map(([c, n]) => `${c}: ${n}`)
            .join(', ')})`
        : ''
    } |`,
    `| 503 QUERY_LIMIT_EXCEEDED from the portal | ${r.rejected503} |`,
    `| writes (their event lost) | ${r.writes} (${r.lostWrites}) |`,
    '',
    '| staleness of reads | samples | stale | p50 | p99 | max |',
    '|---|---|---|---|---|---|',
    row('all', r.staleness.all),
    row('the newer value’s event delivered', r.staleness.delivered),
    row('the newer value’s event lost', r.staleness.lost),
    '',
  ].join('\n');
}
