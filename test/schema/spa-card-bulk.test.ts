// Bulk writes on cards end to end: checks before anything is sent, 50 writes per upstream
// request (1,000 in IMPORT mode), results in input order, idempotent reruns, lost answers found
// again by key, per-item failures, jobs beyond the request's deadline with their progress, and
// pacing under the operating budget.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '@bitrix24-graphql/demo-portal';
import { itemTarget, runBulk } from '../../src/crm/bulk.js';
import { demoCards } from '../helpers/cards.js';
import { data, startStack, type Stack } from '../helpers/stack.js';

let s: Stack;
const UF = DEMO.uf.onboarding;
beforeAll(async () => {
  s = await startStack();
});
afterAll(() => s.close());

const payload = (success: string) => `
  __typename
  ... on Error { message }
  ... on ValidationError { field }
  ... on ${success} { data { ...P } }`;
const FRAGMENT = `fragment P on BulkWritePayload {
  job { id status total done failed durable }
  results { index bitrixId created ok error { __typename message ... on ValidationError { field } ... on NotFoundError { bitrixId } ... on UpstreamError { code retryable } } }
  invalid { index error { __typename message ... on ValidationError { field } ... on NotFoundError { bitrixId } } }
}`;

async function createCards(inputs: unknown[], extra = '', variables: Record<string, unknown> = {}) {
  const r = await s.gql(
    `mutation($inputs: [BulkSpaCardInput!]!, $key: String) { createSpaCards(entityTypeId: 128, inputs: $inputs, importKey: $key${extra}) { ${payload('CreateSpaCardsSuccess')} } } ${FRAGMENT}`,
    { inputs, ...variables },
  );
  return data(r).createSpaCards;
}

const adds = () => s.emulator.counters.commandsByMethod['crm.item.add'] ?? 0;
const total = async () =>
  data(await s.gql('{ spaCards(entityTypeId: 128, first: 0) { totalCount } }')).spaCards.totalCount;

const cards = demoCards;

