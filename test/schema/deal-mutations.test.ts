// createDeal / updateDeal / clearDealFields / moveDealStage / deleteDeal end to end over HTTP
// (crm.deal.add and crm.deal.delete; changes through crm.item.update with entityTypeId 2).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO } from '@bitrix24-graphql/demo-portal';
import { data, startStack, type Stack } from '../helpers/stack.js';
import { MUTATION_RESULT } from '../helpers/mutations.js';
import { all, commands, row } from './crm-truth.js';

let s: Stack;
/** Every command the portal ran, with its parameters as the portal parsed them. */
const sent: { method: string; params: Record<string, any> }[] = [];
beforeAll(async () => {
  s = await startStack({ emulator: { onCommand: (method, params) => sent.push({ method, params }) } });
});
afterAll(() => s.close());
beforeEach(() => {
  s.emulator.resetCounters();
  sent.length = 0;
});

const sentTo = (method: string) => sent.filter((c) => c.method === method).map((c) => c.params);

/** The `fields` crm-deal-add.md lists (UF_CRM_… and PARENT_ID_… aside). */
const DOCUMENTED_ADD_FIELDS = new Set(
  'TITLE TYPE_ID CATEGORY_ID STAGE_ID IS_RECURRING IS_RETURN_CUSTOMER IS_REPEATED_APPROACH PROBABILITY CURRENCY_ID OPPORTUNITY IS_MANUAL_OPPORTUNITY TAX_VALUE COMPANY_ID CONTACT_ID CONTACT_IDS BEGINDATE CLOSEDATE OPENED CLOSED COMMENTS ASSIGNED_BY_ID SOURCE_ID SOURCE_DESCRIPTION ADDITIONAL_INFO LOCATION_ID ORIGINATOR_ID ORIGIN_ID UTM_SOURCE UTM_MEDIUM UTM_CAMPAIGN UTM_CONTENT UTM_TERM TRACE'.split(
    ' ',
  ),
);

const RESULT = MUTATION_RESULT;
const DEAL =
  'bitrixId title categoryId stageId stage { name } opportunity currency company { bitrixId } contact { bitrixId } assignedBy { bitrixId } margin: field(name: "UF_CRM_1721244707107") { value } comments: field(name: "COMMENTS") { value }';

const UPDATE = `mutation($id: Int!, $input: UpdateDealInput!) { updateDeal(id: $id, input: $input) {
  __typename ... on Error { message } ... on ValidationError { field } ... on NotFoundError { entity bitrixId }
  ... on UpdateDealSuccess { data { bitrixId title stageId stage { name } opportunity currency company { bitrixId } assignedBy { bitrixId } margin: field(name: "UF_CRM_1721244707107") { value } } }
} }`;
const CREATE = `mutation($input: CreateDealInput!) { createDeal(input: $input) { ${RESULT} ... on CreateDealSuccess { data { ${DEAL} } } } }`;
const CLEAR = `mutation($id: Int!, $fields: [String!]!) { clearDealFields(id: $id, fields: $fields) { ${RESULT} ... on ClearDealFieldsSuccess { data { ${DEAL} } } } }`;
const MOVE = `mutation($id: Int!, $stageId: String!) { moveDealStage(id: $id, stageId: $stageId) { ${RESULT} ... on MoveDealStageSuccess { data { ${DEAL} } } } }`;
const DELETE = `mutation($id: Int!) { deleteDeal(id: $id) { ${RESULT} ... on DeleteDealSuccess { data { bitrixId } } } }`;

async function create(input: Record<string, unknown>, headers?: Record<string, string>) {
  return data(await s.gql(CREATE, { input }, headers)).createDeal;
}

/** The contacts crm.item reads for a deal (old-style rows do not carry CONTACT_IDS). */
function contactIds(id: number): number[] {
  const handler = s.emulator.state.methods['crm.item.get'];
  const out = handler({ entityTypeId: 2, id } as never, { userId: 1, now: () => new Date(), inBatch: false } as never);
  return (out.result as { item: { contactIds: number[] } }).item.contactIds;
}

