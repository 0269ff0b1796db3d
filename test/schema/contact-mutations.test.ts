// Contact mutations end to end over HTTP against the embedded portal: create (idempotent),
// upsert, update (phones/e-mails set/add/update/remove), clearContactFields, deleteContact,
// addContactAddress, and every refusal (typed errors, nothing sent).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { data, startStack, type Stack } from '../helpers/stack.js';
import { MUTATION_RESULT } from '../helpers/mutations.js';
import { allContacts, call, contactRow } from './contact-truth.js';

let s: Stack;
beforeAll(async () => {
  s = await startStack();
});
afterAll(() => s.close());
beforeEach(() => s.emulator.resetCounters());

const RESULT = MUTATION_RESULT;
const CONTACT =
  'bitrixId name secondName lastName phones { bitrixId value valueType } emails { bitrixId value valueType } type { code } assignedBy { bitrixId } cpf: field(name: "ufCrmCpf") { value }';

const CREATE = `mutation($input: CreateContactInput!) { createContact(input: $input) { ${RESULT} ... on CreateContactSuccess { data { ${CONTACT} } } } }`;
const UPDATE = `mutation($id: Int!, $input: UpdateContactInput!) { updateContact(id: $id, input: $input) { ${RESULT} ... on UpdateContactSuccess { data { ${CONTACT} } } } }`;
const UPSERT = `mutation($input: CreateContactInput!, $matchBy: ContactMatch!) { upsertContact(input: $input, matchBy: $matchBy) { ${RESULT} ... on UpsertContactSuccess { data { created contact { ${CONTACT} } } } } }`;
const CLEAR = `mutation($id: Int!, $fields: [String!]!) { clearContactFields(id: $id, fields: $fields) { ${RESULT} ... on ClearContactFieldsSuccess { data { ${CONTACT} } } } }`;
const DELETE = `mutation($id: Int!) { deleteContact(id: $id) { ${RESULT} ... on DeleteContactSuccess { data { bitrixId } } } }`;
const ADDRESS = `mutation($id: Int!, $input: AddressInput!) { addContactAddress(contactId: $id, input: $input) { ${RESULT} ... on AddContactAddressSuccess { data { typeId address1 city country } } } }`;

const writes = () =>
  Object.entries(s.emulator.counters.commandsByMethod)
    .filter(([m]) => /\.(add|update|delete)$/.test(m))
    .reduce((n, [, c]) => n + c, 0);

async function create(input: Record<string, unknown>) {
  const r = await s.gql(CREATE, { input });
  return data(r).createContact;
}