describe('createSpaCards', () => {
  it('creates 120 cards in input order: 3 write batches of 50, 50 and 20, one reference read, one key lookup request', async () => {
    const before = await total();
    s.emulator.resetCounters();
    const res = await createCards(cards(120, 'bulk-a'));
    expect(res.__typename).toBe('CreateSpaCardsSuccess');
    const { job, results, invalid } = res.data;
    expect(invalid).toEqual([]);
    expect(job).toMatchObject({ status: 'DONE', total: 120, done: 120, failed: 0, durable: false });
    expect(results.map((r: any) => r.index)).toEqual([...Array(120).keys()]);
    expect(results.every((r: any) => r.ok && r.created && r.bitrixId > 0)).toBe(true);
    expect(new Set(results.map((r: any) => r.bitrixId)).size).toBe(120);
    const c = s.emulator.counters;
    expect(c.commandsByMethod['crm.item.add']).toBe(120);
    // Upstream: the contacts and users checked (1 batch), the keys looked up (3 commands, 1
    // batch), then 3 batches of writes.
    expect(c.commandsByMethod['crm.item.list']).toBe(3);
    expect(c.httpRequests).toBe(5);
    expect(await total()).toBe(before + 120);
    const card = data(
      await s.gql(
        `{ spaCard(entityTypeId: 128, id: ${results[7].bitrixId}) { title stage { statusId } contacts { bitrixId } customFields { name display } } }`,
      ),
    ).spaCard;
    expect(card.title).toBe('bulk-a 7');
    expect(card.stage.statusId).toBe(DEMO.stages.onboardingMain[1]);
    expect(card.contacts.map((x: any) => x.bitrixId)).toEqual([3]);
    const display = Object.fromEntries(card.customFields.map((f: any) => [f.name, f.display]));
    expect(display[UF.priority.camel]).toBe('High');
    expect(display[UF.referenceCode.camel]).toBe('REF-bulk-a-7');
  });

  it('the same importKey again is the same job: nothing is created twice', async () => {
    const list = cards(60, 'bulk-b');
    const first = await createCards(list, '', { key: 'import-b' });
    const before = adds();
    const again = await createCards(list, '', { key: 'import-b' });
    expect(again.data.job.id).toBe(first.data.job.id);
    expect(again.data.results.map((r: any) => r.bitrixId)).toEqual(first.data.results.map((r: any) => r.bitrixId));
    expect(adds()).toBe(before);
  });

  it('items with their own keys: a rerun finds every card (created: false), a key reused with another input fails only that item', async () => {
    const list = cards(60, 'bulk-c').map((c, i) => ({ ...c, idempotencyKey: `bulk-c-${i}` }));
    const first = await createCards(list);
    const count = await total();
    const changed = list.map((c, i) => (i === 4 ? { ...c, title: 'another title' } : c));
    const again = await createCards(changed);
    expect(await total()).toBe(count);
    const results = again.data.results;
    expect(results[4]).toMatchObject({
      ok: false,
      bitrixId: null,
      error: { __typename: 'ValidationError', field: 'idempotencyKey' },
    });
    const others = results.filter((r: any) => r.index !== 4);
    expect(others.every((r: any) => r.ok && !r.created)).toBe(true);
    expect(others.map((r: any) => r.bitrixId)).toEqual(
      first.data.results.filter((r: any) => r.index !== 4).map((r: any) => r.bitrixId),
    );
    // A single create with one of the keys finds the same card.
    const single = data(
      await s.gql(
        `mutation($input: CreateSpaCardInput!) { createSpaCard(entityTypeId: 128, input: $input) { ... on CreateSpaCardSuccess { data { bitrixId } } } }`,
        { input: list[7] },
      ),
    ).createSpaCard;
    expect(single.data.bitrixId).toBe(first.data.results[7].bitrixId);
  });

  it('checks every item first: one bad field, stage, contact or duplicate key refuses the call and nothing is sent', async () => {
    s.emulator.resetCounters();
    const list: any[] = cards(20, 'bulk-d');
    list[2] = { ...list[2], fields: { ufCrm1_doesNotExist: 1 } };
    list[5] = { ...list[5], stageId: 'DT128_8:NEW' };
    list[9] = { ...list[9], contactIds: [999_999] };
    list[11] = { ...list[11], idempotencyKey: 'dup' };
    list[12] = { ...list[12], idempotencyKey: 'dup' };
    list[14] = { ...list[14], assignedById: 888_888 };
    list[15] = { ...list[15], createdAt: '2020-01-01T00:00:00Z' };
    const res = await createCards(list);
    expect(res.data.job).toBeNull();
    expect(res.data.results).toBeNull();
    expect(res.data.invalid.map((i: any) => [i.index, i.error.__typename, i.error.field])).toEqual([
      [2, 'ValidationError', 'ufCrm1_doesNotExist'],
      [5, 'ValidationError', 'stageId'],
      [9, 'ValidationError', 'contactIds'],
      [12, 'ValidationError', 'idempotencyKey'],
      [14, 'ValidationError', 'assignedById'],
      [15, 'ValidationError', 'createdAt'],
    ]);
    expect(adds()).toBe(0);
  });

  it('a check the portal cannot answer fails the call with an UpstreamError (no item is blamed)', async () => {
    const own = await startStack({ maxAttempts: 2 });
    try {
      own.emulator.setFaults({ rate: 1, kinds: ['http500'] });
      const r = await own.gql(
        `mutation($inputs: [BulkSpaCardInput!]!) { createSpaCards(entityTypeId: 128, inputs: $inputs) { ${payload('CreateSpaCardsSuccess')} ... on UpstreamError { code retryable } } } ${FRAGMENT}`,
        { inputs: cards(3, 'bulk-l') },
      );
      expect(data(r).createSpaCards).toMatchObject({ __typename: 'UpstreamError', retryable: true });
      expect(own.emulator.counters.commandsByMethod['crm.item.add']).toBeUndefined();
    } finally {
      own.emulator.setFaults(null);
      await own.close();
    }
  });

  it('refuses an empty list and a type that is not a smart process', async () => {
    expect(await createCards([])).toMatchObject({ __typename: 'ValidationError' });
    const r = await s.gql(
      `mutation { createSpaCards(entityTypeId: 2, inputs: [{title: "x"}]) { __typename ... on ValidationError { field } } }`,
    );
    expect(data(r).createSpaCards).toEqual({ __typename: 'ValidationError', field: 'entityTypeId' });
  });

  it('answers lost after the portal wrote: every card is found again by its key, none is written twice', async () => {
    const before = await total();
    s.emulator.setFaults({ rate: 1, kinds: ['dropAfterCommit'], methods: ['batch'] });
    try {
      const res = await createCards(cards(30, 'bulk-e'));
      expect(res.data.job).toMatchObject({ status: 'DONE', done: 30, failed: 0 });
      expect(res.data.results.every((r: any) => r.ok && r.created)).toBe(true);
    } finally {
      s.emulator.setFaults(null);
    }
    expect(await total()).toBe(before + 30);
  });

  it('writes the portal never received (dropped before it read them) are found missing by key and sent once more', async () => {
    const own = await startStack({ gateway: { bulk: { secondChanceMs: 300 } } });
    try {
      const before = data(await own.gql('{ spaCards(entityTypeId: 128, first: 0) { totalCount } }')).spaCards
        .totalCount;
      own.emulator.setFaults({ rate: 1, kinds: ['drop'], methods: ['batch'] });
      const pending = own.gql(
        `mutation($inputs: [BulkSpaCardInput!]!) { createSpaCards(entityTypeId: 128, inputs: $inputs) { ${payload('CreateSpaCardsSuccess')} } } ${FRAGMENT}`,
        { inputs: cards(40, 'bulk-k') },
      );
      while (!own.emulator.counters.faults.drop) await new Promise((r) => setTimeout(r, 10));
      own.emulator.setFaults(null);
      const res = data(await pending).createSpaCards.data;
      expect(res.job).toMatchObject({ status: 'DONE', done: 40, failed: 0 });
      expect(res.results.every((r: any) => r.ok && r.created)).toBe(true);
      expect(own.emulator.counters.faults.drop).toBe(1);
      expect(own.emulator.counters.commandsByMethod['crm.item.add']).toBe(40);
      const after = data(await own.gql('{ spaCards(entityTypeId: 128, first: 0) { totalCount } }')).spaCards.totalCount;
      expect(after).toBe(before + 40);
    } finally {
      await own.close();
    }
  });

  it('an import sent again runs only its failed items once more, with the same keys; a list of another length is refused', async () => {
    const own = await startStack({ gateway: { bulk: { secondChanceMs: 50 } } });
    const send = (inputs: unknown[]) =>
      own.gql(
        `mutation($inputs: [BulkSpaCardInput!]!) { createSpaCards(entityTypeId: 128, inputs: $inputs, importKey: "retry-me") { ${payload('CreateSpaCardsSuccess')} } } ${FRAGMENT}`,
        { inputs },
      );
    try {
      // Only the write travels in a batch here (no contacts or employees to check).
      const list = [0, 1, 2].map((i) => ({ title: `bulk-m ${i}`, categoryId: 7 }));
      // Every write batch is dropped before the portal reads it: the three items fail.
      own.emulator.setFaults({ rate: 1, kinds: ['drop'], methods: ['batch', 'crm.item.add'] });
      const first = data(await send(list)).createSpaCards.data;
      own.emulator.setFaults(null);
      expect(first.job).toMatchObject({ status: 'DONE', done: 3, failed: 3 });
      expect(first.results.map((r: any) => r.error?.code)).toEqual(Array(3).fill('UPSTREAM_OUTCOME_UNKNOWN'));
      const adds = () => own.emulator.counters.commandsByMethod['crm.item.add'] ?? 0;
      const before = adds();
      const second = data(await send(list)).createSpaCards.data;
      expect(second.job).toMatchObject({ id: first.job.id, status: 'DONE', done: 3, failed: 0 });
      expect(second.results.every((r: any) => r.ok && r.created)).toBe(true);
      expect(adds() - before).toBe(3);
      const third = data(await send(list)).createSpaCards.data;
      expect(third.results.map((r: any) => r.bitrixId)).toEqual(second.results.map((r: any) => r.bitrixId));
      expect(adds() - before).toBe(3);
      const other = data(await send([...list, { title: 'bulk-m 3', categoryId: 7 }])).createSpaCards;
      expect(other).toMatchObject({ __typename: 'ValidationError', field: 'importKey' });
    } finally {
      await own.close();
    }
  });

  it('IMPORT mode: 45 cards in 3 crm.item.batchImport commands of one request, keeping their history', async () => {
    s.emulator.resetCounters();
    const list = cards(45, 'bulk-f').map((c) => ({ ...c, createdAt: '2021-03-04T05:06:07Z', createdById: 2 }));
    const res = await createCards(list, ', mode: IMPORT');
    expect(res.data.job).toMatchObject({ status: 'DONE', done: 45, failed: 0 });
    const c = s.emulator.counters;
    expect(c.commandsByMethod['crm.item.batchimport']).toBe(3);
    expect(c.commandsByMethod['crm.item.add']).toBeUndefined();
    const card = data(
      await s.gql(`{ spaCard(entityTypeId: 128, id: ${res.data.results[0].bitrixId}) { title createdAt } }`),
    ).spaCard;
    expect(card.title).toBe('bulk-f 0');
    expect(new Date(card.createdAt).toISOString()).toBe('2021-03-04T05:06:07.000Z');
  });
});

