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
import { DEFAULT_WEBHOOK_SECRET } from '@bitrix24-graphql/demo-portal';
import { canPin, cpuMs, freePort, gql, pinSelf, spawnNode, waitFor, type Child } from './lib.js';

export const B4_QUERY = `{ spaCards(entityTypeId: 128, first: 20) { edges { node {
  title stage { name } assignedBy { fullName } contact { fullName phones { value } } customFields { display } } } } }`;

/** `gatewayGc`: the same gateway with a larger young generation (--max-semi-space-size=32). */
type Contender = 'gateway' | 'baseline' | 'gatewayGc';
const GC_FLAG = '--max-semi-space-size=32';

interface Run {
  contender: Contender;
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
  /** Inclusive CPU per request of a few named suspects (a sample counts for every suspect on its stack). */
  suspects: Record<string, number>;
}

const SUSPECTS: Record<string, (f: ProfileNode['callFrame']) => boolean> = {
  complexity: (f) => f.functionName === 'onExecute' && f.url.includes('/src/gateway/use-limits.ts'),
  cursors: (f) => f.functionName === 'cursorWithHash' && f.url.includes('/src/schema/connection.ts'),
  dedupeKey: (f) => f.functionName === 'stableJson',
  signals: (f) => f.url.includes('/src/gateway/use-request-deadline.ts') || f.url.includes('abort_controller'),
  logAndMetrics: (f) => /\/src\/gateway\/use-(request-log|metrics)\.ts/.test(f.url),
  upstream: (f) => f.url.includes('/src/upstream/transport.ts'),
  gc: (f) => f.functionName === '(garbage collector)',
};

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

async function emulatorCounters(
  origin: string,
): Promise<{ httpRequests: number; commandsByMethod: Record<string, number> }> {
  return (await fetch(`${origin}/_emulator/${DEFAULT_WEBHOOK_SECRET}/counters`)).json() as any;
}

/** Extra node flags for both servers (experiments, e.g. BENCH_NODE_ARGS=--max-semi-space-size=32). */
const EXTRA_NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

