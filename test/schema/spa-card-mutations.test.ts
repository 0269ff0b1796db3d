// Card writes end to end: create (idempotent), update, clear, move stage, delete and the safe
// cascade, with typed errors for bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '@bitrix24-graphql/demo-portal';
import { data, startStack, type Stack } from '../helpers/stack.js';
import { MUTATION_RESULT } from '../helpers/mutations.js';

let s: Stack;
const UF = DEMO.uf.onboarding;
beforeAll(async () => {
  s = await startStack();
});
afterAll(() => s.close());

const RESULT = MUTATION_RESULT;
const CARD = `bitrixId title categoryId: category { bitrixId } stage { statusId } customFields { name value display }`;

async function create(input: Record<string, unknown>, headers?: Record<string, string>) {
  const r = await s.gql(
    `mutation($input: CreateSpaCardInput!) { createSpaCard(entityTypeId: 128, input: $input) { ${RESULT} ... on CreateSpaCardSuccess { data { ${CARD} } } } }`,
    { input },
    headers,
  );
  return data(r).createSpaCard;
}

async function countCards(): Promise<number> {
  return (await s.gql('{ spaCards(entityTypeId: 128, first: 0) { totalCount } }')).body.data.spaCards.totalCount;
}

describe('createSpaCard', () => {
  it('creates a card with custom fields given by label, money object and boolean', async () => {
    const res = await create({
      title: 'New onboarding',
      categoryId: 8,
      stageId: 'DT128_8:PREPARATION',
      assignedById: 2,
      fields: {
        [UF.priority.upper]: 'Urgent',
        [UF.budget.camel]: { amount: 1200.5, currency: 'usd' },
        [UF.vip.camel]: true,
        [UF.dueDate.camel]: '2026-12-24',
      },
    });
    expect(res.__typename).toBe('CreateSpaCardSuccess');
    const values = Object.fromEntries(res.data.customFields.map((f: any) => [f.name, f.display]));
    expect(values[UF.priority.camel]).toBe('Urgent');
    expect(values[UF.budget.camel]).toBe('1200.50 USD');
    expect(values[UF.vip.camel]).toBe('Yes');
    expect(values[UF.dueDate.camel]).toBe('2026-12-24');
    expect(res.data.stage.statusId).toBe('DT128_8:PREPARATION');
  });

  it('refuses unknown fields, bad list values and foreign stages before sending anything', async () => {
    s.emulator.resetCounters();
    const before = s.emulator.counters.commandsByMethod['crm.item.add'] ?? 0;
    const unknown = await create({ title: 'x', fields: { ufCrm1_doesNotExist: 1 } });
    expect(unknown).toMatchObject({ __typename: 'ValidationError', field: 'ufCrm1_doesNotExist' });
    const badValue = await create({ title: 'x', fields: { [UF.priority.camel]: 'Whenever' } });
    expect(badValue).toMatchObject({ __typename: 'ValidationError', field: UF.priority.camel });
    const stage = await create({ title: 'x', categoryId: 7, stageId: 'DT128_8:NEW' });
    expect(stage).toMatchObject({ __typename: 'ValidationError', field: 'stageId' });
    expect(s.emulator.counters.commandsByMethod['crm.item.add'] ?? 0).toBe(before);
  });

  it('never creates twice with the same idempotency key, even after a lost answer; a changed input is refused', async () => {
    const before = await countCards();
    const input = { title: 'Idempotent card', idempotencyKey: 'order-4711' };
    const first = await create(input);
    const again = await create(input);
    expect(again.data.bitrixId).toBe(first.data.bitrixId);
    // The portal commits and the answer is lost: the key finds the card in the same call.
    s.emulator.setFaults({ rate: 1, kinds: ['dropAfterCommit'], methods: ['crm.item.add'] });
    const lost = await create({ title: 'Lost answer', idempotencyKey: 'order-4712' });
    const bare = await create({ title: 'Lost answer, no key' });
    s.emulator.setFaults(null);
    expect(lost.__typename).toBe('CreateSpaCardSuccess');
    expect(bare).toMatchObject({
      __typename: 'UpstreamError',
      code: 'UPSTREAM_OUTCOME_UNKNOWN',
      retryable: false,
    } as any);
    const retried = await create({ title: 'Lost answer', idempotencyKey: 'order-4712' });
    expect(retried.data.bitrixId).toBe(lost.data.bitrixId);
    expect(await countCards()).toBe(before + 3); // the first, the recovered one, and the bare one that did run
    const changed = await create({ title: 'Something else', idempotencyKey: 'order-4711' });
    expect(changed).toMatchObject({ __typename: 'ValidationError', field: 'idempotencyKey' });
    const concurrent = await Promise.all(
      Array.from({ length: 5 }, () => create({ title: 'Concurrent', idempotencyKey: 'same-time' })),
    );
    expect(new Set(concurrent.map((c) => c.data.bitrixId)).size).toBe(1);
    const viaHeader = await create({ title: 'Header key' }, { 'idempotency-key': 'hdr-1' });
    const viaHeaderAgain = await create({ title: 'Header key' }, { 'idempotency-key': 'hdr-1' });
    expect(viaHeaderAgain.data.bitrixId).toBe(viaHeader.data.bitrixId);
  });
});

