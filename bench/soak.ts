// Soak (issue 5): mixed reads and writes for SOAK_SECONDS (default 600) against the embedded
// portal at the real limit (2/s, burst 50) with 10% injected faults. The gateway runs as its own
// process so its resident memory can be read from /proc. Reports RSS at start and end, errors
// by code, and duplicates (must be 0). `npx tsx bench/soak.ts` alone, or through `npm run bench`.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { startPortal } from '../src/emulator/portal.js';

export interface SoakResult {
  seconds: number;
  clients: number;
  queries: number;
  mutations: number;
  created: number;
  duplicates: number;
  errorsByCode: Record<string, number>;
  rssStartMb: number;
  rssEndMb: number;
  rssPeakMb: number;
  upstreamRequests: number;
  faultsInjected: number;
  rateLimitedByPortal: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return line ? Math.round(Number(line.replace(/\D+/g, '')) / 1024) : 0;
}

export async function runSoak(seconds = Number(process.env.SOAK_SECONDS ?? 600), clients = 24): Promise<SoakResult> {
  const emulator = await startPortal({ size: 'small', rateLimit: { enabled: true, drainPerSecond: 2, bucket: 50 } });
  const port = await freePort();
  // `node --import tsx`, not the tsx launcher: one process, so /proc/<pid> is the gateway's own.
  const gateway = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', BITRIX_WEBHOOK_URL: emulator.webhookUrl, GATEWAY_AUTH: 'off', REQUEST_DEADLINE_MS: '60000' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}/graphql`;
  for (let i = 0; ; i++) {
    if (await fetch(url.replace('/graphql', '/health')).then((r) => r.ok, () => false)) break;
    if (i > 150) throw new Error('gateway did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const gql = async (query: string, variables?: Record<string, unknown>) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    return (await res.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] };
  };
  const errorsByCode: Record<string, number> = {};
  const count = (code: string) => (errorsByCode[code] = (errorsByCode[code] ?? 0) + 1);

  // Warm up (metadata), then measure from a steady state.
  await gql('{ spaCards(entityTypeId: 128, first: 5) { edges { node { title stage { name } } } } }');
  const rssStartMb = rssMb(gateway.pid!);
  let rssPeakMb = rssStartMb;
  const sampler = setInterval(() => (rssPeakMb = Math.max(rssPeakMb, rssMb(gateway.pid!))), 1_000);
  emulator.resetCounters();
  emulator.setFaults({ rate: 0.1, kinds: ['http500', 'http503', 'slow', 'drop', 'dropAfterCommit', 'truncate'], slowMs: 2_000 });

  let queries = 0;
  let mutations = 0;
  const keys = new Set<string>();
  const until = Date.now() + seconds * 1000;
  const client = async (n: number) => {
    for (let i = 0; Date.now() < until; i++) {
      const pick = (n * 7 + i) % 10;
      if (pick < 6) {
        queries++;
        const r = await gql(
          `query($id: Int!) { spaCard(entityTypeId: 128, id: $id) { title stage { name } assignedBy { fullName } contact { fullName phones { value } } customFields { display } } }`,
          { id: 1 + ((n * 31 + i * 17) % 150) },
        );
        for (const e of r.errors ?? []) count(e.extensions?.code ?? 'NONE');
      } else if (pick < 8) {
        queries++;
        const r = await gql(`{ employees(first: 10) { edges { node { fullName departments { name } } } } }`);
        for (const e of r.errors ?? []) count(e.extensions?.code ?? 'NONE');
      } else {
        // A create with an idempotency key, retried by the client until it has an answer.
        const key = `soak-${n}-${i}`;
        keys.add(key);
        for (let attempt = 0; attempt < 30 && Date.now() < until + 60_000; attempt++) {
          mutations++;
          const r = await gql(
            `mutation($input: CreateSpaCardInput!) { createSpaCard(entityTypeId: 130, input: $input) { __typename ... on UpstreamError { code } } }`,
            { input: { title: key, idempotencyKey: key } },
          );
          const type = r.data?.createSpaCard?.__typename;
          if (type === 'CreateSpaCardSuccess') break;
          count(type === 'UpstreamError' ? `mutation:${r.data.createSpaCard.code}` : (r.errors?.[0]?.extensions?.code ?? String(type)));
          await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, n) => client(n)));
  emulator.setFaults(null);
  clearInterval(sampler);
  const rssEndMb = rssMb(gateway.pid!);

  // Duplicates: cards whose title (= idempotency key) appears more than once.
  const titles = new Map<string, number>();
  let after: string | null = null;
  for (;;) {
    const r: any = await gql(`query($after: String) { spaCards(entityTypeId: 130, first: 2500, after: $after, filter: {search: "soak-"}) { edges { node { title } } pageInfo { hasNextPage endCursor } } }`, { after });
    for (const e of r.data.spaCards.edges) titles.set(e.node.title, (titles.get(e.node.title) ?? 0) + 1);
    if (!r.data.spaCards.pageInfo.hasNextPage) break;
    after = r.data.spaCards.pageInfo.endCursor;
  }
  const duplicates = [...titles.values()].reduce((sum, n) => sum + (n - 1), 0);
  const result: SoakResult = {
    seconds,
    clients,
    queries,
    mutations,
    created: titles.size,
    duplicates,
    errorsByCode,
    rssStartMb,
    rssEndMb,
    rssPeakMb,
    upstreamRequests: emulator.counters.httpRequests,
    faultsInjected: Object.values(emulator.counters.faults).reduce((a: number, b) => a + (b ?? 0), 0),
    rateLimitedByPortal: emulator.counters.rateLimited,
  };
  gateway.kill('SIGTERM');
  await emulator.close();
  if (titles.size !== keys.size) result.errorsByCode['keys-without-card'] = keys.size - titles.size;
  return result;
}

export function soakMarkdown(r: SoakResult): string {
  const errors = Object.entries(r.errorsByCode).map(([code, n]) => `${code}: ${n}`).join(', ') || 'none';
  return [
    `### Soak: ${r.seconds >= 60 ? `${Math.round(r.seconds / 60)} min` : `${r.seconds} s`} of mixed reads and writes at 10% faults (issue 5)`,
    '',
    `Embedded portal at the real limit (2/s, burst 50); faults: 500, 503, slow (2 s), dropped connection, dropped after commit, truncated body, 10% of upstream requests. ${r.clients} clients; the gateway runs in its own process (NODE_ENV=production).`,
    '',
    '| measure | value |',
    '|---|---|',
    `| GraphQL queries / create attempts | ${r.queries} / ${r.mutations} |`,
    `| cards created (distinct idempotency keys) | ${r.created} |`,
    `| **duplicates** | **${r.duplicates}** |`,
    `| gateway RSS start → end (peak) | ${r.rssStartMb} MB → ${r.rssEndMb} MB (${r.rssPeakMb} MB) |`,
    `| client-visible errors by code | ${errors} |`,
    `| upstream HTTP requests / faults injected | ${r.upstreamRequests} / ${r.faultsInjected} |`,
    `| 503 QUERY_LIMIT_EXCEEDED from the portal's own bucket | ${r.rateLimitedByPortal} |`,
    '',
  ].join('\n');
}

if (process.argv[1]?.endsWith('soak.ts')) {
  const r = await runSoak();
  console.log(JSON.stringify(r, null, 2));
  console.log(soakMarkdown(r));
}
