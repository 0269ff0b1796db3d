// The heap a built schema retains, for bench/schema-build.ts: run as `node --expose-gc --import tsx
// bench/schema-heap.ts` with SCHEMA_HEAP_PORTALS = [{label, url}] (webhook URLs). For each portal:
// two untimed warm-up builds (lazy code, caches of the code itself), then the heap after two full
// collections: before and after HELD portal clients read the metadata snapshot (held), after one
// model + schema is built over it and held, and after `HELD - 1` more are held at once. Also one
// static schema as Pothos builds it (mean of HELD held at once). Prints `RESULT <json>` on stdout.
import { readMetadataSnapshot, type MetadataSnapshot } from '../src/crm/metadata-snapshot.js';
import { createLogger } from '../src/lib/logger.js';
import { builder } from '../src/schema/builder.js';
import { describeGeneratedTypes } from '../src/schema/generated-docs.js';
import { schema as staticSchema } from '../src/schema/index.js';
import { buildPortalSchema } from '../src/schema/portal/build.js';
import { portalSchema, reservedNames } from '../src/schema/portal/live-schema.js';
import { portalModel } from '../src/schema/portal/model.js';
import { BitrixPortal } from '../src/upstream/portal.js';

export interface PortalHeap {
  /** Bytes retained by a portal client with the metadata snapshot read (its metadata cache holds
   * it too), mean of HELD held at once. */
  snapshot: number;
  /** Bytes retained by the first model + schema built over it. */
  firstSchema: number;
  /** Bytes retained by each further model + schema held at the same time (mean). */
  furtherSchema: number;
}

export interface HeapReport {
  held: number;
  big: PortalHeap;
  small: PortalHeap;
  staticSchema: number;
}

const HELD = 5;
const gc = (globalThis as { gc?: () => void }).gc;

function heap(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

const client = (url: string) =>
  new BitrixPortal({
    auth: { kind: 'webhook', url },
    plan: { drainPerSecond: 1_000, bucket: 1_000 },
    logger: createLogger('error'),
  });

async function measure(url: string): Promise<PortalHeap> {
  // Warm-up: two whole builds on clients of their own, closed; then a pause for their sockets.
  for (let i = 0; i < 2; i++) {
    const warm = client(url);
    await portalSchema(warm, staticSchema);
    await warm.close();
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  const reserved = reservedNames(staticSchema);
  // HELD clients, each with the snapshot read (and in its metadata cache), held at once.
  const h0 = heap();
  const portals: BitrixPortal[] = [];
  const snapshots: MetadataSnapshot[] = [];
  for (let i = 0; i < HELD; i++) {
    const portal = client(url);
    portals.push(portal);
    snapshots.push(await readMetadataSnapshot(portal));
  }
  const h1 = heap();
  const held: unknown[] = [];
  const build = () => {
    const model = portalModel(snapshots[0], reserved);
    held.push({ model, schema: buildPortalSchema(staticSchema, model) });
  };
  build();
  const h2 = heap();
  for (let i = 1; i < HELD; i++) build();
  const h3 = heap();
  const out = { snapshot: (h1 - h0) / HELD, firstSchema: h2 - h1, furtherSchema: (h3 - h2) / (HELD - 1) };
  // Kept reachable until measured.
  if (held.length !== HELD || snapshots.length !== HELD) throw new Error('unreachable');
  for (const portal of portals) await portal.close();
  return out;
}

if (!gc) {
  console.error('schema-heap: run with --expose-gc');
  process.exit(2);
}
const portals = JSON.parse(process.env.SCHEMA_HEAP_PORTALS ?? '[]') as { label: string; url: string }[];
const byLabel: Record<string, PortalHeap> = {};
for (const p of portals) byLabel[p.label] = await measure(p.url);
describeGeneratedTypes(builder.toSchema());
const s0 = heap();
const statics: unknown[] = [];
for (let i = 0; i < HELD; i++) statics.push(describeGeneratedTypes(builder.toSchema()));
const s1 = heap();
if (statics.length !== HELD) throw new Error('unreachable');
const report: HeapReport = {
  held: HELD,
  big: byLabel.big,
  small: byLabel.small,
  staticSchema: (s1 - s0) / HELD,
};
console.log(`RESULT ${JSON.stringify(report)}`);
process.exit(0);
