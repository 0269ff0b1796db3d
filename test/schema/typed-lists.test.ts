// Typed lists (src/schema/portal): every filter operator and every order gives what the portal
// itself answers for the documented crm.item.list filter and order, and keyset pages stay exact
// for any order, empty values included. The portal here is the demo portal over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLEnumType } from 'graphql';
import { data, portalCall, startStack, type GraphQLResponse, type Stack } from '../helpers/stack.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack();
});
afterAll(() => s.close());

type Row = Record<string, unknown>;

/** Every row the portal itself lists for a filter and order (all its 50-row pages). */
async function portalRows(entityTypeId: number, filter: Row, order: Row = { id: 'ASC' }): Promise<Row[]> {
  const rows: Row[] = [];
  for (let start = 0; ; start += 50) {
    const page = await portalCall(s, 'crm.item.list', { entityTypeId, select: ['*'], filter, order, start });
    rows.push(...page.result.items);
    if (page.next === undefined) return rows;
  }
}

const ids = (rows: Row[]) => rows.map((r) => Number(r.id));

interface Page {
  edges: { node: { bitrixId: number } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Ids a typed list gives, all pages of `first`. */
async function listIds(field: string, args: string, first = 2500): Promise<number[]> {
  const out: number[] = [];
  let after: string | null = null;
  for (;;) {
    const r: GraphQLResponse = await s.gql(
      `query($after: String) { ${field}(first: ${first}, after: $after${args ? `, ${args}` : ''}) { edges { node { bitrixId } } pageInfo { hasNextPage endCursor } } }`,
      { after },
    );
    const page: Page = data(r)[field];
    out.push(...page.edges.map((e) => e.node.bitrixId));
    if (!page.pageInfo.hasNextPage) return out;
    after = page.pageInfo.endCursor;
  }
}

describe('where: every operator is the portal answer to its documented filter', () => {
  // [GraphQL where on onboardings (smart process 128), the crm.item.list filter it means]
  const cases: [string, Row][] = [
    ['{ referenceCode: { eq: "REF-00007" } }', { '=ufCrm1_1721812760630': 'REF-00007' }],
    ['{ referenceCode: { ne: "REF-00007" } }', { '!=ufCrm1_1721812760630': 'REF-00007' }],
    ['{ referenceCode: { in: ["REF-00001", "REF-00002"] } }', { '@ufCrm1_1721812760630': ['REF-00001', 'REF-00002'] }],
    ['{ referenceCode: { notIn: ["REF-00001"] } }', { '!@ufCrm1_1721812760630': ['REF-00001'] }],
    ['{ referenceCode: { contains: "0001" } }', { '%ufCrm1_1721812760630': '0001' }],
    ['{ referenceCode: { startsWith: "REF-0002" } }', { '=%ufCrm1_1721812760630': 'REF-0002%' }],
    ['{ referenceCode: { lt: "REF-00010" } }', { '<ufCrm1_1721812760630': 'REF-00010' }],
    ['{ referenceCode: { gte: "REF-00150" } }', { '>=ufCrm1_1721812760630': 'REF-00150' }],
    ['{ title: { contains: "1" }, bitrixId: { lte: 60 } }', { '%title': '1', '<=id': 60 }],
    ['{ opportunity: { gt: 1000 } }', { '>opportunity': 1000 }],
    ['{ vip: { eq: true } }', { '=ufCrm1IsVip': 1 }],
    ['{ vip: { eq: false } }', { '=ufCrm1IsVip': 0 }],
    ['{ vip: { ne: true } }', { '!=ufCrm1IsVip': 1 }],
    ['{ dueDate: { isNull: true } }', { '=ufCrm1DueDate': '' }],
    ['{ dueDate: { isNull: false } }', { '!=ufCrm1DueDate': '' }],
    ['{ dueDate: { lt: "2024-03-10" } }', { '<ufCrm1DueDate': '2024-03-10' }],
    [
      '{ dueDate: { gte: "2024-03-10", lte: "2024-04-10" } }',
      { '>=ufCrm1DueDate': '2024-03-10', '<=ufCrm1DueDate': '2024-04-10' },
    ],
    ['{ priority: { eq: HIGH } }', { '=ufCrm1_1721812814433': '303' }],
    ['{ priority: { in: [LOW, URGENT] } }', { '@ufCrm1_1721812814433': ['301', '304'] }],
    ['{ priority: { notIn: [LOW] } }', { '!@ufCrm1_1721812814433': ['301'] }],
    ['{ priority: { ne: LOW } }', { '!=ufCrm1_1721812814433': '301' }],
    ['{ priority: { isNull: true } }', { '=ufCrm1_1721812814433': '' }],
    ['{ mentor: { in: [1, 3] } }', { '@ufCrm1Mentor': [1, 3] }],
    ['{ assignedBy: { eq: 1 } }', { '=assignedById': 1 }],
    ['{ createdAt: { gte: "2024-01-15T00:00:00Z" } }', { '>=createdTime': '2024-01-15T03:00:00+03:00' }],
    ['{ stage: { eq: MAIN_PREPARATION } }', { '=stageId': 'DT128_7:PREPARATION' }],
    ['{ category: { eq: ENTERPRISE } }', { '=categoryId': 8 }],
    ['{ stage: { in: [MAIN_START, MAIN_APPROVAL] } }', { '@stageId': ['DT128_7:NEW', 'DT128_7:CLIENT'] }],
    [
      '{ or: [{ priority: { eq: HIGH } }, { vip: { eq: true } }] }',
      { 0: { logic: 'OR', 0: { '=ufCrm1_1721812814433': '303' }, 1: { '=ufCrm1IsVip': 1 } } },
    ],
    [
      '{ not: { priority: { in: [LOW, NORMAL] }, vip: { eq: true } } }',
      { 0: { logic: 'OR', 0: { '!@ufCrm1_1721812814433': ['301', '302'] }, 1: { '!=ufCrm1IsVip': 1 } } },
    ],
    [
      '{ and: [{ title: { contains: "1" } }, { title: { contains: "2" } }], not: { dueDate: { isNull: true } } }',
      { '%title': '1', 0: { '%title': '2' }, '!=ufCrm1DueDate': '' },
    ],
  ];

  it.each(cases)('%s', async (where, filter) => {
    const expected = ids(await portalRows(128, filter));
    expect(expected.length, 'a case that matches nothing tests nothing').toBeGreaterThan(0);
    expect(await listIds('onboardings', `where: ${where}`)).toEqual(expected);
  });

  it('a multiple field matches when one of its values does; `ne` and `notIn` keep empty fields', async () => {
    const all = await portalRows(128, {});
    const moduli = all.filter(
      (r) => Array.isArray(r.ufCrm1_1721900000002) && (r.ufCrm1_1721900000002 as unknown[]).length > 0,
    );
    expect(moduli.length).toBeGreaterThan(0);
    const someValue = String((moduli[0].ufCrm1_1721900000002 as unknown[])[0]);
    const has = (r: Row) => (r.ufCrm1_1721900000002 as unknown[] | undefined)?.map(String).includes(someValue) ?? false;
    const schema = s.gateway.schema!.current;
    const values = (schema.getType('OnboardingModuli') as GraphQLEnumType)
      .getValues()
      .find((v) => v.value === someValue);
    const got = await listIds('onboardings', `where: { moduli: { eq: ${values?.name} } }`);
    expect(got).toEqual(ids(all.filter(has)));
    // ne keeps the records whose priority is empty: the portal's negation.
    const ne = await listIds('onboardings', 'where: { priority: { ne: LOW } }');
    const emptyPriority = ids(all.filter((r) => r.ufCrm1_1721812814433 === null || r.ufCrm1_1721812814433 === ''));
    expect(emptyPriority.length).toBeGreaterThan(0);
    for (const id of emptyPriority) expect(ne).toContain(id);
  });

  it('standard lists take `where` too: contacts by a custom field and a name, deals by amount', async () => {
    const contacts = await portalRows(3, { '!=ufCrmCpf': '', '=%lastName': 'S%' });
    expect(contacts.length).toBeGreaterThan(0);
    expect(
      (await listIds('contacts', 'where: { cpf: { isNull: false }, lastName: { startsWith: "S" } }')).sort(
        (a, b) => a - b,
      ),
    ).toEqual(ids(contacts));
    const deals = await portalRows(2, { '>opportunity': 5000 });
    expect(deals.length).toBeGreaterThan(0);
    expect((await listIds('deals', 'where: { opportunity: { gt: 5000 } }')).sort((a, b) => a - b)).toEqual(ids(deals));
  });

  it('refuses what the portal would misread, before anything is sent', async () => {
    s.emulator.resetCounters();
    const wildcard = await s.gql('{ onboardings(where: { referenceCode: { startsWith: "50%" } }) { totalCount } }');
    expect(wildcard.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    const fraction = await s.gql(
      '{ onboardings(where: { createdAt: { gt: "2024-01-15T00:00:00.250Z" } }) { totalCount } }',
    );
    expect(fraction.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    // A stage of another smart process is not a value of this one's stage enum.
    const other = await s.gql('{ onboardings(where: { stage: { eq: START } }) { totalCount } }');
    expect(other.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const badDate = await s.gql('{ onboardings(where: { dueDate: { eq: "2024-02-30" } }) { totalCount } }');
    expect(badDate.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(s.emulator.counters.httpRequests).toBe(0);
  });

  it('user text reaches the portal literally: a `$result` reference or an operator in it is only text', async () => {
    const title = 'x $result[0][items][0][id] >=y';
    await portalCall(s, 'crm.item.update', { entityTypeId: 128, id: 3, fields: { title } });
    for (const first of [3, 200]) {
      const r = data(
        await s.gql(
          `query($t: String!) { onboardings(first: ${first}, where: { title: { contains: $t } }, orderBy: [{ field: TITLE }]) { totalCount edges { node { bitrixId title } } } }`,
          { t: '$result[0][items][0][id] >=' },
        ),
      );
      expect(r.onboardings).toEqual({ totalCount: 1, edges: [{ node: { bitrixId: 3, title } }] });
    }
  });

  it('an empty `in` matches nothing without asking the portal; `where` and `filter` together are refused', async () => {
    s.emulator.resetCounters();
    const r = data(
      await s.gql('{ onboardings(where: { priority: { in: [] } }) { totalCount edges { node { bitrixId } } } }'),
    );
    expect(r.onboardings).toEqual({ totalCount: 0, edges: [] });
    expect(s.emulator.counters.httpRequests).toBe(0);
    const both = await s.gql('{ contacts(filter: { search: "a" }, where: { name: { eq: "Ana" } }) { totalCount } }');
    expect(both.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('orderBy: keyset pages in the portal order, exact for any order', () => {
  // [GraphQL orderBy, the crm.item.list order]
  const orders: [string, Row][] = [
    ['[{ field: TITLE }]', { title: 'ASC' }],
    ['[{ field: DUE_DATE, direction: DESC }]', { ufCrm1DueDate: 'DESC' }],
    ['[{ field: DUE_DATE }]', { ufCrm1DueDate: 'ASC' }],
    [
      '[{ field: HORAS_ESTIMADAS }, { field: UPDATED_AT, direction: DESC }]',
      { ufCrm1Hours: 'ASC', updatedTime: 'DESC' },
    ],
    ['[{ field: MENTOR, direction: DESC }, { field: OPPORTUNITY }]', { ufCrm1Mentor: 'DESC', opportunity: 'ASC' }],
    ['[{ field: BITRIX_ID, direction: DESC }]', { id: 'DESC' }],
    ['[{ field: MENTOR }]', { ufCrm1Mentor: 'ASC' }], // 78 of 160 empty: a run longer than a page
  ];

  it.each(orders)('%s, 7 rows a page and all at once', async (orderBy, order) => {
    const expected = ids(await portalRows(128, {}, { ...order, id: order.id ?? 'ASC' }));
    expect(await listIds('onboardings', `orderBy: ${orderBy}`, 7)).toEqual(expected);
    expect(await listIds('onboardings', `orderBy: ${orderBy}`)).toEqual(expected);
  });

  it('orders standard lists: contacts by last name then newest first', async () => {
    const expected = ids(await portalRows(3, {}, { lastName: 'ASC', createdTime: 'DESC', id: 'ASC' }));
    expect(
      await listIds('contacts', 'orderBy: [{ field: LAST_NAME }, { field: CREATED_AT, direction: DESC }]', 13),
    ).toEqual(expected);
  });

  it('a row that moves while pages are read is neither repeated nor lets another be skipped', async () => {
    const order = { title: 'ASC', id: 'ASC' };
    const before = ids(await portalRows(128, {}, order));
    const seen: number[] = [];
    let after: string | null = null;
    let moved = 0;
    for (let page = 0; ; page++) {
      const r: GraphQLResponse = await s.gql(
        'query($after: String) { onboardings(first: 20, after: $after, orderBy: [{ field: TITLE }]) { edges { node { bitrixId } } pageInfo { hasNextPage endCursor } } }',
        { after },
      );
      const list: Page = data(r).onboardings;
      seen.push(...list.edges.map((e) => e.node.bitrixId));
      if (page === 1) {
        // A row not read yet moves before the cursor: it is not met again (it was not met yet).
        moved = before[before.length - 1];
        await portalCall(s, 'crm.item.update', { entityTypeId: 128, id: moved, fields: { title: '0 moved first' } });
      }
      if (!list.pageInfo.hasNextPage) break;
      after = list.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort((a, b) => a - b)).toEqual(before.filter((id) => id !== moved).sort((a, b) => a - b));
  });

  it('reads a 2,500-row page in one request per chain, plus one per empty-value boundary', async () => {
    const fresh = { 'cache-control': 'no-cache' }; // past the read cache: count the portal reads
    const read = async (orderBy: string) => {
      s.emulator.resetCounters();
      const page = data(
        await s.gql(`{ onboardings(first: 2500, orderBy: ${orderBy}) { edges { node { bitrixId } } } }`, {}, fresh),
      );
      expect(page.onboardings.edges.length).toBeGreaterThan(100);
      return s.emulator.counters.httpRequests;
    };
    expect(await read('[{ field: TITLE }]')).toBe(1);
    // Descending, empty due dates come last: the chain stops once, at that boundary.
    expect(await read('[{ field: DUE_DATE, direction: DESC }]')).toBe(2);
    // 78 empty mentors first: a page of them, then the run read as one chain with the rest.
    expect(await read('[{ field: MENTOR }]')).toBeLessThanOrEqual(3);
  });

  it('a cursor is bound to its filter and order', async () => {
    const first = data(
      await s.gql('{ onboardings(first: 2, orderBy: [{ field: TITLE }]) { pageInfo { endCursor } } }'),
    );
    const r = await s.gql(`{ onboardings(first: 2, after: "${first.onboardings.pageInfo.endCursor}") { totalCount } }`);
    expect(r.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });
});

describe('nested lists', () => {
  it("a company's and a contact's deals take where and orderBy; a contact's cards take orderBy", async () => {
    const deals = await portalRows(2, { '>opportunity': 0 });
    const company = Number(deals.find((d) => d.companyId)?.companyId);
    const contact = Number(deals.find((d) => d.contactId)?.contactId);
    const expectedCompany = ids(
      await portalRows(2, { '=companyId': company, '>opportunity': 0 }, { opportunity: 'DESC', id: 'ASC' }),
    );
    const expectedContact = ids(await portalRows(2, { '=contactId': contact }, { title: 'ASC', id: 'ASC' }));
    const r = data(
      await s.gql(
        `query($company: Int!, $contact: Int!) {
          company(id: $company) { deals(first: 100, where: { opportunity: { gt: 0 } }, orderBy: [{ field: OPPORTUNITY, direction: DESC }]) { edges { node { bitrixId } } } }
          contact(id: $contact) { deals(first: 100, orderBy: [{ field: TITLE }]) { edges { node { bitrixId } } }
                                  spaCards(entityTypeId: 128, first: 100, orderBy: [{ field: TITLE, direction: DESC }]) { edges { node { bitrixId title } } } } }`,
        { company, contact },
      ),
    );
    const bitrixIds = (c: Page) => c.edges.map((e) => e.node.bitrixId);
    expect(bitrixIds(r.company.deals)).toEqual(expectedCompany);
    expect(bitrixIds(r.contact.deals)).toEqual(expectedContact);
    const cards = ids(await portalRows(128, { '=contactIds': contact }, { title: 'DESC', id: 'ASC' }));
    expect(bitrixIds(r.contact.spaCards)).toEqual(cards);
  });
});