describe('updateSpaCards, moveSpaCards, deleteSpaCards', () => {
  it('updates and moves many cards; a missing card or a stage of another funnel refuses the call', async () => {
    const made = (await createCards(cards(60, 'bulk-g'))).data.results.map((r: any) => r.bitrixId);
    s.emulator.resetCounters();
    const changes = made.map((id: number, i: number) => ({ id, input: { title: `renamed ${i}` } }));
    const upd = data(
      await s.gql(
        `mutation($c: [SpaCardChangeInput!]!) { updateSpaCards(entityTypeId: 128, changes: $c) { ${payload('UpdateSpaCardsSuccess')} } } ${FRAGMENT}`,
        { c: changes },
      ),
    ).updateSpaCards;
    expect(upd.data.job).toMatchObject({ status: 'DONE', done: 60, failed: 0 });
    expect(s.emulator.counters.commandsByMethod['crm.item.update']).toBe(60);
    const bad = data(
      await s.gql(
        `mutation($m: [SpaCardMoveInput!]!) { moveSpaCards(entityTypeId: 128, moves: $m) { ${payload('MoveSpaCardsSuccess')} } } ${FRAGMENT}`,
        {
          m: [
            { id: made[0], stageId: 'DT128_7:CLIENT' },
            { id: 9_999_999, stageId: 'DT128_7:CLIENT' },
            { id: made[1], stageId: 'DT128_8:NEW' },
          ],
        },
      ),
    ).moveSpaCards;
    expect(bad.data.invalid.map((i: any) => [i.index, i.error.__typename])).toEqual([
      [1, 'NotFoundError'],
      [2, 'ValidationError'],
    ]);
    const moves = made.map((id: number) => ({ id, stageId: 'DT128_7:UC_REVIEW' }));
    const moved = data(
      await s.gql(
        `mutation($m: [SpaCardMoveInput!]!) { moveSpaCards(entityTypeId: 128, moves: $m) { ${payload('MoveSpaCardsSuccess')} } } ${FRAGMENT}`,
        { m: moves },
      ),
    ).moveSpaCards;
    expect(moved.data.job.failed).toBe(0);
    const after = data(
      await s.gql(`{ spaCard(entityTypeId: 128, id: ${made[59]}) { title stage { statusId } } }`),
    ).spaCard;
    expect(after).toEqual({ title: 'renamed 59', stage: { statusId: 'DT128_7:UC_REVIEW' } });

    const del = data(
      await s.gql(
        `mutation($ids: [Int!]!) { deleteSpaCards(entityTypeId: 128, ids: $ids) { ${payload('DeleteSpaCardsSuccess')} } } ${FRAGMENT}`,
        {
          ids: [...made.slice(0, 10), 9_999_998],
        },
      ),
    ).deleteSpaCards;
    expect(del.data.invalid.map((i: any) => [i.index, i.error.__typename, i.error.bitrixId])).toEqual([
      [10, 'NotFoundError', 9_999_998],
    ]);
    expect(data(await s.gql(`{ spaCard(entityTypeId: 128, id: ${made[0]}) { bitrixId } }`)).spaCard).not.toBeNull();
    const gone = data(
      await s.gql(
        `mutation($ids: [Int!]!) { deleteSpaCards(entityTypeId: 128, ids: $ids) { ${payload('DeleteSpaCardsSuccess')} } } ${FRAGMENT}`,
        {
          ids: made.slice(0, 10),
        },
      ),
    ).deleteSpaCards;
    expect(gone.data.job).toMatchObject({ status: 'DONE', done: 10, failed: 0 });
    expect(data(await s.gql(`{ spaCard(entityTypeId: 128, id: ${made[0]}) { bitrixId } }`)).spaCard).toBeNull();
  });

  it('one write the portal refuses fails alone; the others in its batch succeed', async () => {
    const made = (await createCards(cards(5, 'bulk-h'))).data.results.map((r: any) => r.bitrixId);
    await s.gql(`mutation { deleteSpaCards(entityTypeId: 128, ids: [${made[2]}]) { __typename } }`);
    const outcomes = await runBulk(
      s.portal,
      itemTarget(128, 'update'),
      made.map((id: number, index: number) => ({ index, id, fields: { title: `h ${index}` } })),
    );
    expect(outcomes.map((o) => [o.index, o.error === null])).toEqual([
      [0, true],
      [1, true],
      [2, false],
      [3, true],
      [4, true],
    ]);
    expect(outcomes[2].error).toMatchObject({ errorClass: 'not-found' });
  });
});

