// company / companies / Company links end to end over HTTP against the embedded portal
// (130 companies, so lists cross the 50-row page of the portal).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_SIZES } from '@bitrix24-graphql/demo-portal';
import { data, startStack, type Stack } from '../helpers/stack.js';
import { all, call, commands, ids, row } from './crm-truth.js';

let s: Stack;
const SIZES = { ...DEMO_SIZES.small, companies: 130, cardsPerType: 5 };
beforeAll(async () => {
  s = await startStack({ emulator: { size: SIZES } });
});
afterAll(() => s.close());
beforeEach(() => s.emulator.resetCounters());

const PAGE = `query($first: Int, $after: String, $filter: CompanyFilter) {
  companies(first: $first, after: $after, filter: $filter) {
    totalCount
    edges { cursor node { bitrixId title } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

const codes = (r: { body: { errors?: { extensions?: Record<string, unknown> }[] } }) =>
  (r.body.errors ?? []).map((e) => e.extensions?.code);

describe('company(id)', () => {
  it("returns every field of a company, normalised (the seed's getCompanyFields)", async () => {
    const truth = row(s, 'crm.company', 7);
    const r = await s.gql(`{ company(id: 7) {
      id bitrixId title companyType industry createdAt updatedAt
      phones { bitrixId value valueType } emails { value valueType }
      assignedBy { bitrixId fullName }
      customFields { name upperName title value display }
      cnpj: field(name: "UF_CRM_CNPJ") { value } same: field(name: "ufCrmCnpj") { value } sys: field(name: "title") { value }
    } }`);
    const c = data(r).company;
    expect(c).toMatchObject({
      bitrixId: 7,
      title: truth.TITLE,
      companyType: truth.COMPANY_TYPE,
      industry: truth.INDUSTRY,
    });
    expect(Buffer.from(c.id, 'base64').toString()).toBe('Company:7');
    expect(c.assignedBy.bitrixId).toBe(Number(truth.ASSIGNED_BY_ID));
    expect(c.phones).toEqual(
      truth.PHONE.map((p: any) => ({ bitrixId: Number(p.ID), value: p.VALUE, valueType: p.VALUE_TYPE })),
    );
    expect(c.emails.map((e: any) => e.value)).toEqual(truth.EMAIL.map((e: any) => e.VALUE));
    expect(new Date(c.createdAt).getTime()).toBe(Date.parse(truth.DATE_CREATE));
    // Every custom field of the company (the demo has one of each type); CNPJ as its row holds it.
    expect(c.customFields.find((f: { upperName: string }) => f.upperName === 'UF_CRM_CNPJ')).toEqual({
      name: 'ufCrmCnpj',
      upperName: 'UF_CRM_CNPJ',
      title: 'CNPJ',
      value: truth.UF_CRM_CNPJ,
      display: truth.UF_CRM_CNPJ,
    });
    expect(c.customFields.map((f: { upperName: string }) => f.upperName).sort()).toEqual(
      Object.keys(truth)
        .filter((k) => k.startsWith('UF_'))
        .sort(),
    );
    expect(c.cnpj.value).toBe(truth.UF_CRM_CNPJ);
    expect(c.same.value).toBe(truth.UF_CRM_CNPJ);
    expect(c.sys.value).toBe(truth.TITLE);
  });

  it('is null for a missing id, and node(id) resolves the global id', async () => {
    const r = await s.gql(
      '{ company(id: 99999) { title } zero: company(id: -3) { title } node(id: "Q29tcGFueTox") { ... on Company { bitrixId } } }',
    );
    expect(data(r)).toEqual({ company: null, zero: null, node: { bitrixId: 1 } });
  });

  it('names an unknown field in a BAD_USER_INPUT error', async () => {
    const r = await s.gql('{ company(id: 1) { field(name: "ufCrmNope") { value } } }');
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.body.errors![0].extensions!.field).toBe('ufCrmNope');
  });

  it('lists the field definitions of companies', async () => {
    const r = await s.gql('{ companyFields { name upperName title custom } }');
    const cnpj = r.body.data.companyFields.find((f: any) => f.upperName === 'UF_CRM_CNPJ');
    expect(cnpj).toEqual({ name: 'ufCrmCnpj', upperName: 'UF_CRM_CNPJ', title: 'CNPJ', custom: true });
  });
});

describe('companies', () => {
  it('pages past 50 rows with exact pageInfo and totalCount (the seed stopped at 50)', async () => {
    const truth = ids(all(s, 'crm.company'));
    expect(truth.length).toBe(130);
    const seen: number[] = [];
    let after: string | null = null;
    const infos: any[] = [];
    for (;;) {
      const r: any = await s.gql(PAGE, { first: 50, after });
      const page = data(r).companies;
      expect(page.totalCount).toBe(130);
      seen.push(...page.edges.map((e: any) => e.node.bitrixId));
      infos.push(page.pageInfo);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(truth);
    expect(infos.map((i) => [i.hasNextPage, i.hasPreviousPage])).toEqual([
      [true, false],
      [true, true],
      [false, true],
    ]);
  });

  it('reads 100 companies in ONE upstream HTTP request', async () => {
    const r = await s.gql(
      '{ companies(first: 100) { edges { node { bitrixId title phones { value } } } pageInfo { hasNextPage } } }',
    );
    expect(data(r).companies.edges).toHaveLength(100);
    expect(r.body.data.companies.pageInfo.hasNextPage).toBe(true);
    expect(s.emulator.counters.httpRequests).toBe(1);
  });

  it('an exact page end: hasNextPage false when the last row is the last company', async () => {
    const r = await s.gql(PAGE, { first: 130 });
    expect(r.body.data.companies.edges).toHaveLength(130);
    expect(r.body.data.companies.pageInfo.hasNextPage).toBe(false);
    const zero = await s.gql(PAGE, { first: 0 });
    expect(zero.body.data.companies.edges).toEqual([]);
    expect(zero.body.data.companies.pageInfo.hasNextPage).toBe(true);
  });

  it('filters by title text, responsible employee, type and a custom field', async () => {
    const sample = row(s, 'crm.company', 12);
    const word = String(sample.TITLE).split(' ')[1];
    const bySearch = await s.gql(PAGE, { first: 500, filter: { search: word } });
    expect(bySearch.body.data.companies.edges.map((e: any) => e.node.bitrixId)).toEqual(
      ids(all(s, 'crm.company', { '%TITLE': word })),
    );
    expect(bySearch.body.data.companies.totalCount).toBe(all(s, 'crm.company', { '%TITLE': word }).length);

    const byOwner = await s.gql(PAGE, {
      first: 500,
      filter: { assignedById: Number(sample.ASSIGNED_BY_ID), companyType: sample.COMPANY_TYPE },
    });
    expect(byOwner.body.data.companies.edges.map((e: any) => e.node.bitrixId)).toEqual(
      ids(all(s, 'crm.company', { ASSIGNED_BY_ID: sample.ASSIGNED_BY_ID, COMPANY_TYPE: sample.COMPANY_TYPE })),
    );

    for (const name of ['ufCrmCnpj', 'UF_CRM_CNPJ']) {
      const byField = await s.gql(PAGE, { first: 10, filter: { field: { name, value: sample.UF_CRM_CNPJ } } });
      expect(byField.body.data.companies.edges.map((e: any) => e.node.bitrixId)).toEqual([12]);
    }
  });

  it('takes search text literally: a leading operator character never becomes a filter operator', async () => {
    for (const search of ['>0', '!x', '%', '=', '>=1', '!@', '<999999']) {
      const r = await s.gql(PAGE, { first: 500, filter: { search } });
      expect(data(r).companies.edges).toEqual([]);
    }
    const created = await s.gql(
      'mutation { createCompany(input: { title: "%>Odd! =Name" }) { ... on CreateCompanySuccess { data { bitrixId } } } }',
    );
    const id = created.body.data.createCompany.data.bitrixId;
    const r = await s.gql(PAGE, { first: 500, filter: { search: '%>Odd!' } });
    expect(r.body.data.companies.edges.map((e: any) => e.node.bitrixId)).toEqual([id]);
    call(s, 'crm.company.delete', { id });
  });

  it('refuses an unknown filter field, bad paging arguments and foreign cursors with BAD_USER_INPUT', async () => {
    const unknown = await s.gql(PAGE, { first: 5, filter: { field: { name: '>ID', value: '1' } } });
    expect(codes(unknown)).toEqual(['BAD_USER_INPUT']);
    expect(unknown.body.errors![0].extensions!.field).toBe('>ID');
    expect(codes(await s.gql(PAGE, { first: -1 }))).toEqual(['BAD_USER_INPUT']);
    // A huge page is refused by the argument check or, first, by the complexity limit.
    for (const first of [2_501, 1_000_000])
      expect(codes(await s.gql(PAGE, { first }))).toEqual([
        expect.stringMatching(/^(BAD_USER_INPUT|QUERY_TOO_COMPLEX)$/),
      ]);
    expect(codes(await s.gql(PAGE, { first: 5, after: 'garbage' }))).toEqual(['BAD_USER_INPUT']);
    const page = await s.gql(PAGE, { first: 5 });
    const foreign = await s.gql(PAGE, {
      first: 5,
      after: page.body.data.companies.pageInfo.endCursor,
      filter: { search: 'a' },
    });
    expect(codes(foreign)).toEqual(['BAD_USER_INPUT']);
    expect(commands(s, 'crm.company.add')).toBe(0);
  });
});

describe('company links', () => {
  it('Company.contacts lists every contact linked to the company, Contact.company/companies the other way', async () => {
    const contacts = all(s, 'crm.contact');
    // Company ids of each contact from crm.item (COMPANY_IDS is write-only in old-style reads).
    const items = call(s, 'crm.item.list', {
      entityTypeId: 3,
      select: ['id', 'companyId', 'companyIds'],
      filter: { '>companyId': 0 },
      start: -1,
    }).result.items;
    const multi = items.find((i: any) => i.companyIds.length > 1) ?? items[0];
    const companyId = multi.companyIds[1] ?? multi.companyIds[0];
    const linked = call(s, 'crm.item.list', {
      entityTypeId: 3,
      select: ['id'],
      filter: { companyIds: companyId },
      order: { id: 'ASC' },
    }).result.items.map((i: any) => i.id);
    expect(linked).toContain(multi.id);

    s.emulator.resetCounters();
    const r = await s.gql(
      `query($company: Int!, $contact: Int!) {
        company(id: $company) { contacts(first: 50) { totalCount edges { node { bitrixId } } } }
        contact(id: $contact) { company { bitrixId } companies { bitrixId } }
      }`,
      { company: companyId, contact: multi.id },
    );
    expect(data(r).company.contacts.edges.map((e: any) => e.node.bitrixId)).toEqual(linked);
    expect(r.body.data.company.contacts.totalCount).toBe(linked.length);
    const primary = contacts.find((c) => Number(c.ID) === multi.id).COMPANY_ID;
    expect(r.body.data.contact.company).toEqual({ bitrixId: Number(primary) });
    expect(r.body.data.contact.companies.map((c: any) => c.bitrixId)).toEqual(multi.companyIds);
  });

  it('Contact.companies for a page of contacts costs one batch for the links and one for the companies', async () => {
    const r = await s.gql('{ contacts(first: 60) { edges { node { bitrixId companies { bitrixId title } } } } }');
    data(r);
    const items = call(s, 'crm.item.list', {
      entityTypeId: 3,
      select: ['id', 'companyIds'],
      filter: { '<=id': 60 },
      order: { id: 'ASC' },
      start: 0,
    });
    const more = call(s, 'crm.item.list', {
      entityTypeId: 3,
      select: ['id', 'companyIds'],
      filter: { '<=id': 60 },
      order: { id: 'ASC' },
      start: 50,
    });
    const byId = new Map([...items.result.items, ...more.result.items].map((i: any) => [i.id, i.companyIds]));
    for (const edge of r.body.data.contacts.edges) {
      expect(edge.node.companies.map((c: any) => c.bitrixId).sort()).toEqual(
        [...(byId.get(edge.node.bitrixId) ?? [])].sort(),
      );
    }
    expect(s.emulator.counters.httpRequests).toBe(3);
  });
});

describe('upstream failures', () => {
  it('are errors with a code, never an empty page or a silent null', async () => {
    const own = await startStack();
    try {
      own.emulator.setFaults({ rate: 1, kinds: ['http500'] });
      const r = await own.gql(PAGE, { first: 100 });
      expect(r.body.data).toEqual({ companies: null }); // the failed root field is null, with its error
      expect(codes(r)).toEqual([expect.stringMatching(/^UPSTREAM_/)]);
      const one = await own.gql('{ company(id: 1) { title } }');
      expect(one.body.data).toEqual({ company: null });
      expect(codes(one)).toEqual([expect.stringMatching(/^UPSTREAM_/)]);
    } finally {
      await own.close();
    }
  });
});
