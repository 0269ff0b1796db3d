// `npm run bench` — the benchmarks of issue 4 (B1 nested read, B2 bulk, B3 saturation, B4
// overhead), of issue 14 (B5 dashboard, B6 sync), of issue 15 (B7 import) and of the typed schema
// (SCHEMA: built from a portal of 30 smart processes and 500 custom fields; ORDERED: 10,000 cards
// exported in several orders), written to bench/results.md. `npm run bench -- B1 B3` runs some of them and
// replaces only their sections. `npm run bench -- soak` runs the 10-minute soak of issue 5
// (bench/soak.ts; not part of the default set; it exits 1 when the gateway's heap after GC
// rises). Everything runs on loopback and stops by itself
// (a watchdog ends the run after BENCH_MAX_MINUTES, default 20).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { startPortal } from '@bitrix24-graphql/demo-portal';
import { b1Markdown, runB1 } from './b1.js';
import { b2Markdown, runB2 } from './b2.js';
import { b3Markdown, runB3 } from './b3.js';
import { b4Markdown, runB4 } from './b4.js';
import { b5Markdown, runB5 } from './b5.js';
import { b6Markdown, runB6 } from './b6.js';
import { b7Markdown, runB7 } from './b7.js';
import { coalesceMarkdown, runCoalesce } from './coalesce.js';
import { orderedExportMarkdown, runOrderedExport } from './ordered-export.js';
import { runSchemaBuild, schemaBuildMarkdown } from './schema-build.js';
import { liveChildren, machine, machineLine, ROOT } from './lib.js';

const RESULTS = `${ROOT}bench/results.md`;
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
const ALL = ['B1', 'B2', 'B3', 'B4', 'B5', 'B6', 'B7', 'COALESCE', 'SCHEMA', 'ORDERED'] as const;
const TITLES: Record<string, string> = {
  B1: 'B1 — nested read (200 cards with stage, assignee, contact, custom fields)',
  B2: 'B2 — bulk: all 10,000 cards',
  B3: 'B3 — saturation: 200 concurrent clients',
  B4: 'B4 — overhead against plain Yoga + Pothos from memory',
  B5: 'B5 — dashboard: 100 clients polling hot records and lists while the portal changes',
  B6: 'B6 — sync: a backend mirrors 10,000 cards through `changes`, then follows 1,000 changes',
  B7: 'B7 — import: 10,000 cards with custom fields and contacts',
  COALESCE: 'Coalescing at low load: what the idle 3 ms hold costs and buys',
  SCHEMA: 'Schema build — the typed schema of a portal with 30 smart processes and 500 custom fields',
  ORDERED: 'Ordered export — 10,000 cards of one smart process through the typed list, in several orders',
  SOAK: 'Soak — mixed reads and writes at 10% faults (issue 5)',
};

const asked = process.argv.slice(2).map((a) => a.toUpperCase());
const selected = asked.length ? asked : [...ALL];
for (const name of selected) {
  if (!(name in TITLES)) {
    console.error(`unknown benchmark ${name}; choose from ${Object.keys(TITLES).join(', ')}`);
    process.exit(2);
  }
}

const maxMinutes = Number(process.env.BENCH_MAX_MINUTES ?? (selected.includes('SOAK') ? 30 : 20));
const watchdog = setTimeout(() => {
  console.error(`bench: still running after ${maxMinutes} min, stopping`);
  for (const child of liveChildren) child.kill('SIGKILL');
  process.exit(3);
}, maxMinutes * 60_000);
watchdog.unref();

const log = (s: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(1)} s] ${s}`);
const started = performance.now();
const sections = new Map<string, string>();
let failed = false; // a soak whose heap rises: written to results.md, then a non-zero exit
const m = machine();

function section(name: string, body: string, seconds: number): string {
  return [
    `<!-- ${name} start -->`,
    `## ${TITLES[name]}`,
    '',
    `_Measured ${machineLine(m)} · took ${seconds.toFixed(0)} s._`,
    '',
    body,
    `<!-- ${name} end -->`,
  ].join('\n');
}

