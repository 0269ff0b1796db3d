// Smart processes end to end: types, funnels, stages, cards, custom fields, paging, exact
// upstream request counts.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO } from '@bitrix24-graphql/demo-portal';
import { data, startStack, type Stack } from '../helpers/stack.js';
import { call } from './crm-truth.js';

let s: Stack;
const UF = DEMO.uf.onboarding;
beforeAll(async () => {
  // Upstream request counts here are those of the portal path (batching, chains); the read
  // cache that spares them has its own tests (test/read-cache.test.ts).
  s = await startStack({ gateway: { cache: false } });
});
afterAll(() => s.close());
beforeEach(() => s.emulator.resetCounters());

describe('smart-process metadata', () => {
  it('lists every type with flags, funnels, stages and fields', async () => {
    const r =
      await s.gql(`{ spaTypes { entityTypeId title categoriesEnabled stagesEnabled clientEnabled } spaType(entityTypeId: 128) {
      title categories { bitrixId name isDefault } stages { statusId } fields(customOnly: true) { name upperName title type options { itemId label } } } missing: spaType(entityTypeId: 999) { title } }`);
    expect(
      data(r)
        .spaTypes.map((t: any) => t.entityTypeId)
        .sort((a: number, b: number) => a - b),
    ).toEqual([128, 130, 1032, 1034]);
    const t = r.body.data.spaType;
    expect(t.categories.map((c: any) => c.bitrixId)).toEqual([7, 8]);
    expect(t.stages.map((x: any) => x.statusId)).toEqual([
      ...DEMO.stages.onboardingMain,
      ...DEMO.stages.onboardingEnterprise,
    ]);
    const priority = t.fields.find((f: any) => f.upperName === UF.priority.upper);
    expect(priority).toMatchObject({ name: UF.priority.camel, type: 'enumeration' });
    expect(priority.options.map((o: any) => o.label)).toEqual(Object.values(DEMO.priorityItems));
    expect(r.body.data.missing).toBeNull();
  });

  it('finds one field by either spelling with its list values (getSpaSpecificField)', async () => {
    const r = await s.gql(
      `{ a: spaField(entityTypeId: 128, name: "${UF.priority.upper}") { name title options { label } } b: spaField(entityTypeId: 128, name: "${UF.priority.camel.toUpperCase()}") { name } c: spaField(entityTypeId: 128, name: "nope") { name } }`,
    );
    expect(r.body.data.a.name).toBe(UF.priority.camel);
    expect(r.body.data.a.options.map((o: any) => o.label)).toEqual(Object.values(DEMO.priorityItems));
    expect(r.body.data.b.name).toBe(UF.priority.camel);
    expect(r.body.data.c).toBeNull();
  });

  it('gives stages of deals and leads with semantics', async () => {
    const r = await s.gql(
      '{ deals: stages(entityTypeId: 2, categoryId: 1) { statusId semantics category { bitrixId } } leads: stages(entityTypeId: 1) { statusId semantics category { name } } categories(entityTypeId: 2) { bitrixId } }',
    );
    expect(r.body.data.deals.map((x: any) => x.statusId)).toEqual(DEMO.stages.dealPartners);
    expect(r.body.data.deals.find((x: any) => x.statusId === 'C1:WON').semantics).toBe('SUCCESS');
    expect(r.body.data.deals.find((x: any) => x.statusId === 'C1:LOSE').semantics).toBe('FAILURE');
    expect(r.body.data.leads.map((x: any) => x.statusId)).toEqual(DEMO.stages.lead);
    expect(r.body.data.leads[0].category).toBeNull();
    expect(r.body.data.categories.map((c: any) => c.bitrixId)).toEqual([0, 1]);
  });
});