describe('createContact', () => {
  it('creates a contact with phones, e-mails, type, employee, company and custom fields (either spelling, list value by label)', async () => {
    const r = await create({
      name: 'Maria',
      lastName: 'Teste',
      phones: [{ value: '+55 11 91234-5678', valueType: 'MOBILE' }, { value: '+55 (11) 91234-5678' }],
      emails: [{ value: 'maria@example.test' }],
      typeId: 'PARTNER',
      assignedById: 2,
      companyId: 3,
      fields: { ufCrmCpf: '52998224725', UF_CRM_1720697698689: 'Government' },
    });
    expect(r.__typename).toBe('CreateContactSuccess');
    const c = r.data;
    expect(c).toMatchObject({
      name: 'Maria',
      lastName: 'Teste',
      type: { code: 'PARTNER' },
      assignedBy: { bitrixId: 2 },
      cpf: { value: '52998224725' },
    });
    expect(c.phones.map((p: any) => [p.value, p.valueType])).toEqual([['+55 11 91234-5678', 'MOBILE']]); // duplicate stored once
    const row = contactRow(s, c.bitrixId);
    expect(row.EMAIL.map((e: any) => e.VALUE)).toEqual(['maria@example.test']);
    expect(String(row.UF_CRM_1720697698689)).toBe('203');
    expect(String(row.COMPANY_ID)).toBe('3');
    expect(row.ORIGIN_ID).toBeFalsy(); // no key: nothing stored there
  });

  it('is idempotent with a key: a retry returns the same contact; the same key with another input is a ValidationError', async () => {
    const input = {
      name: 'Idem',
      lastName: 'Potent',
      idempotencyKey: 'order-4711',
      emails: [{ value: 'idem@example.test' }],
    };
    const first = await create(input);
    const before = allContacts(s).length;
    s.emulator.resetCounters();
    const again = await create(input);
    expect(again.data.bitrixId).toBe(first.data.bitrixId);
    expect(allContacts(s).length).toBe(before);
    expect(s.emulator.counters.commandsByMethod['crm.contact.add'] ?? 0).toBe(0);
    expect(s.emulator.counters.byMethod['crm.contact.add'] ?? 0).toBe(0);
    const row = contactRow(s, first.data.bitrixId);
    expect(row).toMatchObject({ ORIGINATOR_ID: 'bitrix24-graphql', ORIGIN_ID: 'order-4711' });
    const other = await create({ ...input, name: 'Other' });
    expect(other).toMatchObject({ __typename: 'ValidationError', field: 'idempotencyKey' });
    // Concurrent retries with one key create one contact.
    const key = { ...input, idempotencyKey: 'order-4712' };
    const results = await Promise.all([create(key), create(key), create(key)]);
    expect(new Set(results.map((x) => x.data.bitrixId)).size).toBe(1);
    expect(allContacts(s).length).toBe(before + 1);
  });

  it('accepts the Idempotency-Key header', async () => {
    const input = { name: 'Header', lastName: 'Key' };
    const a = await s.gql(CREATE, { input }, { 'idempotency-key': 'hdr-1' });
    const b = await s.gql(CREATE, { input }, { 'idempotency-key': 'hdr-1' });
    expect(b.body.data.createContact.data.bitrixId).toBe(a.body.data.createContact.data.bitrixId);
  });

  it('refuses malformed e-mails and phones, unknown or read-only fields, bad list values and missing references before sending anything', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'X', emails: [{ value: 'not-an-email' }] }, 'emails[0].value'],
      [{ name: 'X', emails: [{ value: 'a@b.test' }, { value: 'two@@x.test' }] }, 'emails[1].value'],
      [{ name: 'X', emails: [{ value: 'a@b.test', valueType: 'MOBILE' }] }, 'emails[0].valueType'],
      [{ name: 'X', phones: [{ value: '12' }] }, 'phones[0].value'],
      [{ name: 'X', phones: [{ value: 'call me maybe' }] }, 'phones[0].value'],
      [{ name: 'X', phones: [{ value: '+1 555 123456789012345' }] }, 'phones[0].value'],
      [{ name: 'X', fields: { ufCrmNope: 1 } }, 'ufCrmNope'],
      // An error names the field as the caller spelled it.
      [{ name: 'X', fields: { UF_CRM_1720697698689: 'Martians' } }, 'UF_CRM_1720697698689'],
      [{ name: 'X', fields: { createdTime: '2024-01-01T00:00:00Z' } }, 'createdTime'],
      [{ name: 'X', typeId: 'ALIENS' }, 'typeId'],
      [{ name: 'X', assignedById: 99999 }, 'assignedById'],
      [{ name: 'X', companyId: 99999 }, 'companyId'],
      [{ name: 'X', idempotencyKey: '' }, 'idempotencyKey'],
    ];
    const before = allContacts(s).length;
    for (const [input, field] of cases) {
      const r = await create(input);
      expect(r.__typename, JSON.stringify(input)).toBe('ValidationError');
      expect(r.field, JSON.stringify(input)).toBe(field);
    }
    expect(writes()).toBe(0);
    expect(allContacts(s).length).toBe(before);
  });
});

