// Issue 10.4: text a user types that looks like the batch engine's references (`$result[c0]…`)
// reaches the portal exactly as typed, in every written field and every text filter, whether
// the command would travel alone or inside a batch with other commands.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MUTATION_RESULT } from './helpers/mutations.js';
import { data, startStack, type Stack } from './helpers/stack.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack();
});
afterAll(() => s.close());

/** Each would be replaced by another command's result inside a batch. */
const OLD = '$result[c0][0][ID]';
const ITEM = '$result[c0][items][0][title]';
const MIXED = 'Acme $NEXT[c0] & $total[c1]';

async function ok(query: string, variables: Record<string, unknown>, field: string) {
  const r = await s.gql(query, variables);
  const out = data(r)[field];
  if (out && typeof out === 'object' && '__typename' in out)
    expect(out.__typename, JSON.stringify(out)).toMatch(/Success$/);
  return out;
}

const ids: Record<string, number> = {};

describe('written fields reach the portal as typed', () => {
  it('contact: names, custom field, address, idempotency key', async () => {
    const input = { name: OLD, secondName: MIXED, lastName: ITEM, fields: { ufCrmCpf: OLD }, idempotencyKey: OLD };
    const q = `mutation($input: CreateContactInput!) { createContact(input: $input) { ${MUTATION_RESULT} ... on CreateContactSuccess { data { bitrixId name secondName lastName cpf: field(name: "ufCrmCpf") { value } } } } }`;
    const first = await ok(q, { input }, 'createContact');
    expect(first.data).toMatchObject({ name: OLD, secondName: MIXED, lastName: ITEM, cpf: { value: OLD } });
    const again = await ok(q, { input }, 'createContact');
    expect(again.data.bitrixId).toBe(first.data.bitrixId);
    ids.contact = first.data.bitrixId;
    const address = await ok(
      `mutation($id: Int!, $input: AddressInput!) { addContactAddress(contactId: $id, input: $input) { ${MUTATION_RESULT} ... on AddContactAddressSuccess { data { city region } } } }`,
      { id: ids.contact, input: { city: OLD, region: MIXED } },
      'addContactAddress',
    );
    expect(address.data).toEqual({ city: OLD, region: MIXED });
  });

  it('company, lead, deal and smart-process card', async () => {
    const company = await ok(
      `mutation($input: CreateCompanyInput!) { createCompany(input: $input) { ${MUTATION_RESULT} ... on CreateCompanySuccess { data { bitrixId title cnpj: field(name: "ufCrmCnpj") { value } } } } }`,
      { input: { title: OLD, fields: { ufCrmCnpj: ITEM }, idempotencyKey: ITEM } },
      'createCompany',
    );
    expect(company.data).toMatchObject({ title: OLD, cnpj: { value: ITEM } });
    ids.company = company.data.bitrixId;
    const lead = await ok(
      `mutation($input: CreateLeadInput!) { createLead(input: $input) { ${MUTATION_RESULT} ... on CreateLeadSuccess { data { bitrixId title name lastName companyTitle } } } }`,
      { input: { title: OLD, name: ITEM, lastName: MIXED, comments: MIXED, companyTitle: OLD, idempotencyKey: MIXED } },
      'createLead',
    );
    expect(lead.data).toMatchObject({ title: OLD, name: ITEM, lastName: MIXED, companyTitle: OLD });
    ids.lead = lead.data.bitrixId;
    const deal = await ok(
      `mutation($input: UpdateDealInput!) { updateDeal(id: 1, input: $input) { ${MUTATION_RESULT} ... on UpdateDealSuccess { data { title } } } }`,
      { input: { title: OLD } },
      'updateDeal',
    );
    expect(deal.data.title).toBe(OLD);
    const card = await ok(
      `mutation($input: CreateSpaCardInput!) { createSpaCard(entityTypeId: 128, input: $input) { ${MUTATION_RESULT} ... on CreateSpaCardSuccess { data { bitrixId title code: field(name: "ufCrm1_1721812760630") { value } } } } }`,
      { input: { title: ITEM, fields: { ufCrm1_1721812760630: MIXED }, idempotencyKey: ITEM } },
      'createSpaCard',
    );
    expect(card.data).toMatchObject({ title: ITEM, code: { value: MIXED } });
    ids.card = card.data.bitrixId;
  });
});

describe('text filters match the typed text (a page of 60 rows with totalCount travels as one batch)', () => {
  const page = 'first: 60) { totalCount edges { node { bitrixId } } }';
  const FILTERS: [string, string, string, () => number][] = [
    ['contacts.search', `query($v: String) { r: contacts(filter: { search: $v }, ${page} }`, OLD, () => ids.contact],
    [
      'contacts.field',
      `query($v: String!) { r: contacts(filter: { field: { name: "ufCrmCpf", value: $v } }, ${page} }`,
      OLD,
      () => ids.contact,
    ],
    ['companies.search', `query($v: String) { r: companies(filter: { search: $v }, ${page} }`, OLD, () => ids.company],
    [
      'companies.field',
      `query($v: String!) { r: companies(filter: { field: { name: "title", value: $v } }, ${page} }`,
      OLD,
      () => ids.company,
    ],
    ['deals.search', `query($v: String) { r: deals(filter: { search: $v }, ${page} }`, OLD, () => 1],
    ['leads.search', `query($v: String) { r: leads(filter: { search: $v }, ${page} }`, OLD, () => ids.lead],
    [
      'spaCards.search',
      `query($v: String) { r: spaCards(entityTypeId: 128, filter: { search: $v }, ${page} }`,
      ITEM,
      () => ids.card,
    ],
    [
      'spaCards.field',
      `query($v: String!) { r: spaCards(entityTypeId: 128, filter: { field: { name: "ufCrm1_1721812760630", value: $v } }, ${page} }`,
      MIXED,
      () => ids.card,
    ],
  ];
  for (const [label, query, value, expected] of FILTERS) {
    it(label, async () => {
      const r = await s.gql(query, { v: value });
      const found = data(r).r.edges.map((e: { node: { bitrixId: number } }) => e.node.bitrixId);
      expect(expected(), 'the record was written by the tests above').toBeGreaterThan(0);
      expect(found, r.text).toContain(expected());
      expect(r.body.data.r.totalCount).toBe(found.length);
    });
  }

  it('employees.search: matched literally (no employee has such a name)', async () => {
    const r = await s.gql(
      'query($v: String) { r: employees(filter: { search: $v }, first: 60) { totalCount edges { node { bitrixId } } } }',
      { v: OLD },
    );
    expect(data(r).r.totalCount).toBe(0);
  });
});
