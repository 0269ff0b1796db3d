// Bulk writes on contacts, companies, leads and deals: the single mutations' own checks on every
// item before anything is sent, 50 writes per upstream request, idempotent reruns by key, status
// and stage moves, deletes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '@bitrix24-graphql/demo-portal';
import { data, startStack, type Stack } from '../helpers/stack.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack();
});
afterAll(() => s.close());

const PAYLOAD = `job { status done failed } results { index bitrixId created ok } invalid { index error { __typename message ... on ValidationError { field } ... on NotFoundError { bitrixId } } }`;

async function bulk(
  field: string,
  success: string,
  signature: string,
  args: string,
  variables: Record<string, unknown>,
) {
  const r = await s.gql(
    `mutation(${signature}) { ${field}(${args}) { __typename ... on Error { message } ... on ${success} { data { ${PAYLOAD} } } } }`,
    variables,
  );
  const answer = data(r)[field];
  expect(answer.__typename, JSON.stringify(answer)).toBe(success);
  return answer.data;
}

const commands = (method: string) => s.emulator.counters.commandsByMethod[method] ?? 0;

describe('contacts', () => {
  it('creates 60 contacts with phones in 2 write batches; the same keys again create nothing', async () => {
    const inputs = Array.from({ length: 60 }, (_, i) => ({
      name: `Bulk${i}`,
      lastName: 'Contact',
      phones: [{ value: `+55 11 9${String(i).padStart(4, '0')}-0000` }],
      idempotencyKey: `bulk-contact-${i}`,
    }));
    s.emulator.resetCounters();
    const first = await bulk('createContacts', 'CreateContactsSuccess', '$i: [CreateContactInput!]!', 'inputs: $i', {
      i: inputs,
    });
    expect(first.job).toEqual({ status: 'DONE', done: 60, failed: 0 });
    expect(first.results.every((r: any) => r.ok && r.created)).toBe(true);
    expect(commands('crm.contact.add')).toBe(60);
    expect(commands('crm.contact.list')).toBe(2);
    // The contact fields once (metadata), the lookups in one request, the writes in 2 batches.
    // The field descriptors were read with the schema at start.
    expect(s.emulator.counters.byMethod).toEqual({ batch: 3 });
    const contact = data(
      await s.gql(`{ contact(id: ${first.results[59].bitrixId}) { fullName phones { value } } }`),
    ).contact;
    expect(contact).toEqual({ fullName: 'Bulk59 Contact', phones: [{ value: '+55 11 90059-0000' }] });

    const again = await bulk('createContacts', 'CreateContactsSuccess', '$i: [CreateContactInput!]!', 'inputs: $i', {
      i: inputs,
    });
    expect(again.results.map((r: any) => [r.bitrixId, r.created])).toEqual(
      first.results.map((r: any) => [r.bitrixId, false]),
    );
    expect(commands('crm.contact.add')).toBe(60);

    // Phones merge as in updateContact; a missing contact refuses the call.
    const ids = first.results.slice(0, 3).map((r: any) => r.bitrixId);
    const refused = await bulk('updateContacts', 'UpdateContactsSuccess', '$c: [ContactChangeInput!]!', 'changes: $c', {
      c: [
        ...ids.map((id: number) => ({ id, input: { phones: { add: [{ value: '+1 555 0100' }] } } })),
        { id: 9_999_999, input: { name: 'x' } },
      ],
    });
    expect(refused.invalid.map((i: any) => [i.index, i.error.__typename, i.error.bitrixId])).toEqual([
      [3, 'NotFoundError', 9_999_999],
    ]);
    const updated = await bulk('updateContacts', 'UpdateContactsSuccess', '$c: [ContactChangeInput!]!', 'changes: $c', {
      c: ids.map((id: number) => ({ id, input: { phones: { add: [{ value: '+1 555 0100' }] } } })),
    });
    expect(updated.job).toEqual({ status: 'DONE', done: 3, failed: 0 });
    const merged = data(await s.gql(`{ contact(id: ${ids[0]}) { phones { value } } }`)).contact.phones;
    expect(merged.map((p: any) => p.value)).toEqual(['+55 11 90000-0000', '+1 555 0100']);

    const deleted = await bulk('deleteContacts', 'DeleteContactsSuccess', '$ids: [Int!]!', 'ids: $ids', { ids });
    expect(deleted.job).toEqual({ status: 'DONE', done: 3, failed: 0 });
    expect(data(await s.gql(`{ contact(id: ${ids[0]}) { bitrixId } }`)).contact).toBeNull();
  });
});

