// Soak (issue 5): mixed reads and writes for SOAK_SECONDS (default 600) against the embedded
// portal at the real limit (2/s, burst 50) with 10% injected faults. The gateway runs as its own
// process so its resident memory can be read from /proc, with --expose-gc and the preload
// bench/heap-probe.ts, which reports the JS heap after a forced full GC over the IPC channel.
// Reports RSS at start and end, the heap after GC at intervals with a verdict on its trend (a
// rising trend fails the soak: non-zero exit), errors by code, and duplicates (must be 0).
// `npx tsx bench/soak.ts` alone, or through `npm run bench -- soak`.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { pathToFileURL } from 'node:url';
import { startPortal } from '@bitrix24-graphql/demo-portal';
import type { HeapProbeReply } from './heap-probe.js';
import { liveChildren, ROOT } from './lib.js';

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
  heap: HeapTrend;
}

/** One reading of the gateway's heap after two forced full collections. `t`: seconds since the
 * load started; `phase: 'idle'` is the last one, taken after the load stopped and a quiet pause. */
export interface HeapSample {
  t: number;
  phase: 'load' | 'idle';
  heapMb: number;
  externalMb: number;
  arrayBuffersMb: number;
  rssMb: number;
}

export interface HeapTrend {
  everySeconds: number;
  warmupSeconds: number;
  idleSeconds: number;
  samples: HeapSample[];
  /** Least-squares slope over all samples, MB per minute. */
  slopeMbPerMin: number;
  /** The same over the later half of the samples. */
  laterSlopeMbPerMin: number;
  firstThirdMaxMb: number;
  lastThirdMinMb: number;
  /** End-after-idle heap minus the first sample. */
  growthMb: number;
  growthLimitMb: number;
  rising: boolean;
  verdict: string;
}

// The rule for "rising trend". The machine is shared and noisy, and a heap sampled under load
// carries whatever the in-flight requests hold, so no single comparison is trusted. The soak
// fails only when all four hold:
//   1. the least-squares slope of heap-after-GC over time, fitted to every sample (warm-up
//      excluded, idle end included), exceeds SLOPE_LIMIT (1 MB/min, i.e. 1.4 GB a day): a steady
//      climb, not one spike, because one outlier moves a fit over ≥ 6 points only a little;
//   2. the lowest sample of the last third is above the highest sample of the first third: the
//      heap never came back down to where it was, so it is not a sawtooth that a fit happens to
//      tilt;
//   3. the heap at the end, after the load stopped, an idle pause and a GC (nothing in flight, so
//      the least noisy reading), is above the first sample by more than the slope limit over the
//      sampled span (at least GROWTH_FLOOR_MB): the endpoints confirm the fit, and what the
//      requests in flight held does not count, since it is gone by then;
//   4. the fit over the later half of the samples still climbs at more than half the slope limit:
//      a leak grows for as long as the load lasts, while a cache that filled up after the warm-up
//      levels off (that shape passes 1–3 but not this).
// The growth bar scales with the span instead of being a fixed 20 MB: the leak of issue 10 costs
// this soak's request mix only ~2.7 MB/min (mostly single-card reads, 2 upstream calls/s), so a
// fixed 20 MB bar would need ≥ 8 minutes of soak to trip and a short soak could never fail.
// Warm-up caches (metadata, compiled documents, JIT code) fill in the first seconds of load;
// sampling starts after the warm-up so they are not counted as a trend.
const SLOPE_LIMIT_MB_PER_MIN = 1;
const GROWTH_FLOOR_MB = 2;

/** Least-squares slope of heap MB over time, in MB per minute. */
function slopeMbPerMin(samples: HeapSample[]): number {
  const xs = samples.map((s) => s.t / 60);
  const ys = samples.map((s) => s.heapMb);
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const mx = mean(xs);
  const my = mean(ys);
  const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  return sxx > 0 ? xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0) / sxx : 0;
}

