// A client in its own process that sends rounds of 20 concurrent GraphQL reads of different
// contacts over kept-alive connections, as real callers do: each request then reaches the gateway
// on its own turn of its event loop. Used by test/coalescing.test.ts and bench/coalesce.ts.
import { spawn } from 'node:child_process';

// A warm-up round (20 connections), then on each line from stdin a round of reads of contacts
// `from`…`from+19`; prints how many answered with a contact.
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

export interface ReadRounds {
  /** Resolves once the warm-up round is done. */
  ready: Promise<void>;
  /** One round of 20 concurrent reads from contact `from`; resolves with how many answered. */
  round(from: number): Promise<number>;
  close(): void;
}

export function concurrentReads(url: string): ReadRounds {
  const client = spawn(process.execPath, ['-e', CLIENT, url], { stdio: ['pipe', 'pipe', 'inherit'] });
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
  return {
    ready: next().then(() => undefined),
    async round(from) {
      client.stdin!.write(`${from}\n`);
      return Number(await next());
    },
    close: () => client.kill(),
  };
}
