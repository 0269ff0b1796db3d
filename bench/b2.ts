// B2 bulk: every one of the 10,000 cards of type 128, through the gateway with `first: 2500`
// (title, stage statusId, pageInfo) and through @bitrix24/b24jssdk's list helper (fetchList,
// 50 rows per request), alternately, each starting with an empty portal bucket. A fresh gateway's
// start (the typed schema built from the portal's metadata) is counted apart from its passes.
import type { EmulatorPortal } from '@bitrix24-graphql/demo-portal';
import { DEFAULT_WEBHOOK_SECRET } from '@bitrix24-graphql/demo-portal';
import { createSdkClient, resetSdk, sdkAllCards } from './contenders/sdk.js';
import { fmtMs, gql, median, ratio, startGateway, startTlsFront, type GqlResult } from './lib.js';

const QUERY = `query($after: String) { spaCards(entityTypeId: 128, first: 2500, after: $after) {
  edges { node { title stage { statusId } } } pageInfo { hasNextPage endCursor } } }`;

interface Run {
  ms: number;
  rows: number;
  http: number;
  rejected503: number;
  byMethod: Record<string, number>;
  pages?: number;
  perPage?: number[];
  errors: number;
}

export interface B2Result {
  rounds: number;
  /** A fresh gateway's start: the schema built from the portal's metadata (before any query). */
  gatewayStart: Run[];
  gatewayCold: Run[];
  gatewayWarm: Run[];
  sdk: Run[];
}

export async function runB2(
  emulator: EmulatorPortal,
  options: { rounds?: number; log?: (s: string) => void } = {},
): Promise<B2Result> {
  const rounds = options.rounds ?? 2;
  const log = options.log ?? (() => {});
  const tls = await startTlsFront(Number(new URL(emulator.origin).port));
  const sdk = createSdkClient(tls.port, tls.ca, 1, DEFAULT_WEBHOOK_SECRET);
  const result: B2Result = { rounds, gatewayStart: [], gatewayCold: [], gatewayWarm: [], sdk: [] };
  const reset = () => {
    emulator.resetCounters();
    emulator.resetLimiters();
  };
  for (let round = 0; round < rounds; round++) {
    // The gateway: a fresh one each round, its start counted apart; its first pass has cold
    // metadata (as the start left it), the second warm.
    reset();
    const s0 = performance.now();
    const gw = await startGateway(emulator);
    await gw.gateway.schema?.ready;
    result.gatewayStart.push({
      ms: performance.now() - s0,
      rows: 0,
      http: emulator.counters.httpRequests,
      rejected503: emulator.counters.rateLimited,
      byMethod: { ...emulator.counters.commandsByMethod },
      errors: gw.gateway.schema?.model ? 0 : 1,
    });
    for (const pass of ['cold', 'warm'] as const) {
      reset();
      const t0 = performance.now();
      let after: string | null = null;
      let rows = 0;
      let pages = 0;
      let errors = 0;
      const titles = new Set<string>();
      const perPage: number[] = [];
      for (;;) {
        const before = emulator.counters.httpRequests;
        const r: GqlResult = await gql(gw.url, QUERY, { after });
        perPage.push(emulator.counters.httpRequests - before);
        pages++;
        if (r.status !== 200 || r.body.errors?.length) {
          errors++;
          break;
        }
        const page = r.body.data.spaCards;
        rows += page.edges.length;
        for (const e of page.edges) titles.add(e.node.title);
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
        if (pages > 10) break;
      }
      const ms = performance.now() - t0;
      const run: Run = {
        ms,
        rows,
        http: emulator.counters.httpRequests,
        rejected503: emulator.counters.rateLimited,
        byMethod: { ...emulator.counters.commandsByMethod },
        pages,
        perPage,
        errors: errors + (titles.size === rows ? 0 : 1),
      };
      (pass === 'cold' ? result.gatewayCold : result.gatewayWarm).push(run);
      log(
        `B2 round ${round + 1}: gateway ${pass} ${rows} cards in ${fmtMs(ms)}, ${run.http} requests (${perPage.join('+')})`,
      );
    }
    await gw.close();

    reset();
    await resetSdk(sdk);
    const t1 = performance.now();
    let sdkRows = 0;
    let sdkErrors = 0;
    try {
      sdkRows = await sdkAllCards(sdk, 128);
    } catch (error) {
      sdkErrors++;
      log(`B2 sdk failed: ${String(error)}`);
    }
    const sdkMs = performance.now() - t1;
    result.sdk.push({
      ms: sdkMs,
      rows: sdkRows,
      http: emulator.counters.httpRequests,
      rejected503: emulator.counters.rateLimited,
      byMethod: { ...emulator.counters.commandsByMethod },
      errors: sdkErrors,
    });
    log(`B2 round ${round + 1}: sdk ${sdkRows} cards in ${fmtMs(sdkMs)}, ${emulator.counters.httpRequests} requests`);
  }
  await tls.close();
  return result;
}