describe('companies and leads', () => {
  it('refuses the whole list when one item is wrong, naming it; nothing is sent', async () => {
    s.emulator.resetCounters();
    const res = await bulk('createCompanies', 'CreateCompaniesSuccess', '$i: [CreateCompanyInput!]!', 'inputs: $i', {
      i: [
        { title: 'Good Co' },
        { title: 'Bad Co', companyType: 'NOT_A_TYPE' },
        { title: '  ' },
        { title: 'Other', assignedById: 777_777 },
      ],
    });
    expect(res.job).toBeNull();
    expect(res.invalid.map((i: any) => [i.index, i.error.field])).toEqual([
      [1, 'companyType'],
      [2, 'title'],
      [3, 'assignedById'],
    ]);
    expect(commands('crm.company.add')).toBe(0);
  });

  it('creates leads and moves them through statuses (by code or name); an unknown status refuses the call', async () => {
    const made = await bulk('createLeads', 'CreateLeadsSuccess', '$i: [CreateLeadInput!]!', 'inputs: $i', {
      i: Array.from({ length: 12 }, (_, i) => ({ title: `Bulk lead ${i}`, statusId: 'NEW' })),
    });
    expect(made.job).toEqual({ status: 'DONE', done: 12, failed: 0 });
    const ids = made.results.map((r: any) => r.bitrixId);
    const bad = await bulk('moveLeads', 'MoveLeadsSuccess', '$m: [LeadMoveInput!]!', 'moves: $m', {
      m: [
        { id: ids[0], statusId: 'IN_PROCESS' },
        { id: ids[1], statusId: 'NO_SUCH_STATUS' },
      ],
    });
    expect(bad.invalid.map((i: any) => [i.index, i.error.field])).toEqual([[1, 'statusId']]);
    const moved = await bulk('moveLeads', 'MoveLeadsSuccess', '$m: [LeadMoveInput!]!', 'moves: $m', {
      m: ids.map((id: number) => ({ id, statusId: 'IN_PROCESS' })),
    });
    expect(moved.job).toEqual({ status: 'DONE', done: 12, failed: 0 });
    const lead = data(await s.gql(`{ lead(id: ${ids[11]}) { status { statusId } } }`)).lead;
    expect(lead.status.statusId).toBe('IN_PROCESS');
  });
});

