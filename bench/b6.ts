// B6 sync: a backend mirrors the 10,000 cards of a smart process through `changes` from zero,
// then follows 1,000 changes made straight in the portal (800 updates, 100 creations, 100
// deletions, in batches of 50) while 10% of the portal's events are lost and the gateway is
// restarted in the middle. The gateway is its own process (src/main.ts) with a file for its
// watermarks; the emulator has the real limit (2/s, burst 50) and 20 ms latency. Checked at the
// end against the portal itself: records missed (or stale), and versions given twice.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPortal, type EmulatorPortal } from '@bitrix24-graphql/demo-portal';
import { fmtMs, freePort, gql, sleep, spawnGateway, type Child } from './lib.js';

const TOKEN = 'b6-application-token-0123';
const CHANGES = `query($since: String, $first: Int) {
  changes(since: $since, first: $first, entities: [SPA_CARD], smartProcesses: [128]) {
    cursor hasMore entries { action bitrixId record { ... on SpaCard { updatedAt title } } } } }`;
const NEXT = `query($since: String, $first: Int) {
  changes(since: $since, first: $first) {
    cursor hasMore entries { action bitrixId record { ... on SpaCard { updatedAt title } } } } }`;

export interface B6Result {
  cards: number;
  initial: { ms: number; pages: number; requests: number };
  follow: {
    changes: number;
    writerRequests: number;
    gatewayRequests: number;
    convergedMs: number;
    restarts: number;
    eventsLost: number;
    eventsDelivered: number;
    pages: number;
    /** `changes` calls that found the gateway down (restarting), tried again. */
    unavailable: number;
  };
  missed: number;
  stale: number;
  extra: number;
  repeated: number;
  rejected503: number;
  feedIntervalMs: number;
  deletionScanMs: number;
}

interface Entry {
  action: string;
  bitrixId: number;
  record: { updatedAt: string; title: string } | null;
}

class Mirror {
  readonly rows = new Map<number, string>();
  readonly versions = new Set<string>();
  repeated = 0;
  apply(entries: Entry[]) {
    for (const e of entries) {
      if (e.action === 'DELETE') {
        this.rows.delete(e.bitrixId);
        continue;
      }
      const state = `${new Date(e.record!.updatedAt).toISOString()}|${e.record!.title}`;
      const version = `${e.bitrixId}@${state}`;
      if (this.versions.has(version)) this.repeated++;
      this.versions.add(version);
      this.rows.set(e.bitrixId, state);
    }
  }
}

/** The bench's own requests to the portal (the writer's, retries included, and the truth's). */
const own = { n: 0 };

