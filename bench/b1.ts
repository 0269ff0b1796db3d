// B1 nested read: spaCards(entityTypeId: 128, first: 200) with title, stage name, assignedBy
// fullName, contact fullName and phones, customFields display. Contenders, run alternately in
// rounds, each starting with an empty portal bucket: the gateway with cold metadata (a fresh
// BitrixPortal + gateway: empty metadata cache, empty limiter; its start, the schema built from
// the portal's metadata, counted apart from its first query), the same gateway warm,
// @bitrix24/b24jssdk used idiomatically, and a client calling the portal like bitrixUtils
// (N=20 cards, then the exact request formula for 200).
import type { EmulatorPortal } from '@bitrix24-graphql/demo-portal';
import { DEFAULT_WEBHOOK_SECRET } from '@bitrix24-graphql/demo-portal';
import { SeedLikeClient, seedLikeNestedRead } from './contenders/seed-like.js';
import { createSdkClient, resetSdk, sdkNestedRead, type SdkRow } from './contenders/sdk.js';
import { fmtMs, gql, median, ratio, startGateway, startTlsFront } from './lib.js';

export const B1_QUERY = `{ spaCards(entityTypeId: 128, first: 200) { edges { node {
  title stage { name } assignedBy { fullName } contact { fullName phones { value } } customFields { display } } } } }`;

const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);

interface Run {
  ms: number;
  http: number;
  rejected503: number;
  commands: number;
  byMethod: Record<string, number>;
  commandsByMethod: Record<string, number>;
  rows: number;
  errors: number;
}

export interface B1Result {
  rounds: number;
  /** A fresh gateway's start: the typed schema built from the portal's metadata (LiveSchema). */
  gatewayStart: Run[];
  gatewayCold: Run[];
  gatewayWarm: Run[];
  /** The warm gateway on the seed-like run's N cards, for a same-size comparison. */
  gatewayWarmN: Run[];
  sdk: Run[];
  seed20: Run[];
  seedCards: number;
  agree: { compared: number; mismatches: number };
  formula200: {
    listPagesStopping: number;
    listPagesFaithful: number;
    gets: number;
    fields: number;
    contacts: number;
    users: number;
  };
  sdkTransport: string;
}

function snapshot(emulator: EmulatorPortal, ms: number, rows: number, errors: number): Run {
  const c = emulator.counters;
  const commands = sum(c.commandsByMethod);
  return {
    ms,
    http: c.httpRequests,
    rejected503: c.rateLimited,
    commands,
    byMethod: { ...c.byMethod },
    commandsByMethod: { ...c.commandsByMethod },
    rows,
    errors,
  };
}

function reset(emulator: EmulatorPortal): void {
  emulator.resetCounters();
  emulator.resetLimiters();
}

