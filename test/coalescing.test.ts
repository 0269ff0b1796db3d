// Issue 14: on an idle gateway, concurrent GraphQL requests share upstream batches. The clients
// run in their own process, over kept-alive connections, as real callers do: each request then
// arrives on its own turn of the gateway's event loop, and an idle scheduler holds its first
// command a few milliseconds (coalesceMs) for the others.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './helpers/stack.js';

let s: Stack;
beforeAll(async () => {
  // Different contacts: nothing for the read cache to serve.
  s = await startStack({ gateway: { cache: false }, emulator: { latencyMs: 20 } });
});
afterAll(() => s.close());

// The client: a warm-up round (20 connections), then on each line from stdin a round of 20
// concurrent reads of contacts `from`…`from+19`; prints how many answered.
const CLIENT = `
const url = process.argv[1];
const read = (id) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ query: '{ contact(id: ' + id + ') { bitrixId name } }' }) }).then((r) => r.json());
const round = (from) => Promise.all(Array.from({ length: 20 }, (_, i) => read(from + i)));
process.stdin.setEncoding('utf8');
let chain = round(300).then(() => process.stdout.write('ready\\n'));
process.stdin.on('data', (line) => {
  for (const from of line.split('\\n').filter(Boolean).map(Number))
    chain = chain.then(() => round(from)).then((r) => process.stdout.write(r.filter((x) => x.data?.contact).length + '\\n'));
});`;

describe('coalescing at low load', () => {
  it('20 concurrent requests for different contacts cost at most 3 upstream requests', async () => {
    const client = spawn(process.execPath, ['-e', CLIENT, s.url], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines: string[] = [];
    let wake = () => {};
    client.stdout!.setEncoding('utf8').on('data', (d: string) => {
      lines.push(...d.split('\n').filter(Boolean));
      wake();
    });
    const next = async () => {
      while (!lines.length) await new Promise<void>((r) => (wake = r));
      return lines.shift()!;
    };
    try {
      expect(await next()).toBe('ready');
      for (const from of [10, 40, 70]) {
        await new Promise((r) => setTimeout(r, 100)); // idle
        s.emulator.resetCounters();
        client.stdin!.write(`${from}\n`);
        expect(await next()).toBe('20');
        expect(s.emulator.counters.httpRequests).toBeLessThanOrEqual(3);
      }
    } finally {
      client.kill();
    }
  });
});
