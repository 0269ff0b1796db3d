// SCHEMA: the typed schema built from a large portal's metadata. The demo portal (size small: 4
// smart processes, its custom fields of every type) is grown at run time, through the documented
// methods over HTTP (crm.type.add, userfieldconfig.add for the smart processes,
// crm.<entity>.userfield.add for leads, deals, contacts and companies), to 30 smart processes and
// 500 custom fields in all, of every type the emulator stores. Measured, on the way (22 and 23
// smart processes) and at the end: the exact upstream requests of one cold build (a fresh
// BitrixPortal, as a gateway starts); then, in rounds alternating with the untouched small demo
// portal, the build split into read (readMetadataSnapshot) and generate (portalModel +
// buildPortalSchema, what LiveSchema does), side by side with Pothos building the static schema
// (`builder.toSchema()`, the generic API every portal has) and graphql-js `buildSchema` of the
// printed result (a schema of the same size from SDL, without resolvers). The heap a built schema
// retains is measured in a child process (bench/schema-heap.ts, --expose-gc).
import {
  buildSchema,
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  printSchema,
} from 'graphql';
import { startPortal, type EmulatorPortal } from '@bitrix24-graphql/demo-portal';
import { readMetadataSnapshot, type MetadataSnapshot } from '../src/crm/metadata-snapshot.js';
import { createLogger } from '../src/lib/logger.js';
import { builder } from '../src/schema/builder.js';
import { describeGeneratedTypes } from '../src/schema/generated-docs.js';
import { schema as staticSchema } from '../src/schema/index.js';
import { buildPortalSchema } from '../src/schema/portal/build.js';
import { reservedNames } from '../src/schema/portal/live-schema.js';
import { portalModel } from '../src/schema/portal/model.js';
import { PLANS } from '../src/upstream/bucket.js';
import { BitrixPortal } from '../src/upstream/portal.js';
import { fmtMs, median, ratio, spawnNode } from './lib.js';
import type { HeapReport } from './schema-heap.js';

const SMART_PROCESSES = 30;
const CUSTOM_FIELDS = 500;
const LATENCY_MS = 20;

/** The types a field is created with, cycled: every type the emulator stores (custom-fields.ts
 * USER_TYPES), lists single and multiple, CRM bindings to one type and to several. */
const KINDS: { type: string; label: [string, string, string]; multiple?: boolean; binds?: string[] }[] = [
  { type: 'string', label: ['Reference', 'Referência', 'Артикул'] },
  { type: 'integer', label: ['Quantity', 'Quantidade', 'Количество'] },
  { type: 'double', label: ['Rate', 'Taxa', 'Ставка'] },
  { type: 'boolean', label: ['Approved', 'Aprovado', 'Одобрено'] },
  { type: 'date', label: ['Due date', 'Data limite', 'Срок'] },
  { type: 'datetime', label: ['Meeting at', 'Reunião em', 'Встреча'] },
  { type: 'money', label: ['Budget', 'Orçamento', 'Бюджет'] },
  { type: 'url', label: ['Website', 'Site', 'Сайт'] },
  { type: 'enumeration', label: ['Priority', 'Prioridade', 'Приоритет'] },
  { type: 'enumeration', label: ['Tags', 'Etiquetas', 'Метки'], multiple: true },
  { type: 'employee', label: ['Reviewer', 'Revisor', 'Проверяющий'] },
  { type: 'crm', label: ['Client', 'Cliente', 'Клиент'], binds: ['CONTACT'] },
  { type: 'crm', label: ['Related', 'Relacionado', 'Связано'], binds: ['CONTACT', 'COMPANY', 'DYNAMIC_128'] },
  { type: 'file', label: ['Attachment', 'Anexo', 'Вложение'] },
  { type: 'address', label: ['Location', 'Endereço', 'Адрес'] },
];
const ITEMS: [string, string, string][] = [
  ['Low', 'Baixa', 'Низкий'],
  ['Normal', 'Normal', 'Обычный'],
  ['High', 'Alta', 'Высокий'],
  ['Urgent', 'Urgente', 'Срочный'],
];
const TITLES = [
  'Projects',
  'Contracts',
  'Vendors',
  'Purchase orders',
  'Shipments',
  'Warranty claims',
  'Inspections',
  'Licenses',
  'Vehicles',
  'Properties',
  'Candidates',
  'Trainings',
  'Campaigns',
  'Events',
  'Subscriptions',
  'Returns',
  'Projetos de obra',
  'Orçamentos',
  'Visitas técnicas',
  'Reclamações',
  'Заявки',
  'Поставки',
  'Проверки',
  'Сертификаты',
  'Work orders',
  'Partners',
  'Audits',
  'Permits',
];

