// ORDERED: every one of the 10,000 cards of smart process 128 ("Onboarding") exported through the
// gateway with `first: 2500` pages in several orders: the typed list `onboardings` (keyset pages
// over crm.item.list with compound cursors, src/crm/ordered-pages.ts) in its default order, by
// title, by a nullable custom date with many empty values (ascending: the empty ones first;
// descending: last), by two keys (one descending), and side by side the generic
// `spaCards(entityTypeId: 128)` in id order. Each export runs on a fresh in-process gateway (empty
// read cache, empty limiter) whose schema build at start is counted apart; the portal's bucket is
// emptied before each. Each export is checked against the portal's own order, read straight from
// crm.item.list with the same order (then id) before the exports.
import { startPortal, type EmulatorPortal } from '@bitrix24-graphql/demo-portal';
import type { LeakyBucket } from '../src/upstream/bucket.js';
import { fmtMs, gql, median, startGateway, type GqlResult } from './lib.js';

const LATENCY_MS = 20;
const PAGE_SIZE = 2_500;

interface Variant {
  key: string;
  name: string;
  /** The GraphQL root field and its arguments besides first/after. */
  field: 'onboardings' | 'spaCards';
  args: string;
  /** The same order in crm.item.list terms (then id ascending), for the portal's own order. */
  order: Record<string, 'ASC' | 'DESC'>;
}

const VARIANTS: Variant[] = [
  { key: 'a', name: '`onboardings`, default order', field: 'onboardings', args: '', order: {} },
  {
    key: 'b',
    name: '`onboardings(orderBy: [{field: TITLE}])`',
    field: 'onboardings',
    args: 'orderBy: [{field: TITLE}]',
    order: { title: 'ASC' },
  },
  {
    key: 'c',
    name: '`onboardings(orderBy: [{field: DUE_DATE}])` (custom date, empty values first)',
    field: 'onboardings',
    args: 'orderBy: [{field: DUE_DATE}]',
    order: { ufCrm1DueDate: 'ASC' },
  },
  {
    key: 'c′',
    name: '`onboardings(orderBy: [{field: DUE_DATE, direction: DESC}])` (empty values last)',
    field: 'onboardings',
    args: 'orderBy: [{field: DUE_DATE, direction: DESC}]',
    order: { ufCrm1DueDate: 'DESC' },
  },
  {
    key: 'd',
    name: '`onboardings(orderBy: [{field: ASSIGNED_BY, direction: DESC}, {field: TITLE}])`',
    field: 'onboardings',
    args: 'orderBy: [{field: ASSIGNED_BY, direction: DESC}, {field: TITLE}]',
    order: { assignedById: 'DESC', title: 'ASC' },
  },
  {
    key: 'e',
    name: '`spaCards(entityTypeId: 128)`, id order (generic)',
    field: 'spaCards',
    args: 'entityTypeId: 128',
    order: {},
  },
];

function queryOf(v: Variant): string {
  const args = [v.args, `first: ${PAGE_SIZE}`, 'after: $after'].filter(Boolean).join(', ');
  return `query($after: String) { ${v.field}(${args}) { edges { node { bitrixId title } } pageInfo { hasNextPage endCursor } } }`;
}

interface ExportRun {
  ms: number;
  rows: number;
  distinct: number;
  /** Rows in the portal's own order (position by position). */
  inOrder: boolean;
  /** The first position where the export and the portal differ (-1: none). */
  firstDiff: number;
  http: number;
  rejected503: number;
  batchCommands: number;
  byMethod: Record<string, number>;
  commandsByMethod: Record<string, number>;
  perPage: number[];
  errors: string[];
  /** Upstream requests of the gateway's start (the schema build), before the export. */
  startRequests: number;
  /** Time the gateway's own limiter (the bucket mirror) made requests wait. */
  limiterWaitMs: number;
}

