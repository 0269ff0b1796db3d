// B4 overhead: a warm 20-card nested query with zero emulator latency and no rate limit, the
// gateway against a baseline that serves the same shape from memory (plain Yoga + Pothos,
// bench/contenders/baseline-server.ts). Every server is its own process. On a machine with two
// or more cores, the server under test (gateway or baseline) is pinned to core 0, and the load
// generator (autocannon, in this process) and the emulator share core 1, so neither contender
// competes with the load generator for its core. Each contender: warm-up, then fixed-time runs,
// alternately, twice. When the gateway reaches less than 60% of the baseline's rate, one more run
// of the gateway under --cpu-prof tells where its time goes.
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import { DEFAULT_WEBHOOK_SECRET } from '../src/emulator/portal.js';
import { canPin, cpuMs, freePort, gql, pinSelf, spawnNode, waitFor, type Child } from './lib.js';

export const B4_QUERY = `{ spaCards(entityTypeId: 128, first: 20) { edges { node {
  title stage { name } assignedBy { fullName } contact { fullName phones { value } } customFields { display } } } } }`;

interface Run {
  contender: 'gateway' | 'baseline';
  rps: number;
  total: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  mismatches: number;
  serverCpuMsPerRequest: number;
  /** Share of one core the server used during the run. */
  serverBusy: number;
  emulatorCpuMsPerRequest: number;
  upstreamPerRequest: number;
  commandsPerRequest: number;
}

export interface ProfileSummary {
  totalMs: number;
  requests: number;
  byArea: { area: string; ms: number; share: number }[];
  byStage: { stage: string; ms: number; share: number }[];
  topFunctions: { fn: string; ms: number; share: number }[];
}

export interface B4Result {
  pinned: boolean;
  connections: number;
  seconds: number;
  warmupSeconds: number;
  runs: Run[];
  sameData: boolean;
  profile: ProfileSummary | null;
  baselineProfile: ProfileSummary | null;
}

async function cannon(url: string, seconds: number, connections: number) {
  return autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query: B4_QUERY }),
    connections,
    duration: seconds,
    verifyBody: (body: string) => body.includes('"edges"') && !body.includes('"errors"'),
  });
}

async function emulatorCounters(origin: string): Promise<{ httpRequests: number; commandsByMethod: Record<string, number> }> {
  return (await fetch(`${origin}/_emulator/${DEFAULT_WEBHOOK_SECRET}/counters`)).json() as any;
}

/** Extra node flags for both servers (experiments, e.g. BENCH_NODE_ARGS=--max-semi-space-size=32). */
const EXTRA_NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

function startGatewayProcess(port: number, webhookUrl: string, cpus: string | undefined, nodeArgs: string[] = []): Child {
  nodeArgs = [...EXTRA_NODE_ARGS, ...nodeArgs];
  return spawnNode(
    'src/main.ts',
    {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      BITRIX_WEBHOOK_URL: webhookUrl,
      GATEWAY_AUTH: 'off',
      // No rate limit anywhere: the portal's is off, so the gateway's mirror gets a huge plan,
      // and the per-caller limit is off (the load generator is one caller).
      BITRIX_PLAN: 'custom',
      BITRIX_RATE_PER_SECOND: '100000',
      BITRIX_RATE_BUCKET: '10000',
      RATE_LIMIT_PER_SECOND: '0',
      REQUEST_DEADLINE_MS: '30000',
    },
    { cpus, nodeArgs },
  );
}