export function heapTrend(
  samples: HeapSample[],
  settings: { everySeconds: number; warmupSeconds: number; idleSeconds: number },
): HeapTrend {
  const n = samples.length;
  const ys = samples.map((s) => s.heapMb);
  const slope = slopeMbPerMin(samples);
  const laterSlope = slopeMbPerMin(samples.slice(Math.floor(n / 2)));
  const third = Math.max(1, Math.floor(n / 3));
  const firstThirdMax = Math.max(...ys.slice(0, third));
  const lastThirdMin = Math.min(...ys.slice(n - third));
  const first = ys[0];
  const end = ys[n - 1];
  const growth = end - first;
  const spanMinutes = n > 1 ? (samples[n - 1].t - samples[0].t) / 60 : 0;
  const growthLimit = Math.max(GROWTH_FLOOR_MB, SLOPE_LIMIT_MB_PER_MIN * spanMinutes);
  const checks = {
    slope: slope > SLOPE_LIMIT_MB_PER_MIN,
    sustained: lastThirdMin > firstThirdMax,
    growth: growth > growthLimit,
    'later half': laterSlope > SLOPE_LIMIT_MB_PER_MIN / 2,
  };
  const enough = n >= 6;
  const rising = enough && Object.values(checks).every(Boolean);
  const fmt = (v: number) => v.toFixed(1);
  const facts = `slope ${fmt(slope)} MB/min (limit ${SLOPE_LIMIT_MB_PER_MIN}), later half ${fmt(laterSlope)} MB/min (limit ${SLOPE_LIMIT_MB_PER_MIN / 2}); last third min ${fmt(lastThirdMin)} MB vs first third max ${fmt(firstThirdMax)} MB; end after idle ${growth >= 0 ? '+' : ''}${fmt(growth)} MB vs first sample (limit +${fmt(growthLimit)} MB)`;
  const verdict = !enough
    ? `INCONCLUSIVE: only ${n} heap samples (need 6); ${facts}`
    : rising
      ? `FAIL — heap rising: ${facts}`
      : `pass — heap flat (not met: ${Object.entries(checks)
          .filter(([, v]) => !v)
          .map(([k]) => k)
          .join(', ')}): ${facts}`;
  return {
    ...settings,
    samples,
    slopeMbPerMin: Math.round(slope * 100) / 100,
    laterSlopeMbPerMin: Math.round(laterSlope * 100) / 100,
    firstThirdMaxMb: firstThirdMax,
    lastThirdMinMb: lastThirdMin,
    growthMb: Math.round(growth * 10) / 10,
    growthLimitMb: Math.round(growthLimit * 10) / 10,
    rising,
    verdict,
  };
}

/** Asks the gateway's heap probe (bench/heap-probe.ts) for the heap after a forced full GC. */
function heapProbe(child: ChildProcess): (t: number, phase: HeapSample['phase']) => Promise<HeapSample> {
  let next = 0;
  const mb = (bytes: number) => Math.round(bytes / 1024 / 102.4) / 10;
  return (t, phase) =>
    new Promise((resolve, reject) => {
      const id = ++next;
      const timer = setTimeout(() => {
        child.off('message', onMessage);
        reject(new Error('heap probe did not answer in 30 s'));
      }, 30_000);
      const onMessage = (m: HeapProbeReply) => {
        if (m?.type !== 'heap' || m.id !== id) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve({
          t: Math.round(t),
          phase,
          heapMb: mb(m.heapUsed),
          externalMb: mb(m.external),
          arrayBuffersMb: mb(m.arrayBuffers),
          rssMb: Math.round(m.rss / 1024 / 1024),
        });
      };
      child.on('message', onMessage);
      child.send({ type: 'heap', id });
    });
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
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return line ? Math.round(Number(line.replace(/\D+/g, '')) / 1024) : 0;
}

