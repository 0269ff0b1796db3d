// Issue 14: the change feed finds what events missed. A lost event is reconciled to subscribers;
// a gateway that was down reads on from its saved watermark; a deletion without an event is
// found by the deletion scan (and confirmed before it is reported).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeFeed } from '../src/crm/change-feed.js';
import type { CrmChange } from '../src/crm/changes.js';
import { MemoryFeedStore } from '../src/crm/feed-store.js';
import { createLogger } from '../src/lib/logger.js';
import { startStack, type Stack, portalCall } from './helpers/stack.js';
import { subscribe } from './helpers/sse.js';

const TOKEN = 'feed-token-for-tests-0123';
let s: Stack;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'feed-'));
  s = await startStack({ gateway: { events: { applicationToken: TOKEN } } });
  // Every event is lost: only reconciliation can tell.
  s.emulator.setOutgoingWebhook({
    handlerUrl: s.url.replace('/graphql', '/bitrix/events'),
    applicationToken: TOKEN,
    lossRate: 1,
  });
});
afterAll(async () => {
  await s.close();
  await rm(dir, { recursive: true, force: true });
});

const rest = async (method: string, params: Record<string, unknown>) => (await portalCall(s, method, params)).result;

const quiet = createLogger('silent');
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

function collect(stack: Stack): CrmChange[] {
  const seen: CrmChange[] = [];
  void (async () => {
    for await (const change of stack.gateway.events.subscribe((_): _ is CrmChange => true)) seen.push(change);
  })();
  return seen;
}

describe('change feed', () => {
  it('a change whose event was lost reaches subscribers through reconciliation', async () => {
    const feed = s.gateway.feed;
    await feed.reconcile(); // sets the watermarks: history is not published
    const sub = subscribe(
      s.url,
      'subscription { spaCardChanged(entityTypeId: 128) { action bitrixId card { title } } }',
    );
    const contacts = subscribe(s.url, 'subscription { contactChanged { action bitrixId contact { name } } }');
    await sub.ready;
    await contacts.ready;
    await pause(50);
    const card = await rest('crm.item.add', { entityTypeId: 128, fields: { title: 'Made elsewhere' } });
    await rest('crm.contact.update', { id: 5, fields: { NAME: 'Renamed elsewhere' } });
    await s.emulator.events.drain();
    expect(s.emulator.events.lost).toBeGreaterThanOrEqual(2);
    expect(sub.events).toHaveLength(0);
    s.emulator.resetCounters();
    expect(await feed.reconcile()).toBe(2);
    // One HTTP request read every type (4 old-style and each smart process).
    expect(s.emulator.counters.httpRequests).toBe(1);
    const [event] = await sub.waitFor(1);
    expect(event.data.spaCardChanged).toEqual({
      action: 'ADD',
      bitrixId: card.item.id,
      card: { title: 'Made elsewhere' },
    });
    const [changed] = await contacts.waitFor(1);
    expect(changed.data.contactChanged).toMatchObject({
      action: 'UPDATE',
      bitrixId: 5,
      contact: { name: 'Renamed elsewhere' },
    });
    // Read again: nothing new is published twice.
    expect(await feed.reconcile()).toBe(0);
    sub.close();
    contacts.close();
  });

  it('a gateway that was down reads on from its saved watermark', async () => {
    const file = join(dir, 'feed.json');
    const options = { portal: s.portal, hub: s.gateway.events, logger: quiet };
    const first = new ChangeFeed({ ...options, store: await MemoryFeedStore.open({ file }) });
    // The previous test's changes fall out of the overlap a restarted feed reads again (2 s, from
    // the start of a second).
    await pause(3_100);
    await first.reconcile();
    await (first.store as MemoryFeedStore).flush();
    // Down: changes happen, their events are lost.
    const made = await rest('crm.item.add', { entityTypeId: 130, fields: { title: 'While down' } });
    await rest('crm.company.update', { id: 2, fields: { TITLE: 'Renamed while down' } });
    const seen = collect(s);
    const second = new ChangeFeed({ ...options, store: await MemoryFeedStore.open({ file }) });
    expect(await second.reconcile()).toBe(2);
    await pause(20);
    expect(seen.map((c) => [c.entityTypeId, c.id, c.action])).toEqual(
      expect.arrayContaining([
        [130, made.item.id, 'add'],
        [4, 2, 'update'],
      ]),
    );
  });

  it('finds a deletion no event told, confirmed by a fresh read, once', async () => {
    const feed = s.gateway.feed;
    await feed.scanDeletions(); // the first scan learns the ids
    const made = await rest('crm.contact.add', { fields: { NAME: 'Short-lived' } });
    await feed.reconcile(); // reconciliation learns the new id
    await rest('crm.contact.delete', { id: made });
    await rest('crm.item.delete', { entityTypeId: 128, id: 3 });
    const seen = collect(s);
    s.emulator.resetCounters();
    expect(await feed.scanDeletions()).toBe(2);
    expect(seen.filter((c) => c.action === 'delete').map((c) => [c.entityTypeId, c.id])).toEqual(
      expect.arrayContaining([
        [3, made],
        [128, 3],
      ]),
    );
    const { head } = await feed.store.deletionBounds();
    const log = await feed.store.deletionsAfter(head - 2, 10);
    expect(log.map((d) => [d.entityTypeId, d.id])).toEqual(
      expect.arrayContaining([
        [3, made],
        [128, 3],
      ]),
    );
    expect(await feed.scanDeletions()).toBe(0);
  });
});