describe('spaCard', () => {
  it('reads one card with rendered custom fields, both name spellings, and null for a missing one', async () => {
    const r =
      await s.gql(`{ card: spaCard(entityTypeId: 128, id: 1) { bitrixId title stage { statusId } category { bitrixId } assignedBy { bitrixId }
      customFields { name upperName title type value display }
      camel: field(name: "${UF.priority.camel}") { display } upper: field(name: "${UF.priority.upper}") { value display }
      titleField: field(name: "title") { value } }
      missing: spaCard(entityTypeId: 128, id: 999999) { title } }`);
    const card = data(r).card;
    expect(card.bitrixId).toBe(1);
    expect(card.camel.display).toBe(card.upper.display);
    expect(Object.values(DEMO.priorityItems)).toContain(card.upper.display);
    expect(DEMO.priorityItems[String(card.upper.value)]).toBe(card.upper.display);
    expect(card.titleField.value).toBe(card.title);
    const byName = Object.fromEntries(card.customFields.map((f: any) => [f.name, f]));
    expect(byName[UF.budget.camel].display).toMatch(/^\d+\.\d{2} [A-Z]{3}$/);
    // Each rendered value against the portal's own row (read without the gateway).
    const truth = call(s, 'crm.item.get', { entityTypeId: 128, id: 1 }).result.item;
    expect(byName[UF.vip.camel].display).toBe(truth[UF.vip.camel] === 'Y' ? 'Yes' : 'No');
    expect(byName[UF.dueDate.camel].display).toBe(
      truth[UF.dueDate.camel] ? String(truth[UF.dueDate.camel]).slice(0, 10) : null,
    );
    const mentor = truth[UF.mentor.camel]
      ? call(s, 'user.get', { FILTER: { ID: truth[UF.mentor.camel] } }).result[0]
      : null;
    expect(byName[UF.mentor.camel].display).toBe(mentor ? `${mentor.NAME} ${mentor.LAST_NAME}` : null);
    expect(r.body.data.missing).toBeNull();
  });

  it('refuses an unknown field name, naming it', async () => {
    const r = await s.gql('{ spaCard(entityTypeId: 128, id: 1) { field(name: "ufCrm1_nope") { value } } }');
    expect(r.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'ufCrm1_nope' });
    expect(r.body.errors[0].message).toContain('ufCrm1_nope');
  });

  it('maps an unknown smart process to NOT_FOUND, not to an empty list', async () => {
    const r = await s.gql('{ spaCards(entityTypeId: 999, first: 5) { edges { node { title } } } }');
    expect(r.body.errors[0].extensions.code).toBe('NOT_FOUND');
    expect(r.body.errors[0].extensions.bitrix.method).toBe('crm.item.list');
  });
});