function startBaselineProcess(port: number, cpus: string | undefined, nodeArgs: string[] = []): Child {
  nodeArgs = [...EXTRA_NODE_ARGS, ...nodeArgs];
  return spawnNode('bench/contenders/baseline-server.ts', { NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1' }, { cpus, nodeArgs });
}

export async function runB4(options: { seconds?: number; warmupSeconds?: number; rounds?: number; connections?: number; profile?: 'auto' | 'always' | 'never'; log?: (s: string) => void } = {}): Promise<B4Result> {
  const seconds = options.seconds ?? 10;
  const warmupSeconds = options.warmupSeconds ?? 3;
  const rounds = options.rounds ?? 2;
  const connections = options.connections ?? 10;
  const log = options.log ?? (() => {});
  const pinned = canPin();
  const serverCpu = pinned ? '0' : undefined;
  const sideCpu = pinned ? '1' : undefined;
  const children: Child[] = [];
  let unpin = () => {};
  try {
    // The emulator: large demo data, no rate limit, no latency (npm run portal).
    const emulatorPort = await freePort();
    let webhookUrl = '';
    const emulator = spawnNode('src/emulator/cli.ts', { PORTAL_PORT: String(emulatorPort), PORTAL_SIZE: 'large', PORTAL_RATE_LIMIT: 'off' }, { cpus: sideCpu, onStdout: (line) => (webhookUrl ||= line.trim()) });
    children.push(emulator);
    await waitFor(async () => webhookUrl !== '', 'emulator');
    const origin = new URL(webhookUrl).origin;

    const gatewayPort = await freePort();
    const gateway = startGatewayProcess(gatewayPort, webhookUrl, serverCpu);
    children.push(gateway);
    const baselinePort = await freePort();
    const baseline = startBaselineProcess(baselinePort, serverCpu);
    children.push(baseline);
    const urls = { gateway: `http://127.0.0.1:${gatewayPort}/graphql`, baseline: `http://127.0.0.1:${baselinePort}/graphql` };
    const pids = () => ({ gateway: gateway.pid, baseline: baseline.pid });
    await waitFor(async () => (await gql(urls.gateway, '{ __typename }')).status === 200, 'gateway', 60_000);
    await waitFor(async () => (await gql(urls.baseline, '{ __typename }')).status === 200, 'baseline', 60_000);
    unpin = pinned ? pinSelf(sideCpu!) : () => {};

    const g = await gql(urls.gateway, B4_QUERY);
    const b = await gql(urls.baseline, B4_QUERY);
    const sameData = g.status === 200 && !g.body.errors && isDeepStrictEqual(g.body.data, b.body.data);
    if (!sameData) log(`B4: the gateway's and the baseline's answers differ: ${JSON.stringify(g.body).slice(0, 300)} / ${JSON.stringify(b.body).slice(0, 300)}`);

    for (const name of ['gateway', 'baseline'] as const) await cannon(urls[name], warmupSeconds, connections);

    const runs: Run[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const name of ['gateway', 'baseline'] as const) {
        const before = { server: cpuMs(pids()[name]), emulator: cpuMs(emulator.pid), counters: await emulatorCounters(origin) };
        const r = await cannon(urls[name], seconds, connections);
        const after = { server: cpuMs(pids()[name]), emulator: cpuMs(emulator.pid), counters: await emulatorCounters(origin) };
        const total = r.requests.total;
        const commands = (c: typeof before.counters) => Object.values(c.commandsByMethod).reduce((a, n) => a + n, 0);
        runs.push({
          contender: name,
          rps: total / seconds,
          total,
          p50: r.latency.p50,
          p99: r.latency.p99,
          non2xx: r.non2xx,
          errors: r.errors + r.timeouts,
          mismatches: r.mismatches ?? 0,
          serverCpuMsPerRequest: (after.server - before.server) / total,
          serverBusy: (after.server - before.server) / (seconds * 1000),
          emulatorCpuMsPerRequest: (after.emulator - before.emulator) / total,
          upstreamPerRequest: (after.counters.httpRequests - before.counters.httpRequests) / total,
          commandsPerRequest: (commands(after.counters) - commands(before.counters)) / total,
        });
        log(`B4 round ${round + 1}: ${name} ${(total / seconds).toFixed(0)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms`);
      }
    }

    // Where the gateway's time goes, when it misses the target (or when asked).
    const rate = (n: string) => median(runs.filter((r) => r.contender === n).map((r) => r.rps));
    const wantProfile = options.profile === 'always' || (options.profile !== 'never' && rate('gateway') < 0.6 * rate('baseline'));
    const profiles: Partial<Record<'gateway' | 'baseline', ProfileSummary>> = {};
    if (wantProfile) {
      const restart = {
        gateway: (nodeArgs: string[]) => startGatewayProcess(gatewayPort, webhookUrl, serverCpu, nodeArgs),
        baseline: (nodeArgs: string[]) => startBaselineProcess(baselinePort, serverCpu, nodeArgs),
      };
      for (const name of ['gateway', 'baseline'] as const) {
        await (name === 'gateway' ? gateway : baseline).stop();
        const dir = mkdtempSync(join(tmpdir(), 'bench-prof-'));
        const child = restart[name](['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=200']);
        children.push(child);
        await waitFor(async () => (await gql(urls[name], '{ __typename }')).status === 200, `${name} (profiled)`, 60_000);
        await cannon(urls[name], warmupSeconds, connections);
        const r = await cannon(urls[name], seconds, connections);
        const stopping = performance.now();
        await child.stop();
        const stopMs = performance.now() - stopping;
        const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
        if (file) {
          // Only the samples of the measured run: the profile also holds start-up and warm-up.
          profiles[name] = summarizeProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')), r.requests.total, { fromEndUs: (stopMs + seconds * 1000) * 1000, skipEndUs: stopMs * 1000 });
          if (process.env.BENCH_KEEP_PROFILE) copyFileSync(join(dir, file), `${process.env.BENCH_KEEP_PROFILE}.${name}.cpuprofile`);
        }
        rmSync(dir, { recursive: true, force: true });
        log(`B4: profiled the ${name} (${r.requests.total} requests)`);
      }
    }
    return { pinned, connections, seconds, warmupSeconds, runs, sameData, profile: profiles.gateway ?? null, baselineProfile: profiles.baseline ?? null };
  } finally {
    unpin();
    for (const c of children.reverse()) await c.stop();
  }
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

function areaOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native / V8 builtins)';
  if (url.startsWith('node:')) return `node core: ${url.slice(5).split('/').slice(0, url.includes('internal/') ? 2 : 1).join('/')}`;
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 14).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const src = url.indexOf('/src/');
  if (src >= 0) return `gateway ${url.slice(src + 1).replace(/^file:\/\//, '')}`;
  return url.replace(/^file:\/\//, '');
}