export async function runSoak(seconds = Number(process.env.SOAK_SECONDS ?? 600), clients = 24): Promise<SoakResult> {
  const emulator = await startPortal({ size: 'small', rateLimit: { enabled: true, drainPerSecond: 2, bucket: 50 } });
  const port = await freePort();
  // `node --import tsx`, not the tsx launcher: one process, so /proc/<pid> is the gateway's own.
  // --expose-gc and the heap probe (a preload in bench/, over the IPC channel) let the soak read
  // the heap after a forced GC; src/ is not changed. SOAK_GATEWAY (a path from the repository
  // root, default src/main.ts) soaks another entry, e.g. an older tree exported with git archive.
  const entry = process.env.SOAK_GATEWAY ?? 'src/main.ts';
  const probe = pathToFileURL(`${ROOT}bench/heap-probe.ts`).href;
  const gateway = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', '--import', probe, entry], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      BITRIX_WEBHOOK_URL: emulator.webhookUrl,
      GATEWAY_AUTH: 'off',
      REQUEST_DEADLINE_MS: '60000',
    },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  liveChildren.add(gateway);
  gateway.once('exit', () => liveChildren.delete(gateway));
  const sampleHeap = heapProbe(gateway);
  const url = `http://127.0.0.1:${port}/graphql`;
  for (let i = 0; ; i++) {
    if (
      await fetch(url.replace('/graphql', '/health')).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 150) throw new Error('gateway did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const gql = async (query: string, variables?: Record<string, unknown>) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
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
  emulator.setFaults({
    rate: 0.1,
    kinds: ['http500', 'http503', 'slow', 'drop', 'dropAfterCommit', 'truncate'],
    slowMs: 2_000,
  });

  let queries = 0;
  let mutations = 0;
  const keys = new Set<string>();
  const loadStart = Date.now();
  const until = loadStart + seconds * 1000;

  // Heap after GC: every `everySeconds` once the warm-up is over (every 30 s after 60 s for the
  // 10-minute soak; both scale down so a short soak still gets ≥ 6 samples under load: 120 s →
  // every 10 s after 12 s), then once more at the end after the load stopped and `idleSeconds`
  // of quiet. SOAK_HEAP_EVERY (seconds) overrides the interval.
  const everySeconds = Number(process.env.SOAK_HEAP_EVERY ?? Math.min(30, Math.max(2, seconds / 12)));
  const warmupSeconds = Math.min(60, seconds / 10);
  const idleSeconds = 5;
  const samples: HeapSample[] = [];
  const elapsed = () => (Date.now() - loadStart) / 1000;
  let sampling: Promise<void> = Promise.resolve();
  let heapTimer: NodeJS.Timeout | undefined;
  const takeSample = () => {
    sampling = sampling.then(async () => {
      if (Date.now() >= until) return;
      try {
        samples.push(await sampleHeap(elapsed(), 'load'));
      } catch {
        count('heap-probe-timeout'); // counted, not fatal: too few samples make the verdict inconclusive
      }
    });
  };
  const heapWarmup = setTimeout(() => {
    takeSample();
    heapTimer = setInterval(takeSample, everySeconds * 1000);
  }, warmupSeconds * 1000);
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
          count(
            type === 'UpstreamError'
              ? `mutation:${r.data.createSpaCard.code}`
              : (r.errors?.[0]?.extensions?.code ?? String(type)),
          );
          await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, n) => client(n)));
  clearTimeout(heapWarmup);
  clearInterval(heapTimer);
  await sampling;
  emulator.setFaults(null);
  clearInterval(sampler);
  const rssEndMb = rssMb(gateway.pid!);
  // Load stopped: a quiet pause (timers, sockets and deadlines settle), then the last reading.
  await new Promise((r) => setTimeout(r, idleSeconds * 1000));
  samples.push(await sampleHeap(elapsed(), 'idle'));
  const heap = heapTrend(samples, { everySeconds, warmupSeconds, idleSeconds });

  // Duplicates: cards whose title (= idempotency key) appears more than once.
  const titles = new Map<string, number>();
  let after: string | null = null;
  for (;;) {
    const r: any = await gql(
      `query($after: String) { spaCards(entityTypeId: 130, first: 2500, after: $after, filter: {search: "soak-"}) { edges { node { title } } pageInfo { hasNextPage endCursor } } }`,
      { after },
    );
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
    heap,
  };
  // Close the IPC channel first (the probe has unref'd it anyway), then stop the gateway as a
  // supervisor would; wait for it so a gateway that does not exit on SIGTERM is noticed.
  gateway.disconnect();
  const exited = new Promise<void>((resolve) =>
    gateway.exitCode !== null || gateway.signalCode !== null ? resolve() : gateway.once('exit', () => resolve()),
  );
  gateway.kill('SIGTERM');
  const force = setTimeout(() => {
    result.errorsByCode['gateway-did-not-exit-on-SIGTERM'] = 1;
    gateway.kill('SIGKILL');
  }, 15_000);
  await exited;
  clearTimeout(force);
  await emulator.close();
  if (titles.size !== keys.size) result.errorsByCode['keys-without-card'] = keys.size - titles.size;
  return result;
}

export function soakMarkdown(r: SoakResult): string {
  const errors =
    Object.entries(r.errorsByCode)
      .map(([code, n]) => `${code}: ${n}`)
      .join(', ') || 'none';
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
    `| **gateway JS heap after forced GC** | **${r.heap.rising ? 'FAIL: rising trend' : r.heap.samples.length < 6 ? 'inconclusive' : 'flat'}** (${r.heap.samples[0]?.heapMb} MB → ${r.heap.samples.at(-1)?.heapMb} MB after ${r.heap.idleSeconds} s idle; ${r.heap.slopeMbPerMin} MB/min) |`,
    '',
    `Heap after two forced full GCs in the gateway (\`--expose-gc\`, preload bench/heap-probe.ts over IPC), every ${r.heap.everySeconds} s after a ${Math.round(r.heap.warmupSeconds)} s warm-up, and once more after the load stopped and ${r.heap.idleSeconds} s of idle. The soak fails (exit 1) when the least-squares slope is above 1 MB/min **and** the last third's minimum is above the first third's maximum **and** the end-after-idle heap is above the first sample by more than 1 MB per minute sampled (at least 2 MB) **and** the later half of the samples still climbs at more than 0.5 MB/min.`,
    '',
    `**Verdict: ${r.heap.verdict}**`,
    '',
    '| t (s) | heap used (MB) | external (MB) | array buffers (MB) | RSS (MB) |',
    '|---:|---:|---:|---:|---:|',
    ...r.heap.samples.map(
      (s) =>
        `| ${s.t}${s.phase === 'idle' ? ' (idle)' : ''} | ${s.heapMb.toFixed(1)} | ${s.externalMb.toFixed(1)} | ${s.arrayBuffersMb.toFixed(1)} | ${s.rssMb} |`,
    ),
    '',
  ].join('\n');
}

if (process.argv[1]?.endsWith('soak.ts')) {
  const r = await runSoak();
  console.log(JSON.stringify(r, null, 2));
  console.log(soakMarkdown(r));
  if (r.heap.rising) {
    console.error(`soak: ${r.heap.verdict}`);
    process.exitCode = 1;
  }
}