interface Snapshot {
  httpRequests: number;
  batchCommands: number;
  byMethod: Record<string, number>;
  commandsByMethod: Record<string, number>;
}

interface BuildRun extends Snapshot {
  readMs: number;
  generateMs: number;
}

export interface SchemaShape {
  types: number;
  objectTypes: number;
  inputTypes: number;
  enumTypes: number;
  outputFields: number;
  inputFields: number;
  enumValues: number;
  queryFields: number;
  mutationFields: number;
  sdlKb: number;
}

export interface SchemaBuildResult {
  portal: { smartProcesses: number; customFields: number; byType: Record<string, number>; added: number };
  small: { smartProcesses: number; customFields: number };
  setup: { requests: number; ms: number };
  /** Cold build request counts as the portal grew (smart processes → one build's counters). */
  growth: { smartProcesses: number; run: Snapshot }[];
  rounds: number;
  big: BuildRun[];
  smallRuns: BuildRun[];
  pothos: number[];
  sdlBig: number[];
  sdlSmall: number[];
  shape: { big: SchemaShape; small: SchemaShape; static: SchemaShape };
  modelFields: { big: number; small: number };
  heap: HeapReport | null;
  heapError: string | null;
}

/** The bench's own requests to the portal (the set-up). */
const own = { n: 0 };