describe('spaCards', () => {
  const Q = `query($first: Int, $after: String, $categoryId: Int, $stageId: String, $filter: SpaCardFilter) {
    spaCards(entityTypeId: 128, first: $first, after: $after, categoryId: $categoryId, stageId: $stageId, filter: $filter) {
      totalCount edges { node { bitrixId stage { statusId } category { bitrixId } assignedBy { bitrixId } } } pageInfo { hasNextPage endCursor }
    } }`;

  it('pages through every card (more than 50 per page) with exact pageInfo', async () => {
    const seen: number[] = [];
    let after: string | null = null;
    let total = 0;
    for (;;) {
      const r: any = await s.gql(Q, { first: 70, after });
      const page = r.body.data.spaCards;
      total = page.totalCount;
      seen.push(...page.edges.map((e: any) => e.node.bitrixId));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen.length).toBe(total);
    expect(total).toBe(160);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });

  it('filters by funnel, stage, assignee, title and a custom list field given by label', async () => {
    const cat = await s.gql(Q, { first: 200, categoryId: 8 });
    expect(cat.body.data.spaCards.edges.length).toBeGreaterThan(0);
    for (const e of cat.body.data.spaCards.edges) expect(e.node.category.bitrixId).toBe(8);
    const stage = await s.gql(Q, { first: 200, stageId: 'DT128_7:NEW' });
    for (const e of stage.body.data.spaCards.edges) expect(e.node.stage.statusId).toBe('DT128_7:NEW');
    const mine = await s.gql(Q, { first: 200, filter: { assignedById: 2 } });
    for (const e of mine.body.data.spaCards.edges) expect(e.node.assignedBy.bitrixId).toBe(2);
    const high = await s.gql(
      `{ spaCards(entityTypeId: 128, first: 200, filter: {field: {name: "${UF.priority.upper}", value: "High"}}) { totalCount edges { node { field(name: "${UF.priority.camel}") { display } } } } }`,
    );
    expect(high.body.data.spaCards.totalCount).toBeGreaterThan(0);
    for (const e of high.body.data.spaCards.edges) expect(e.node.field.display).toBe('High');
  });

  it('takes search text literally: operator characters never change the filter', async () => {
    for (const text of ['>0', '!', '%', '=Onboarding 1', '%Onboarding%']) {
      const r = await s.gql(Q, { first: 10, filter: { search: text } });
      expect(data(r).spaCards.totalCount).toBe(0);
    }
    const r = await s.gql(Q, { first: 200, filter: { search: 'Onboarding 15' } });
    expect(r.body.data.spaCards.edges.length).toBeGreaterThan(0);
  });

  it('refuses an unknown filter field and a bad list value, naming the field', async () => {
    const r = await s.gql(Q, { first: 5, filter: { field: { name: 'UF_CRM_NOPE', value: 'x' } } });
    expect(r.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'UF_CRM_NOPE' });
    const v = await s.gql(Q, { first: 5, filter: { field: { name: UF.priority.camel, value: 'Sometimes' } } });
    expect(v.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(s.emulator.counters.commandsByMethod['crm.item.list'] ?? 0).toBe(0);
  });

  it('B1 shape: 160 cards with stage, assignee and custom-field displays cost 2 HTTP requests, cold or warm', async () => {
    const q = `{ spaCards(entityTypeId: 128, first: 160) { edges { node { title stage { name } assignedBy { fullName } customFields { display } } } } }`;
    s.portal.metadata.invalidate();
    s.emulator.resetCounters();
    const cold = await s.gql(q, {}, { 'x-bitrix-cost': '1' });
    expect(data(cold).spaCards.edges).toHaveLength(160);
    expect(s.emulator.counters.httpRequests).toBe(2);
    expect(cold.body.extensions.bitrix.httpRequests).toBe(2);
    s.emulator.resetCounters();
    const warm = await s.gql(q, {}, { 'x-bitrix-cost': '1' });
    expect(warm.body.data).toEqual(cold.body.data);
    expect(s.emulator.counters.httpRequests).toBe(2);
    // The page rides in a batch (a 4-command chain); the employees' user.get goes alone.
    expect(s.emulator.counters.byMethod).toEqual({ batch: 1, 'user.get': 1 });
  });

  it('B1 full shape with contacts and companies: still 2 HTTP requests, every contact and employee in one batch', async () => {
    const q = `{ spaCards(entityTypeId: 128, first: 160) { edges { node { title stage { name } assignedBy { fullName }
      contact { fullName phones { value } } contacts { bitrixId } company { title } customFields { display } } } } }`;
    s.portal.metadata.invalidate();
    s.emulator.resetCounters();
    const cold = await s.gql(q);
    const edges = data(cold).spaCards.edges;
    expect(edges.filter((e: any) => e.node.contact).length).toBeGreaterThan(100);
    // The primary contact is the first of the card's contacts, as the portal stores them.
    const truth: number[][] = [];
    for (let start = 0; truth.length < edges.length; start += 50) {
      const page = call(s, 'crm.item.list', {
        entityTypeId: 128,
        select: ['id', 'contactIds'],
        order: { id: 'ASC' },
        start,
      }).result.items;
      truth.push(...page.map((i: any) => i.contactIds));
    }
    expect(edges.map((e: any) => e.node.contacts.map((c: any) => c.bitrixId))).toEqual(truth.slice(0, edges.length));
    expect(edges.map((e: any) => e.node.contact === null)).toEqual(
      truth.slice(0, edges.length).map((ids) => ids.length === 0),
    );
    expect(s.emulator.counters.httpRequests).toBe(2);
    s.emulator.resetCounters();
    await s.gql(q);
    expect(s.emulator.counters.httpRequests).toBe(2);
  });

  it('Contact.spaCards lists the cards of a contact shared by several cards', async () => {
    const r = await s.gql(
      '{ spaCards(entityTypeId: 128, first: 160) { edges { node { bitrixId contacts { bitrixId } } } } }',
    );
    const byContact = new Map<number, number[]>();
    for (const e of r.body.data.spaCards.edges)
      for (const c of e.node.contacts)
        byContact.set(c.bitrixId, [...(byContact.get(c.bitrixId) ?? []), e.node.bitrixId]);
    const [contactId, cards] = [...byContact].sort((a, b) => b[1].length - a[1].length)[0];
    expect(cards.length).toBeGreaterThan(1);
    const mine = await s.gql(
      'query($id: Int!) { contact(id: $id) { spaCards(entityTypeId: 128, first: 50) { totalCount edges { node { bitrixId } } } } }',
      { id: contactId },
    );
    expect(
      mine.body.data.contact.spaCards.edges.map((e: any) => e.node.bitrixId).sort((a: number, b: number) => a - b),
    ).toEqual([...cards].sort((a, b) => a - b));
  });

  it('a custom orderBy pages by keyset: every card once, in order (one request per page)', async () => {
    const q = `query($after: String) { spaCards(entityTypeId: 128, first: 70, after: $after, orderBy: {field: TITLE, direction: DESC}) {
      edges { node { bitrixId title } } pageInfo { hasNextPage endCursor } } }`;
    const seen: { bitrixId: number; title: string }[] = [];
    let after: string | null = null;
    s.emulator.resetCounters();
    for (let pages = 0; ; pages++) {
      const r: any = await s.gql(q, { after });
      seen.push(...data(r).spaCards.edges.map((e: any) => e.node));
      if (!r.body.data.spaCards.pageInfo.hasNextPage) break;
      after = r.body.data.spaCards.pageInfo.endCursor;
      expect(pages).toBeLessThan(5);
    }
    expect(seen).toHaveLength(160);
    expect(new Set(seen.map((c) => c.bitrixId)).size).toBe(160);
    const sorted = [...seen].sort((a, b) => (a.title < b.title ? 1 : a.title > b.title ? -1 : a.bitrixId - b.bitrixId));
    expect(seen).toEqual(sorted);
    expect(s.emulator.counters.httpRequests).toBe(3);
  });

  it('cold, a full 2,500-row page costs 2 requests: the page, and one for fields, funnels and every stage list', async () => {
    s.portal.metadata.invalidate();
    s.emulator.resetCounters();
    const r = await s.gql(
      '{ spaCards(entityTypeId: 128, first: 2500) { edges { node { stage { statusId name } category { name } } } pageInfo { hasNextPage } } }',
    );
    expect(data(r).spaCards.edges).toHaveLength(160);
    expect(s.emulator.counters.httpRequests).toBe(2);
    expect(s.emulator.counters.byMethod).toEqual({ batch: 2 });
    // Both funnels' stage lists travelled with crm.category.list (chained on its ids).
    expect(s.emulator.counters.commandsByMethod['crm.category.list']).toBe(1);
  });
});