async function timed(name: string, fn: () => Promise<string>): Promise<void> {
  const t0 = performance.now();
  log(`${name} …`);
  const body = await fn();
  sections.set(name, section(name, body, (performance.now() - t0) / 1000));
  writeResults(); // after each benchmark, so an interrupted run keeps what it measured
  log(`${name} done`);
}

function writeResults(): void {
  const previous = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '';
  const kept = new Map<string, string>();
  for (const name of Object.keys(TITLES)) {
    const match = previous.match(new RegExp(`<!-- ${name} start -->[\\s\\S]*?<!-- ${name} end -->`));
    if (match) kept.set(name, match[0]);
  }
  const order = Object.keys(TITLES).filter((n) => sections.has(n) || kept.has(n));
  const text = [
    '# Benchmarks',
    '',
    "Written by `npm run bench` (bench/run.ts); `npm run bench -- B1` reruns one section and keeps the others. Every ratio below was measured side by side in the same run (the machine is shared and noisy: never compare numbers from different runs). Upstream HTTP request counts are exact: they are read from the emulator's own counters. Each section says when, on what machine, and how it was measured.",
    '',
    `Common set-up for B1–B3: the embedded emulator (\`startPortal({ size: 'large' })\`: 10,000 cards on entityTypeId 128, 4,000 contacts, 60 users) with the **real rate limit** (leaky bucket, drain 2/s, burst 50) and a **fixed latency of ${LATENCY_MS} ms** per HTTP request, in the bench process with the gateway(s) (each an in-process \`createGateway\` over its own \`BitrixPortal\` with the standard plan). B4 runs every server in its own process with zero latency and no limit.${portalBuildMs === null ? '' : ` Building and starting the large portal took ${Math.round(portalBuildMs)} ms in this run.`}`,
    '',
    ...order.map((n) => `${sections.get(n) ?? kept.get(n)}\n`),
  ].join('\n');
  writeFileSync(RESULTS, text);
}

const needsEmulator = selected.some((n) => n === 'B1' || n === 'B2' || n === 'B3');
// The large portal's build time is measured here, not in a unit test (timings fail under load).
const buildStart = performance.now();
const emulator = needsEmulator
  ? await startPortal({
      size: 'large',
      rateLimit: { enabled: true, drainPerSecond: 2, bucket: 50 },
      latencyMs: LATENCY_MS,
    })
  : null;
const portalBuildMs = emulator ? performance.now() - buildStart : null;
try {
  log(`machine: ${machineLine(m)}; running ${selected.join(', ')}`);
  if (selected.includes('B1')) await timed('B1', async () => b1Markdown(await runB1(emulator!, { log }), LATENCY_MS));
  if (selected.includes('B2')) await timed('B2', async () => b2Markdown(await runB2(emulator!, { log }), LATENCY_MS));
  if (selected.includes('B3')) await timed('B3', async () => b3Markdown(await runB3(emulator!, { log }), LATENCY_MS));
  if (selected.includes('B4')) await timed('B4', async () => b4Markdown(await runB4({ log })));
  if (selected.includes('B5')) await timed('B5', async () => b5Markdown(await runB5({ log })));
  if (selected.includes('B6')) await timed('B6', async () => b6Markdown(await runB6({ log })));
  if (selected.includes('B7')) await timed('B7', async () => b7Markdown(await runB7({ log })));
  if (selected.includes('COALESCE')) await timed('COALESCE', async () => coalesceMarkdown(await runCoalesce({ log })));
  if (selected.includes('SCHEMA'))
    await timed('SCHEMA', async () => schemaBuildMarkdown(await runSchemaBuild({ log })));
  if (selected.includes('ORDERED'))
    await timed('ORDERED', async () => orderedExportMarkdown(await runOrderedExport({ log })));
  if (selected.includes('SOAK')) {
    const { runSoak, soakMarkdown } = await import('./soak.js');
    await timed('SOAK', async () => {
      const r = await runSoak();
      if (r.heap.rising) {
        failed = true;
        log(`SOAK: ${r.heap.verdict}`);
      }
      return soakMarkdown(r);
    });
  }
} finally {
  await emulator?.close();
}
log(`total ${((performance.now() - started) / 1000).toFixed(0)} s; results in bench/results.md`);
process.exit(failed ? 1 : 0);