export async function runB1(
  emulator: EmulatorPortal,
  options: { rounds?: number; seedRounds?: number; seedCards?: number; log?: (s: string) => void } = {},
): Promise<B1Result> {
  const rounds = options.rounds ?? 3;
  const seedRounds = Math.min(rounds, options.seedRounds ?? 2);
  const seedCards = options.seedCards ?? 20;
  const log = options.log ?? (() => {});
  const tls = await startTlsFront(Number(new URL(emulator.origin).port));
  const sdk = createSdkClient(tls.port, tls.ca, 1, DEFAULT_WEBHOOK_SECRET);
  const result: B1Result = {
    rounds,
    gatewayStart: [],
    gatewayCold: [],
    gatewayWarm: [],
    gatewayWarmN: [],
    sdk: [],
    seed20: [],
    seedCards,
    agree: { compared: 0, mismatches: 0 },
    formula200: { listPagesStopping: 4, listPagesFaithful: 0, gets: 200, fields: 200, contacts: 0, users: 0 },
    sdkTransport: 'https via a loopback TLS terminator in front of the emulator',
  };

  // Warm-up (not measured): loads and JIT-compiles the code paths of every contender once.
  {
    const gw = await startGateway(emulator);
    await gql(gw.url, B1_QUERY.replace('first: 200', 'first: 5'));
    await gw.close();
    reset(emulator);
    await resetSdk(sdk);
    await sdkNestedRead(sdk, 128, 5);
    reset(emulator);
  }

  let lastGateway: any = null;
  let lastSdk: SdkRow[] = [];
  for (let round = 0; round < rounds; round++) {
    // (a) cold metadata: a fresh gateway, its start (the schema build, which the first query
    // waits for) counted apart; (b) the same gateway again, warm.
    reset(emulator);
    const s0 = performance.now();
    const gw = await startGateway(emulator);
    await gw.gateway.schema?.ready;
    result.gatewayStart.push(snapshot(emulator, performance.now() - s0, 0, gw.gateway.schema?.model ? 0 : 1));
    reset(emulator);
    const cold = await gql(gw.url, B1_QUERY);
    result.gatewayCold.push(
      snapshot(
        emulator,
        cold.ms,
        cold.body.data?.spaCards?.edges?.length ?? 0,
        cold.status === 200 ? (cold.body.errors?.length ?? 0) : 1,
      ),
    );
    reset(emulator);
    const warm = await gql(gw.url, B1_QUERY);
    result.gatewayWarm.push(
      snapshot(
        emulator,
        warm.ms,
        warm.body.data?.spaCards?.edges?.length ?? 0,
        warm.status === 200 ? (warm.body.errors?.length ?? 0) : 1,
      ),
    );
    lastGateway = warm.body.data;
    reset(emulator);
    const warmN = await gql(gw.url, B1_QUERY.replace('first: 200', `first: ${seedCards}`));
    result.gatewayWarmN.push(
      snapshot(
        emulator,
        warmN.ms,
        warmN.body.data?.spaCards?.edges?.length ?? 0,
        warmN.status === 200 ? (warmN.body.errors?.length ?? 0) : 1,
      ),
    );
    await gw.close();
    log(`B1 round ${round + 1}: gateway cold ${fmtMs(cold.ms)} / warm ${fmtMs(warm.ms)}`);

    // (d) the SDK, with its limiter reset too.
    reset(emulator);
    await resetSdk(sdk);
    const t0 = performance.now();
    let rows: SdkRow[] = [];
    let sdkErrors = 0;
    try {
      rows = await sdkNestedRead(sdk, 128, 200);
    } catch (error) {
      sdkErrors = 1;
      log(`B1 sdk failed: ${String(error)}`);
    }
    result.sdk.push(snapshot(emulator, performance.now() - t0, rows.length, sdkErrors));
    lastSdk = rows;
    log(`B1 round ${round + 1}: sdk ${fmtMs(performance.now() - t0)}`);

    // (c) the seed-like client on N cards (a few rounds only: it takes ~15 s at the real limit).
    if (round < seedRounds) {
      reset(emulator);
      const seed = new SeedLikeClient(emulator.webhookUrl);
      const t1 = performance.now();
      const seedRows = await seedLikeNestedRead(seed, 128, seedCards);
      result.seed20.push(snapshot(emulator, performance.now() - t1, seedRows.length, seed.stats.failed));
      log(`B1 round ${round + 1}: seed-like (${seedCards} cards) ${fmtMs(performance.now() - t1)}`);
    }
  }

  // The gateway and the SDK must have returned the same rows (a cross-check of both).
  const edges: any[] = lastGateway?.spaCards?.edges ?? [];
  edges.forEach((e, i) => {
    const n = e.node;
    const s = lastSdk[i];
    result.agree.compared++;
    const same =
      s &&
      s.title === n.title &&
      s.stage === (n.stage?.name ?? null) &&
      s.assignedBy === (n.assignedBy?.fullName ?? null) &&
      s.contact === (n.contact?.fullName ?? null) &&
      JSON.stringify(s.phones) === JSON.stringify((n.contact?.phones ?? []).map((p: any) => p.value)) &&
      JSON.stringify(s.custom) === JSON.stringify(n.customFields.map((f: any) => f.display));
    if (!same) result.agree.mismatches++;
  });
  // Exact seed request count for 200 cards: one crm.item.get and one crm.item.fields per card,
  // crm.contact.get per card with a contact, user.get per card with an assignee.
  result.formula200.contacts = edges.filter((e) => e.node.contact).length;
  result.formula200.users = edges.filter((e) => e.node.assignedBy).length;
  result.formula200.listPagesFaithful = 10_000 / 50 + 1; // every card of the type, then the empty page
  await tls.close();
  return result;
}

function runsCell(runs: Run[]): string {
  return runs.map((r) => fmtMs(r.ms)).join(', ');
}

function methods(r: Run): string {
  return Object.entries(r.byMethod)
    .map(([m, n]) => `${m} ${n}`)
    .join(', ');
}

function commandMethods(r: Run): string {
  return Object.entries(r.commandsByMethod)
    .map(([m, n]) => `${m} ${n}`)
    .join(', ');
}

