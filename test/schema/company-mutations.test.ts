// createCompany / updateCompany / clearCompanyFields / deleteCompany end to end over HTTP.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { data, startStack, type Stack } from '../helpers/stack.js';
import { MUTATION_RESULT } from '../helpers/mutations.js';
import { all, commands, row } from './crm-truth.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack();
});
afterAll(() => s.close());
beforeEach(() => s.emulator.resetCounters());

const RESULT = MUTATION_RESULT;
const COMPANY =
  'bitrixId title companyType industry assignedBy { bitrixId } phones { bitrixId value valueType } emails { value valueType } cnpj: field(name: "ufCrmCnpj") { value }';

const CREATE = `mutation($input: CreateCompanyInput!) { createCompany(input: $input) { ${RESULT} ... on CreateCompanySuccess { data { ${COMPANY} } } } }`;
const UPDATE = `mutation($id: Int!, $input: UpdateCompanyInput!) { updateCompany(id: $id, input: $input) { ${RESULT} ... on UpdateCompanySuccess { data { ${COMPANY} } } } }`;
const CLEAR = `mutation($id: Int!, $fields: [String!]!) { clearCompanyFields(id: $id, fields: $fields) { ${RESULT} ... on ClearCompanyFieldsSuccess { data { ${COMPANY} comments: field(name: "COMMENTS") { value } } } } }`;
const DELETE = `mutation($id: Int!) { deleteCompany(id: $id) { ${RESULT} ... on DeleteCompanySuccess { data { bitrixId } } } }`;

async function create(input: Record<string, unknown>, headers?: Record<string, string>) {
  const r = await s.gql(CREATE, { input }, headers);
  return data(r).createCompany;
}