describe('update, clear, move, delete', () => {
  it('updates and clears fields; unknown names are ValidationErrors; missing cards are NotFoundErrors', async () => {
    const card = (await create({ title: 'To edit', fields: { [UF.referenceCode.camel]: 'REF-1' } })).data;
    const upd = await s.gql(
      `mutation($id: Int!) { updateSpaCard(entityTypeId: 128, id: $id, input: {title: "Edited", fields: {${UF.priority.camel}: "High"}}) { ${RESULT} ... on UpdateSpaCardSuccess { data { ${CARD} } } } }`,
      { id: card.bitrixId },
    );
    expect(upd.body.data.updateSpaCard.data.title).toBe('Edited');
    const cleared = await s.gql(
      `mutation($id: Int!) { clearSpaCardFields(entityTypeId: 128, id: $id, fields: ["${UF.referenceCode.upper}"]) { ${RESULT} ... on ClearSpaCardFieldsSuccess { data { field(name: "${UF.referenceCode.camel}") { display } } } } }`,
      { id: card.bitrixId },
    );
    expect(cleared.body.data.clearSpaCardFields.data.field.display).toBeNull();
    const unknown = await s.gql(
      `mutation($id: Int!) { clearSpaCardFields(entityTypeId: 128, id: $id, fields: ["nope"]) { ${RESULT} } }`,
      { id: card.bitrixId },
    );
    expect(unknown.body.data.clearSpaCardFields).toMatchObject({ __typename: 'ValidationError', field: 'nope' });
    const missing = await s.gql(
      `mutation { updateSpaCard(entityTypeId: 128, id: 999999, input: {title: "x"}) { ${RESULT} } }`,
    );
    expect(missing.body.data.updateSpaCard).toMatchObject({
      __typename: 'NotFoundError',
      entity: 'SpaCard',
      bitrixId: 999999,
    });
  });

  it('moves a card within its funnel and refuses a stage of another funnel', async () => {
    const card = (await create({ title: 'To move', categoryId: 7 })).data;
    const ok = await s.gql(
      `mutation($id: Int!) { moveSpaCardStage(entityTypeId: 128, id: $id, stageId: "DT128_7:CLIENT") { ${RESULT} ... on MoveSpaCardStageSuccess { data { stage { statusId name } } } } }`,
      { id: card.bitrixId },
    );
    expect(ok.body.data.moveSpaCardStage.data.stage.statusId).toBe('DT128_7:CLIENT');
    const foreign = await s.gql(
      `mutation($id: Int!) { moveSpaCardStage(entityTypeId: 128, id: $id, stageId: "DT128_8:NEW") { ${RESULT} } }`,
      { id: card.bitrixId },
    );
    expect(foreign.body.data.moveSpaCardStage).toMatchObject({ __typename: 'ValidationError', field: 'stageId' });
    const unknown = await s.gql(
      `mutation($id: Int!) { moveSpaCardStage(entityTypeId: 128, id: $id, stageId: "DT128_7:NOPE") { ${RESULT} } }`,
      { id: card.bitrixId },
    );
    expect(unknown.body.data.moveSpaCardStage.__typename).toBe('ValidationError');
  });

  it('a card never changes funnel through an update: categoryId, or a stage of another funnel, in input or fields, is refused; nothing sent', async () => {
    const card = (await create({ title: 'Stays in 7', categoryId: 7 })).data;
    const writes = () => s.emulator.counters.commandsByMethod['crm.item.update'] ?? 0;
    const before = writes();
    const attempts: [string, string][] = [
      ['{categoryId: 8}', 'categoryId'],
      ['{categoryId: 8, stageId: "DT128_8:NEW"}', 'categoryId'],
      ['{stageId: "DT128_8:NEW"}', 'stageId'],
      ['{fields: {categoryId: 8}}', 'categoryId'],
      ['{fields: {STAGE_ID: "DT128_8:NEW"}}', 'stageId'],
    ];
    for (const [input, field] of attempts) {
      const r = await s.gql(
        `mutation($id: Int!) { updateSpaCard(entityTypeId: 128, id: $id, input: ${input}) { ${RESULT} } }`,
        { id: card.bitrixId },
      );
      expect(r.body.data.updateSpaCard, input).toMatchObject({ __typename: 'ValidationError', field });
    }
    expect(writes()).toBe(before);
    const same = await s.gql(
      `mutation($id: Int!) { updateSpaCard(entityTypeId: 128, id: $id, input: {categoryId: 7, stageId: "DT128_7:CLIENT"}) { ${RESULT} ... on UpdateSpaCardSuccess { data { stage { statusId } } } } }`,
      { id: card.bitrixId },
    );
    expect(same.body.data.updateSpaCard.data.stage.statusId).toBe('DT128_7:CLIENT');
    const deal = await s.gql(`mutation { updateDeal(id: 1, input: {fields: {CATEGORY_ID: 1}}) { ${RESULT} } }`);
    expect(deal.body.data.updateDeal).toMatchObject({ __typename: 'ValidationError', field: 'categoryId' });
  });

  it('deletes with ORPHANS: removes a contact only linked to this card, keeps a shared one and a shared company', async () => {
    const orphan = Number(
      (await s.portal.write('crm.contact.add', { fields: { NAME: 'Only', LAST_NAME: 'Mine' } })).result,
    );
    const shared = Number(
      (await s.portal.write('crm.contact.add', { fields: { NAME: 'Shared', LAST_NAME: 'Person' } })).result,
    );
    const company = Number((await s.portal.write('crm.company.add', { fields: { TITLE: 'Shared Co' } })).result);
    const doomed = (await create({ title: 'Doomed', contactIds: [orphan, shared], companyId: company })).data;
    await create({ title: 'Keeps links', contactIds: [shared], companyId: company });
    const del = await s.gql(
      `mutation($id: Int!) { deleteSpaCard(entityTypeId: 128, id: $id, cascade: ORPHANS) { ${RESULT} ... on DeleteSpaCardSuccess { data { bitrixId deletedContactIds keptContactIds deletedCompanyId keptCompanyId } } } }`,
      { id: doomed.bitrixId },
    );
    expect(del.body.data.deleteSpaCard.data).toEqual({
      bitrixId: doomed.bitrixId,
      deletedContactIds: [orphan],
      keptContactIds: [shared],
      deletedCompanyId: null,
      keptCompanyId: company,
    });
    const gone = await s.portal.read('crm.contact.list', { filter: { '@ID': [orphan, shared] }, select: ['ID'] });
    expect((gone.result as any[]).map((r) => Number(r.ID))).toEqual([shared]);
    const again = await s.gql(`mutation($id: Int!) { deleteSpaCard(entityTypeId: 128, id: $id) { ${RESULT} } }`, {
      id: doomed.bitrixId,
    });
    expect(again.body.data.deleteSpaCard.__typename).toBe('NotFoundError');
  });

  const ORPHANS = `mutation($id: Int!) { deleteSpaCard(entityTypeId: 128, id: $id, cascade: ORPHANS) { ${RESULT} ... on DeleteSpaCardSuccess { data { deletedContactIds deletedCompanyId kept { entity bitrixId reason } } } } }`;
  const contact = async (name: string, fields: Record<string, unknown> = {}) =>
    Number((await s.portal.write('crm.contact.add', { fields: { NAME: name, ...fields } })).result);
  const exists = async (method: string, id: number) =>
    ((await s.portal.read(method, { filter: { ID: id }, select: ['ID'] })).result as unknown[]).length === 1;

  it("ORPHANS sees every binding: a deal's second contact and a contact's second company are kept; a true orphan goes", async () => {
    const orphan = await contact('Lonely');
    const dealPeer = await contact('Deal', { LAST_NAME: 'Second' });
    const first = await contact('Deal', { LAST_NAME: 'First' });
    await s.portal.write('crm.item.add', {
      entityTypeId: 2,
      fields: { title: 'Two contacts', contactIds: [first, dealPeer] },
    });
    const company = Number(
      (await s.portal.write('crm.company.add', { fields: { TITLE: 'Second company of someone' } })).result,
    );
    await contact('Works at two', { COMPANY_IDS: [1, company] });
    const card = (await create({ title: 'To delete', contactIds: [orphan, dealPeer], companyId: company })).data;
    const del = await s.gql(ORPHANS, { id: card.bitrixId });
    expect(del.body.data.deleteSpaCard.data).toEqual({
      deletedContactIds: [orphan],
      deletedCompanyId: null,
      kept: [
        { entity: 'CONTACT', bitrixId: dealPeer, reason: 'STILL_LINKED' },
        { entity: 'COMPANY', bitrixId: company, reason: 'STILL_LINKED' },
      ],
    });
    expect(await exists('crm.contact.list', orphan)).toBe(false);
    expect(await exists('crm.contact.list', dealPeer)).toBe(true);
    expect(await exists('crm.company.list', company)).toBe(true);
  });

  it("ORPHANS keeps a contact an estimate binds, and a company that is an invoice's own company", async () => {
    const quoted = await contact('Quoted');
    const mine = Number((await s.portal.write('crm.company.add', { fields: { TITLE: 'Our own' } })).result);
    await s.portal.write('crm.item.add', { entityTypeId: 7, fields: { title: 'Estimate', contactIds: [quoted] } });
    await s.portal.write('crm.item.add', { entityTypeId: 31, fields: { title: 'Invoice', mycompanyId: mine } });
    const card = (await create({ title: 'Bound elsewhere', contactIds: [quoted], companyId: mine })).data;
    const del = await s.gql(ORPHANS, { id: card.bitrixId });
    expect(del.body.data.deleteSpaCard.data.kept.map((k: any) => [k.bitrixId, k.reason])).toEqual([
      [quoted, 'STILL_LINKED'],
      [mine, 'STILL_LINKED'],
    ]);
    expect(await exists('crm.contact.list', quoted)).toBe(true);
  });

  it('ORPHANS never deletes on doubt: when the binding probes fail, the records are kept as NOT_VERIFIED', async () => {
    const own = await startStack({ maxAttempts: 1 });
    try {
      const lone = Number((await own.portal.write('crm.contact.add', { fields: { NAME: 'Unverifiable' } })).result);
      const created = await own.gql(
        `mutation($input: CreateSpaCardInput!) { createSpaCard(entityTypeId: 128, input: $input) { ... on CreateSpaCardSuccess { data { bitrixId } } } }`,
        {
          input: { title: 'Doubt', contactIds: [lone] },
        },
      );
      await own.gql('{ spaTypes { entityTypeId } }'); // metadata cached before the fault
      own.emulator.setFaults({ rate: 1, kinds: ['http500'], methods: ['batch'] });
      const del = await own.gql(ORPHANS, { id: created.body.data.createSpaCard.data.bitrixId });
      own.emulator.setFaults(null);
      expect(del.body.data.deleteSpaCard.data).toEqual({
        deletedContactIds: [],
        deletedCompanyId: null,
        kept: [{ entity: 'CONTACT', bitrixId: lone, reason: 'NOT_VERIFIED' }],
      });
      expect(own.emulator.counters.commandsByMethod['crm.contact.delete']).toBeUndefined();
    } finally {
      await own.close();
    }
  });
});
