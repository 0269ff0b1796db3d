// The metadata the schema is generated from (src/crm/metadata-snapshot.ts): one chained batch for
// up to 22 smart processes, one request more per 25 beyond; and what it read needs no reading again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type EmulatorPortal } from '@bitrix24-graphql/demo-portal';
import { readMetadataSnapshot } from '../../src/crm/metadata-snapshot.js';
import { fieldsOf } from '../../src/crm/fields.js';
import { categories, stages } from '../../src/crm/metadata.js';
import { createLogger } from '../../src/lib/logger.js';
import { BitrixPortal } from '../../src/upstream/portal.js';

let emulator: EmulatorPortal;
beforeAll(async () => {
  emulator = await startPortal({ size: 'small', rateLimit: { enabled: false } });
});
afterAll(() => emulator.close());

const client = () =>
  new BitrixPortal({
    auth: { kind: 'webhook', url: emulator.webhookUrl },
    plan: { drainPerSecond: 1_000, bucket: 10_000 },
    logger: createLogger('silent'),
  });

async function addTypes(until: number): Promise<void> {
  for (;;) {
    const listed = await fetch(`${emulator.webhookUrl}crm.type.list.json`).then((r) => r.json());
    if (listed.total >= until) return;
    await fetch(`${emulator.webhookUrl}crm.type.add.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fields: { title: `Process ${listed.total + 1}` } }),
    });
  }
}

async function snapshotRequests(): Promise<{ requests: number; types: number }> {
  const portal = client();
  try {
    emulator.resetCounters();
    const snapshot = await readMetadataSnapshot(portal);
    const requests = emulator.counters.httpRequests;
    // Everything the generator uses afterwards is in the cache: no request more.
    await Promise.all(
      snapshot.types.map(async (t) => {
        await fieldsOf(portal, t.entityTypeId);
        await categories(portal, t.entityTypeId);
        await stages(portal, t.entityTypeId, null);
      }),
    );
    expect(emulator.counters.httpRequests).toBe(requests);
    return { requests, types: snapshot.types.length };
  } finally {
    await portal.close();
  }
}

describe('the metadata snapshot', () => {
  it('reads 22 smart processes in one request, 30 in two', async () => {
    await addTypes(22);
    expect(await snapshotRequests()).toEqual({ requests: 1, types: 22 });
    await addTypes(30);
    expect(await snapshotRequests()).toEqual({ requests: 2, types: 30 });
  });
});