describe('createDeal', () => {
  it('creates a deal in a funnel with typed fields, contacts and a custom field (crm.deal.add)', async () => {
    const out = await create({
      title: '  Partner renewal  ',
      categoryId: 1,
      stageId: 'C1:PREPARATION',
      assignedById: 3,
      companyId: 2,
      contactIds: [4, 5],
      opportunity: 2500.5,
      currency: 'brl',
      fields: { ufCrm_1721244707107: 12.5, COMMENTS: 'from the API' },
    });
    expect(out.__typename, JSON.stringify(out)).toBe('CreateDealSuccess');
    expect(out.data).toMatchObject({
      title: 'Partner renewal',
      categoryId: 1,
      stageId: 'C1:PREPARATION',
      opportunity: 2500.5,
      currency: 'BRL',
      company: { bitrixId: 2 },
      contact: { bitrixId: 4 },
      assignedBy: { bitrixId: 3 },
      comments: { value: 'from the API' },
    });
    expect(Number(out.data.margin.value)).toBe(12.5);
    expect(commands(s, 'crm.deal.add')).toBe(1);
    expect(commands(s, 'crm.item.add')).toBe(0);
    expect(row(s, 'crm.deal', out.data.bitrixId)).toMatchObject({
      TITLE: 'Partner renewal',
      CATEGORY_ID: '1',
      STAGE_ID: 'C1:PREPARATION',
      COMPANY_ID: '2',
      CONTACT_ID: '4',
      ASSIGNED_BY_ID: '3',
      CURRENCY_ID: 'BRL',
    });
    expect(contactIds(out.data.bitrixId)).toEqual([4, 5]);
    // Only what crm-deal-add.md documents: `fields` with its listed keys, `params` REGISTER_SONET_EVENT.
    const [add] = sentTo('crm.deal.add');
    expect(Object.keys(add).sort()).toEqual(['fields', 'params']);
    expect(add.params).toEqual({ REGISTER_SONET_EVENT: 'N' });
    const keys = Object.keys(add.fields);
    expect(keys.filter((k) => !DOCUMENTED_ADD_FIELDS.has(k) && !k.startsWith('UF_CRM_'))).toEqual([]);
    expect(keys).toContain('UF_CRM_1721244707107');
  });

  it("places a deal: the default funnel's first stage, or the funnel of the stage given alone (sent explicitly)", async () => {
    const plain = (await create({ title: 'Plain deal' })).data;
    expect(plain).toMatchObject({ categoryId: 0, stageId: DEMO.stages.dealGeneral[0] });
    const byStage = (await create({ title: 'By stage', stageId: 'C1:EXECUTING' })).data;
    expect(byStage).toMatchObject({ categoryId: 1, stageId: 'C1:EXECUTING' });
    expect(sentTo('crm.deal.add').map((p) => p.fields.CATEGORY_ID?.toString())).toEqual([undefined, '1']);
    const byFunnel = (await create({ title: 'By funnel', categoryId: 1 })).data;
    expect(byFunnel).toMatchObject({ categoryId: 1, stageId: DEMO.stages.dealPartners[0] });
  });

  it('refuses bad input with a ValidationError naming the field, and sends nothing', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ title: 'x', categoryId: 42 }, 'categoryId'],
      [{ title: 'x', categoryId: 0, stageId: 'C1:WON' }, 'stageId'],
      [{ title: 'x', stageId: 'NOPE' }, 'stageId'],
      [{ title: 'x', companyId: 999999 }, 'companyId'],
      [{ title: 'x', contactIds: [3, 999999] }, 'contactIds[1]'],
      [{ title: 'x', assignedById: 9999 }, 'assignedById'],
      [{ title: 'x', currency: 'EURO' }, 'currency'],
      [{ title: 'x', opportunity: -1 }, 'opportunity'],
      [{ title: 'x', fields: { ufCrmNope: 1 } }, 'ufCrmNope'],
      [{ title: 'x', fields: { stageId: 'NEW' } }, 'stageId'],
      [{ title: 'x', fields: { contactIds: [3] } }, 'contactIds'],
      [{ title: 'x', fields: { id: 5 } }, 'id'],
      [{ title: 'x', fields: { ufCrm_1721244707107: 'lots' } }, 'ufCrm_1721244707107'],
      [{ title: '  ' }, 'title'],
    ];
    for (const [input, field] of cases) {
      const out = await create(input);
      expect(out, JSON.stringify(input)).toMatchObject({ __typename: 'ValidationError', field });
    }
    expect(commands(s, 'crm.deal.add')).toBe(0);
  });

  it('is idempotent with a key (kept in ORIGIN_ID: deals have no ORIGIN_VERSION); another input with the key is refused', async () => {
    const input = { title: 'Idem deal', opportunity: 10, idempotencyKey: 'deal_50%' };
    const first = await create(input);
    const again = await create(input);
    expect(again.__typename).toBe('CreateDealSuccess');
    expect(again.data.bitrixId).toBe(first.data.bitrixId);
    expect(commands(s, 'crm.deal.add')).toBe(1);
    expect(row(s, 'crm.deal', first.data.bitrixId)).toMatchObject({
      ORIGINATOR_ID: 'bitrix24-graphql',
      ORIGIN_ID: expect.stringMatching(/^b24gql:[0-9a-f]{24}:[0-9a-f]{16}$/),
    });
    const other = await create({ ...input, opportunity: 11 });
    expect(other).toMatchObject({ __typename: 'ValidationError', field: 'idempotencyKey' });
    // A key that LIKE would read as a pattern matching the first one is still another key.
    const wild = await create({ ...input, idempotencyKey: 'deal%' });
    expect(wild.data.bitrixId).not.toBe(first.data.bitrixId);
    expect(commands(s, 'crm.deal.add')).toBe(2);
  });

  it('a lost answer is found through the key in the same call (one deal); without a key it is UPSTREAM_OUTCOME_UNKNOWN', async () => {
    s.emulator.setFaults({ rate: 1, kinds: ['dropAfterCommit'], methods: ['crm.deal.add'] });
    const recovered = await create({ title: 'Lost deal', idempotencyKey: 'lost-deal' });
    const bare = await create({ title: 'Lost deal bare' });
    s.emulator.setFaults(null);
    expect(recovered.__typename).toBe('CreateDealSuccess');
    expect(all(s, 'crm.deal', { TITLE: 'Lost deal' }).map((d) => Number(d.ID))).toEqual([recovered.data.bitrixId]);
    expect(bare).toMatchObject({ __typename: 'UpstreamError', code: 'UPSTREAM_OUTCOME_UNKNOWN', retryable: false });
    expect(all(s, 'crm.deal', { TITLE: 'Lost deal bare' })).toHaveLength(1); // it did run
  });

  it('takes the key from the Idempotency-Key header, also under concurrent retries', async () => {
    const outs = await Promise.all(
      [1, 2, 3].map(() => create({ title: 'Header deal' }, { 'idempotency-key': 'hdr-d' })),
    );
    expect(new Set(outs.map((o) => o.data.bitrixId)).size).toBe(1);
    expect(all(s, 'crm.deal', { TITLE: 'Header deal' })).toHaveLength(1);
  });

  it('a missing title is a GraphQL validation error (TITLE is always sent)', async () => {
    const r = await s.gql(CREATE, { input: { categoryId: 1 } });
    expect(r.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('updateDeal', () => {
  it('moves a deal within its funnel and changes amount, company, employee and a custom field', async () => {
    const deal = all(s, 'crm.deal').find((d) => d.CATEGORY_ID === '1');
    const r = await s.gql(UPDATE, {
      id: Number(deal.ID),
      input: {
        title: 'Renamed',
        stageId: 'C1:WON',
        opportunity: 1234.5,
        currency: 'eur',
        companyId: 2,
        assignedById: 3,
        fields: { ufCrm_1721244707107: 7.5 },
      },
    });
    expect(data(r).updateDeal).toMatchObject({
      __typename: 'UpdateDealSuccess',
      data: {
        title: 'Renamed',
        stageId: 'C1:WON',
        stage: { name: 'Deal won' },
        opportunity: 1234.5,
        currency: 'EUR',
        company: { bitrixId: 2 },
        assignedBy: { bitrixId: 3 },
      },
    });
    expect(Number(r.body.data.updateDeal.data.margin.value)).toBe(7.5);
    expect(row(s, 'crm.deal', Number(deal.ID))).toMatchObject({
      TITLE: 'Renamed',
      STAGE_ID: 'C1:WON',
      COMPANY_ID: '2',
    });
  });

  it('refuses a stage of another funnel, unknown fields and bad references; a missing deal is a NotFoundError', async () => {
    const deal = all(s, 'crm.deal').find((d) => d.CATEGORY_ID === '0');
    for (const [input, field] of [
      [{ stageId: 'C1:WON' }, 'stageId'],
      [{ stageId: 'NOPE' }, 'stageId'],
      [{ fields: { ufCrmNope: 1 } }, 'ufCrmNope'],
      [{ fields: { stageId: 'WON' } }, 'stageId'],
      [{ companyId: 99999 }, 'companyId'],
      [{ assignedById: 9999 }, 'assignedById'],
      [{ title: '' }, 'title'],
    ] as [Record<string, unknown>, string][]) {
      const r = await s.gql(UPDATE, { id: Number(deal.ID), input });
      expect(r.body.data.updateDeal, JSON.stringify(input)).toMatchObject({ __typename: 'ValidationError', field });
    }
    const missing = await s.gql(UPDATE, { id: 555555, input: { title: 'x' } });
    expect(missing.body.data.updateDeal).toMatchObject({
      __typename: 'NotFoundError',
      entity: 'Deal',
      bitrixId: 555555,
    });
    expect(commands(s, 'crm.item.update')).toBe(0);
  });
});

describe('clearDealFields', () => {
  it('empties a custom field, a comment, the company and the contacts (crm.item.update); the rest stays', async () => {
    const made = (
      await create({
        title: 'Clear deal',
        categoryId: 1,
        companyId: 2,
        contactIds: [3, 4],
        opportunity: 50,
        fields: { UF_CRM_1721244707107: 3.5, comments: 'note' },
      })
    ).data;
    s.emulator.resetCounters();
    const r = await s.gql(CLEAR, {
      id: made.bitrixId,
      fields: ['UF_CRM_1721244707107', 'COMMENTS', 'companyId', 'contactIds'],
    });
    expect(data(r).clearDealFields.data).toMatchObject({
      title: 'Clear deal',
      categoryId: 1,
      stageId: made.stageId,
      opportunity: 50,
      margin: { value: null },
      comments: { value: null },
      company: null,
      contact: null,
    });
    expect(commands(s, 'crm.item.update')).toBe(1);
    expect(row(s, 'crm.deal', made.bitrixId)).toMatchObject({ COMPANY_ID: null, CONTACT_ID: null, COMMENTS: null });
    expect(contactIds(made.bitrixId)).toEqual([]);
  });

  it('refuses unknown, read-only and reserved names, the title, the funnel and the stage; a missing deal is a NotFoundError; nothing is sent', async () => {
    for (const name of ['ufCrmNothing', 'DATE_CREATE', 'title', 'categoryId', 'STAGE_ID', 'ORIGIN_ID']) {
      const r = await s.gql(CLEAR, { id: 1, fields: [name] });
      expect(r.body.data.clearDealFields, name).toMatchObject({ __typename: 'ValidationError', field: name });
    }
    const empty = await s.gql(CLEAR, { id: 1, fields: [] });
    expect(empty.body.data.clearDealFields).toMatchObject({ __typename: 'ValidationError', field: 'fields' });
    const missing = await s.gql(CLEAR, { id: 545454, fields: ['COMMENTS'] });
    expect(missing.body.data.clearDealFields).toMatchObject({
      __typename: 'NotFoundError',
      entity: 'Deal',
      bitrixId: 545454,
    });
    expect(commands(s, 'crm.item.update')).toBe(0);
  });
});

describe('moveDealStage', () => {
  it('moves a deal to another stage of its funnel; only the stage changes', async () => {
    const made = (await create({ title: 'Mover deal', categoryId: 1, opportunity: 7 })).data;
    const r = await s.gql(MOVE, { id: made.bitrixId, stageId: 'C1:WON' });
    expect(data(r).moveDealStage.data).toMatchObject({
      title: 'Mover deal',
      categoryId: 1,
      stageId: 'C1:WON',
      stage: { name: 'Deal won' },
      opportunity: 7,
    });
    expect(row(s, 'crm.deal', made.bitrixId)).toMatchObject({ STAGE_ID: 'C1:WON', CLOSED: 'Y', TITLE: 'Mover deal' });
  });

  it('a stage of another funnel or an unknown one is a ValidationError, a missing deal a NotFoundError; nothing is sent', async () => {
    const made = (await create({ title: 'Stays put', categoryId: 1 })).data;
    s.emulator.resetCounters();
    for (const stageId of ['WON', 'C1:NOPE']) {
      const r = await s.gql(MOVE, { id: made.bitrixId, stageId });
      expect(r.body.data.moveDealStage, stageId).toMatchObject({ __typename: 'ValidationError', field: 'stageId' });
    }
    const missing = await s.gql(MOVE, { id: 565656, stageId: 'WON' });
    expect(missing.body.data.moveDealStage).toMatchObject({
      __typename: 'NotFoundError',
      entity: 'Deal',
      bitrixId: 565656,
    });
    expect(commands(s, 'crm.item.update')).toBe(0);
    expect(row(s, 'crm.deal', made.bitrixId).STAGE_ID).toBe(DEMO.stages.dealPartners[0]);
  });
});

describe('deleteDeal', () => {
  it('deletes a deal (crm.deal.delete), keeps its company and contacts; deleting it again is a NotFoundError', async () => {
    const id = (await create({ title: 'Doomed deal', companyId: 2, contactIds: [3] })).data.bitrixId;
    s.emulator.resetCounters();
    const r = await s.gql(DELETE, { id });
    expect(r.body.data.deleteDeal).toEqual({ __typename: 'DeleteDealSuccess', data: { bitrixId: id } });
    expect(sentTo('crm.deal.delete').map((p) => [Object.keys(p), String(p.id)])).toEqual([[['id'], String(id)]]);
    expect(row(s, 'crm.deal', id)).toBeNull();
    expect(row(s, 'crm.company', 2)).not.toBeNull();
    expect(row(s, 'crm.contact', 3)).not.toBeNull();
    expect(data(await s.gql(`{ deal(id: ${id}) { bitrixId } }`)).deal).toBeNull();
    const again = await s.gql(DELETE, { id });
    expect(again.body.data.deleteDeal).toMatchObject({ __typename: 'NotFoundError', entity: 'Deal', bitrixId: id });
    expect(commands(s, 'crm.deal.delete')).toBe(1);
  });
});
