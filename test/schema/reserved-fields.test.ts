// Issue 10.8: the fields that hold idempotency records (a card's xmlId; ORIGIN_ID, ORIGINATOR_ID,
// ORIGIN_VERSION of contacts, companies, leads and deals) cannot be written, updated or cleared through
// the API, so nobody can claim or forge another caller's key; and keys compare exactly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MUTATION_RESULT } from '../helpers/mutations.js';
import { data, startStack, type Stack } from '../helpers/stack.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack();
});
afterAll(() => s.close());

const writes = () =>
  Object.entries(s.emulator.counters.commandsByMethod)
    .filter(([m]) => /\.(add|update|delete)$/.test(m))
    .reduce((n, [, c]) => n + c, 0);

async function refused(query: string, variables: Record<string, unknown>, field: string) {
  const before = writes();
  const r = await s.gql(query, variables);
  const out = data(r)[field];
  expect(out.__typename, JSON.stringify(out)).toBe('ValidationError');
  expect(out.message).toMatch(/idempotency/);
  expect(writes()).toBe(before);
}

const m = (name: string, args: string, input: string) =>
  `mutation($v: ${input}) { ${name}(${args}) { ${MUTATION_RESULT} } }`;

describe('reserved idempotency fields', () => {
  const tag = 'b24gql:0123456789abcdef01234567:0123456789abcdef';
  it('cards: xmlId in create, update and clear is a ValidationError, nothing sent', async () => {
    for (const name of ['xmlId', 'XML_ID']) {
      await refused(
        m('createSpaCard', 'entityTypeId: 128, input: $v', 'CreateSpaCardInput!'),
        { v: { title: 'x', fields: { [name]: tag } } },
        'createSpaCard',
      );
      await refused(
        m('updateSpaCard', 'entityTypeId: 128, id: 1, input: $v', 'SpaCardInput!'),
        { v: { fields: { [name]: tag } } },
        'updateSpaCard',
      );
      await refused(
        m('clearSpaCardFields', 'entityTypeId: 128, id: 1, fields: $v', '[String!]!'),
        { v: [name] },
        'clearSpaCardFields',
      );
    }
  });

  it('contacts, companies and leads: the origin fields in create, update and clear are ValidationErrors', async () => {
    for (const name of ['ORIGIN_ID', 'originatorId', 'ORIGIN_VERSION']) {
      await refused(
        m('createContact', 'input: $v', 'CreateContactInput!'),
        { v: { name: 'x', fields: { [name]: 'k' } } },
        'createContact',
      );
      await refused(
        m('updateContact', 'id: 1, input: $v', 'UpdateContactInput!'),
        { v: { fields: { [name]: 'k' } } },
        'updateContact',
      );
      await refused(m('clearContactFields', 'id: 1, fields: $v', '[String!]!'), { v: [name] }, 'clearContactFields');
    }
    for (const name of ['ORIGIN_ID', 'originatorId']) {
      await refused(
        m('createCompany', 'input: $v', 'CreateCompanyInput!'),
        { v: { title: 'x', fields: { [name]: 'k' } } },
        'createCompany',
      );
      await refused(m('clearCompanyFields', 'id: 1, fields: $v', '[String!]!'), { v: [name] }, 'clearCompanyFields');
      await refused(
        m('createLead', 'input: $v', 'CreateLeadInput!'),
        { v: { title: 'x', fields: { [name]: 'k' } } },
        'createLead',
      );
      await refused(m('clearLeadFields', 'id: 1, fields: $v', '[String!]!'), { v: [name] }, 'clearLeadFields');
    }
  });

  it('deals: the origin fields in create, update and clear are ValidationErrors', async () => {
    for (const name of ['ORIGIN_ID', 'originatorId']) {
      await refused(
        m('createDeal', 'input: $v', 'CreateDealInput!'),
        { v: { title: 'x', fields: { [name]: 'k' } } },
        'createDeal',
      );
      await refused(
        m('updateDeal', 'id: 1, input: $v', 'UpdateDealInput!'),
        { v: { fields: { [name]: 'k' } } },
        'updateDeal',
      );
      await refused(m('clearDealFields', 'id: 1, fields: $v', '[String!]!'), { v: [name] }, 'clearDealFields');
    }
  });
});

describe('reading them stays possible', () => {
  it("a filter on ORIGIN_ID (an external system's id) is a read, not a write", async () => {
    const r = await s.gql(
      '{ contacts(filter: { field: { name: "ORIGIN_ID", value: "L-10" } }) { edges { node { bitrixId } } } }',
    );
    expect(data(r).contacts.edges).toEqual([{ node: { bitrixId: 10 } }]);
  });
});

describe('idempotency keys compare exactly, for every entity', () => {
  const ID = (type: string) => `... on ${type}Success { data { bitrixId } }`;
  it('two keys that differ only in case are two keys', async () => {
    const cases: [string, string, string, (key: string, n: number) => Record<string, unknown>][] = [
      [
        'createContact',
        'CreateContactInput!',
        ID('CreateContact'),
        (key, n) => ({ name: `Case ${n}`, idempotencyKey: key }),
      ],
      [
        'createCompany',
        'CreateCompanyInput!',
        ID('CreateCompany'),
        (key, n) => ({ title: `Case ${n}`, idempotencyKey: key }),
      ],
      ['createLead', 'CreateLeadInput!', ID('CreateLead'), (key, n) => ({ title: `Case ${n}`, idempotencyKey: key })],
      ['createDeal', 'CreateDealInput!', ID('CreateDeal'), (key, n) => ({ title: `Case ${n}`, idempotencyKey: key })],
    ];
    for (const [name, type, success, input] of cases) {
      const ids = [];
      for (const [n, key] of ['Order-77', 'ORDER-77', 'order-77'].entries()) {
        const r = await s.gql(`mutation($v: ${type}) { ${name}(input: $v) { ${MUTATION_RESULT} ${success} } }`, {
          v: input(`${name}-${key}`, n),
        });
        expect(r.body.data[name].__typename, r.text).toMatch(/Success$/);
        ids.push(r.body.data[name].data.bitrixId);
      }
      expect(new Set(ids).size, name).toBe(3);
    }
  });
});