export interface OrderedExportResult {
  cards: number;
  rounds: number;
  variants: {
    key: string;
    name: string;
    order: Record<string, string>;
    empties: number;
    /** Reading the portal's own order straight (one crm.item.list of 50 rows per request). */
    truth: { requests: number; ms: number };
    runs: ExportRun[];
  }[];
  truthRequests: number;
}

/** The portal's own order: crm.item.list with the same order (then id), 50 rows per request,
 * with the limit off and no latency. */
async function portalOrder(
  emulator: EmulatorPortal,
  order: Record<string, string>,
  counter: { n: number },
): Promise<{ ids: number[]; empties: number; requests: number; ms: number }> {
  const t0 = performance.now();
  const first = counter.n;
  const ids: number[] = [];
  let empties = 0;
  const keys = Object.keys(order);
  for (let start = 0; ; start += 50) {
    counter.n++;
    const res = await fetch(`${emulator.webhookUrl}crm.item.list.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ entityTypeId: 128, select: ['id', ...keys], order: { ...order, id: 'ASC' }, start }),
    });
    const body = (await res.json()) as any;
    if (body.error) throw new Error(`crm.item.list: ${body.error} ${body.error_description ?? ''}`);
    for (const item of body.result.items) {
      ids.push(Number(item.id));
      if (keys.some((k) => item[k] === null || item[k] === undefined || item[k] === '')) empties++;
    }
    if (body.next === undefined) return { ids, empties, requests: counter.n - first, ms: performance.now() - t0 };
  }
}

async function exportAll(emulator: EmulatorPortal, v: Variant, truth: number[]): Promise<ExportRun> {
  emulator.resetCounters();
  emulator.resetLimiters();
  const gw = await startGateway(emulator, { deadlineMs: 300_000 });
  try {
    await gw.gateway.schema?.ready;
    const startRequests = emulator.counters.httpRequests;
    emulator.resetCounters();
    emulator.resetLimiters();
    const query = queryOf(v);
    const ids: number[] = [];
    const perPage: number[] = [];
    const errors: string[] = [];
    let after: string | null = null;
    const t0 = performance.now();
    for (let page = 0; page < 20; page++) {
      const before = emulator.counters.httpRequests;
      const r: GqlResult = await gql(gw.url, query, { after });
      perPage.push(emulator.counters.httpRequests - before);
      const conn = r.body.data?.[v.field];
      if (r.status !== 200 || r.body.errors?.length || !conn) {
        errors.push(JSON.stringify(r.body.errors ?? r.body).slice(0, 300));
        break;
      }
      for (const e of conn.edges) ids.push(e.node.bitrixId);
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    const ms = performance.now() - t0;
    const limiterWaitMs = (gw.portal.limiter as LeakyBucket).waitedMs ?? 0;
    const c = emulator.counters;
    let firstDiff = -1;
    for (let i = 0; i < Math.max(ids.length, truth.length); i++)
      if (ids[i] !== truth[i]) {
        firstDiff = i;
        break;
      }
    return {
      ms,
      rows: ids.length,
      distinct: new Set(ids).size,
      inOrder: firstDiff === -1,
      firstDiff,
      http: c.httpRequests,
      rejected503: c.rateLimited,
      batchCommands: c.batchCommands,
      byMethod: { ...c.byMethod },
      commandsByMethod: { ...c.commandsByMethod },
      perPage,
      errors,
      startRequests,
      limiterWaitMs,
    };
  } finally {
    await gw.close();
  }
}

export async function runOrderedExport(
  options: { rounds?: number; log?: (s: string) => void } = {},
): Promise<OrderedExportResult> {
  const rounds = options.rounds ?? 2;
  const log = options.log ?? (() => {});
  const emulator = await startPortal({ size: 'large', rateLimit: { enabled: false } });
  try {
    const counter = { n: 0 };
    const truths = new Map<string, Awaited<ReturnType<typeof portalOrder>>>();
    const byOrder = new Map<string, Awaited<ReturnType<typeof portalOrder>>>();
    for (const v of VARIANTS) {
      const key = JSON.stringify(v.order);
      if (!byOrder.has(key)) byOrder.set(key, await portalOrder(emulator, v.order, counter));
      truths.set(v.key, byOrder.get(key)!);
    }
    const cards = truths.get('a')!.ids.length;
    log(`ORDERED: the portal's own orders read (${counter.n} requests, limit off)`);
    emulator.setLatency(LATENCY_MS);
    emulator.setRateLimit({ enabled: true, drainPerSecond: 2, bucket: 50 });
    // Warm-up (not measured): one page of each query on a gateway of its own.
    {
      const gw = await startGateway(emulator);
      for (const v of VARIANTS) await gql(gw.url, queryOf(v).replace(`first: ${PAGE_SIZE}`, 'first: 5'));
      await gw.close();
    }
    const result: OrderedExportResult = {
      cards,
      rounds,
      truthRequests: counter.n,
      variants: VARIANTS.map((v) => ({
        key: v.key,
        name: v.name,
        order: v.order,
        empties: truths.get(v.key)!.empties,
        truth: { requests: truths.get(v.key)!.requests, ms: truths.get(v.key)!.ms },
        runs: [],
      })),
    };
    for (let round = 0; round < rounds; round++) {
      for (const [i, v] of VARIANTS.entries()) {
        const run = await exportAll(emulator, v, truths.get(v.key)!.ids);
        result.variants[i].runs.push(run);
        log(
          `ORDERED round ${round + 1} (${v.key}): ${run.rows} rows (${run.distinct} distinct, portal order: ${run.inOrder ? 'yes' : `no, first difference at ${run.firstDiff}`}) in ${fmtMs(run.ms)}, ${run.http} requests (${run.perPage.join('+')})${run.errors.length ? ` errors: ${run.errors.join(' | ')}` : ''}`,
        );
      }
    }
    return result;
  } finally {
    await emulator.close();
  }
}

export function orderedExportMarkdown(r: OrderedExportResult): string {
  const methods = (x: ExportRun) =>
    Object.entries(x.commandsByMethod)
      .map(([m, n]) => `${m} ${n}`)
      .join(', ');
  const byKey = (k: string) => r.variants.find((v) => v.key === k)!;
  const e = byKey('e');
  const rows = r.variants.map((v) => {
    const ms = median(v.runs.map((x) => x.ms));
    const x = v.runs[0];
    const same = v.runs.every((y) => y.http === x.http);
    const ok = v.runs.every((y) => y.rows === r.cards && y.distinct === r.cards && y.inOrder && !y.errors.length);
    const check = ok
      ? `yes (${r.cards.toLocaleString('en')} rows, ${r.cards.toLocaleString('en')} distinct, in the portal's order)`
      : `**no**: ${v.runs.map((y) => `${y.rows} rows, ${y.distinct} distinct, ${y.inOrder ? 'in order' : `first difference at row ${y.firstDiff}`}${y.errors.length ? `, errors ${y.errors.join(' | ')}` : ''}`).join('; ')}`;
    const batches = x.byMethod.batch ?? 0;
    return `| (${v.key}) ${v.name} | ${v.empties ? v.empties.toLocaleString('en') : '—'} | **${v.runs.map((y) => y.http).join(', ')}**${same ? '' : ' (varied)'} (per GraphQL page: ${x.perPage.join(' + ')}) | ${batches} batches of ${x.batchCommands} commands${x.http > batches ? ` + ${x.http - batches} single` : ''} | ${methods(x)} | ${x.rejected503} | ${fmtMs(Math.max(...v.runs.map((y) => y.limiterWaitMs)))} | **${fmtMs(ms)}** | ${v.runs.map((y) => fmtMs(y.ms)).join(', ')} | ${fmtMs(v.truth.ms / v.truth.requests)} | ${check} |`;
  });
  const a = byKey('a');
  const c = byKey('c');
  const cDesc = byKey('c′');
  const start = r.variants[0].runs[0].startRequests;
  const extra = a.runs[0].http - e.runs[0].http;
  return [
    `Every card of smart process 128 (${r.cards.toLocaleString('en')}, \`startPortal({ size: 'large' })\`) exported with \`first: ${PAGE_SIZE}\`, selecting \`bitrixId title\` and pageInfo, following \`endCursor\` to the end. Emulator: **real limit** (2/s, burst 50, emptied before each export) and **${LATENCY_MS} ms** latency, in the bench process. Each export on a fresh in-process gateway (\`createGateway\`, standard plan, empty read cache and limiter), waited for its schema build at start (${start} upstream request${start === 1 ? '' : 's'}, not counted below), then counted from the emulator (exact). ${r.rounds} round${r.rounds === 1 ? '' : 's'}, the variants in turn; one untimed warm-up page of each first. Checked: the ids of each export, position by position, against the portal's own order — crm.item.list with the same order then id ascending, 50 rows a request, read straight from the emulator before the exports (${r.truthRequests} requests, limit off, no latency).`,
    '',
    '| export | rows with an empty order key | upstream HTTP requests | requests by kind | commands by method | 503 answers | gateway limiter wait | wall time (median) | runs | emulator time per ordered crm.item.list (reading the order straight) | every card once, in the portal’s order |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `- **Requests**: the generic \`spaCards\` in id order sends each GraphQL page as one chained batch of 50 crm.item.list (${e.runs[0].http} requests for ${r.cards.toLocaleString('en')} cards, per page ${e.runs[0].perPage.join(' + ')}). The typed list in its default order: ${a.runs[0].http} (${a.runs[0].perPage.join(' + ')})${extra > 0 ? `, ${extra} more: ${a.runs[0].http - (a.runs[0].byMethod.batch ?? 0)} crm.item.list sent alone besides the ${a.runs[0].byMethod.batch ?? 0} batches` : ', the same'}; by title and by two keys: ${byKey('b').runs[0].http} and ${byKey('d').runs[0].http}.`,
    `- **Empty values of a nullable order key**: ${c.empties.toLocaleString('en')} of the ${r.cards.toLocaleString('en')} cards have no due date; a reference to an empty value cannot say "after empty" (src/crm/ordered-pages.ts). Ascending (the empty ones first) the export costs **${c.runs[0].http} requests** (per GraphQL page: ${c.runs[0].perPage.join(' + ')}; ${c.runs[0].batchCommands} batch commands), descending (last) **${cDesc.runs[0].http}** (${cDesc.runs[0].perPage.join(' + ')}; ${cDesc.runs[0].batchCommands} commands), against ${a.runs[0].http} (${a.runs[0].batchCommands} commands) for the same list in its default order. ${c.runs[0].http - a.runs[0].http >= Math.ceil(c.empties / 50) - 1 ? `That is about one request per 50 empty rows (⌈${c.empties.toLocaleString('en')} / 50⌉ = ${Math.ceil(c.empties / 50)}): while the rows are empty every 50-row page ends on an empty value and the chain is cut there, the batch's later commands (which referred to it) thrown away.` : `The run of empty values costs ${c.runs[0].http - a.runs[0].http} request${c.runs[0].http - a.runs[0].http === 1 ? '' : 's'} more ascending and ${cDesc.runs[0].http - a.runs[0].http} descending — not one per 50 empty rows (which would be ≈ ${Math.ceil(c.empties / 50)}).`} 503 answers: ${c.runs[0].rejected503} / ${cDesc.runs[0].rejected503}; the gateway's limiter waited ${fmtMs(c.runs[0].limiterWaitMs)} / ${fmtMs(cDesc.runs[0].limiterWaitMs)}.`,
    `- **Wall time** here is mostly the emulator's: it runs in the bench process and sorts the 10,000 cards for every ordered command (the last column: the time per crm.item.list when the same order is read straight, 50 rows at a time); id order is a keyset on its sorted table. Compare requests, not times: a real portal answers ordered lists from its database.`,
    '',
  ].join('\n');
}