/** The extra requests of a cold first page, told from the commands the emulator counted. */
function coldWhy(run: Run): string {
  const meta = Object.entries(run.byMethod).filter(([m]) => m !== 'crm.item.list');
  const first = run.perPage?.[0] ?? 0;
  return `the first GraphQL page of a cold gateway costs ${first} upstream requests instead of 1: besides the page (50 chained crm.item.list commands, a full batch) it loads metadata — ${meta.map(([m, n]) => `${m} ×${n}`).join(', ')} — which cannot ride in the page's batch (50 commands at most), so it travels in ${first - 1} request(s) of its own. For \`stage { statusId }\` the id is on the card; the descriptors, funnels and stage names are not needed by this selection. Reported to the lead; src/ is unchanged by the bench.`;
}

export function b2Markdown(r: B2Result, latencyMs: number): string {
  const cold = median(r.gatewayCold.map((x) => x.ms));
  const warm = median(r.gatewayWarm.map((x) => x.ms));
  const s = median(r.sdk.map((x) => x.ms));
  const maxCold = Math.max(...r.gatewayCold.map((x) => x.http));
  const startHttp = Math.max(...r.gatewayStart.map((x) => x.http));
  const coldMeta = Object.keys(r.gatewayCold[0].byMethod).filter((k) => k !== 'crm.item.list');
  const start = median(r.gatewayStart.map((x) => x.ms));
  const maxWarm = Math.max(...r.gatewayWarm.map((x) => x.http));
  const m = (x: Run) =>
    Object.entries(x.byMethod)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
  const row = (name: string, runs: Run[], t: number) =>
    `| ${name} | **${fmtMs(t)}** | ${runs.map((x) => fmtMs(x.ms)).join(', ')} | ${runs[0].rows} | **${runs.map((x) => x.http).join(', ')}**${runs[0].perPage ? ` (per GraphQL page: ${runs[0].perPage.join(' + ')})` : ''} | ${runs[0].rejected503} | ${m(runs[0])} | ${ratio(t, warm)} |`;
  return [
    `Every card of type 128 (10,000) with title and stage { statusId }, paging with \`first: 2500\` and pageInfo { hasNextPage endCursor }, against @bitrix24/b24jssdk's list helper (\`actions.v2.fetchList\`, select id, title, stageId). Emulator: real limit (2/s, burst 50), fixed latency ${latencyMs} ms. ${r.rounds} rounds; in each, a fresh gateway pages through everything twice (cold metadata, then warm), then the SDK; every pass starts with an empty portal bucket (the SDK's limiter is reset too). Request and command counts from the emulator (exact).`,
    '',
    '| contender | wall time (median) | runs | cards | upstream HTTP requests | 503 answers | commands by method | time vs gateway warm |',
    '|---|---|---|---|---|---|---|---|',
    `| gateway start (fresh portal client + gateway): the typed schema built from the portal's metadata, before any query | **${fmtMs(start)}** | ${r.gatewayStart.map((x) => fmtMs(x.ms)).join(', ')} | — | **${r.gatewayStart.map((x) => x.http).join(', ')}** | ${r.gatewayStart[0].rejected503} | ${m(r.gatewayStart[0])} | — |`,
    row(
      `gateway, cold: its first pass after the start, \`first: 2500\` (${r.gatewayCold[0].pages} GraphQL pages)`,
      r.gatewayCold,
      cold,
    ),
    row(`gateway, warm, \`first: 2500\` (${r.gatewayWarm[0].pages} GraphQL pages)`, r.gatewayWarm, warm),
    row('b24jssdk fetchList', r.sdk, s),
    '',
    `- Target ≤ 5 upstream HTTP requests for the gateway: warm ${maxWarm <= 5 ? 'met' : '**missed**'} (${maxWarm}); cold ${startHttp + maxCold <= 5 ? 'met' : '**missed**'} (${startHttp + maxCold} = ${startHttp} at start + ${maxCold} for the pages). Every card exactly once through the gateway: ${[...r.gatewayCold, ...r.gatewayWarm].every((x) => x.errors === 0 && x.rows === 10_000) ? 'yes' : '**no**'}. Upstream requests side by side: SDK ${r.sdk[0].http} vs gateway ${maxWarm} warm (${ratio(r.sdk[0].http, maxWarm, 0)}) / ${startHttp} + ${maxCold} cold.`,
    (r.gatewayCold[0].perPage?.[0] ?? 0) > 1 ? `- Why cold costs more: ${coldWhy(r.gatewayCold[0])}` : '',
    `- The start reads every smart process's fields, funnels and stages in one chained batch and primes the metadata cache: ${coldMeta.length ? `the cold pass still read ${coldMeta.join(', ')}` : 'the cold pass then reads no metadata (crm.item.list only)'}${maxWarm === 0 ? '; warm, the read cache answers every page (0 requests)' : ''}.`,
    `- The SDK sends one request per 50 rows, one after the other: after the 50-request burst its own limiter (and the portal) admit 2 per second, which is most of its wall time. The gateway sends each 2,500-row page as one \`batch\` of 50 chained \`crm.item.list\` commands (\`$result[prev][items][49][id]\`).`,
    '',
  ].join('\n');
}
