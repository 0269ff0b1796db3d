// Issue 14: the read cache. Hot reads stop costing the portal; the cache forgets a record when an
// event says it changed, when reconciliation finds a change whose event was lost, and when the
// gateway itself writes (a client reads its own writes); lists forget any change of their type.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { data, startStack, type Stack, portalCall } from './helpers/stack.js';

const TOKEN = 'cache-token-for-tests-0123';
let s: Stack;
beforeAll(async () => {
  s = await startStack({ gateway: { events: { applicationToken: TOKEN } } });
});
afterAll(() => s.close());

function events(lossRate: number) {
  s.emulator.setOutgoingWebhook({
    handlerUrl: s.url.replace('/graphql', '/bitrix/events'),
    applicationToken: TOKEN,
    lossRate,
  });
}

const rest = async (method: string, params: Record<string, unknown>) => (await portalCall(s, method, params)).result;

const CARD = (id: number) => `{ spaCard(entityTypeId: 128, id: ${id}) { title } }`;
const COST = { 'x-bitrix-cost': '1' };
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function title(id: number, headers: Record<string, string> = {}) {
  return data(await s.gql(CARD(id), {}, headers)).spaCard.title as string;
}

/** Waits until the gateway has received and handled the portal's events. */
async function eventsHandled() {
  await s.emulator.events.drain();
  await pause(150); // the receiver's 50 ms coalescing window, then the fresh read
}

describe('read cache', () => {
  it('20 identical reads of one card cost one upstream request, and say so', async () => {
    events(1);
    s.emulator.resetCounters();
    const first = await s.gql(CARD(11), {}, COST);
    expect(first.body.extensions.bitrix).toMatchObject({ cachedRecords: 0 });
    for (let i = 0; i < 19; i++) {
      const r = await s.gql(CARD(11), {}, COST);
      expect(r.body.extensions.bitrix).toMatchObject({ httpRequests: 0, cachedRecords: 1 });
    }
    expect(s.emulator.counters.httpRequests).toBe(1);
    const metrics = await (await fetch(s.url.replace('/graphql', '/metrics'))).text();
    expect(Number(/^read_cache_record_hits_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(19);
    expect(metrics).toMatch(/^change_feed_rounds_total \d+/m);
  });

  it('Cache-Control: no-cache reads the portal', async () => {
    await title(12);
    s.emulator.resetCounters();
    await title(12, { 'cache-control': 'no-cache' });
    expect(s.emulator.counters.httpRequests).toBe(1);
  });

  it('a client reads its own write at once (no event needed)', async () => {
    events(1);
    await title(13);
    const r = await s.gql(
      'mutation { updateSpaCard(entityTypeId: 128, id: 13, input: {title: "Mine"}) { __typename } }',
    );
    expect(r.body.data.updateSpaCard.__typename).toBe('UpdateSpaCardSuccess');
    expect(await title(13)).toBe('Mine');
  });

  it('an event makes it forget a record changed in the portal', async () => {
    events(0);
    const before = await title(14);
    await rest('crm.item.update', { entityTypeId: 128, id: 14, fields: { title: `${before} (edited)` } });
    await eventsHandled();
    expect(await title(14)).toBe(`${before} (edited)`);
  });

  it('reconciliation makes it forget a change whose event was lost', async () => {
    events(1);
    await s.gateway.feed.reconcile(); // its watermark: now
    const before = await title(15);
    await rest('crm.item.update', { entityTypeId: 128, id: 15, fields: { title: `${before} (lost event)` } });
    await s.emulator.events.drain();
    expect(await title(15)).toBe(before); // stale until reconciliation: the bound is its interval
    await s.gateway.feed.reconcile();
    await pause(20);
    expect(await title(15)).toBe(`${before} (lost event)`);
  });

  it('lists are kept, and forget any change of their type', async () => {
    events(0);
    const LIST = '{ spaCards(entityTypeId: 130, first: 100) { edges { node { bitrixId title } } } }';
    const first = data(await s.gql(LIST)).spaCards.edges;
    s.emulator.resetCounters();
    expect(data(await s.gql(LIST)).spaCards.edges).toEqual(first);
    expect(s.emulator.counters.httpRequests).toBe(0);
    const made = await rest('crm.item.add', { entityTypeId: 130, fields: { title: 'New in the portal' } });
    await eventsHandled();
    const after = data(await s.gql(LIST)).spaCards.edges;
    expect(after.map((e: any) => e.node.bitrixId)).toContain(made.item.id);
    // Another type's change leaves it be.
    await rest('crm.item.update', { entityTypeId: 128, id: 16, fields: { title: 'Elsewhere' } });
    await eventsHandled();
    s.emulator.resetCounters();
    await s.gql(LIST);
    expect(s.emulator.counters.httpRequests).toBe(0);
  });

  it('a mutation reads fresh: a merge never works on a cached copy', async () => {
    events(1);
    const q = '{ contact(id: 7) { phones { value } } }';
    await s.gql(q); // cached, without the phone added next
    await rest('crm.contact.update', { id: 7, fields: { PHONE: [{ VALUE: '+351 910 000 007', VALUE_TYPE: 'WORK' }] } });
    const r = await s.gql(
      'mutation { updateContact(id: 7, input: {phones: {add: [{value: "+351 910 000 007"}]}}) { __typename ... on UpdateContactSuccess { data { phones { value } } } } }',
    );
    const phones: string[] = r.body.data?.updateContact?.data?.phones?.map((p: any) => p.value) ?? [];
    expect(
      phones.filter((v) => v === '+351 910 000 007'),
      r.text,
    ).toHaveLength(1);
  });
});