/** Which part of the gateway's work a sample belongs to: the first rule (in this order) that
 * matches any frame of its stack. */
const STAGES: [string, (f: ProfileNode['callFrame']) => boolean][] = [
  ['complexity check (src/http/limits.ts runs graphql validate() with the complexity rule on every execution)', (f) => f.url.includes('/src/http/limits.ts') && f.functionName === 'onExecute'],
  ['upstream HTTP to the portal (src/bitrix/transport.ts, undici, JSON of the answers)', (f) => f.url.includes('/src/bitrix/transport.ts') || f.url.includes('/node_modules/undici/')],
  ['scheduler, batch encoding, keyset paging (src/bitrix/scheduler.ts, batch.ts, paging.ts)', (f) => /\/src\/bitrix\/(scheduler|batch|paging)\.ts/.test(f.url)],
  ['deadline and cancellation signals (AbortSignal.any/timeout, aborts, DOMException)', (f) => f.url.includes('abort_controller') || f.functionName === 'DOMException'],
  ['result serialisation (JSON.stringify of the response)', (f) => f.functionName === 'jsonStringifyResultWithoutInternals'],
  ['parse and validation (cached by Yoga)', (f) => /^(parse|validate)$/.test(f.functionName) && /\/graphql\//.test(f.url)],
  ['resolvers and execution (graphql executor, src/schema, src/loaders, src/bitrix records and metadata, dataloader, Pothos)', (f) => (f.url.includes('/@graphql-tools/executor/') && /^execute/.test(f.functionName)) || /\/src\/(schema|loaders|bitrix)\/|\/node_modules\/(dataloader|@pothos)\/|\/bench\/contenders\//.test(f.url)],
  ['request log, metrics (src/http/logging.ts, metrics.ts, pino, prom-client)', (f) => /\/src\/http\/(logging|metrics)\.ts|\/node_modules\/(pino|prom-client)\//.test(f.url)],
  ['HTTP server, sockets, Yoga and envelop plumbing', (f) => /graphql-yoga|@whatwg-node|@envelop|_http_|internal\/streams|node:net|stream_base/.test(f.url)],
];

function stageOf(functionName: string, stack: ProfileNode['callFrame'][]): string {
  if (functionName === '(garbage collector)') return 'garbage collection';
  for (const [name, match] of STAGES) if (stack.some(match)) return name;
  if (functionName === 'runMicrotasks') return 'promise machinery (microtask queue; continuations whose caller the profile cannot see)';
  return 'other (program, timers, event loop)';
}

/** Self time by area (package, gateway source file, node core) and by function. */
export function summarizeProfile(
  profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number },
  requests: number,
  window: { fromEndUs: number; skipEndUs: number },
): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  const stamps: number[] = [];
  let t = profile.startTime;
  for (const d of profile.timeDeltas) stamps.push((t += d));
  const from = profile.endTime - window.fromEndUs;
  const to = profile.endTime - window.skipEndUs;
  profile.samples.forEach((id, i) => {
    if (stamps[i] < from || stamps[i] > to) return;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  const stageMs = new Map<string, number>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stackOf = (id: number) => {
    const frames: ProfileNode['callFrame'][] = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) frames.push(byId.get(cur)!.callFrame);
    return frames;
  };
  let total = 0;
  for (const [id, ms] of self) {
    const n = byId.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    if (functionName === '(idle)') continue;
    total += ms;
    const area = areaOf(url, functionName);
    areas.set(area, (areas.get(area) ?? 0) + ms);
    const key = `${functionName || '(anonymous)'} — ${area}${url ? `:${lineNumber + 1}` : ''}`;
    fns.set(key, (fns.get(key) ?? 0) + ms);
    const stage = stageOf(functionName, stackOf(id));
    stageMs.set(stage, (stageMs.get(stage) ?? 0) + ms);
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, ms]) => ({ k, ms, share: ms / total }));
  return {
    totalMs: total,
    requests,
    byArea: top(areas, 12).map(({ k, ms, share }) => ({ area: k, ms, share })),
    byStage: top(stageMs, 20).map(({ k, ms, share }) => ({ stage: k, ms, share })),
    topFunctions: top(fns, 15).map(({ k, ms, share }) => ({ fn: k, ms, share })),
  };
}