describe('upsertContact', () => {
  it('creates when nothing matches (storing the matched CPF), updates the single match, refuses several matches', async () => {
    const cpf = '11144477735';
    const r1 = await s.gql(UPSERT, {
      input: { name: 'Up', lastName: 'Sert' },
      matchBy: { field: { name: 'UF_CRM_CPF', value: cpf } },
    });
    expect(r1.body.data.upsertContact.__typename).toBe('UpsertContactSuccess');
    const created = r1.body.data.upsertContact.data;
    expect(created.created).toBe(true);
    expect(created.contact.cpf.value).toBe(cpf);
    const r2 = await s.gql(UPSERT, {
      input: { name: 'Upd', phones: [{ value: '+55 21 99999-0000' }], emails: [{ value: 'up@example.test' }] },
      matchBy: { field: { name: 'ufCrmCpf', value: cpf } },
    });
    const updated = r2.body.data.upsertContact.data;
    expect(updated.created).toBe(false);
    expect(updated.contact).toMatchObject({ bitrixId: created.contact.bitrixId, name: 'Upd', lastName: 'Sert' });
    // A retried upsert adds nothing twice.
    const r3 = await s.gql(UPSERT, {
      input: { phones: [{ value: '+55 21 99999-0000' }] },
      matchBy: { phone: '5521999990000' },
    });
    expect(r3.body.data.upsertContact.data).toMatchObject({
      created: false,
      contact: { bitrixId: created.contact.bitrixId },
    });
    expect(r3.body.data.upsertContact.data.contact.phones).toHaveLength(1);
    // Two contacts share an e-mail: ambiguous, nothing changes.
    await create({ name: 'Twin1', emails: [{ value: 'twin@example.test' }] });
    await create({ name: 'Twin2', emails: [{ value: 'twin@example.test' }] });
    s.emulator.resetCounters();
    const many = await s.gql(UPSERT, { input: { name: 'Nope' }, matchBy: { email: 'TWIN@example.test' } });
    expect(many.body.data.upsertContact).toMatchObject({ __typename: 'ValidationError', field: 'matchBy' });
    expect(writes()).toBe(0);
  });

  it('creates with the matched phone when no contact has it; refuses zero or two ways of matching and an unknown field', async () => {
    const r = await s.gql(UPSERT, { input: { name: 'ByPhone' }, matchBy: { phone: '+55 31 98888-1234' } });
    expect(r.body.data.upsertContact.data.created).toBe(true);
    expect(r.body.data.upsertContact.data.contact.phones.map((p: any) => p.value)).toEqual(['+55 31 98888-1234']);
    for (const [matchBy, field] of [
      [{}, 'matchBy'],
      [{ phone: '+55 31 98888-1234', email: 'a@b.test' }, 'matchBy'],
      [{ field: { name: 'ufCrmNope', value: '1' } }, 'ufCrmNope'],
      [{ email: 'broken' }, 'matchBy.email'],
    ] as const) {
      const bad = await s.gql(UPSERT, { input: { name: 'X' }, matchBy });
      expect(bad.body.data.upsertContact, JSON.stringify(matchBy)).toMatchObject({
        __typename: 'ValidationError',
        field,
      });
    }
  });
});

