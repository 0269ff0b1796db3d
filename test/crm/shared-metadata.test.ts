// Metadata shared by replicas (the Redis tier of the metadata cache) travels as JSON: what the
// cache keeps must survive that. Two portal clients share one JSON store, as two replicas share
// Redis; the second reads the first's field descriptors and uses them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type EmulatorPortal } from '@bitrix24-graphql/demo-portal';
import { fieldsOf, resolveField } from '../../src/crm/fields.js';
import { createLogger } from '../../src/lib/logger.js';
import { BitrixPortal } from '../../src/upstream/portal.js';

let emulator: EmulatorPortal;
beforeAll(async () => {
  emulator = await startPortal({ size: 'small', rateLimit: { enabled: false } });
});
afterAll(() => emulator.close());

describe('field descriptors shared through the metadata tier', () => {
  it("a replica reads another's descriptors from the shared store and resolves fields with them", async () => {
    const store = new Map<string, string>();
    const remote = {
      get: async (key: string) => (store.has(key) ? JSON.parse(store.get(key) as string) : null),
      set: async (key: string, entry: unknown) => void store.set(key, JSON.stringify(entry)),
    };
    const client = () =>
      new BitrixPortal({
        auth: { kind: 'webhook', url: emulator.webhookUrl },
        plan: { drainPerSecond: 1_000, bucket: 10_000 },
        logger: createLogger('silent'),
        metadata: { remote },
      });
    const [a, b] = [client(), client()];
    try {
      await fieldsOf(a, 3);
      expect(store.has('fields:3')).toBe(true);
      emulator.resetCounters();
      const set = await fieldsOf(b, 3);
      expect(emulator.counters.httpRequests).toBe(0); // from the shared store
      expect(resolveField(set, 'ufCrmCpf').upperName).toBe('UF_CRM_CPF');
      expect(resolveField(set, 'UF_CRM_CPF').title).toBe('CPF');
    } finally {
      await a.close();
      await b.close();
    }
  });
});
