// Issue 7: outgoing-webhook events → bus → SSE subscriptions, with the fresh object.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventBody } from '@bitrix24-graphql/demo-portal';
import { startStack, type Stack } from './helpers/stack.js';
import { subscribe } from './helpers/sse.js';

const TOKEN = 'app-token-for-tests-0123';
let s: Stack;
let eventsUrl: string;
beforeAll(async () => {
  // A wider coalescing window than production's 50 ms: a loaded test machine spreads a burst.
  s = await startStack({
    gateway: { events: { applicationToken: TOKEN, coalescing: { quietMs: 250, maxWaitMs: 5_000 } } },
  });
  eventsUrl = s.url.replace('/graphql', '/bitrix/events');
  s.emulator.setOutgoingWebhook({ handlerUrl: eventsUrl, applicationToken: TOKEN });
});
afterAll(() => s.close());

const MOVED = `subscription($c: Int) { spaCardMoved(entityTypeId: 128, categoryId: $c) { action bitrixId moved card { title stage { statusId name } } } }`;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('events and subscriptions', () => {
  it('a card moved through the gateway reaches spaCardMoved subscribers as the fresh card', async () => {
    const sub = subscribe(s.url, MOVED, { c: 7 });
    const other = subscribe(s.url, MOVED, { c: 8 });
    await sub.ready;
    await other.ready;
    await pause(50);
    const cards = await s.gql(
      '{ spaCards(entityTypeId: 128, categoryId: 7, stageId: "DT128_7:NEW", first: 1) { edges { node { bitrixId } } } }',
    );
    const id = cards.body.data.spaCards.edges[0].node.bitrixId;
    const moved = await s.gql(
      `mutation { moveSpaCardStage(entityTypeId: 128, id: ${id}, stageId: "DT128_7:CLIENT") { __typename } }`,
    );
    expect(moved.body.data.moveSpaCardStage.__typename).toBe('MoveSpaCardStageSuccess');
    const [event] = await sub.waitFor(1);
    expect(event.data.spaCardMoved).toMatchObject({
      action: 'UPDATE',
      bitrixId: id,
      moved: true,
      card: { stage: { statusId: 'DT128_7:CLIENT' } },
    });
    // A title change is a change, not a move.
    await s.gql(`mutation { updateSpaCard(entityTypeId: 128, id: ${id}, input: {title: "Renamed"}) { __typename } }`);
    await s.emulator.events.drain();
    await pause(200);
    expect(sub.events).toHaveLength(1);
    expect(other.events).toHaveLength(0);
    sub.close();
    other.close();
  });

  it('many subscribers of one event cost one upstream command', async () => {
    const subs = Array.from({ length: 6 }, () =>
      subscribe(s.url, 'subscription { spaCardChanged(entityTypeId: 130) { action bitrixId card { title } } }'),
    );
    await Promise.all(subs.map((x) => x.ready));
    await pause(50);
    s.emulator.resetCounters();
    const res = await fetch(eventsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: eventBody({ entityTypeId: 130, id: 3, action: 'update' }, TOKEN, s.emulator.origin),
    });
    expect(res.status).toBe(200);
    const all = await Promise.all(subs.map((x) => x.waitFor(1)));
    for (const events of all)
      expect(events[0].data.spaCardChanged).toMatchObject({
        action: 'UPDATE',
        bitrixId: 3,
        card: { title: expect.any(String) },
      });
    expect(s.emulator.counters.httpRequests).toBe(1);
    expect(s.emulator.counters.commandsByMethod['crm.item.list']).toBe(1);
    for (const x of subs) x.close();
  });

  it('a forged event (wrong token) is refused and reaches no subscriber', async () => {
    const sub = subscribe(s.url, 'subscription { contactChanged { action bitrixId } }');
    await sub.ready;
    await pause(50);
    const forged = await fetch(eventsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: eventBody({ entityTypeId: 3, id: 5, action: 'delete' }, 'not-the-token', s.emulator.origin),
    });
    expect(forged.status).toBe(401);
    const missing = await fetch(eventsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'event=ONCRMCONTACTDELETE&data[FIELDS][ID]=5',
    });
    expect(missing.status).toBe(401);
    await pause(300);
    expect(sub.events).toHaveLength(0);
    sub.close();
  });

  it('contactChanged delivers a contact changed in the portal, and deletions with a null contact', async () => {
    const sub = subscribe(
      s.url,
      'subscription($id: Int) { contactChanged(id: $id) { action bitrixId contact { lastName } } }',
      { id: 7 },
    );
    await sub.ready;
    await pause(50);
    await s.portal.write('crm.contact.update', { id: 7, fields: { LAST_NAME: 'Changed' } });
    await s.portal.write('crm.contact.update', { id: 8, fields: { LAST_NAME: 'Other' } });
    // Events carry only ids: the receiver reads the contact when the event arrives.
    await sub.waitFor(1);
    await s.portal.write('crm.contact.delete', { id: 7 });
    const events = await sub.waitFor(2);
    expect(events.map((e) => e.data.contactChanged)).toEqual([
      { action: 'UPDATE', bitrixId: 7, contact: { lastName: 'Changed' } },
      { action: 'DELETE', bitrixId: 7, contact: null },
    ]);
    sub.close();
  });

  it('500 identical events arriving together cost one upstream fetch and one publication', async () => {
    const sub = subscribe(s.url, 'subscription { spaCardChanged(entityTypeId: 130) { action bitrixId } }');
    await sub.ready;
    await pause(50);
    // Open the client's connections first, so the 500 events arrive close together.
    await Promise.all(Array.from({ length: 500 }, () => fetch(eventsUrl).then((r) => r.text())));
    s.emulator.resetCounters();
    const body = eventBody({ entityTypeId: 130, id: 4, action: 'update' }, TOKEN, s.emulator.origin);
    const answers = await Promise.all(
      Array.from({ length: 500 }, () =>
        fetch(eventsUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect(s.emulator.counters.commandsByMethod['crm.item.list']).toBe(1);
    await sub.waitFor(1);
    await pause(200);
    expect(sub.events).toHaveLength(1);
    sub.close();
  });
});

describe('the event endpoint under attack', () => {
  const post = (body: BodyInit, headers: Record<string, string> = {}) =>
    fetch(eventsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body,
      duplex: 'half',
    } as RequestInit);

  it('refuses a body announced larger than 64 kB before reading it, with a code', async () => {
    const res = await post('x'.repeat(70_000));
    expect(res.status).toBe(413);
    expect((await res.json()).errors[0].extensions.code).toBe('REQUEST_ENTITY_TOO_LARGE');
  });

  it('stops reading a streamed body (no Content-Length) once it passes the limit: 100 MB are never pulled', async () => {
    let pulled = 0;
    const chunk = new Uint8Array(64 * 1024).fill(120);
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 100 * 1024 * 1024) return controller.close();
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const res = await post(stream).catch((error: Error) => error);
    // The gateway answers 413 and closes; the client may see the answer or a reset while sending.
    if (res instanceof Response) {
      expect(res.status).toBe(413);
      expect((await res.json()).errors[0].extensions.code).toBe('REQUEST_ENTITY_TOO_LARGE');
    }
    expect(pulled).toBeLessThan(16 * 1024 * 1024);
    expect((await s.gql('{ __typename }')).status).toBe(200);
  });

  it('refuses a wrong token, another body type and other methods with codes, never a stack trace', async () => {
    const wrong = await post(
      eventBody({ entityTypeId: 3, id: 5, action: 'update' }, 'not-the-token', s.emulator.origin),
    );
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const typed = await post(JSON.stringify({ event: 'ONCRMCONTACTUPDATE' }), { 'content-type': 'application/json' });
    expect(typed.status).toBe(415);
    expect((await typed.json()).errors[0].extensions.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const get = await fetch(eventsUrl);
    expect(get.status).toBe(405);
    expect((await get.json()).errors[0].extensions.code).toBe('METHOD_NOT_ALLOWED');
    const array = await post('auth[application_token][]=x&auth[application_token][]=y');
    expect(array.status).toBe(401);
    for (const res of [wrong, typed, get, array]) expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  });
});