async function rest(url: string, method: string, params: Record<string, unknown>): Promise<any> {
  own.n++;
  const res = await fetch(`${url}${method}.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  const body = (await res.json()) as any;
  if (body.error) throw new Error(`${method}: ${body.error} ${body.error_description ?? ''}`);
  return body;
}

function counters(emulator: EmulatorPortal): Snapshot {
  const c = emulator.counters;
  return {
    httpRequests: c.httpRequests,
    batchCommands: c.batchCommands,
    byMethod: { ...c.byMethod },
    commandsByMethod: { ...c.commandsByMethod },
  };
}

function client(emulator: EmulatorPortal): BitrixPortal {
  return new BitrixPortal({
    auth: { kind: 'webhook', url: emulator.webhookUrl },
    plan: PLANS.standard,
    logger: createLogger('error'),
  });
}

/** One cold build as a gateway starts: a fresh client, the snapshot, then model + schema. */
async function coldBuild(
  emulator: EmulatorPortal,
): Promise<{ run: BuildRun; schema: GraphQLSchema; snapshot: MetadataSnapshot; modelFields: number }> {
  const portal = client(emulator);
  emulator.resetCounters();
  emulator.resetLimiters();
  try {
    const t0 = performance.now();
    const snapshot = await readMetadataSnapshot(portal);
    const t1 = performance.now();
    const model = portalModel(snapshot, reservedNames(staticSchema));
    const schema = buildPortalSchema(staticSchema, model);
    const t2 = performance.now();
    return {
      run: { ...counters(emulator), readMs: t1 - t0, generateMs: t2 - t1 },
      schema,
      snapshot,
      modelFields: model.entities.reduce((n, e) => n + e.fields.length, 0),
    };
  } finally {
    await portal.close();
  }
}

export function shapeOf(schema: GraphQLSchema): SchemaShape {
  const s: SchemaShape = {
    types: 0,
    objectTypes: 0,
    inputTypes: 0,
    enumTypes: 0,
    outputFields: 0,
    inputFields: 0,
    enumValues: 0,
    queryFields: Object.keys(schema.getQueryType()?.getFields() ?? {}).length,
    mutationFields: Object.keys(schema.getMutationType()?.getFields() ?? {}).length,
    sdlKb: printSchema(schema).length / 1024,
  };
  for (const [name, type] of Object.entries(schema.getTypeMap())) {
    if (name.startsWith('__')) continue;
    s.types++;
    if (isObjectType(type) || isInterfaceType(type)) {
      s.objectTypes++;
      s.outputFields += Object.keys(type.getFields()).length;
    } else if (isInputObjectType(type)) {
      s.inputTypes++;
      s.inputFields += Object.keys(type.getFields()).length;
    } else if (isEnumType(type)) {
      s.enumTypes++;
      s.enumValues += type.getValues().length;
    }
  }
  return s;
}

/** Every custom field the portal holds (userfieldconfig.list's total), by type. */
async function portalFields(url: string): Promise<{ total: number; byType: Record<string, number> }> {
  const byType: Record<string, number> = {};
  let total = 0;
  for (let start = 0; ; start += 50) {
    const body = await rest(url, 'userfieldconfig.list', { moduleId: 'crm', start });
    total = body.total;
    for (const f of body.result.fields) byType[f.userTypeId] = (byType[f.userTypeId] ?? 0) + 1;
    if (body.next === undefined) return { total, byType };
  }
}

async function smartProcesses(url: string): Promise<{ id: number; entityTypeId: number }[]> {
  const body = await rest(url, 'crm.type.list', { start: 0 });
  return body.result.types.map((t: any) => ({ id: Number(t.id), entityTypeId: Number(t.entityTypeId) }));
}

async function addField(
  url: string,
  target: { entityTypeId: number; typeId?: number; old?: string },
  n: number,
): Promise<void> {
  const kind = KINDS[n % KINDS.length];
  // Labels in English, Portuguese or Russian, numbered so each field has a label of its own.
  const lang = Math.floor(n / KINDS.length) % 3;
  const label = `${kind.label[lang]} ${n}`;
  const items = ITEMS.map((labels, i) => ({ labels, sort: (i + 1) * 10, lang }));
  if (target.old) {
    const settings = kind.binds ? Object.fromEntries(kind.binds.map((b) => [b, 'Y'])) : undefined;
    await rest(url, `crm.${target.old}.userfield.add`, {
      fields: {
        FIELD_NAME: `BENCH_${n}`,
        USER_TYPE_ID: kind.type,
        EDIT_FORM_LABEL: label,
        LIST_COLUMN_LABEL: label,
        MULTIPLE: kind.multiple ? 'Y' : 'N',
        ...(kind.type === 'enumeration'
          ? { LIST: items.map((it) => ({ VALUE: it.labels[lang], SORT: it.sort })) }
          : {}),
        ...(settings ? { SETTINGS: settings } : {}),
      },
    });
    return;
  }
  await rest(url, 'userfieldconfig.add', {
    moduleId: 'crm',
    field: {
      entityId: `CRM_${target.typeId}`,
      fieldName: `UF_CRM_${target.typeId}_BENCH_${n}`,
      userTypeId: kind.type,
      multiple: kind.multiple ? 'Y' : 'N',
      editFormLabel: { en: label, br: label, ru: label },
      ...(kind.type === 'enumeration' ? { enum: items.map((it) => ({ value: it.labels[lang], sort: it.sort })) } : {}),
      ...(kind.binds ? { settings: Object.fromEntries(kind.binds.map((b) => [b, 'Y'])) } : {}),
    },
  });
}

function timed<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const out = fn();
  return [out, performance.now() - t0];
}

export async function runSchemaBuild(
  options: { rounds?: number; log?: (s: string) => void } = {},
): Promise<SchemaBuildResult> {
  const rounds = options.rounds ?? 12;
  const log = options.log ?? (() => {});
  // The portal grown at run time, and the demo portal as it comes, side by side.
  const big = await startPortal({ size: 'small', rateLimit: { enabled: false } });
  const small = await startPortal({ size: 'small', rateLimit: { enabled: false } });
  try {
    const url = big.webhookUrl;
    own.n = 0;
    const t0 = performance.now();
    const growth: SchemaBuildResult['growth'] = [];
    const measureAt = new Set([22, 23]);
    let types = await smartProcesses(url);
    const smallTypes = types.length;
    for (let i = 0; types.length < SMART_PROCESSES; i++) {
      await rest(url, 'crm.type.add', { fields: { title: TITLES[i], isStagesEnabled: 'Y', isClientEnabled: 'Y' } });
      types = await smartProcesses(url);
      if (measureAt.has(types.length)) growth.push({ smartProcesses: types.length, run: (await coldBuild(big)).run });
    }
    const before = await portalFields(url);
    const targets: { entityTypeId: number; typeId?: number; old?: string }[] = [
      { entityTypeId: 1, old: 'lead' },
      { entityTypeId: 2, old: 'deal' },
      { entityTypeId: 3, old: 'contact' },
      { entityTypeId: 4, old: 'company' },
      ...types.map((t) => ({ entityTypeId: t.entityTypeId, typeId: t.id })),
    ];
    const toAdd = CUSTOM_FIELDS - before.total;
    for (let n = 0; n < toAdd; n++) await addField(url, targets[n % targets.length], n);
    const after = await portalFields(url);
    const setup = { requests: own.n, ms: performance.now() - t0 };
    log(
      `SCHEMA: portal grown to ${types.length} smart processes, ${after.total} custom fields (${toAdd} added) in ${fmtMs(setup.ms)}`,
    );
    big.setLatency(LATENCY_MS);
    big.setRateLimit({ enabled: true, drainPerSecond: 2, bucket: 50 });
    small.setLatency(LATENCY_MS);
    small.setRateLimit({ enabled: true, drainPerSecond: 2, bucket: 50 });

    // Warm-up (not measured): every code path once.
    const warmBig = await coldBuild(big);
    const warmSmall = await coldBuild(small);
    growth.push({ smartProcesses: types.length, run: warmBig.run });
    const sdl = { big: printSchema(warmBig.schema), small: printSchema(warmSmall.schema) };
    buildSchema(sdl.big);
    describeGeneratedTypes(builder.toSchema());

    const result: SchemaBuildResult = {
      portal: { smartProcesses: types.length, customFields: after.total, byType: after.byType, added: toAdd },
      small: { smartProcesses: smallTypes, customFields: (await portalFields(small.webhookUrl)).total },
      setup,
      growth,
      rounds,
      big: [],
      smallRuns: [],
      pothos: [],
      sdlBig: [],
      sdlSmall: [],
      shape: { big: shapeOf(warmBig.schema), small: shapeOf(warmSmall.schema), static: shapeOf(staticSchema) },
      modelFields: { big: warmBig.modelFields, small: warmSmall.modelFields },
      heap: null,
      heapError: null,
    };
    for (let round = 0; round < rounds; round++) {
      result.big.push((await coldBuild(big)).run);
      result.smallRuns.push((await coldBuild(small)).run);
      result.pothos.push(timed(() => describeGeneratedTypes(builder.toSchema()))[1]);
      result.sdlBig.push(timed(() => buildSchema(sdl.big))[1]);
      result.sdlSmall.push(timed(() => buildSchema(sdl.small))[1]);
    }
    log(
      `SCHEMA: ${rounds} rounds; big read ${fmtMs(median(result.big.map((r) => r.readMs)))}, generate ${fmtMs(median(result.big.map((r) => r.generateMs)))}`,
    );

    // The heap, in a child process with --expose-gc (no rate limit, no latency: not timed there).
    big.setLatency(0);
    big.setRateLimit({ enabled: false });
    small.setLatency(0);
    small.setRateLimit({ enabled: false });
    try {
      result.heap = await heapReport([
        { label: 'big', url: big.webhookUrl },
        { label: 'small', url: small.webhookUrl },
      ]);
      log(`SCHEMA: heap ${JSON.stringify(result.heap)}`);
    } catch (error) {
      result.heapError = String(error);
      log(`SCHEMA: heap probe failed: ${result.heapError}`);
    }
    return result;
  } finally {
    await big.close();
    await small.close();
  }
}

function heapReport(portals: { label: string; url: string }[]): Promise<HeapReport> {
  return new Promise((resolve, reject) => {
    let report: HeapReport | null = null;
    const child = spawnNode(
      'bench/schema-heap.ts',
      { SCHEMA_HEAP_PORTALS: JSON.stringify(portals) },
      {
        nodeArgs: ['--expose-gc'],
        onStdout: (line) => {
          if (line.startsWith('RESULT ')) report = JSON.parse(line.slice(7));
        },
      },
    );
    const timer = setTimeout(() => child.proc.kill('SIGKILL'), 120_000);
    child.proc.once('exit', (code) => {
      clearTimeout(timer);
      if (report) resolve(report);
      else reject(new Error(`schema-heap exited ${code}: ${child.stderr.join('').slice(-500)}`));
    });
  });
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function methods(s: Snapshot): string {
  return Object.entries(s.commandsByMethod)
    .map(([m, n]) => `${m} ${n}`)
    .join(', ');
}

function methodsDiff(a: Snapshot, b: Snapshot): string {
  return Object.entries(a.commandsByMethod)
    .map(([m, n]) => [m, n - (b.commandsByMethod[m] ?? 0)] as const)
    .filter(([, n]) => n > 0)
    .map(([m, n]) => `${m} ${n}`)
    .join(', ');
}

/** Commands per smart process past the snapshot's 22. */
function perExtra(r: SchemaBuildResult, b: Snapshot): string {
  const extra = r.portal.smartProcesses - 22;
  return extra > 0 ? ((b.batchCommands - 50) / extra).toFixed(1).replace(/\.0$/, '') : '0';
}

function requestsCell(s: Snapshot): string {
  const batches = s.byMethod.batch ?? 0;
  const single = s.httpRequests - batches;
  return `**${s.httpRequests}** (${batches} batch${batches === 1 ? '' : 'es'} of ${s.batchCommands} commands${single ? `, ${single} single` : ''})`;
}

export function schemaBuildMarkdown(r: SchemaBuildResult): string {
  const med = (runs: BuildRun[], k: 'readMs' | 'generateMs') => median(runs.map((x) => x[k]));
  const bigRead = med(r.big, 'readMs');
  const bigGen = med(r.big, 'generateMs');
  const smallRead = med(r.smallRuns, 'readMs');
  const smallGen = med(r.smallRuns, 'generateMs');
  const pothos = median(r.pothos);
  const sdlBig = median(r.sdlBig);
  const sdlSmall = median(r.sdlSmall);
  const b = r.big[0];
  const sameCounts = r.big.every((x) => x.httpRequests === b.httpRequests && x.batchCommands === b.batchCommands);
  const shapeRow = (name: string, s: SchemaShape) =>
    `| ${name} | ${s.types} | ${s.objectTypes} | ${s.outputFields} | ${s.inputTypes} | ${s.inputFields} | ${s.enumTypes} | ${s.enumValues} | ${s.queryFields} | ${s.mutationFields} | ${s.sdlKb.toFixed(0)} KB |`;
  const runs = (xs: number[]) => xs.map((x) => fmtMs(x)).join(', ');
  const h = r.heap;
  const first = r.growth.find((g) => g.smartProcesses === 22);
  const over = r.growth.find((g) => g.smartProcesses === 23);
  const lines = [
    `The demo portal (\`startPortal({ size: 'small' })\`: ${r.small.smartProcesses} smart processes, ${r.small.customFields} custom fields) grown at run time over HTTP with the documented methods — \`crm.type.add\` to **${r.portal.smartProcesses} smart processes**, then \`userfieldconfig.add\` (smart processes) and \`crm.{lead,deal,contact,company}.userfield.add\` to **${r.portal.customFields} custom fields in all** (${r.portal.added} added round-robin over the 4 standard entities and the ${r.portal.smartProcesses} smart processes; by type: ${Object.entries(
      r.portal.byType,
    )
      .sort((x, y) => y[1] - x[1])
      .map(([t, n]) => `${t} ${n}`)
      .join(
        ', ',
      )}; lists with 4 items, single and multiple; CRM bindings to one type and to three; labels in English, Portuguese and Russian). Set-up: ${r.setup.requests} requests, ${fmtMs(r.setup.ms)}, limit off. Then the real limit (2/s, burst 50, emptied before each build) and ${LATENCY_MS} ms latency per HTTP request. A cold build is what a gateway does at start (LiveSchema): a fresh \`BitrixPortal\` (standard plan, empty metadata cache), \`readMetadataSnapshot\` (**read**), then \`portalModel\` + \`buildPortalSchema\` over the static schema (**generate**). ${r.rounds} rounds, alternating: the grown portal, the untouched small demo portal (its own emulator), Pothos building the static schema again (\`builder.toSchema()\`), and graphql-js \`buildSchema\` of each built schema's printed SDL (the same types without resolvers). One untimed warm-up of each first. Request counts from the emulator (exact).`,
    '',
    '| | upstream HTTP requests (one cold build) | commands by method | read (median) | generate (median) | read runs | generate runs |',
    '|---|---|---|---|---|---|---|',
    `| **grown portal: ${r.portal.smartProcesses} smart processes, ${r.portal.customFields} custom fields** | ${requestsCell(b)}${sameCounts ? '' : ' (counts varied between runs!)'} | ${methods(b)} | **${fmtMs(bigRead)}** | **${fmtMs(bigGen)}** | ${runs(r.big.map((x) => x.readMs))} | ${runs(r.big.map((x) => x.generateMs))} |`,
    `| small demo portal: ${r.small.smartProcesses} smart processes, ${r.small.customFields} custom fields | ${requestsCell(r.smallRuns[0])} | ${methods(r.smallRuns[0])} | **${fmtMs(smallRead)}** | **${fmtMs(smallGen)}** | ${runs(r.smallRuns.map((x) => x.readMs))} | ${runs(r.smallRuns.map((x) => x.generateMs))} |`,
    `| static schema (Pothos \`builder.toSchema()\`, no portal) | — | — | — | **${fmtMs(pothos)}** | | ${runs(r.pothos)} |`,
    `| graphql-js \`buildSchema\` of the grown portal's printed schema | — | — | — | **${fmtMs(sdlBig)}** | | ${runs(r.sdlBig)} |`,
    `| graphql-js \`buildSchema\` of the small portal's printed schema | — | — | — | **${fmtMs(sdlSmall)}** | | ${runs(r.sdlSmall)} |`,
    '',
    `- **Requests as smart processes are added** (one cold build each, exact): ${r.growth.map((g) => `${g.smartProcesses} smart processes → **${g.run.httpRequests}** request${g.run.httpRequests === 1 ? '' : 's'} (${g.run.batchCommands} batch commands)`).join('; ')}. The snapshot's one chained batch holds 6 fixed commands (crm.type.list, crm.item.fields ×4, crm.status.list of every dictionary) and 2 per smart process (crm.item.fields, crm.category.list) for the first ⌊(50 − 6) / 2⌋ = 22 (always 22 slots: on the small portal 18 of each pair refer to types that do not exist and are answered with errors). Every smart process past the 22nd is read afterwards through the cached functions: \`fieldsOf\` (crm.item.fields) and \`categories()\`, which reads the funnels **together with 10 speculative stage lists** in one chain (crm.category.list + 10 crm.status.list), although the snapshot's crm.status.list already primed every stage dictionary: ${over && first ? `${over.run.batchCommands - first.run.batchCommands} commands for the 23rd (${methodsDiff(over.run, first.run)})` : ''}, ${perExtra(r, b)} commands each past the 22nd on the grown portal, in ${b.httpRequests - 1} more request${b.httpRequests === 2 ? '' : 's'}: **${b.httpRequests} requests for ${r.portal.smartProcesses} smart processes**; with 2 commands each (fields and funnels, as in the snapshot's batch) the ${r.portal.smartProcesses - 22} would fit in one more request (${(r.portal.smartProcesses - 22) * 2} commands). Reported to the lead (src/crm/metadata-snapshot.ts, src/crm/metadata.ts; src/ is unchanged by the bench). The snapshot's comment says "one HTTP request for a portal of up to 21 smart processes": measured, 22 take one.`,
    `- Generate time: the grown portal ${fmtMs(bigGen)} against ${fmtMs(smallGen)} for the small demo portal (${ratio(bigGen, smallGen)}), ${ratio(bigGen, pothos)} Pothos building the static schema (${fmtMs(pothos)}) and ${ratio(bigGen, sdlBig)} graphql-js building a schema of the same size from its SDL (${fmtMs(sdlBig)}). The cold build in all: read + generate ≈ ${fmtMs(bigRead + bigGen)} (read ${((bigRead / (bigRead + bigGen)) * 100).toFixed(0)}%).`,
    `- Read time: ${r.big[0].httpRequests} request${r.big[0].httpRequests === 1 ? '' : 's'} at ${LATENCY_MS} ms latency each plus the emulator's work and the JSON of the answers (${fmtMs(bigRead)} against ${fmtMs(smallRead)} for the small portal's ${r.smallRuns[0].httpRequests}).`,
    h
      ? `- **Heap retained** (child process, \`--expose-gc\`, two full collections before each reading; two warm-up builds first, not held): a portal client with the grown portal's metadata read (the snapshot, also in its metadata cache) **${mb(h.big.snapshot)}** (mean of ${h.held} held); on top of it, one built schema (model + GraphQLSchema) **${mb(h.big.firstSchema)}** (each further one held at the same time: ${mb(h.big.furtherSchema)}); the small demo portal: client with metadata ${mb(h.small.snapshot)}, schema ${mb(h.small.firstSchema)} (further ones ${mb(h.small.furtherSchema)}); one static schema as Pothos builds it: ${mb(h.staticSchema)} (mean of ${h.held} held). Between rebuilds a gateway holds one model and schema (LiveSchema.current) besides the static one.`
      : `- Heap: not measured (${r.heapError}).`,
    `- Custom fields typed by the model: ${r.modelFields.big} on the grown portal (${r.portal.customFields} in the portal), ${r.modelFields.small} on the small one (${r.small.customFields}).`,
    '',
    'Size of the result:',
    '',
    '| schema | named types | object + interface types | their fields | input types | input fields | enums | enum values | Query fields | Mutation fields | SDL |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    shapeRow(
      `grown portal (${r.portal.smartProcesses} smart processes, ${r.portal.customFields} custom fields)`,
      r.shape.big,
    ),
    shapeRow(`small demo portal (${r.small.smartProcesses}, ${r.small.customFields})`, r.shape.small),
    shapeRow('static schema (every portal)', r.shape.static),
    '',
  ];
  return lines.join('\n');
}
