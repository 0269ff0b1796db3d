// Each request's cancellation signal: aborted at its deadline, released with its response, and
// never kept alive afterwards (issue 10.1: every request's signal, and the results its listeners
// reached, stayed on the heap).
import { getEventListeners } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Plugin } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Context } from '../../src/schema/context.js';
import { data, startStack, type Stack } from '../helpers/stack.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const signals: WeakRef<AbortSignal>[] = [];
let last: AbortSignal | undefined;
const capture: Plugin = {
  onExecute({ args }) {
    last = (args.contextValue as unknown as Context).signal;
    signals.push(new WeakRef(last));
  },
};

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ gateway: { plugins: [capture] } });
});
afterAll(() => stack.close());

const CARDS = '{ spaCards(entityTypeId: 128, first: 50) { edges { node { title contact { fullName } } } } }';

describe('request signal', () => {
  it('is released when the response is ready: no listener left on it', async () => {
    const r = await stack.gql(CARDS);
    data(r);
    expect(last?.aborted).toBe(false);
    expect(getEventListeners(last!, 'abort')).toHaveLength(0);
  });

  it('does not outlive its request: after a GC no signal of 200 finished requests is alive', async () => {
    signals.length = 0;
    for (let i = 0; i < 20; i++) await Promise.all(Array.from({ length: 10 }, () => stack.gql(CARDS)));
    last = undefined;
    await new Promise((resolve) => setTimeout(resolve, 50));
    gc();
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(signals).toHaveLength(200);
    expect(signals.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
  });

  it('is aborted when the deadline passes, and the query fails with a code', async () => {
    const slow = await startStack({ gateway: { deadlineMs: 300, plugins: [capture] } });
    try {
      slow.emulator.setFaults({ rate: 1, kinds: ['slow'], slowMs: 1_000 });
      slow.portal.metadata.invalidate(); // read at start with the schema: make the dictionary cold
      const r = await slow.gql('{ contactTypes { name } }');
      expect(r.body.errors?.[0]?.extensions?.code).toMatch(/^UPSTREAM_/);
      expect(last?.aborted).toBe(true);
    } finally {
      await slow.close();
    }
  });
});