describe('createCompany', () => {
  it("creates a company with typed fields, custom fields by either spelling, phones and e-mails (the seed's createCompany)", async () => {
    for (const name of ['ufCrmCnpj', 'UF_CRM_CNPJ']) {
      const out = await create({
        title: `  Acme ${name}  `,
        companyType: 'Supplier',
        industry: 'IT',
        assignedById: 3,
        phones: [{ value: '+55 11 5555-0101', valueType: 'MOBILE' }],
        emails: [{ value: 'sales@acme.test' }],
        fields: { [name]: '12345678000199' },
      });
      expect(out.__typename).toBe('CreateCompanySuccess');
      const c = out.data;
      expect(c).toMatchObject({
        title: `Acme ${name}`,
        companyType: 'SUPPLIER',
        industry: 'IT',
        assignedBy: { bitrixId: 3 },
        cnpj: { value: '12345678000199' },
      });
      expect(c.phones).toMatchObject([{ value: '+55 11 5555-0101', valueType: 'MOBILE' }]);
      expect(c.emails).toEqual([{ value: 'sales@acme.test', valueType: 'WORK' }]);
      const truth = row(s, 'crm.company', c.bitrixId);
      expect(truth).toMatchObject({
        TITLE: `Acme ${name}`,
        COMPANY_TYPE: 'SUPPLIER',
        UF_CRM_CNPJ: '12345678000199',
        ASSIGNED_BY_ID: '3',
      });
    }
  });

  it('refuses unknown fields, bad values and bad references with a ValidationError naming them, and sends nothing', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ title: 'X', fields: { ufCrmNope: 1 } }, 'ufCrmNope'],
      [{ title: 'X', fields: { UF_CRM_NOPE: 1 } }, 'UF_CRM_NOPE'],
      [{ title: 'X', fields: { id: 5 } }, 'id'],
      [{ title: 'X', fields: { ORIGIN_ID: 'x' } }, 'ORIGIN_ID'],
      [{ title: 'X', companyType: 'MARTIAN' }, 'companyType'],
      [{ title: 'X', assignedById: 9999 }, 'assignedById'],
      [{ title: '   ' }, 'title'],
      [{ title: 'X', emails: [{ value: 'not-an-email' }] }, 'emails[0].value'],
      [{ title: 'X', phones: [{ value: 'call me' }] }, 'phones[0].value'],
      [{ title: 'X', emails: [{ value: 'a@b.test', valueType: 'MOBILE' }] }, 'emails[0].valueType'],
    ];
    for (const [input, field] of cases) {
      const out = await create(input);
      expect(out.__typename, JSON.stringify(input)).toBe('ValidationError');
      expect(out.field).toBe(field);
    }
    expect(commands(s, 'crm.company.add')).toBe(0);
  });

  it('is idempotent with a key: a replay returns the first company, another input with the key is refused', async () => {
    const input = { title: 'Idem Ltda', phones: [{ value: '+55 11 4444-0000' }], idempotencyKey: 'order-981' };
    const first = await create(input);
    const again = await create(input);
    expect(again.__typename).toBe('CreateCompanySuccess');
    expect(again.data.bitrixId).toBe(first.data.bitrixId);
    expect(commands(s, 'crm.company.add')).toBe(1);
    const truth = row(s, 'crm.company', first.data.bitrixId);
    expect(truth).toMatchObject({ ORIGIN_ID: 'order-981', ORIGINATOR_ID: 'bitrix24-graphql' });

    const other = await create({ ...input, title: 'Other Ltda' });
    expect(other).toMatchObject({ __typename: 'ValidationError', field: 'idempotencyKey' });
    // Keys are exact: another case is another key.
    const upper = await create({ ...input, idempotencyKey: 'ORDER-981' });
    expect(upper.data.bitrixId).not.toBe(first.data.bitrixId);
    expect(commands(s, 'crm.company.add')).toBe(2);
  });

  it('a lost answer is found through the key in the same call (one company); without a key it is UPSTREAM_OUTCOME_UNKNOWN', async () => {
    s.emulator.setFaults({ rate: 1, kinds: ['dropAfterCommit'], methods: ['crm.company.add'] });
    const recovered = await create({ title: 'Lost Answer SA', idempotencyKey: 'lost-1' });
    const bare = await create({ title: 'Lost Answer Bare' });
    s.emulator.setFaults(null);
    expect(recovered.__typename).toBe('CreateCompanySuccess');
    expect(all(s, 'crm.company', { TITLE: 'Lost Answer SA' }).map((c) => Number(c.ID))).toEqual([
      recovered.data.bitrixId,
    ]);
    expect(bare).toMatchObject({ __typename: 'UpstreamError', code: 'UPSTREAM_OUTCOME_UNKNOWN', retryable: false });
    expect(all(s, 'crm.company', { TITLE: 'Lost Answer Bare' })).toHaveLength(1); // it did run
    const retry = await create({ title: 'Lost Answer SA', idempotencyKey: 'lost-1' });
    expect(retry.data.bitrixId).toBe(recovered.data.bitrixId);
  });

  it('takes the key from the Idempotency-Key header, also under concurrent retries', async () => {
    const input = { title: 'Header Co' };
    const outs = await Promise.all([1, 2, 3].map(() => create(input, { 'idempotency-key': 'hdr-1' })));
    expect(new Set(outs.map((o) => o.data.bitrixId)).size).toBe(1);
    expect(all(s, 'crm.company', { TITLE: 'Header Co' })).toHaveLength(1);
  });

  it('a missing title is a GraphQL validation error (TITLE is always sent)', async () => {
    const r = await s.gql(CREATE, { input: { companyType: 'CUSTOMER' } });
    expect(r.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('updateCompany', () => {
  it("changes fields, replaces / adds / removes phones and e-mails (the seed's updateCompanyFields)", async () => {
    const made = (
      await create({
        title: 'Upd',
        phones: [{ value: '+55 11 1111-1111' }, { value: '+55 11 2222-2222' }],
        emails: [{ value: 'a@upd.test' }],
      })
    ).data;
    const id = made.bitrixId;
    const keep = made.phones[0];
    const r = await s.gql(UPDATE, {
      id,
      input: {
        title: 'Upd 2',
        companyType: 'PARTNER',
        fields: { UF_CRM_CNPJ: '99' },
        phones: {
          set: [
            { value: keep.value, valueType: keep.valueType },
            { value: '+55 11 3333-3333', valueType: 'FAX' },
          ],
        },
        emails: { add: [{ value: 'b@upd.test', valueType: 'HOME' }], removeValues: ['A@UPD.TEST'] },
      },
    });
    const c = data(r).updateCompany.data;
    expect(c).toMatchObject({ title: 'Upd 2', companyType: 'PARTNER', cnpj: { value: '99' } });
    expect(c.phones.map((p: any) => [p.value, p.valueType])).toEqual([
      [keep.value, keep.valueType],
      ['+55 11 3333-3333', 'FAX'],
    ]);
    expect(c.phones[0].bitrixId).toBe(keep.bitrixId);
    expect(c.emails).toEqual([{ value: 'b@upd.test', valueType: 'HOME' }]);
    expect(row(s, 'crm.company', id).TITLE).toBe('Upd 2');
  });

  it('a missing company is a NotFoundError; bad input a ValidationError; nothing is sent', async () => {
    const missing = await s.gql(UPDATE, { id: 987654, input: { title: 'x' } });
    expect(missing.body.data.updateCompany).toMatchObject({
      __typename: 'NotFoundError',
      entity: 'Company',
      bitrixId: 987654,
    });
    const bad = await s.gql(UPDATE, { id: 1, input: { fields: { ufCrmMissing: 'x' } } });
    expect(bad.body.data.updateCompany).toMatchObject({ __typename: 'ValidationError', field: 'ufCrmMissing' });
    const badPhone = await s.gql(UPDATE, { id: 1, input: { phones: { remove: [123456] } } });
    expect(badPhone.body.data.updateCompany).toMatchObject({
      __typename: 'ValidationError',
      field: 'phones.remove[0]',
    });
    expect(commands(s, 'crm.company.update')).toBe(0);
  });
});

describe('clearCompanyFields', () => {
  it("empties custom and system fields and every phone (the seed's clearCompanyFields)", async () => {
    const id = (
      await create({
        title: 'Clear',
        comments: 'note',
        phones: [{ value: '+55 11 7777-7777' }],
        fields: { ufCrmCnpj: '42' },
      })
    ).data.bitrixId;
    const r = await s.gql(CLEAR, { id, fields: ['UF_CRM_CNPJ', 'comments', 'phones'] });
    expect(data(r).clearCompanyFields.data).toMatchObject({
      title: 'Clear',
      cnpj: { value: null },
      comments: { value: null },
      phones: [],
    });
    expect(row(s, 'crm.company', id)).toMatchObject({ UF_CRM_CNPJ: '', COMMENTS: null });
  });

  it('refuses unknown, read-only and required fields, and a missing company', async () => {
    for (const [name, field] of [
      ['ufCrmNothing', 'ufCrmNothing'],
      ['DATE_CREATE', 'DATE_CREATE'],
      ['title', 'title'],
    ]) {
      const r = await s.gql(CLEAR, { id: 1, fields: [name] });
      expect(r.body.data.clearCompanyFields).toMatchObject({ __typename: 'ValidationError', field });
    }
    const empty = await s.gql(CLEAR, { id: 1, fields: [] });
    expect(empty.body.data.clearCompanyFields).toMatchObject({ __typename: 'ValidationError', field: 'fields' });
    const missing = await s.gql(CLEAR, { id: 424242, fields: ['comments'] });
    expect(missing.body.data.clearCompanyFields).toMatchObject({ __typename: 'NotFoundError', bitrixId: 424242 });
    expect(commands(s, 'crm.company.update')).toBe(0);
  });
});

describe('deleteCompany', () => {
  it('deletes a company; deleting it again is a NotFoundError', async () => {
    const id = (await create({ title: 'Doomed' })).data.bitrixId;
    const r = await s.gql(DELETE, { id });
    expect(r.body.data.deleteCompany).toEqual({ __typename: 'DeleteCompanySuccess', data: { bitrixId: id } });
    expect(row(s, 'crm.company', id)).toBeNull();
    const again = await s.gql(DELETE, { id });
    expect(again.body.data.deleteCompany).toMatchObject({ __typename: 'NotFoundError', entity: 'Company' });
  });
});