async function rest(emulator: EmulatorPortal, method: string, params: Record<string, unknown>): Promise<any> {
  for (;;) {
    own.n++;
    const res = await fetch(`${emulator.webhookUrl}${method}.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(params),
    });
    const body = await res.json();
    if (body.error === 'QUERY_LIMIT_EXCEEDED') {
      await sleep(500); // the writer is another client of the same portal: it waits its turn
      continue;
    }
    if (body.error) throw new Error(`${method}: ${body.error}`);
    return body;
  }
}

/** Every card of type 128 as the portal has it (read with the limit off). */
async function truth(emulator: EmulatorPortal): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (let after = 0; ; ) {
    const body = await rest(emulator, 'crm.item.list', {
      entityTypeId: 128,
      select: ['id', 'updatedTime', 'title'],
      order: { id: 'ASC' },
      filter: { '>id': after },
      start: -1,
    });
    const items = body.result.items as { id: number; updatedTime: string; title: string }[];
    for (const item of items) out.set(item.id, `${new Date(item.updatedTime).toISOString()}|${item.title}`);
    if (items.length < 50) return out;
    after = items[items.length - 1].id;
  }
}

export async function runB6(options: { log?: (s: string) => void } = {}): Promise<B6Result> {
  const log = options.log ?? (() => {});
  const feedIntervalMs = 5_000;
  const deletionScanMs = 30_000;
  const emulator = await startPortal({
    size: 'large',
    rateLimit: { enabled: true, drainPerSecond: 2, bucket: 50 },
    latencyMs: 20,
  });
  const dir = mkdtempSync(join(tmpdir(), 'b6-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/graphql`;
  let gateway: Child | null = null;
  const start = async () => {
    ({ child: gateway } = await spawnGateway(emulator.webhookUrl, port, {
      BITRIX_EVENTS_TOKEN: TOKEN,
      CHANGE_FEED_FILE: join(dir, 'feed.json'),
      CHANGE_FEED_INTERVAL_MS: String(feedIntervalMs),
      CHANGE_FEED_DELETION_SCAN_MS: String(deletionScanMs),
      REQUEST_DEADLINE_MS: '120000',
    }));
  };
  const mirror = new Mirror();
  let cursor: string | null = null;
  let pages = 0;
  let unavailable = 0;
  /** Reads `changes` until it says it is up to date. */
  const readUp = async () => {
    for (;;) {
      const r = await gql(url, cursor ? NEXT : CHANGES, { since: cursor, first: 2_500 });
      if (r.status === 0 || r.status >= 500) {
        unavailable++; // the gateway is restarting: a backend tries again
        await sleep(500);
        continue;
      }
      const page = r.body.data?.changes;
      if (!page) throw new Error(`B6: changes failed: ${JSON.stringify(r.body).slice(0, 400)}`);
      pages++;
      mirror.apply(page.entries);
      cursor = page.cursor;
      if (!page.hasMore) return;
    }
  };
  try {
    await start();
    emulator.setOutgoingWebhook({
      handlerUrl: `http://127.0.0.1:${port}/bitrix/events`,
      applicationToken: TOKEN,
      lossRate: 0.1,
      lossSeed: 6,
    });
    await sleep(3_000); // the feed's first round: watermarks, every id listed once
    emulator.resetCounters();

    // 1. From zero.
    let t0 = performance.now();
    await readUp();
    const initial = { ms: performance.now() - t0, pages, requests: emulator.counters.httpRequests };
    const cards = mirror.rows.size;
    log(`B6: initial sync of ${cards} cards in ${fmtMs(initial.ms)}, ${initial.requests} upstream requests`);

    // 2. 1,000 changes in 20 batches of 50, straight in the portal; the gateway restarts after 10.
    emulator.resetCounters();
    own.n = 0;
    const ids = [...mirror.rows.keys()];
    const deleted = new Set<number>();
    let toDelete = ids.length; // deletions take cards from the end, updates spread over the rest
    const pick = (k: number) => {
      for (let j = k; ; j++) {
        const id = ids[(j * 7919) % ids.length];
        if (!deleted.has(id)) return id;
      }
    };
    let writerRequests = 0;
    let restarts = 0;
    let k = 0;
    pages = 0;
    t0 = performance.now();
    const follow = (async () => {
      while (k < 1_000) {
        await readUp();
        await sleep(500);
      }
    })();
    for (let batch = 0; batch < 20; batch++) {
      const cmd: Record<string, string> = {};
      for (let i = 0; i < 50; i++, k++) {
        if (k % 10 === 8) cmd[`c${i}`] = `crm.item.add?entityTypeId=128&fields[title]=B6%20new%20${k}`;
        else if (k % 10 === 9) {
          const id = ids[--toDelete];
          deleted.add(id);
          cmd[`c${i}`] = `crm.item.delete?entityTypeId=128&id=${id}`;
        } else cmd[`c${i}`] = `crm.item.update?entityTypeId=128&id=${pick(k)}&fields[title]=B6%20change%20${k}`;
      }
      await rest(emulator, 'batch', { halt: 0, cmd });
      writerRequests++;
      if (batch === 9) {
        await (gateway as Child | null)?.stop();
        log('B6: gateway stopped after 500 changes (its events are lost while it is down)');
        await sleep(2_000);
        await start();
        restarts++;
        log('B6: gateway restarted');
      }
      await sleep(300);
    }
    await follow;
    await emulator.events.drain();
    // 3. Until the mirror matches the portal (deletions whose event was lost wait for a scan).
    emulator.setRateLimit({ enabled: false });
    let expected = await truth(emulator);
    emulator.setRateLimit({ enabled: true, drainPerSecond: 2, bucket: 50 });
    const same = () =>
      mirror.rows.size === expected.size && [...expected].every(([id, v]) => mirror.rows.get(id) === v);
    const deadline = performance.now() + deletionScanMs * 3;
    while (!same() && performance.now() < deadline) {
      await sleep(1_000);
      await readUp();
    }
    const convergedMs = performance.now() - t0;
    const gatewayRequests = emulator.counters.httpRequests - own.n;
    emulator.setRateLimit({ enabled: false });
    expected = await truth(emulator);
    let missed = 0;
    let stale = 0;
    for (const [id, v] of expected) {
      const mine = mirror.rows.get(id);
      if (mine === undefined) missed++;
      else if (mine !== v) stale++;
    }
    const extra = [...mirror.rows.keys()].filter((id) => !expected.has(id)).length;
    log(
      `B6: converged in ${fmtMs(convergedMs)}; missed ${missed}, stale ${stale}, extra ${extra}, repeated ${mirror.repeated}`,
    );
    return {
      cards,
      initial,
      follow: {
        changes: 1_000,
        writerRequests,
        gatewayRequests,
        convergedMs,
        restarts,
        eventsLost: emulator.events.lost,
        eventsDelivered: emulator.events.delivered,
        pages,
        unavailable,
      },
      missed,
      stale,
      extra,
      repeated: mirror.repeated,
      rejected503: emulator.counters.rateLimited,
      feedIntervalMs,
      deletionScanMs,
    };
  } finally {
    await (gateway as Child | null)?.stop();
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function b6Markdown(r: B6Result): string {
  return [
    `A backend mirrors the ${r.cards.toLocaleString('en')} cards of smart process 128 through \`changes(entities: [SPA_CARD], smartProcesses: [128], first: 2500)\` from zero, then follows ${r.follow.changes.toLocaleString('en')} changes made straight in the portal (800 updates, 100 creations, 100 deletions; 20 \`batch\` requests of 50), polling every 0.5 s. 10% of the portal's events are lost (seeded), and the gateway process is stopped after the 10th batch and started again 2 s later (the events sent meanwhile are lost too). Gateway: its own process (src/main.ts), watermarks in a local file, CHANGE_FEED_INTERVAL_MS=${r.feedIntervalMs}, CHANGE_FEED_DELETION_SCAN_MS=${r.deletionScanMs}. Emulator: \`size: 'large'\`, real limit (2/s, burst 50), 20 ms latency. The mirror is compared with the portal itself at the end (every card's id, modification time and title).`,
    '',
    '| | value |',
    '|---|---|',
    `| initial sync: wall time | ${fmtMs(r.initial.ms)} |`,
    `| initial sync: upstream HTTP requests (the gateway's, exact) | ${r.initial.requests} (${r.initial.pages} pages of \`changes\`) |`,
    `| follow: until the mirror equals the portal | ${fmtMs(r.follow.convergedMs)} after the first change |`,
    `| follow: upstream HTTP requests by the gateway (reconciliation, deletion scans of every type, \`changes\`, events' reads) | ${r.follow.gatewayRequests} in ${fmtMs(r.follow.convergedMs)} (the writer's own: ${r.follow.writerRequests}; the bench's reads of the truth not counted) |`,
    `| follow: \`changes\` pages read | ${r.follow.pages} (calls that found the gateway restarting, tried again: ${r.follow.unavailable}) |`,
    `| events delivered / lost by the portal | ${r.follow.eventsDelivered} / ${r.follow.eventsLost} (plus those sent while the gateway was down) |`,
    `| gateway restarts | ${r.follow.restarts} |`,
    `| **records missed** | **${r.missed}** (stale: ${r.stale}, still present after deletion: ${r.extra}) |`,
    `| **versions given twice** | **${r.repeated}** |`,
    `| 503 QUERY_LIMIT_EXCEEDED from the portal | ${r.rejected503} |`,
    '',
  ].join('\n');
}