describe('smart-process arguments accept only smart processes', () => {
  it("spaCards, spaCard, spaField and node refuse a deal's 2 or a contact's 3 before anything is sent; mutations answer a ValidationError", async () => {
    s.emulator.resetCounters();
    for (const query of [
      '{ r: spaCards(entityTypeId: 2, first: 5) { edges { node { title } } } }',
      '{ r: spaCard(entityTypeId: 3, id: 1) { title } }',
      '{ r: spaField(entityTypeId: 4, name: "title") { name } }',
      '{ r: contact(id: 1) { spaCards(entityTypeId: 1) { totalCount } } }',
    ]) {
      const r = await s.gql(query);
      expect(r.body.errors?.[0]?.extensions, `${query}: ${r.text}`).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'entityTypeId',
      });
    }
    expect(s.emulator.counters.commandsByMethod['crm.item.list'] ?? 0).toBe(0);
    const node = await s.gql('query($id: ID!) { node(id: $id) { __typename } }', {
      id: Buffer.from('SpaCard:2:1').toString('base64'),
    });
    expect(node.body.data?.node ?? null).toBeNull();
    const m = await s.gql(
      'mutation { deleteSpaCard(entityTypeId: 2, id: 1) { __typename ... on ValidationError { field } } }',
    );
    expect(m.body.data.deleteSpaCard).toEqual({ __typename: 'ValidationError', field: 'entityTypeId' });
    expect(s.emulator.counters.commandsByMethod['crm.item.delete']).toBeUndefined();
  });
});
