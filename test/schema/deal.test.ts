// deal / deals / Company.deals / Contact.deals end to end over HTTP (80 demo deals, two funnels).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { data, startStack, type Stack } from '../helpers/stack.js';
import { all, ids, row } from './crm-truth.js';

let s: Stack;
beforeAll(async () => {
  // Upstream request counts here are those of the portal path (batching, chains); the read
  // cache that spares them has its own tests (test/read-cache.test.ts).
  s = await startStack({ gateway: { cache: false } });
});
afterAll(() => s.close());
beforeEach(() => s.emulator.resetCounters());

const PAGE = `query($first: Int, $after: String, $filter: DealFilter) {
  deals(first: $first, after: $after, filter: $filter) {
    totalCount
    edges { node { bitrixId } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}`;

const codes = (r: { body: { errors?: { extensions?: Record<string, unknown> }[] } }) =>
  (r.body.errors ?? []).map((e) => e.extensions?.code);
const bitrixIds = (r: any, path = 'deals') => r.body.data[path].edges.map((e: any) => e.node.bitrixId);

describe('deal(id)', () => {
  it('returns a deal with its stage, funnel, amount, company, contact, employee and custom fields', async () => {
    const truth = all(s, 'crm.deal').find((d) => d.CATEGORY_ID === '1' && d.COMPANY_ID && d.CONTACT_ID);
    const r = await s.gql(
      `query($id: Int!) { deal(id: $id) {
        id bitrixId title stageId stage { statusId name semantics category { bitrixId } } categoryId category { bitrixId name }
        opportunity currency company { bitrixId } contact { bitrixId } assignedBy { bitrixId }
        createdAt updatedAt customFields { upperName value } margin: field(name: "UF_CRM_1721244707107") { value display }
      } }`,
      { id: Number(truth.ID) },
    );
    const d = data(r).deal;
    expect(d).toMatchObject({
      bitrixId: Number(truth.ID),
      title: truth.TITLE,
      stageId: truth.STAGE_ID,
      stage: { statusId: truth.STAGE_ID, category: { bitrixId: 1 } },
      categoryId: 1,
      category: { bitrixId: 1, name: 'Partners' },
      opportunity: Number(truth.OPPORTUNITY),
      currency: truth.CURRENCY_ID,
      company: { bitrixId: Number(truth.COMPANY_ID) },
      contact: { bitrixId: Number(truth.CONTACT_ID) },
      assignedBy: { bitrixId: Number(truth.ASSIGNED_BY_ID) },
    });
    expect(d.stageId.startsWith('C1:')).toBe(true);
    expect(d.customFields.find((f: { upperName: string }) => f.upperName === 'UF_CRM_1721244707107')).toEqual({
      upperName: 'UF_CRM_1721244707107',
      value: truth.UF_CRM_1721244707107 ? Number(truth.UF_CRM_1721244707107) : null,
    });
    expect(d.customFields.map((f: { upperName: string }) => f.upperName).sort()).toEqual(
      Object.keys(truth)
        .filter((k) => k.startsWith('UF_'))
        .sort(),
    );
    expect(Buffer.from(d.id, 'base64').toString()).toBe(`Deal:${truth.ID}`);
  });

  it('is null for a missing id', async () => {
    const r = await s.gql('{ deal(id: 424242) { title } }');
    expect(r.body).toEqual({ data: { deal: null } });
  });
});

