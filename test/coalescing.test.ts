// Issue 14: on an idle gateway, concurrent GraphQL requests share upstream batches. The clients
// run in their own process, over kept-alive connections, as real callers do: each request then
// arrives on its own turn of the gateway's event loop, and an idle scheduler holds its first
// command a few milliseconds (coalesceMs) for the others.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concurrentReads } from './helpers/concurrent-reads.js';
import { startStack, type Stack } from './helpers/stack.js';

let s: Stack;
beforeAll(async () => {
  // Different contacts: nothing for the read cache to serve.
  s = await startStack({ gateway: { cache: false }, emulator: { latencyMs: 20 } });
});
afterAll(() => s.close());

describe('coalescing at low load', () => {
  it('20 concurrent requests for different contacts cost at most 3 upstream requests', async () => {
    const client = concurrentReads(s.url);
    try {
      await client.ready;
      for (const from of [10, 40, 70]) {
        await new Promise((r) => setTimeout(r, 100)); // idle
        s.emulator.resetCounters();
        expect(await client.round(from)).toBe(20);
        expect(s.emulator.counters.httpRequests).toBeLessThanOrEqual(3);
      }
    } finally {
      client.close();
    }
  });
});
