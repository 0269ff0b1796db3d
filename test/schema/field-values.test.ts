// Issue 11.2/11.3: custom field values read and filter the same way on every entity. Unset is null
// (never ""), yes/no is true/false (never "1"/"0" or "Y"/"N"), and a yes/no filter takes
// true/false (the portal matches custom booleans only by 1/0).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '@bitrix24-graphql/demo-portal';
import { data, startStack, type Stack } from '../helpers/stack.js';
import { all, call } from './crm-truth.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack();
});
afterAll(() => s.close());

const VIP = DEMO.uf.onboarding.vip;
const NEWS = DEMO.uf.contact.newsletter;

async function cardIds(value: string): Promise<number[]> {
  const r = await s.gql(
    `query($v: String!) { spaCards(entityTypeId: 128, first: 500, filter: { field: { name: "${VIP.camel}", value: $v } }) { totalCount edges { node { bitrixId } } } }`,
    { v: value },
  );
  expect(data(r).spaCards.totalCount).toBe(r.body.data.spaCards.edges.length);
  return r.body.data.spaCards.edges.map((e: any) => e.node.bitrixId);
}

async function contactIds(value: string): Promise<number[]> {
  const r = await s.gql(
    `query($v: String!) { contacts(first: 500, filter: { field: { name: "${NEWS.upper}", value: $v } }) { edges { node { bitrixId } } } }`,
    { v: value },
  );
  return data(r).contacts.edges.map((e: any) => e.node.bitrixId);
}

const itemTruth = (vip: 0 | 1) =>
  call(s, 'crm.item.list', {
    entityTypeId: 128,
    select: ['id'],
    filter: { [VIP.camel]: vip },
    order: { id: 'ASC' },
    start: -1,
  }).result.items.map((i: any) => i.id);

describe('a yes/no filter', () => {
  it('on cards: true/false (and 1/0, Y/N) match the cards that are yes / no', async () => {
    const yes = await cardIds('true');
    const no = await cardIds('false');
    expect(yes.length).toBeGreaterThan(0);
    expect(no.length).toBeGreaterThan(0);
    expect(yes.slice(0, 50)).toEqual(itemTruth(1).slice(0, 50));
    expect(no.slice(0, 50)).toEqual(itemTruth(0).slice(0, 50));
    for (const same of ['1', 'Y', 'yes']) expect(await cardIds(same)).toEqual(yes);
    for (const same of ['0', 'N', 'no']) expect(await cardIds(same)).toEqual(no);
  });

  it('on contacts (old-style list) the same', async () => {
    const truth = all(s, 'crm.contact', {}, ['ID', NEWS.upper]);
    expect(await contactIds('true')).toEqual(truth.filter((c) => c[NEWS.upper] === '1').map((c) => Number(c.ID)));
    expect(await contactIds('false')).toEqual(truth.filter((c) => c[NEWS.upper] === '0').map((c) => Number(c.ID)));
  });

  it('anything else is BAD_USER_INPUT naming the field', async () => {
    const r = await s.gql(
      `{ spaCards(entityTypeId: 128, filter: { field: { name: "${VIP.camel}", value: "maybe" } }) { totalCount } }`,
    );
    expect(r.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: VIP.camel });
  });
});

describe('custom field values read the same on every entity', () => {
  const value = async (query: string, name: string) => {
    const r = await s.gql(query);
    const record = Object.values(data(r))[0] as { customFields: { upperName: string; value: unknown }[] };
    return record.customFields.find((f) => f.upperName === name)?.value;
  };

  it('unset is null on contacts, companies, deals and cards (never "")', async () => {
    const contact = all(s, 'crm.contact', {}, ['ID', NEWS.upper]).find((c) => c[NEWS.upper] === '');
    expect(await value(`{ contact(id: ${contact.ID}) { customFields { upperName value } } }`, NEWS.upper)).toBeNull();
    const company = call(s, 'crm.company.add', { fields: { TITLE: 'No CNPJ' } }).result;
    expect(await value(`{ company(id: ${company}) { customFields { upperName value } } }`, 'UF_CRM_CNPJ')).toBeNull();
    const deal = call(s, 'crm.item.add', { entityTypeId: 2, fields: { title: 'No margin' } }).result.item.id;
    expect(
      await value(`{ deal(id: ${deal}) { customFields { upperName value } } }`, 'UF_CRM_1721244707107'),
    ).toBeNull();
    const card = call(s, 'crm.item.list', {
      entityTypeId: 128,
      select: ['id', DEMO.uf.onboarding.priority.camel],
      filter: { [DEMO.uf.onboarding.priority.camel]: '' },
      start: -1,
    }).result.items[0];
    expect(
      await value(
        `{ spaCard(entityTypeId: 128, id: ${card.id}) { customFields { upperName value } } }`,
        DEMO.uf.onboarding.priority.upper,
      ),
    ).toBeNull();
  });

  it('yes/no is true/false on contacts ("1"/"0" upstream) and on cards ("Y"/"N" upstream)', async () => {
    expect(await value('{ contact(id: 3) { customFields { upperName value } } }', NEWS.upper)).toBe(true);
    expect(await value('{ contact(id: 4) { customFields { upperName value } } }', NEWS.upper)).toBe(false);
    const [yes] = itemTruth(1);
    const [no] = itemTruth(0);
    expect(
      await value(`{ spaCard(entityTypeId: 128, id: ${yes}) { customFields { upperName value } } }`, VIP.upper),
    ).toBe(true);
    expect(
      await value(`{ spaCard(entityTypeId: 128, id: ${no}) { customFields { upperName value } } }`, VIP.upper),
    ).toBe(false);
  });
});