describe('jobs', () => {
  it('a call longer than the deadline answers with the running job; its progress and results can be read', async () => {
    const slow = await startStack({ gateway: { deadlineMs: 2_500 } });
    try {
      slow.emulator.setLatency(400);
      const r = await slow.gql(
        `mutation($inputs: [BulkSpaCardInput!]!) { createSpaCards(entityTypeId: 128, inputs: $inputs) { ${payload('CreateSpaCardsSuccess')} } } ${FRAGMENT}`,
        { inputs: cards(400, 'bulk-i') },
      );
      const first = data(r).createSpaCards.data;
      expect(first.results).toBeNull();
      expect(first.job.status).toBe('RUNNING');
      expect(first.job.done).toBeLessThan(400);
      const id = first.job.id;
      // Follow it over Server-Sent Events until it ends.
      const res = await fetch(slow.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({
          query: `subscription($id: ID!) { bulkJobProgress(id: $id) { status done total } }`,
          variables: { id },
        }),
      });
      const text = await res.text();
      const events = [...text.matchAll(/^data: (.+)$/gm)].map((m) => JSON.parse(m[1])).filter((e) => e.data);
      const seen = events.map((e) => e.data.bulkJobProgress);
      expect(seen.at(-1)).toEqual({ status: 'DONE', done: 400, total: 400 });
      expect(seen.length).toBeGreaterThan(1);
      for (let i = 1; i < seen.length; i++) expect(seen[i].done).toBeGreaterThanOrEqual(seen[i - 1].done);
      const job = data(
        await slow.gql(
          `query($id: ID!) { bulkJob(id: $id) { status done failed ratePerSecond secondsLeft failures { index } results(offset: 390, first: 20) { index ok created } } }`,
          { id },
        ),
      ).bulkJob;
      expect(job).toMatchObject({ status: 'DONE', done: 400, failed: 0, secondsLeft: 0, failures: [] });
      expect(job.ratePerSecond).toBeGreaterThan(0);
      expect(job.results.map((x: any) => x.index)).toEqual([...Array(10).keys()].map((i) => 390 + i));
      expect(job.results.every((x: any) => x.ok && x.created)).toBe(true);
      expect(data(await slow.gql('{ bulkJob(id: "nope") { id } }')).bulkJob).toBeNull();
    } finally {
      await slow.close();
    }
  }, 60_000);

  it('paces under the operating budget: the portal never answers OPERATION_TIME_LIMIT', async () => {
    const tight = await startStack({
      emulator: { operatingLimit: { enabled: true, limitSeconds: 8, windowSeconds: 4, costSeconds: 0.05 } },
      portal: { operating: { limitSeconds: 8, windowSeconds: 4, marginSeconds: 1 } },
      gateway: { deadlineMs: 60_000 },
    });
    try {
      const res = data(
        await tight.gql(
          `mutation($inputs: [BulkSpaCardInput!]!) { createSpaCards(entityTypeId: 128, inputs: $inputs) { ${payload('CreateSpaCardsSuccess')} } } ${FRAGMENT}`,
          { inputs: cards(300, 'bulk-j') },
        ),
      ).createSpaCards.data;
      expect(res.job).toMatchObject({ status: 'DONE', done: 300, failed: 0 });
      expect(tight.emulator.counters.operatingLimited).toBe(0);
      expect(tight.emulator.counters.commandsByMethod['crm.item.add']).toBe(300);
    } finally {
      await tight.close();
    }
  }, 60_000);
});