describe('updateContact', () => {
  it('replaces the whole phone list with set (kept values keep their entry), adds without duplicating, changes and removes single entries', async () => {
    const c = (
      await create({
        name: 'Multi',
        phones: [{ value: '+55 11 90000-0001' }, { value: '+55 11 90000-0002' }],
        emails: [{ value: 'm1@example.test' }],
      })
    ).data;
    const [p1, p2] = c.phones;
    const set = await s.gql(UPDATE, {
      id: c.bitrixId,
      input: { phones: { set: [{ value: '+55 11 90000-0002', valueType: 'MOBILE' }, { value: '+55 11 90000-0003' }] } },
    });
    const afterSet = set.body.data.updateContact.data.phones;
    expect(afterSet.map((p: any) => [p.value, p.valueType])).toEqual([
      ['+55 11 90000-0002', 'MOBILE'],
      ['+55 11 90000-0003', 'WORK'],
    ]);
    expect(afterSet[0].bitrixId).toBe(p2.bitrixId);
    expect(afterSet.some((p: any) => p.bitrixId === p1.bitrixId)).toBe(false);
    const p3 = afterSet[1];
    const ops = await s.gql(UPDATE, {
      id: c.bitrixId,
      input: {
        phones: {
          add: [{ value: '+55 11 90000-0002' }, { value: '+55 11 90000-0004' }],
          update: [{ bitrixId: p3.bitrixId, value: '+55 11 90000-0033' }],
          removeValues: ['+1 000 000 0000'],
        },
        emails: { remove: [c.emails[0].bitrixId], add: [{ value: 'm2@example.test', valueType: 'HOME' }] },
        name: 'Multi2',
      },
    });
    const d = ops.body.data.updateContact.data;
    expect(d.name).toBe('Multi2');
    expect(d.phones.map((p: any) => p.value).sort()).toEqual([
      '+55 11 90000-0002',
      '+55 11 90000-0004',
      '+55 11 90000-0033',
    ]);
    const byValue = await s.gql(UPDATE, { id: c.bitrixId, input: { phones: { removeValues: ['5511900000002'] } } });
    expect(byValue.body.data.updateContact.data.phones.map((p: any) => p.value).sort()).toEqual([
      '+55 11 90000-0004',
      '+55 11 90000-0033',
    ]);
    expect(d.emails.map((e: any) => [e.value, e.valueType])).toEqual([['m2@example.test', 'HOME']]);
    const clear = await s.gql(UPDATE, { id: c.bitrixId, input: { phones: { set: [] } } });
    expect(clear.body.data.updateContact.data.phones).toEqual([]);
  });

  it('10 concurrent adds of the same phone leave one copy (writes to one record run one at a time)', async () => {
    const c = (await create({ name: 'Concurrent' })).data;
    const add = { phones: { add: [{ value: '+55 11 98888-7777' }] } };
    const results = await Promise.all(Array.from({ length: 10 }, () => s.gql(UPDATE, { id: c.bitrixId, input: add })));
    for (const r of results) expect(r.body.data.updateContact.__typename, r.text).toBe('UpdateContactSuccess');
    expect(contactRow(s, c.bitrixId).PHONE.map((p: any) => p.VALUE)).toEqual(['+55 11 98888-7777']);
    const company = await s.gql(
      'mutation { createCompany(input: {title: "Concurrent Co"}) { ... on CreateCompanySuccess { data { bitrixId } } } }',
    );
    const id = company.body.data.createCompany.data.bitrixId;
    const companyAdd = `mutation($id: Int!) { updateCompany(id: $id, input: {emails: {add: [{value: "once@example.test"}]}}) { __typename } }`;
    await Promise.all(Array.from({ length: 10 }, () => s.gql(companyAdd, { id })));
    expect(call(s, 'crm.company.get', { id }).result.EMAIL.map((e: any) => e.VALUE)).toEqual(['once@example.test']);
  });

  it('refuses set mixed with add, an entry id of another contact, malformed values, a missing contact', async () => {
    const other = contactRow(s, 1);
    const c = (await create({ name: 'Guard', phones: [{ value: '+55 11 95555-0001' }] })).data;
    s.emulator.resetCounters();
    const cases: [number, Record<string, unknown>, string, string][] = [
      [c.bitrixId, { phones: { set: [], add: [{ value: '+55 11 95555-0002' }] } }, 'ValidationError', 'phones'],
      [c.bitrixId, { phones: { remove: [Number(other.PHONE[0].ID)] } }, 'ValidationError', 'phones.remove[0]'],
      [
        c.bitrixId,
        { phones: { update: [{ bitrixId: Number(other.PHONE[0].ID), value: '+55 11 95555-0003' }] } },
        'ValidationError',
        'phones.update[0].bitrixId',
      ],
      [c.bitrixId, { emails: { add: [{ value: 'x@' }] } }, 'ValidationError', 'emails.add[0].value'],
      [
        c.bitrixId,
        { phones: { add: [{ value: '+55 11 95555-0009' }], removeValues: ['5511955550009'] } },
        'ValidationError',
        'phones.add[0].value',
      ],
      [c.bitrixId, { phones: { set: [{ value: 'abc' }] } }, 'ValidationError', 'phones.set[0].value'],
      [c.bitrixId, { fields: { UF_CRM_NOPE: 'x' } }, 'ValidationError', 'UF_CRM_NOPE'],
      [c.bitrixId, { typeId: 'NOPE' }, 'ValidationError', 'typeId'],
    ];
    for (const [id, input, type, field] of cases) {
      const r = await s.gql(UPDATE, { id, input });
      expect(r.body.data.updateContact, JSON.stringify(input)).toMatchObject({ __typename: type, field });
    }
    const missing = await s.gql(UPDATE, { id: 987654, input: { name: 'Ghost' } });
    expect(missing.body.data.updateContact).toMatchObject({
      __typename: 'NotFoundError',
      entity: 'Contact',
      bitrixId: 987654,
    });
    expect(writes()).toBe(0);
    expect(contactRow(s, 1).PHONE).toEqual(other.PHONE);
  });
});

describe('clearContactFields', () => {
  it('empties custom, system and multi fields; refuses unknown and read-only names and a missing contact', async () => {
    const c = (
      await create({
        name: 'Clear',
        secondName: 'Me',
        phones: [{ value: '+55 11 97777-0001' }],
        fields: { ufCrmCpf: '39053344705' },
      })
    ).data;
    const r = await s.gql(CLEAR, { id: c.bitrixId, fields: ['ufCrmCpf', 'SECOND_NAME', 'phones'] });
    expect(r.body.data.clearContactFields.data).toMatchObject({ name: 'Clear', secondName: null, phones: [] });
    expect(r.body.data.clearContactFields.data.cpf.value || null).toBeNull(); // Bitrix renders an empty UF as ""
    expect(contactRow(s, c.bitrixId).UF_CRM_CPF || null).toBeNull();
    s.emulator.resetCounters();
    for (const [fields, field] of [
      [['ufCrmNope'], 'ufCrmNope'],
      [['DATE_CREATE'], 'DATE_CREATE'],
      [[], 'fields'],
    ] as const) {
      const bad = await s.gql(CLEAR, { id: c.bitrixId, fields });
      expect(bad.body.data.clearContactFields, JSON.stringify(fields)).toMatchObject({
        __typename: 'ValidationError',
        field,
      });
    }
    expect(writes()).toBe(0);
    const missing = await s.gql(CLEAR, { id: 987654, fields: ['SECOND_NAME'] });
    expect(missing.body.data.clearContactFields.__typename).toBe('NotFoundError');
  });
});