describe('deals', () => {
  it('moves deals within their funnels through crm.item.update; a stage of another funnel refuses the call', async () => {
    const deals = data(
      await s.gql('{ deals(first: 4, filter: { categoryId: 1 }) { edges { node { bitrixId } } } }'),
    ).deals.edges.map((e: any) => e.node.bitrixId);
    expect(deals.length).toBe(4);
    s.emulator.resetCounters();
    const bad = await bulk('moveDeals', 'MoveDealsSuccess', '$m: [DealMoveInput!]!', 'moves: $m', {
      m: [
        { id: deals[0], stageId: DEMO.stages.dealPartners[2] },
        { id: deals[1], stageId: DEMO.stages.dealGeneral[1] },
      ],
    });
    expect(bad.invalid.map((i: any) => [i.index, i.error.field])).toEqual([[1, 'stageId']]);
    expect(commands('crm.item.update')).toBe(0);
    const moved = await bulk('moveDeals', 'MoveDealsSuccess', '$m: [DealMoveInput!]!', 'moves: $m', {
      m: deals.map((id: number) => ({ id, stageId: DEMO.stages.dealPartners[2] })),
    });
    expect(moved.job).toEqual({ status: 'DONE', done: 4, failed: 0 });
    expect(commands('crm.item.update')).toBe(4);
    const deal = data(await s.gql(`{ deal(id: ${deals[3]}) { stage { statusId } } }`)).deal;
    expect(deal.stage.statusId).toBe(DEMO.stages.dealPartners[2]);
  });

  it('creates deals in their funnels (crm.deal.add, keyed: a rerun creates nothing), refusing the whole list for one bad item; deletes them', async () => {
    const inputs = Array.from({ length: 12 }, (_, i) => ({
      title: `Bulk deal ${i}`,
      categoryId: i % 2,
      contactIds: [3],
      opportunity: 100 + i,
      idempotencyKey: `bulk-deal-${i}`,
    }));
    s.emulator.resetCounters();
    const refused = await bulk('createDeals', 'CreateDealsSuccess', '$i: [CreateDealInput!]!', 'inputs: $i', {
      i: [
        ...inputs.slice(0, 2),
        { title: 'Bad funnel', categoryId: 42 },
        { title: 'Foreign stage', categoryId: 0, stageId: 'C1:WON' },
        { title: 'Ghost contact', contactIds: [9_999_999] },
      ],
    });
    expect(refused.job).toBeNull();
    expect(refused.invalid.map((i: any) => [i.index, i.error.field])).toEqual([
      [2, 'categoryId'],
      [3, 'stageId'],
      [4, 'contactIds[0]'],
    ]);
    expect(commands('crm.deal.add')).toBe(0);

    const made = await bulk('createDeals', 'CreateDealsSuccess', '$i: [CreateDealInput!]!', 'inputs: $i', {
      i: inputs,
    });
    expect(made.job).toEqual({ status: 'DONE', done: 12, failed: 0 });
    expect(made.results.every((r: any) => r.ok && r.created)).toBe(true);
    expect(commands('crm.deal.add')).toBe(12);
    expect(commands('crm.item.add')).toBe(0);
    const ids = made.results.map((r: any) => r.bitrixId);
    const last = data(
      await s.gql(`{ deal(id: ${ids[11]}) { title categoryId stage { statusId } opportunity contact { bitrixId } } }`),
    ).deal;
    expect(last).toEqual({
      title: 'Bulk deal 11',
      categoryId: 1,
      stage: { statusId: DEMO.stages.dealPartners[0] },
      opportunity: 111,
      contact: { bitrixId: 3 },
    });

    const again = await bulk('createDeals', 'CreateDealsSuccess', '$i: [CreateDealInput!]!', 'inputs: $i', {
      i: inputs,
    });
    expect(again.results.map((r: any) => [r.bitrixId, r.created])).toEqual(ids.map((id: number) => [id, false]));
    expect(commands('crm.deal.add')).toBe(12);

    const missing = await bulk('deleteDeals', 'DeleteDealsSuccess', '$ids: [Int!]!', 'ids: $ids', {
      ids: [ids[0], 9_999_999],
    });
    expect(missing.invalid.map((i: any) => [i.index, i.error.__typename, i.error.bitrixId])).toEqual([
      [1, 'NotFoundError', 9_999_999],
    ]);
    expect(commands('crm.deal.delete')).toBe(0);
    const deleted = await bulk('deleteDeals', 'DeleteDealsSuccess', '$ids: [Int!]!', 'ids: $ids', { ids });
    expect(deleted.job).toEqual({ status: 'DONE', done: 12, failed: 0 });
    expect(commands('crm.deal.delete')).toBe(12);
    expect(data(await s.gql(`{ deal(id: ${ids[5]}) { bitrixId } }`)).deal).toBeNull();
    expect(data(await s.gql(`{ contact(id: 3) { bitrixId } }`)).contact).toEqual({ bitrixId: 3 });
  });
});