function startGatewayProcess(
  port: number,
  webhookUrl: string,
  cpus: string | undefined,
  nodeArgs: string[] = [],
): Child {
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

/** `origin`: the emulator's, for the absolute links its answers hold (file fields). */
function startBaselineProcess(port: number, origin: string, cpus: string | undefined, nodeArgs: string[] = []): Child {
  nodeArgs = [...EXTRA_NODE_ARGS, ...nodeArgs];
  return spawnNode(
    'bench/contenders/baseline-server.ts',
    { NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', PORTAL_ORIGIN: origin },
    { cpus, nodeArgs },
  );
}

export async function runB4(
  options: {
    seconds?: number;
    warmupSeconds?: number;
    rounds?: number;
    connections?: number;
    profile?: 'auto' | 'always' | 'never';
    log?: (s: string) => void;
  } = {},
): Promise<B4Result> {
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
    const emulator = spawnNode(
      'packages/demo-portal/src/cli.ts',
      { PORTAL_PORT: String(emulatorPort), PORTAL_SIZE: 'large', PORTAL_RATE_LIMIT: 'off' },
      { cpus: sideCpu, onStdout: (line) => (webhookUrl ||= line.trim()) },
    );
    children.push(emulator);
    await waitFor(async () => webhookUrl !== '', 'emulator');
    const origin = new URL(webhookUrl).origin;

    const gatewayPort = await freePort();
    const gateway = startGatewayProcess(gatewayPort, webhookUrl, serverCpu);
    children.push(gateway);
    const baselinePort = await freePort();
    const baseline = startBaselineProcess(baselinePort, origin, serverCpu);
    children.push(baseline);
    const gatewayGcPort = await freePort();
    const gatewayGc = startGatewayProcess(gatewayGcPort, webhookUrl, serverCpu, [GC_FLAG]);
    children.push(gatewayGc);
    const urls: Record<Contender, string> = {
      gateway: `http://127.0.0.1:${gatewayPort}/graphql`,
      baseline: `http://127.0.0.1:${baselinePort}/graphql`,
      gatewayGc: `http://127.0.0.1:${gatewayGcPort}/graphql`,
    };
    const pids = (): Record<Contender, number> => ({
      gateway: gateway.pid,
      baseline: baseline.pid,
      gatewayGc: gatewayGc.pid,
    });
    const contenders: Contender[] = ['gateway', 'baseline', 'gatewayGc'];
    for (const name of contenders)
      await waitFor(async () => (await gql(urls[name], '{ __typename }')).status === 200, name, 60_000);
    unpin = pinned ? pinSelf(sideCpu!) : () => {};

    const g = await gql(urls.gateway, B4_QUERY);
    const b = await gql(urls.baseline, B4_QUERY);
    const sameData = g.status === 200 && !g.body.errors && isDeepStrictEqual(g.body.data, b.body.data);
    if (!sameData)
      log(
        `B4: the gateway's and the baseline's answers differ: ${JSON.stringify(g.body).slice(0, 300)} / ${JSON.stringify(b.body).slice(0, 300)}`,
      );

    for (const name of contenders) await cannon(urls[name], warmupSeconds, connections);

    const runs: Run[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const name of contenders) {
        const before = {
          server: cpuMs(pids()[name]),
          emulator: cpuMs(emulator.pid),
          counters: await emulatorCounters(origin),
        };
        const r = await cannon(urls[name], seconds, connections);
        const after = {
          server: cpuMs(pids()[name]),
          emulator: cpuMs(emulator.pid),
          counters: await emulatorCounters(origin),
        };
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
        log(
          `B4 round ${round + 1}: ${name} ${(total / seconds).toFixed(0)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms`,
        );
      }
    }

    // Where the gateway's time goes, when it misses the target (or when asked).
    const rate = (n: string) => median(runs.filter((r) => r.contender === n).map((r) => r.rps));
    const wantProfile =
      options.profile === 'always' || (options.profile !== 'never' && rate('gateway') < 0.6 * rate('baseline'));
    await gatewayGc.stop();
    const profiles: Partial<Record<Contender, ProfileSummary>> = {};
    if (wantProfile) {
      const restart = {
        gateway: (nodeArgs: string[]) => startGatewayProcess(gatewayPort, webhookUrl, serverCpu, nodeArgs),
        baseline: (nodeArgs: string[]) => startBaselineProcess(baselinePort, origin, serverCpu, nodeArgs),
      };
      for (const name of ['gateway', 'baseline'] as const) {
        await (name === 'gateway' ? gateway : baseline).stop();
        const dir = mkdtempSync(join(tmpdir(), 'bench-prof-'));
        const child = restart[name](['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=200']);
        children.push(child);
        await waitFor(
          async () => (await gql(urls[name], '{ __typename }')).status === 200,
          `${name} (profiled)`,
          60_000,
        );
        await cannon(urls[name], warmupSeconds, connections);
        const r = await cannon(urls[name], seconds, connections);
        const stopping = performance.now();
        await child.stop();
        const stopMs = performance.now() - stopping;
        const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
        if (file) {
          // Only the samples of the measured run: the profile also holds start-up and warm-up.
          profiles[name] = summarizeProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')), r.requests.total, {
            fromEndUs: (stopMs + seconds * 1000) * 1000,
            skipEndUs: stopMs * 1000,
          });
          if (process.env.BENCH_KEEP_PROFILE)
            copyFileSync(join(dir, file), `${process.env.BENCH_KEEP_PROFILE}.${name}.cpuprofile`);
        }
        rmSync(dir, { recursive: true, force: true });
        log(`B4: profiled the ${name} (${r.requests.total} requests)`);
      }
    }
    return {
      pinned,
      connections,
      seconds,
      warmupSeconds,
      runs,
      sameData,
      profile: profiles.gateway ?? null,
      baselineProfile: profiles.baseline ?? null,
    };
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
  if (url.startsWith('node:'))
    return `node core: ${url
      .slice(5)
      .split('/')
      .slice(0, url.includes('internal/') ? 2 : 1)
      .join('/')}`;
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
  [
    'complexity check (src/gateway/use-limits.ts runs graphql validate() with the complexity rule on every execution)',
    (f) => f.url.includes('/src/gateway/use-limits.ts') && f.functionName === 'onExecute',
  ],
  [
    'upstream HTTP to the portal (src/upstream/transport.ts, undici, JSON of the answers)',
    (f) => f.url.includes('/src/upstream/transport.ts') || f.url.includes('/node_modules/undici/'),
  ],
  [
    'scheduler, batch encoding, keyset paging (src/upstream/scheduler.ts, batch.ts, paging.ts)',
    (f) => /\/src\/upstream\/(scheduler|batch|paging)\.ts/.test(f.url),
  ],
  [
    'deadline and cancellation (src/gateway/use-request-deadline.ts, aborts, DOMException)',
    (f) =>
      f.url.includes('/src/gateway/use-request-deadline.ts') ||
      f.url.includes('abort_controller') ||
      f.functionName === 'DOMException',
  ],
  [
    'result serialisation (JSON.stringify of the response)',
    (f) => f.functionName === 'jsonStringifyResultWithoutInternals',
  ],
  [
    'parse and validation (cached by Yoga)',
    (f) => /^(parse|validate)$/.test(f.functionName) && /\/graphql\//.test(f.url),
  ],
  [
    'resolvers and execution (graphql executor, src/schema, src/crm records and metadata, dataloader, Pothos)',
    (f) =>
      (f.url.includes('/@graphql-tools/executor/') && /^execute/.test(f.functionName)) ||
      /\/src\/(schema|crm)\/|\/node_modules\/(dataloader|@pothos)\/|\/bench\/contenders\//.test(f.url),
  ],
  [
    'request log, metrics (src/gateway/use-request-log.ts, use-metrics.ts, pino, prom-client)',
    (f) => /\/src\/gateway\/use-(request-log|metrics)\.ts|\/node_modules\/(pino|prom-client)\//.test(f.url),
  ],
  [
    'HTTP server, sockets, Yoga and envelop plumbing',
    (f) => /graphql-yoga|@whatwg-node|@envelop|_http_|internal\/streams|node:net|stream_base/.test(f.url),
  ],
];