describe('deleteContact', () => {
  it('deletes a contact; a missing one is a NotFoundError', async () => {
    const c = (await create({ name: 'Doomed' })).data;
    const r = await s.gql(DELETE, { id: c.bitrixId });
    expect(r.body.data.deleteContact).toMatchObject({
      __typename: 'DeleteContactSuccess',
      data: { bitrixId: c.bitrixId },
    });
    expect(contactRow(s, c.bitrixId)).toBeNull();
    const again = await s.gql(DELETE, { id: c.bitrixId });
    expect(again.body.data.deleteContact).toMatchObject({ __typename: 'NotFoundError', bitrixId: c.bitrixId });
  });
});

describe('addContactAddress', () => {
  it('adds an address of type 1 by default with no country invented; refuses a second of the same type and a missing contact', async () => {
    const c = (await create({ name: 'Addr' })).data;
    const r = await s.gql(ADDRESS, {
      id: c.bitrixId,
      input: { address1: 'Hauptstraße 1', city: 'Berlin', postalCode: '10115' },
    });
    expect(r.body.data.addContactAddress).toMatchObject({
      __typename: 'AddContactAddressSuccess',
      data: { typeId: 1, address1: 'Hauptstraße 1', city: 'Berlin', country: null },
    });
    // On an address-only requisite of the contact (the documented owner of addresses).
    const requisites = call(s, 'crm.requisite.list', { filter: { ENTITY_TYPE_ID: 3, ENTITY_ID: c.bitrixId } }).result;
    expect(requisites).toMatchObject([{ ADDRESS_ONLY: 'Y', PRESET_ID: '3' }]);
    const truth = call(s, 'crm.address.list', { filter: { ENTITY_TYPE_ID: 8, ENTITY_ID: requisites[0].ID } }).result;
    expect(truth).toHaveLength(1);
    expect(truth[0]).toMatchObject({ COUNTRY: null, ANCHOR_TYPE_ID: '3', ANCHOR_ID: String(c.bitrixId) });
    const q = await s.gql(`{ contact(id: ${c.bitrixId}) { addresses { typeId city } } }`);
    expect(q.body.data.contact.addresses).toEqual([{ typeId: 1, city: 'Berlin' }]);
    const legal = await s.gql(ADDRESS, { id: c.bitrixId, input: { typeId: 6, city: 'Hamburg', country: 'Germany' } });
    expect(legal.body.data.addContactAddress.data).toMatchObject({ typeId: 6, country: 'Germany' });
    // The second address goes on the same requisite.
    expect(call(s, 'crm.requisite.list', { filter: { ENTITY_TYPE_ID: 3, ENTITY_ID: c.bitrixId } }).result).toHaveLength(
      1,
    );
    const dup = await s.gql(ADDRESS, { id: c.bitrixId, input: { city: 'Munich' } });
    expect(dup.body.data.addContactAddress).toMatchObject({ __typename: 'ValidationError', field: 'typeId' });
    const empty = await s.gql(ADDRESS, { id: c.bitrixId, input: { typeId: 4 } });
    expect(empty.body.data.addContactAddress).toMatchObject({ __typename: 'ValidationError', field: 'input' });
    const missing = await s.gql(ADDRESS, { id: 987654, input: { city: 'Nowhere' } });
    expect(missing.body.data.addContactAddress).toMatchObject({ __typename: 'NotFoundError', bitrixId: 987654 });
  });
});

describe('a lost answer to a create', () => {
  it('is recovered through the idempotency key; without a key it is a non-retryable UpstreamError', async () => {
    const before = allContacts(s).length;
    s.emulator.setFaults({ rate: 1, kinds: ['dropAfterCommit'], methods: ['crm.contact.add'] });
    try {
      const keyed = await create({ name: 'Lost', lastName: 'Answer', idempotencyKey: 'lost-1' });
      expect(keyed.__typename).toBe('CreateContactSuccess');
      expect(allContacts(s).length).toBe(before + 1);
      const bare = await create({ name: 'Lost', lastName: 'NoKey' });
      expect(bare).toMatchObject({ __typename: 'UpstreamError', code: 'UPSTREAM_OUTCOME_UNKNOWN', retryable: false });
    } finally {
      s.emulator.setFaults(null);
    }
    const retry = await create({ name: 'Lost', lastName: 'Answer', idempotencyKey: 'lost-1' });
    expect(allContacts(s).length).toBe(before + 2); // the keyed one once, the bare one (committed) once
    expect(retry.data.name).toBe('Lost');
  });
});