describe('deals', () => {
  it('pages past 50 rows with exact pageInfo and totalCount', async () => {
    const truth = ids(all(s, 'crm.deal'));
    const p1 = await s.gql(PAGE, { first: 50 });
    expect(p1.body.data.deals.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const p2 = await s.gql(PAGE, { first: 50, after: p1.body.data.deals.pageInfo.endCursor });
    expect(p2.body.data.deals.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect([...bitrixIds(p1), ...bitrixIds(p2)]).toEqual(truth);
    expect(p1.body.data.deals.totalCount).toBe(truth.length);
  });

  it('a page of 50 deals with company and employee costs 2 upstream requests: the page, then ONE batch of lookups', async () => {
    const r = await s.gql('{ deals(first: 50) { edges { node { company { title } assignedBy { fullName } } } } }');
    expect(data(r).deals.edges).toHaveLength(50);
    const withCompany = r.body.data.deals.edges.filter((e: any) => e.node.company).length;
    expect(withCompany).toBeGreaterThan(0);
    expect(s.emulator.counters.httpRequests).toBe(2);
    expect(s.emulator.counters.commandsByMethod['crm.company.list']).toBe(1);
    expect(s.emulator.counters.commandsByMethod['user.get']).toBe(1);
  });

  it("filters by company with COMPANY_ID (the seed's getDealsByCompany) in one request", async () => {
    const companyId = Number(all(s, 'crm.deal').find((d) => d.COMPANY_ID).COMPANY_ID);
    const truth = ids(all(s, 'crm.deal', { COMPANY_ID: companyId }));
    s.emulator.resetCounters();
    const r = await s.gql(PAGE, { first: 100, filter: { companyId } });
    data(r);
    expect(bitrixIds(r)).toEqual(truth);
    expect(truth.length).toBeGreaterThan(0);
    expect(truth.length).toBeLessThan(80);
    // totalCount is one more command, in the same batch as the page.
    expect(s.emulator.counters.httpRequests).toBe(1);
    const none = await s.gql(PAGE, { first: 100, filter: { companyId: 999999 } });
    expect(none.body.data.deals).toMatchObject({ totalCount: 0, edges: [], pageInfo: { hasNextPage: false } });
  });

  it('filters by contact, funnel, stage, employee, title text and a custom field', async () => {
    const sample = all(s, 'crm.deal').find((d) => d.CATEGORY_ID === '1' && d.CONTACT_ID);
    const checks: [Record<string, unknown>, Record<string, unknown>][] = [
      [{ contactId: Number(sample.CONTACT_ID) }, { CONTACT_ID: sample.CONTACT_ID }],
      [{ categoryId: 1 }, { CATEGORY_ID: 1 }],
      [
        { categoryId: 0, stageId: 'WON' },
        { CATEGORY_ID: 0, STAGE_ID: 'WON' },
      ],
      [{ stageId: sample.STAGE_ID }, { STAGE_ID: sample.STAGE_ID }],
      [{ assignedById: Number(sample.ASSIGNED_BY_ID) }, { ASSIGNED_BY_ID: sample.ASSIGNED_BY_ID }],
      [{ search: 'Energy' }, { '%TITLE': 'Energy' }],
      [
        { field: { name: 'ufCrm_1721244707107', value: sample.UF_CRM_1721244707107 } },
        { UF_CRM_1721244707107: sample.UF_CRM_1721244707107 },
      ],
    ];
    for (const [filter, truthFilter] of checks) {
      const r = await s.gql(PAGE, { first: 100, filter });
      expect(r.body.errors, JSON.stringify(filter)).toBeUndefined();
      const truth = ids(all(s, 'crm.deal', truthFilter));
      expect(bitrixIds(r), JSON.stringify(filter)).toEqual(truth);
      expect(truth.length, JSON.stringify(filter)).toBeGreaterThan(0);
    }
  });

  it('takes search text literally and refuses bad arguments with BAD_USER_INPUT', async () => {
    for (const search of ['>0', '!Deal', '%', '=Deal #1: Energy']) {
      const r = await s.gql(PAGE, { first: 10, filter: { search } });
      expect(bitrixIds(r), search).toEqual([]);
    }
    expect(codes(await s.gql(PAGE, { first: -5 }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await s.gql(PAGE, { first: 99_999 }))).toEqual([
      expect.stringMatching(/^(BAD_USER_INPUT|QUERY_TOO_COMPLEX)$/),
    ]);
    expect(codes(await s.gql(PAGE, { first: 1, filter: { field: { name: 'COMPANY_IDS', value: '1' } } }))).toEqual([
      'BAD_USER_INPUT',
    ]);
  });
});

describe('deals of a company and of a contact', () => {
  it('Company.deals and Contact.deals list the deals bound by COMPANY_ID and CONTACT_ID', async () => {
    const sample = all(s, 'crm.deal').find((d) => d.COMPANY_ID && d.CONTACT_ID);
    const r = await s.gql(
      `query($company: Int!, $contact: Int!) {
        company(id: $company) { deals(first: 100) { totalCount edges { node { bitrixId } } } }
        contact(id: $contact) { deals(first: 100) { totalCount edges { node { bitrixId } } } }
      }`,
      { company: Number(sample.COMPANY_ID), contact: Number(sample.CONTACT_ID) },
    );
    const byCompany = ids(all(s, 'crm.deal', { COMPANY_ID: sample.COMPANY_ID }));
    const byContact = ids(all(s, 'crm.deal', { CONTACT_ID: sample.CONTACT_ID }));
    expect(data(r).company.deals.edges.map((e: any) => e.node.bitrixId)).toEqual(byCompany);
    expect(r.body.data.company.deals.totalCount).toBe(byCompany.length);
    expect(r.body.data.contact.deals.edges.map((e: any) => e.node.bitrixId)).toEqual(byContact);
    expect(r.body.data.contact.deals.totalCount).toBe(byContact.length);
  });

  it('lists the field definitions of deals', async () => {
    const r = await s.gql('{ dealFields { upperName title custom } }');
    expect(r.body.data.dealFields).toContainEqual({ upperName: 'UF_CRM_1721244707107', title: 'Margin', custom: true });
    expect(row(s, 'crm.deal', 1)).not.toBeNull();
  });
});