function stageOf(functionName: string, stack: ProfileNode['callFrame'][]): string {
  if (functionName === '(garbage collector)') return 'garbage collection';
  for (const [name, match] of STAGES) if (stack.some(match)) return name;
  if (functionName === 'runMicrotasks')
    return 'promise machinery (microtask queue; continuations whose caller the profile cannot see)';
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
  for (const d of profile.timeDeltas) {
    t += d;
    stamps.push(t);
  }
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
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur))
      frames.push(byId.get(cur)!.callFrame);
    return frames;
  };
  const suspects: Record<string, number> = Object.fromEntries(Object.keys(SUSPECTS).map((k) => [k, 0]));
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
    const stack = stackOf(id);
    const stage = stageOf(functionName, stack);
    stageMs.set(stage, (stageMs.get(stage) ?? 0) + ms);
    for (const [name, match] of Object.entries(SUSPECTS)) if (stack.some(match)) suspects[name] += ms / requests;
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
    suspects,
  };
}

/** What the profiles say, in numbers from this run (the wording names the code they point at). */
function findings(r: B4Result, p: ProfileSummary, q: ProfileSummary | null): string[] {
  const per = (x: number) => `${x.toFixed(3)} ms`;
  const share = (x: number) => `${((x / (p.totalMs / p.requests)) * 100).toFixed(1)}%`;
  const stage = (prefix: string, s: ProfileSummary | null) =>
    s ? (s.byStage.find((x) => x.stage.startsWith(prefix))?.ms ?? 0) / s.requests : 0;
  const s = p.suspects;
  const gcBase = stage('garbage', q);
  const plumbing = stage('HTTP server', p) - stage('HTTP server', q);
  const gg = r.runs.filter((x) => x.contender === 'gatewayGc');
  const g = r.runs.filter((x) => x.contender === 'gateway');
  const cpuChange = gg.length
    ? 1 - median(gg.map((x) => x.serverCpuMsPerRequest)) / median(g.map((x) => x.serverCpuMsPerRequest))
    : NaN;
  const gcExperiment = Number.isFinite(cpuChange)
    ? ` A larger young generation (\`${GC_FLAG}\`, the side experiment above) changed the gateway's CPU per request by ${(-cpuChange * 100).toFixed(0)}% in this run${Math.abs(cpuChange) < 0.05 ? ': within the noise, so GC volume, not GC tuning, is the lever' : ''}.`
    : '';
  return [
    '',
    '  What the profiles say (gateway CPU per request, inclusive, and its share of the sampled total):',
    '',
    `  1. **Garbage collection: ${per(s.gc)} (${share(s.gc)})** against ${per(gcBase)} in the baseline — the largest single difference. Every request allocates the upstream answers (full \`select: ['*']\` records of cards, contacts and users, parsed from JSON), their normalised copies, DataLoader and promise objects.${gcExperiment}`,
    `  2. **Per-execution complexity check: ${per(s.complexity)} (${share(s.complexity)})** — \`useComplexityLimit\` (src/gateway/use-limits.ts) runs a full \`graphql.validate()\` with the Pothos complexity rule in \`onExecute\` for every request, because the variables change the cost; a cache keyed by (document, operation name, variables) would make repeated operations free.`,
    `  3. **Yoga/envelop plumbing beyond the baseline's: ${per(plumbing)}** more per request in the HTTP/Yoga part (the gateway's ~10 plugins: request log, metrics, error codes, auth, rate limit, armor, hardening, complexity, events, visible cost, readiness), plus request log and metrics themselves ${per(s.logAndMetrics)} (${share(s.logAndMetrics)}).`,
    `  4. **Scheduler and upstream**: batch encoding, dedupe keys and paging ${per(stage('scheduler', p))} (${share(stage('scheduler', p))}; \`stableJson\` for the dedupe key alone ${per(s.dedupeKey)}), the upstream HTTP call, undici and answer parsing ${per(stage('upstream', p))} (${share(stage('upstream', p))}) — small here because identical concurrent reads are shared (${median(r.runs.filter((x) => x.contender === 'gateway').map((x) => x.upstreamPerRequest)).toFixed(2)} upstream requests per GraphQL request).`,
    `  5. **Smaller items**: the per-request deadline (src/gateway/use-request-deadline.ts: one timer and controller per request) ${per(s.signals)} (${share(s.signals)}); cursors (src/schema/connection.ts \`cursorWithHash\`, the filter hashed once per page) ${per(s.cursors)} (${share(s.cursors)}).`,
    `  6. None of these alone, nor all of 2–5 together, closes the gap: reaching 60% of the baseline needs the gateway's CPU per request to fall from ≈ ${median(r.runs.filter((x) => x.contender === 'gateway').map((x) => x.serverCpuMsPerRequest)).toFixed(2)} ms to ≈ ${(median(r.runs.filter((x) => x.contender === 'baseline').map((x) => x.serverCpuMsPerRequest)) / 0.6).toFixed(2)} ms (/proc figures). The baseline does no upstream work at all; the gateway's remaining cost is spread over GC, Yoga plumbing and resolvers.`,
  ];
}