export function b1Markdown(r: B1Result, latencyMs: number): string {
  const start = median(r.gatewayStart.map((x) => x.ms));
  const startHttp = Math.max(...r.gatewayStart.map((x) => x.http));
  const cold = median(r.gatewayCold.map((x) => x.ms));
  const warm = median(r.gatewayWarm.map((x) => x.ms));
  const sdk = median(r.sdk.map((x) => x.ms));
  const seed = median(r.seed20.map((x) => x.ms));
  const f = r.formula200;
  const seed200 = f.listPagesStopping + f.gets + f.fields + f.contacts + f.users;
  const seed200Faithful = seed200 - f.listPagesStopping + f.listPagesFaithful;
  // At the real limit a sequential client gets the 50-request burst, then 2 requests per second.
  const seed200Seconds = Math.max(0, seed200 - 50) / 2;
  const warmN = median(r.gatewayWarmN.map((x) => x.ms));
  const seed503 = Math.round(Math.max(0, seed200 - 50) / 4);
  const seedPerCard = r.seed20.length ? (r.seed20[0].http - r.seed20[0].rejected503) / r.seedCards : NaN;
  const ok = (runs: Run[]) => runs.every((x) => x.errors === 0 && x.rows > 0);
  const maxHttp = (runs: Run[]) => Math.max(...runs.map((x) => x.http));
  const lines = [
    `Query: \`spaCards(entityTypeId: 128, first: 200)\` → title, stage { name }, assignedBy { fullName }, contact { fullName phones { value } }, customFields { display }. Emulator: size large (10,000 cards on 128), **real limit** (leaky bucket 2/s, burst 50), **fixed latency ${latencyMs} ms** per HTTP request. Every contender starts with an empty portal bucket (\`resetLimiters()\`); ${r.rounds} rounds, contenders alternating in each round (gateway cold, gateway warm with 200 and with ${r.seedCards} cards, SDK, seed-like on ${r.seedCards} cards in the first ${Math.min(r.rounds, r.seed20.length)} rounds); wall times are per run, the median in bold. Request counts are read from the emulator's counters (exact). One untimed warm-up pass first (JIT).`,
    '',
    '| contender | wall time (median) | runs | upstream HTTP requests | 503 answers | commands | by method | vs gateway warm |',
    '|---|---|---|---|---|---|---|---|',
    `| gateway start (fresh portal client + gateway): the typed schema built from the portal's metadata, which the first query waits for | **${fmtMs(start)}** | ${runsCell(r.gatewayStart)} | **${startHttp}** | ${r.gatewayStart[0].rejected503} | ${r.gatewayStart[0].commands} | ${methods(r.gatewayStart[0])}: ${commandMethods(r.gatewayStart[0])} | — |`,
    `| gateway, cold: its first query after the start | **${fmtMs(cold)}** | ${runsCell(r.gatewayCold)} | **${maxHttp(r.gatewayCold)}** | ${r.gatewayCold[0].rejected503} | ${r.gatewayCold[0].commands} | ${methods(r.gatewayCold[0])}: ${commandMethods(r.gatewayCold[0])} | ${ratio(cold, warm)} |`,
    `| gateway, warm | **${fmtMs(warm)}** | ${runsCell(r.gatewayWarm)} | **${maxHttp(r.gatewayWarm)}** | ${r.gatewayWarm[0].rejected503} | ${r.gatewayWarm[0].commands} | ${methods(r.gatewayWarm[0])} | 1.0× |`,
    `| @bitrix24/b24jssdk (fetchList + batch + batchByChunk) | **${fmtMs(sdk)}** | ${runsCell(r.sdk)} | **${maxHttp(r.sdk)}** | ${r.sdk[0].rejected503} | ${r.sdk[0].commands} | ${methods(r.sdk[0])} | ${ratio(sdk, warm)} |`,
    `| gateway, warm, **${r.seedCards} cards** (same query, \`first: ${r.seedCards}\`) | **${fmtMs(warmN)}** | ${runsCell(r.gatewayWarmN)} | **${maxHttp(r.gatewayWarmN)}** | ${r.gatewayWarmN[0].rejected503} | ${r.gatewayWarmN[0].commands} | ${methods(r.gatewayWarmN[0])} | — |`,
    r.seed20.length
      ? `| seed-like (bitrixUtils calls), **${r.seedCards} cards, measured** | **${fmtMs(seed)}** | ${runsCell(r.seed20)} | **${r.seed20.map((x) => x.http).join(', ')}** | ${r.seed20.map((x) => x.rejected503).join(', ')} | ${r.seed20[0].commands} | ${methods(r.seed20[0])} | ${ratio(seed, warmN, 0)} the gateway on the same ${r.seedCards} cards |`
      : '| seed-like | not run | | | | | | |',
    `| seed-like, 200 cards — **extrapolated, not measured** | ≈ ${fmtMs(seed200Seconds * 1000)} | | **${seed200}** answered + ≈ ${seed503} answered 503 | ≈ ${seed503} | ${seed200} | crm.item.list ${f.listPagesStopping}, crm.item.get ${f.gets}, crm.item.fields ${f.fields}, crm.contact.get ${f.contacts}, user.get ${f.users} | ≈ ${ratio(seed200Seconds * 1000, warm, 0)} |`,
    '',
    `- Targets: gateway ≤ 2 upstream HTTP requests warm (${maxHttp(r.gatewayWarm) <= 2 ? 'met' : '**missed**'}: ${maxHttp(r.gatewayWarm)}), ≤ 4 cold (${startHttp + maxHttp(r.gatewayCold) <= 4 ? 'met' : '**missed**'}: ${startHttp + maxHttp(r.gatewayCold)} = ${startHttp} at start + ${maxHttp(r.gatewayCold)} for the query). All gateway runs without errors: ${ok(r.gatewayCold) && ok(r.gatewayWarm) && r.gatewayStart.every((x) => x.errors === 0) ? 'yes' : '**no**'}; SDK runs without errors: ${ok(r.sdk) ? 'yes' : '**no**'}.`,
    `- Cold = start + first query: the start reads the metadata the schema is generated from in one chained batch (${r.gatewayStart[0].commands} commands), which also primes the metadata cache; the first query waits for it, then needs no metadata and sends its own requests (${commandMethods(r.gatewayCold[0])}). The first query's commands cannot ride in the start's batch: it is sent before any query arrives.`,
    `- Upstream requests side by side: gateway warm ${maxHttp(r.gatewayWarm)}, cold ${startHttp} + ${maxHttp(r.gatewayCold)}, SDK ${maxHttp(r.sdk)} (${ratio(maxHttp(r.sdk), maxHttp(r.gatewayWarm))} the gateway's warm count), seed-like ${seed200} for 200 cards (${ratio(seed200, maxHttp(r.gatewayWarm), 0)}).`,
    `- Cross-check: the SDK's rows equal the gateway's for ${r.agree.compared - r.agree.mismatches} of ${r.agree.compared} cards (title, stage name, assignee, contact, phones, every custom-field display).`,
    `- Seed-like formula for N cards (exact, from its call pattern): ⌈N/50⌉ crm.item.list pages (when stopped as soon as it has N cards — bitrixUtils' \`listSpaCards\` itself cannot stop and reads all ${f.listPagesFaithful - 1} pages of the 10,000 cards plus an empty one: ${f.listPagesFaithful} pages, giving **${seed200Faithful}** requests for 200 cards) + N crm.item.get + N crm.item.fields + one crm.contact.get per card with a contact (${f.contacts} of the first 200) + one user.get per card with an assignee (${f.users}). Measured per card at N=${r.seedCards}: ${seedPerCard.toFixed(2)} answered requests. Time for 200: the first 50 requests ride the burst, then the portal admits 2/s, and the seed sleeps 2 s after each 503 (its first retry delay), so ≈ (${seed200} − 50) / 2 s, with about one 503 for every 4 requests admitted after the burst (measured at N=${r.seedCards}: ${r.seed20[0]?.rejected503 ?? 'n/a'} 503s for ${r.seed20.length ? r.seed20[0].http - r.seed20[0].rejected503 - 50 : 'n/a'} requests past the burst).`,
    `- The seed-like rows are poorer than the others: bitrixUtils has no stage-name lookup and its enum translation never runs (it passes \`{fields: …}\` to \`mapFieldValues\`), so it returns stage ids and raw list ids.`,
    `- SDK transport: B24Hook only accepts https webhooks (\`fromWebhookUrl\` throws JSSDK_HOOK_URL_NOT_HTTPS for http://, and the constructor hard-codes \`https://<domain>/rest\`), so it talks ${r.sdkTransport}; its self-signed certificate is added to Node's global https agent. The extra TLS hop is on loopback and is part of its wall time. Its limiter has its default settings (burst 50, 2/s, adaptive).`,
    '',
  ];
  return lines.join('\n');
}