export function b4Markdown(r: B4Result): string {
  const of = (n: string) => r.runs.filter((x) => x.contender === n);
  const g = of('gateway');
  const b = of('baseline');
  const gr = median(g.map((x) => x.rps));
  const br = median(b.map((x) => x.rps));
  const share = gr / br;
  const gc = median(g.map((x) => x.serverCpuMsPerRequest));
  const bc = median(b.map((x) => x.serverCpuMsPerRequest));
  const pairs = g.map((x, i) => `${((x.rps / b[i].rps) * 100).toFixed(0)}%`).join(', ');
  const row = (name: string, runs: Run[]) =>
    `| ${name} | **${median(runs.map((x) => x.rps)).toFixed(0)}** | ${runs.map((x) => x.rps.toFixed(0)).join(', ')} | ${median(runs.map((x) => x.p50))} ms / ${median(runs.map((x) => x.p99))} ms | ${runs.reduce((a, x) => a + x.non2xx + x.errors + x.mismatches, 0)} | ${median(runs.map((x) => x.serverCpuMsPerRequest)).toFixed(2)} ms (core ${(median(runs.map((x) => x.serverBusy)) * 100).toFixed(0)}% busy) | ${name === 'baseline' ? '—' : `${median(runs.map((x) => x.upstreamPerRequest)).toFixed(2)} HTTP, ${median(runs.map((x) => x.commandsPerRequest)).toFixed(2)} commands; emulator CPU ${median(runs.map((x) => x.emulatorCpuMsPerRequest)).toFixed(2)} ms`} |`;
  const lines = [
    `A warm \`spaCards(entityTypeId: 128, first: 20)\` with title, stage { name }, assignedBy { fullName }, contact { fullName phones { value } }, customFields { display } (the B1 shape on 20 cards), the same body on every request. Emulator: **zero latency, rate limit off**, its own process (\`npm run portal\`'s cli). Gateway: its own process (\`src/main.ts\`, NODE_ENV=production, LOG_LEVEL=warn, open access, per-caller rate limit off, a custom plan of 100,000/s so its bucket mirror never waits). Baseline: plain Yoga + Pothos serving the same shape from memory (\`bench/contenders/baseline-server.ts\`, NODE_ENV=production), its own process. Load: autocannon in the bench process, ${r.connections} connections, ${r.warmupSeconds} s warm-up per contender, then ${r.seconds} s runs, gateway and baseline alternately, ${g.length} times each. ${r.pinned ? 'CPU: the server under test pinned to core 0 (taskset); autocannon and the emulator share core 1.' : 'CPU: not pinned (taskset unavailable or a single core): everything shares the cores.'} Both answers are checked equal before the runs (${r.sameData ? 'they are' : '**they differ**'}); every response body is checked for edges and no errors.`,
    '',
    '| contender | requests/s (median) | runs | p50 / p99 latency | errors (non-2xx, socket, body) | server CPU per request | upstream per GraphQL request |',
    '|---|---|---|---|---|---|---|',
    row('gateway', g),
    row('baseline (Yoga + Pothos, in memory)', b),
    '',
    `- **Gateway / baseline requests per second: ${(share * 100).toFixed(0)}%** (medians; per round: ${pairs}). Target ≥ 60%: ${share >= 0.6 ? 'met' : '**missed**'}.`,
    `- CPU per request (from /proc, user + system): gateway ${gc.toFixed(2)} ms, baseline ${bc.toFixed(2)} ms (${(gc / bc).toFixed(1)}×), so even with its core fully busy the gateway would serve at most ≈ ${(1000 / gc).toFixed(0)}/s against ≈ ${(1000 / bc).toFixed(0)}/s (${((bc / gc) * 100).toFixed(0)}%): the gap is CPU work per request, not waiting. The emulator spends ${median(g.map((x) => x.emulatorCpuMsPerRequest)).toFixed(2)} ms per gateway request on the other core. The same body repeated lets the scheduler share identical upstream commands between concurrent requests (${median(g.map((x) => x.upstreamPerRequest)).toFixed(2)} upstream HTTP requests per GraphQL request).`,
  ];
  if (r.profile) {
    const p = r.profile;
    const q = r.baselineProfile;
    const base = new Map((q?.byStage ?? []).map((x) => [x.stage, x.ms / q!.requests]));
    lines.push(
      `- Profiles (--cpu-prof at 200 µs; each server restarted under the profiler, warmed up, then one more ${r.seconds} s run whose samples alone are counted; the profiler slows both): gateway ${p.requests} requests, ${(p.totalMs / p.requests).toFixed(2)} ms of sampled CPU per request${q ? `; baseline ${q.requests} requests, ${(q.totalMs / q.requests).toFixed(2)} ms` : ''}. Each sample is counted once, under the first part (in this order) that any frame of its stack belongs to:`,
      '',
      '| part of the work | gateway CPU per request | share | baseline CPU per request |',
      '|---|---|---|---|',
      ...p.byStage.map((a) => `| ${a.stage} | ${(a.ms / p.requests).toFixed(3)} ms | ${(a.share * 100).toFixed(1)}% | ${base.has(a.stage) ? `${base.get(a.stage)!.toFixed(3)} ms` : '—'} |`),
      '',
      '  Gateway self time by package or file:',
      '',
      '| area | self time | share |',
      '|---|---|---|',
      ...p.byArea.map((a) => `| ${a.area} | ${(a.ms / p.requests).toFixed(3)} ms/request | ${(a.share * 100).toFixed(1)}% |`),
      '',
      '  Gateway hottest functions (self time):',
      '',
      '| function — where | share |',
      '|---|---|',
      ...p.topFunctions.slice(0, 12).map((f) => `| ${f.fn.replace(/\|/g, '\\|')} | ${(f.share * 100).toFixed(1)}% |`),
      '',
    );
  }
  lines.push('');
  return lines.join('\n');
}