export function b4Markdown(r: B4Result): string {
  const of = (n: string) => r.runs.filter((x) => x.contender === n);
  const g = of('gateway');
  const b = of('baseline');
  const gr = median(g.map((x) => x.rps));
  const br = median(b.map((x) => x.rps));
  const share = gr / br;
  const gg = of('gatewayGc');
  const gc = median(g.map((x) => x.serverCpuMsPerRequest));
  const bc = median(b.map((x) => x.serverCpuMsPerRequest));
  const pairs = g.map((x, i) => `${((x.rps / b[i].rps) * 100).toFixed(0)}%`).join(', ');
  const row = (name: string, runs: Run[]) =>
    `| ${name} | **${median(runs.map((x) => x.rps)).toFixed(0)}** | ${runs.map((x) => x.rps.toFixed(0)).join(', ')} | ${median(runs.map((x) => x.p50))} ms / ${median(runs.map((x) => x.p99))} ms | ${runs.reduce((a, x) => a + x.non2xx + x.errors + x.mismatches, 0)} | ${median(runs.map((x) => x.serverCpuMsPerRequest)).toFixed(2)} ms (core ${(median(runs.map((x) => x.serverBusy)) * 100).toFixed(0)}% busy) | ${name.startsWith('baseline') ? '—' : `${median(runs.map((x) => x.upstreamPerRequest)).toFixed(2)} HTTP, ${median(runs.map((x) => x.commandsPerRequest)).toFixed(2)} commands; emulator CPU ${median(runs.map((x) => x.emulatorCpuMsPerRequest)).toFixed(2)} ms`} |`;
  const lines = [
    `A warm \`spaCards(entityTypeId: 128, first: 20)\` with title, stage { name }, assignedBy { fullName }, contact { fullName phones { value } }, customFields { display } (the B1 shape on 20 cards), the same body on every request. Emulator: **zero latency, rate limit off**, its own process (\`npm run portal\`'s cli). Gateway: its own process (\`src/main.ts\`, NODE_ENV=production, LOG_LEVEL=warn, open access, per-caller rate limit off, a custom plan of 100,000/s so its bucket mirror never waits). Baseline: plain Yoga + Pothos serving the same shape from memory (\`bench/contenders/baseline-server.ts\`, NODE_ENV=production), its own process. Load: autocannon in the bench process, ${r.connections} connections, ${r.warmupSeconds} s warm-up per contender, then ${r.seconds} s runs, gateway, baseline and the gateway with \`${GC_FLAG}\` alternately, ${g.length} times each. ${r.pinned ? 'CPU: the server under test pinned to core 0 (taskset); autocannon and the emulator share core 1.' : 'CPU: not pinned (taskset unavailable or a single core): everything shares the cores.'} Both answers are checked equal before the runs (${r.sameData ? 'they are' : '**they differ**'}); every response body is checked for edges and no errors.`,
    '',
    '| contender | requests/s (median) | runs | p50 / p99 latency | errors (non-2xx, socket, body) | server CPU per request | upstream per GraphQL request |',
    '|---|---|---|---|---|---|---|',
    row('gateway', g),
    row('baseline (Yoga + Pothos, in memory)', b),
    ...(of('gatewayGc').length ? [row(`gateway with \`${GC_FLAG}\` (side experiment)`, of('gatewayGc'))] : []),
    '',
    `- **Gateway / baseline requests per second: ${(share * 100).toFixed(0)}%** (medians; per round: ${pairs}). Target ≥ 60%: ${share >= 0.6 ? 'met' : '**missed**'}.`,
    ...(gg.length
      ? [
          `- Side experiment, same rounds: the gateway with a larger young generation (\`node ${GC_FLAG}\`, no code change) served ${((median(gg.map((x) => x.rps)) / gr) * 100 - 100).toFixed(0)}% more requests per second than the default gateway, using ${((1 - median(gg.map((x) => x.serverCpuMsPerRequest)) / gc) * 100).toFixed(0)}% less CPU per request (${((median(gg.map((x) => x.rps)) / br) * 100).toFixed(0)}% of the baseline).`,
        ]
      : []),
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
      ...p.byStage.map(
        (a) =>
          `| ${a.stage} | ${(a.ms / p.requests).toFixed(3)} ms | ${(a.share * 100).toFixed(1)}% | ${base.has(a.stage) ? `${base.get(a.stage)!.toFixed(3)} ms` : '—'} |`,
      ),
      '',
      '  Gateway self time by package or file:',
      '',
      '| area | self time | share |',
      '|---|---|---|',
      ...p.byArea.map(
        (a) => `| ${a.area} | ${(a.ms / p.requests).toFixed(3)} ms/request | ${(a.share * 100).toFixed(1)}% |`,
      ),
      '',
      ...findings(r, p, q),
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
