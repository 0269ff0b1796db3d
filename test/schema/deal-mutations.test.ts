// updateDeal end to end over HTTP (crm.item.update with entityTypeId 2).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { data, startStack, type Stack } from '../helpers/stack.js';
import { all, commands, row } from './crm-truth.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack();
});
afterAll(() => s.close());
beforeEach(() => s.emulator.resetCounters());

const UPDATE = `mutation($id: Int!, $input: UpdateDealInput!) { updateDeal(id: $id, input: $input) {
  __typename ... on Error { message } ... on ValidationError { field } ... on NotFoundError { entity bitrixId }
  ... on UpdateDealSuccess { data { bitrixId title stageId stage { name } opportunity currency company { bitrixId } assignedBy { bitrixId } margin: field(name: "UF_CRM_1721244707107") { value } } }
} }`;

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
