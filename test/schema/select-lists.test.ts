// Issue 14: upstream select lists follow the GraphQL selection. A query that reads a card's title
// and stage asks crm.item.list for those fields only; one that reads custom fields (or any field
// by name) asks for everything; contacts, companies, deals and leads likewise. The answers are the
// same either way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { data, startStack, type Stack } from '../helpers/stack.js';

let s: Stack;
const seen: { method: string; params: Record<string, any> }[] = [];
beforeAll(async () => {
  s = await startStack({
    emulator: { onCommand: (method, params) => seen.push({ method, params }) },
    gateway: { cache: false },
  });
});
afterAll(() => s.close());

const selects = (method: string) => seen.filter((c) => c.method === method).map((c) => c.params.select);

describe('select lists', () => {
  it('a card list reading title and stage asks for those fields only', async () => {
    seen.length = 0;
    const r = data(
      await s.gql(
        '{ spaCards(entityTypeId: 128, first: 5) { edges { node { title stage { name } contact { name phones { value } } } } } }',
      ),
    );
    expect(r.spaCards.edges).toHaveLength(5);
    expect(selects('crm.item.list')).toEqual([
      ['categoryId', 'contactId', 'contactIds', 'entityTypeId', 'id', 'stageId', 'title'],
    ]);
    expect(selects('crm.contact.list')).toEqual([['ID', 'NAME', 'PHONE']]);
  });

  it('deals, companies and leads likewise', async () => {
    seen.length = 0;
    data(
      await s.gql('{ deals(first: 3) { edges { node { title stage { name } company { title phones { value } } } } } }'),
    );
    expect(selects('crm.deal.list')).toEqual([['CATEGORY_ID', 'COMPANY_ID', 'ID', 'STAGE_ID', 'TITLE']]);
    expect(selects('crm.company.list')).toEqual([['ID', 'PHONE', 'TITLE']]);
    seen.length = 0;
    data(await s.gql('{ leads(first: 3) { edges { node { fullName status { name } } } } }'));
    expect(selects('crm.lead.list')).toEqual([['ID', 'LAST_NAME', 'NAME', 'SECOND_NAME', 'STATUS_ID']]);
  });

  it('custom fields, or a field by name, ask for everything; the values are the same', async () => {
    seen.length = 0;
    const full = data(await s.gql('{ spaCard(entityTypeId: 128, id: 3) { title customFields { name value } } }'));
    expect(selects('crm.item.list')).toEqual([['*']]);
    const narrow = data(await s.gql('{ spaCard(entityTypeId: 128, id: 3) { title } }'));
    expect(narrow.spaCard.title).toBe(full.spaCard.title);
    seen.length = 0;
    await s.gql('{ contact(id: 2) { name field(name: "NAME") { value } } }');
    expect(selects('crm.contact.list')).toEqual([['*', 'UF_*', 'PHONE', 'EMAIL']]);
  });

  it('fragments on interfaces and unions count for the types they may be', async () => {
    seen.length = 0;
    await s.gql('{ node(id: "U3BhQ2FyZDoxMjg6NA==") { ... on SpaCard { title } } }');
    expect(selects('crm.item.list')).toEqual([['entityTypeId', 'id', 'title']]);
  });
});
