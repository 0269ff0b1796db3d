// Issue 14: `changes`, the sync cursor. A backend that mirrors the CRM from zero through it, while
// the portal changes under it (through the gateway and straight in the portal, events lost or
// not), ends with exactly the portal's records: nothing missed, nothing given twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryFeedStore } from '../../src/crm/feed-store.js';
import { SETTLE_MS } from '../../src/crm/sync.js';
import { data, startStack, type Stack, portalCall } from '../helpers/stack.js';

const TOKEN = 'changes-token-for-tests-01';
let s: Stack;
beforeAll(async () => {
  s = await startStack({
    emulator: { size: 'small' },
    gateway: { events: { applicationToken: TOKEN }, feed: { store: new MemoryFeedStore({ maxDeletions: 5 }) } },
  });
  // Half the events are lost: deletions without one are found by the deletion scan.
  s.emulator.setOutgoingWebhook({
    handlerUrl: s.url.replace('/graphql', '/bitrix/events'),
    applicationToken: TOKEN,
    lossRate: 0.5,
  });
  await s.gateway.feed.scanDeletions(); // the feed learns every id
});
afterAll(() => s.close());

const rest = async (method: string, params: Record<string, unknown>) => portalCall(s, method, params);

const CHANGES = `query($since: String, $first: Int) { changes(since: $since, first: $first) {
  cursor hasMore
  entries { action entityTypeId bitrixId at record { __typename
    ... on Contact { updatedAt } ... on Company { updatedAt } ... on Deal { updatedAt } ... on Lead { updatedAt }
    ... on SpaCard { updatedAt title } } } } }`;

type Entry = { action: string; entityTypeId: number; bitrixId: number; at: string; record: any };

async function page(since: string | null, first: number) {
  return data(await s.gql(CHANGES, { since, first })).changes as { cursor: string; hasMore: boolean; entries: Entry[] };
}

/** Every record of the portal: `type:id` → modification instant. */
async function truth(): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const [type, method] of [
    [3, 'crm.contact.list'],
    [4, 'crm.company.list'],
    [2, 'crm.deal.list'],
    [1, 'crm.lead.list'],
  ] as const) {
    for (let start = 0; ; start += 50) {
      const body = await rest(method, { select: ['ID', 'DATE_MODIFY'], order: { ID: 'ASC' }, start });
      for (const row of body.result) out.set(`${type}:${row.ID}`, Date.parse(row.DATE_MODIFY));
      if (body.next === undefined) break;
    }
  }
  const types = (await rest('crm.type.list', {})).result.types.map((t: any) => t.entityTypeId);
  for (const type of types) {
    for (let start = 0; ; start += 50) {
      const body = await rest('crm.item.list', {
        entityTypeId: type,
        select: ['id', 'updatedTime'],
        order: { id: 'ASC' },
        start,
      });
      for (const row of body.result.items) out.set(`${type}:${row.id}`, Date.parse(row.updatedTime));
      if (body.next === undefined) break;
    }
  }
  return out;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('changes', () => {
  const mirror = new Map<string, number>();
  const given = new Set<string>(); // `type:id:instant` of every ADD/UPDATE: never twice
  let cursor: string | null = null;

  function apply(entries: Entry[]) {
    for (const e of entries) {
      const key = `${e.entityTypeId}:${e.bitrixId}`;
      if (e.action === 'DELETE') {
        mirror.delete(key);
        continue;
      }
      const version = `${key}:${e.record.updatedAt}`;
      expect(given.has(version), `${version} given twice`).toBe(false);
      given.add(version);
      mirror.set(key, Date.parse(e.record.updatedAt));
    }
  }

  async function readUp(first: number) {
    for (let n = 0; n < 200; n++) {
      const p = await page(cursor, first);
      apply(p.entries);
      cursor = p.cursor;
      if (!p.hasMore) return;
    }
    throw new Error('no end');
  }

  it('mirrors every record from zero while the portal changes under it', async () => {
    const first = await page(null, 40);
    expect(first.entries.every((e) => e.action === 'ADD')).toBe(true);
    apply(first.entries);
    cursor = first.cursor;
    // Changes during the snapshot: one read already, one not yet, a new one, a deleted one.
    const early = first.entries[0];
    await rest('crm.contact.update', { id: 1, fields: { NAME: 'Changed during the sync' } });
    await rest('crm.item.update', { entityTypeId: 128, id: 20, fields: { title: 'Changed during the sync' } });
    await rest('crm.item.add', { entityTypeId: 130, fields: { title: 'Born during the sync' } });
    await rest('crm.item.delete', { entityTypeId: 2, id: 3 });
    expect(early).toBeDefined();
    await readUp(700);
    await s.emulator.events.drain();
    await s.gateway.feed.scanDeletions();
    await pause(SETTLE_MS + 1_100);
    await readUp(700);
    expect(mirror).toEqual(await truth());
  });

  it('then follows changes made through the gateway and in the portal, in order, once each', async () => {
    await s.gql(
      'mutation { updateSpaCard(entityTypeId: 128, id: 5, input: {title: "Through the gateway"}) { __typename } }',
    );
    await rest('crm.company.update', { id: 2, fields: { TITLE: 'In the portal' } });
    await rest('crm.lead.delete', { id: 4 });
    await rest('crm.contact.delete', { id: 6 });
    await s.emulator.events.drain();
    await s.gateway.feed.scanDeletions();
    await pause(SETTLE_MS + 1_100);
    const p = await page(cursor, 500);
    expect(p.hasMore).toBe(false);
    expect(p.entries.map((e) => [e.action, e.entityTypeId, e.bitrixId]).sort()).toEqual(
      [
        ['UPDATE', 128, 5],
        ['UPDATE', 4, 2],
        ['DELETE', 1, 4],
        ['DELETE', 3, 6],
      ].sort(),
    );
    const instants = p.entries.map((e) => Date.parse(e.at));
    expect(instants).toEqual([...instants].sort((a, b) => a - b));
    apply(p.entries);
    cursor = p.cursor;
    const again = await page(cursor, 500);
    expect(again).toMatchObject({ entries: [], hasMore: false });
    expect(mirror).toEqual(await truth());
  });

  it('refuses a cursor it did not give, and one older than the deletions it keeps', async () => {
    const bad = await s.gql(CHANGES, { since: 'bm90IGEgY3Vyc29y', first: 10 });
    expect(bad.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const old = cursor;
    // More deletions than the store keeps (5): the old cursor would miss some.
    for (let id = 10; id < 16; id++) await rest('crm.company.delete', { id });
    await s.emulator.events.drain();
    await s.gateway.feed.scanDeletions();
    const expired = await s.gql(CHANGES, { since: old, first: 10 });
    expect(expired.body.errors[0].extensions.code).toBe('CURSOR_EXPIRED');
  });
});
