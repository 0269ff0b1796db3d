// Contact queries end to end over HTTP against the embedded portal: contact, contacts (paging,
// filters, injection attempts, totalCount, exact upstream request counts), findContacts,
// contactTypes, contactFields/contactField, addresses and custom fields.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO } from '@bitrix24-graphql/demo-portal';
import { data, startStack, type Stack } from '../helpers/stack.js';
import { allContacts, call, contactRow, ids } from './contact-truth.js';

let s: Stack;
beforeAll(async () => {
  // Upstream request counts here are those of the portal path (batching, chains); the read
  // cache that spares them has its own tests (test/read-cache.test.ts).
  s = await startStack({ gateway: { cache: false } });
});
afterAll(() => s.close());
beforeEach(() => s.emulator.resetCounters());

const PAGE = `query($first: Int, $after: String, $filter: ContactFilter) {
  contacts(first: $first, after: $after, filter: $filter) {
    edges { cursor node { bitrixId name lastName } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;
const pageIds = (r: any) => r.body.data.contacts.edges.map((e: any) => e.node.bitrixId);

describe('contact', () => {
  it('reads one contact with phones, e-mails, type, employee, addresses, dates and custom fields', async () => {
    const row = contactRow(s, 5);
    const r = await s.gql(`{ contact(id: 5) {
      id bitrixId name secondName lastName fullName
      phones { bitrixId value valueType } emails { bitrixId value valueType }
      type { code name sort } assignedBy { bitrixId fullName }
      addresses { typeId address1 city country }
      createdAt updatedAt
      customFields { name upperName title type value display }
      cpf: field(name: "ufCrmCpf") { value display } cpfUpper: field(name: "UF_CRM_CPF") { name value }
    } }`);
    const c = data(r).contact;
    expect(c.bitrixId).toBe(5);
    expect(c.name).toBe(row.NAME);
    expect(c.secondName).toBeNull(); // '' on the wire is null here
    expect(c.fullName).toBe(`${row.NAME} ${row.LAST_NAME}`);
    expect(c.phones).toEqual(
      row.PHONE.map((p: any) => ({ bitrixId: Number(p.ID), value: p.VALUE, valueType: p.VALUE_TYPE })),
    );
    expect(c.emails.map((e: any) => e.value)).toEqual((row.EMAIL ?? []).map((e: any) => e.VALUE));
    expect(c.type.code).toBe(row.TYPE_ID);
    expect(c.assignedBy.bitrixId).toBe(Number(row.ASSIGNED_BY_ID));
    // Address of contact 5 (ENTITY_TYPE_ID 3) — never the address of company 5.
    // Contact 5's address hangs on its requisite (ENTITY_TYPE_ID 8), as on a current portal.
    const [requisite] = call(s, 'crm.requisite.list', { filter: { ENTITY_TYPE_ID: 3, ENTITY_ID: 5 } }).result;
    const truth = call(s, 'crm.address.list', { filter: { ENTITY_TYPE_ID: 8, ENTITY_ID: requisite.ID } }).result;
    expect(truth.length).toBeGreaterThan(0);
    expect(c.addresses).toHaveLength(truth.length);
    expect(c.addresses[0]).toMatchObject({ typeId: 1, city: truth[0].CITY, country: truth[0].COUNTRY });
    expect(Date.parse(c.createdAt)).toBe(Date.parse(row.DATE_CREATE));
    expect(c.cpf.value).toBe(row[DEMO.cpfField]);
    expect(c.cpfUpper).toEqual({ name: 'ufCrmCpf', value: row[DEMO.cpfField] });
    const segment = c.customFields.find((f: any) => f.upperName === DEMO.uf.contact.segment.upper);
    const raw = row[DEMO.uf.contact.segment.upper];
    expect(segment.display).toBe(raw ? DEMO.segmentItems[String(raw)] : null);
    expect(c.customFields.map((f: any) => f.upperName)).toEqual(expect.arrayContaining([DEMO.cpfField]));
  });

  it('is null for a missing id, and an unknown field name is BAD_USER_INPUT naming it', async () => {
    const r = await s.gql('{ missing: contact(id: 999999) { id } }');
    expect(data(r).missing).toBeNull();
    const bad = await s.gql('{ contact(id: 1) { field(name: "ufCrmNoSuchThing") { value } } }');
    expect(bad.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(bad.body.errors[0].message).toContain('ufCrmNoSuchThing');
  });

  it('is reachable through node(id) with its global id', async () => {
    const r = await s.gql('{ contact(id: 7) { id } }');
    const n = await s.gql('query($id: ID!) { node(id: $id) { ... on Contact { bitrixId } } }', {
      id: r.body.data.contact.id,
    });
    expect(n.body.data.node.bitrixId).toBe(7);
  });
});

describe('contacts', () => {
  it('returns 120 rows in ONE upstream HTTP request, with exact pageInfo', async () => {
    const all = ids(allContacts(s));
    expect(all.length).toBeGreaterThanOrEqual(120);
    s.emulator.resetCounters();
    const r = await s.gql(PAGE, { first: 120 });
    expect(s.emulator.counters.httpRequests).toBe(1);
    expect(pageIds(r)).toEqual(all.slice(0, 120));
    expect(data(r).contacts.pageInfo).toMatchObject({ hasNextPage: all.length > 120, hasPreviousPage: false });
  });

  it('pages across more than 50 rows with cursors, and counts with totalCount', async () => {
    const all = ids(allContacts(s));
    const p1 = await s.gql(PAGE, { first: 55 });
    expect(pageIds(p1)).toEqual(all.slice(0, 55));
    expect(p1.body.data.contacts.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const p2 = await s.gql(PAGE, { first: 55, after: p1.body.data.contacts.pageInfo.endCursor });
    expect(pageIds(p2)).toEqual(all.slice(55, 110));
    expect(p2.body.data.contacts.pageInfo.hasNextPage).toBe(true);
    const p3 = await s.gql(PAGE, { first: 55, after: p2.body.data.contacts.pageInfo.endCursor });
    expect(pageIds(p3)).toEqual(all.slice(110));
    expect(p3.body.data.contacts.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(p3.body.data.contacts.pageInfo.endCursor).toBe(p3.body.data.contacts.edges.at(-1).cursor);
    const count = await s.gql('{ contacts(first: 1) { totalCount } }');
    expect(count.body.data.contacts.totalCount).toBe(all.length);
  });

  it('loads the employees of a 50-row page in one more request (2 in all)', async () => {
    const r = await s.gql('{ contacts(first: 50) { edges { node { bitrixId assignedBy { fullName } } } } }');
    expect(data(r).contacts.edges).toHaveLength(50);
    for (const e of r.body.data.contacts.edges) expect(e.node.assignedBy.fullName).toMatch(/\S/);
    expect(s.emulator.counters.httpRequests).toBe(2);
  });

  it('does not ask for a COUNT unless totalCount is selected', async () => {
    await s.gql(PAGE, { first: 10 });
    expect(s.emulator.counters.commandsByMethod['crm.contact.list']).toBe(1);
  });

  it('filters by type, employee, company, phone, e-mail and a custom field (either spelling)', async () => {
    const truth = allContacts(s);
    const byType = await s.gql(PAGE, { first: 200, filter: { typeId: 'PARTNER' } });
    expect(pageIds(byType)).toEqual(ids(truth.filter((c) => c.TYPE_ID === 'PARTNER')));
    const assignee = Number(truth[0].ASSIGNED_BY_ID);
    const byEmployee = await s.gql(PAGE, { first: 200, filter: { assignedById: assignee } });
    expect(pageIds(byEmployee)).toEqual(ids(truth.filter((c) => Number(c.ASSIGNED_BY_ID) === assignee)));
    // A company is any of the contact's companies, not only its primary one (COMPANY_ID).
    const companiesOf = (c: any): number[] =>
      call(s, 'crm.item.get', { entityTypeId: 3, id: c.ID }).result.item.companyIds;
    const shared = truth.find((c) => companiesOf(c).length > 1);
    const second = companiesOf(shared)[1];
    const byCompany = await s.gql(PAGE, { first: 200, filter: { companyId: second } });
    expect(pageIds(byCompany)).toContain(Number(shared.ID));
    expect(pageIds(byCompany)).toEqual(ids(truth.filter((c) => companiesOf(c).includes(second))));
    expect(pageIds(await s.gql(PAGE, { filter: { companyId: 999_999 } }))).toEqual([]);
    const target = truth.find((c) => c.PHONE?.length && c.EMAIL?.length);
    const byPhone = await s.gql(PAGE, { filter: { phone: target.PHONE[0].VALUE } });
    expect(pageIds(byPhone)).toEqual([Number(target.ID)]);
    const byEmail = await s.gql(PAGE, { filter: { email: target.EMAIL[0].VALUE } });
    expect(pageIds(byEmail)).toEqual([Number(target.ID)]);
    for (const name of ['ufCrmCpf', 'UF_CRM_CPF']) {
      const byCpf = await s.gql(PAGE, { filter: { field: { name, value: target[DEMO.cpfField] } } });
      expect(pageIds(byCpf)).toEqual([Number(target.ID)]);
    }
    // A list field by label.
    const bySegment = await s.gql(PAGE, {
      first: 200,
      filter: { field: { name: DEMO.uf.contact.segment.camel, value: 'Retail' } },
    });
    expect(pageIds(bySegment)).toEqual(ids(truth.filter((c) => String(c[DEMO.uf.contact.segment.upper]) === '201')));
  });

  it('searches first and last names (union, in id order, exact pages and count)', async () => {
    const truth = allContacts(s);
    const needle = 'ar';
    const expected = ids(
      truth.filter(
        (c) => `${c.NAME}`.toLowerCase().includes(needle) || `${c.LAST_NAME}`.toLowerCase().includes(needle),
      ),
    );
    expect(expected.length).toBeGreaterThan(10);
    const p1 = await s.gql(PAGE, { first: 10, filter: { search: needle } });
    expect(pageIds(p1)).toEqual(expected.slice(0, 10));
    expect(p1.body.data.contacts.pageInfo.hasNextPage).toBe(true);
    const rest = await s.gql(PAGE, {
      first: 500,
      after: p1.body.data.contacts.pageInfo.endCursor,
      filter: { search: needle },
    });
    expect(pageIds(rest)).toEqual(expected.slice(10));
    expect(rest.body.data.contacts.pageInfo.hasNextPage).toBe(false);
    const count = await s.gql('query($f: ContactFilter) { contacts(first: 0, filter: $f) { totalCount } }', {
      f: { search: needle },
    });
    expect(count.body.data.contacts.totalCount).toBe(expected.length);
  });

  it('takes search text literally: operators in it never reach a filter key', async () => {
    for (const search of ['>0', '!x', '%', '=Ana', '>=ID', '%a%', "'; DROP"]) {
      const r = await s.gql(PAGE, { first: 200, filter: { search } });
      data(r);
      expect(pageIds(r)).toEqual([]);
    }
  });

  it('refuses an unknown custom field, a cursor of another filter, a garbage cursor, negative or huge first', async () => {
    const unknown = await s.gql(PAGE, { filter: { field: { name: 'UF_CRM_NOPE', value: '1' } } });
    expect(unknown.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(unknown.body.errors[0].message).toContain('UF_CRM_NOPE');
    const p1 = await s.gql(PAGE, { first: 2 });
    s.emulator.resetCounters();
    const other = await s.gql(PAGE, {
      first: 2,
      after: p1.body.data.contacts.pageInfo.endCursor,
      filter: { typeId: 'CLIENT' },
    });
    expect(other.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const garbage = await s.gql(PAGE, { after: 'not-a-cursor' });
    expect(garbage.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    for (const first of [-1, 2_501, 1_000_000]) {
      const r = await s.gql(PAGE, { first });
      expect(r.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    }
    expect(s.emulator.counters.commandsByMethod['crm.contact.list'] ?? 0).toBe(0);
  });
});

describe('findContacts', () => {
  it('finds by phone (formatting ignored) and by e-mail: findbycomm, then one request for the contacts (exact counts)', async () => {
    const truth = allContacts(s);
    const target = truth.find((c) => c.PHONE?.length && c.EMAIL?.length);
    const digits = String(target.PHONE[0].VALUE).replace(/\D/g, '');
    s.emulator.resetCounters();
    const r = await s.gql(
      'query($p: String) { findContacts(phone: $p) { bitrixId phones { value } assignedBy { bitrixId } } }',
      { p: `+${digits}` },
    );
    expect(data(r).findContacts.map((c: any) => c.bitrixId)).toEqual([Number(target.ID)]);
    // findbycomm, then one batch for the contacts and their employees... the employee needs the
    // contact first, so: findbycomm (1), contacts (2), employees (3).
    expect(s.emulator.counters.httpRequests).toBe(3);
    s.emulator.resetCounters();
    const e = await s.gql('query($e: String) { findContacts(email: $e) { bitrixId } }', {
      e: target.EMAIL[0].VALUE.toUpperCase(),
    });
    expect(e.body.data.findContacts.map((c: any) => c.bitrixId)).toEqual([Number(target.ID)]);
    expect(s.emulator.counters.httpRequests).toBe(2);
  });

  it('returns [] when nothing matches, and refuses a call without phone and e-mail', async () => {
    const none = await s.gql('{ findContacts(email: "nobody@nowhere.test") { bitrixId } }');
    expect(data(none).findContacts).toEqual([]);
    const bad = await s.gql('{ findContacts { bitrixId } }');
    expect(bad.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    for (const [q, field] of [
      ['phone: "call me"', 'phone'],
      ['email: "nobody"', 'email'],
    ]) {
      const malformed = await s.gql(`{ findContacts(${q}) { bitrixId } }`);
      expect(malformed.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(s.emulator.counters.commandsByMethod['crm.duplicate.findbycomm']).toBe(1);
  });
});

describe('contact metadata', () => {
  it("lists the contact types (the seed's getTypeId)", async () => {
    const r = await s.gql('{ contactTypes { code name sort } }');
    const truth = call(s, 'crm.status.list', { filter: { ENTITY_ID: 'CONTACT_TYPE' } }).result;
    expect(r.body.data.contactTypes.map((t: any) => t.code)).toEqual(truth.map((t: any) => t.STATUS_ID));
    expect(r.body.data.contactTypes.map((t: any) => t.code)).toEqual(expect.arrayContaining([...DEMO.contactTypes]));
  });

  it('describes contact fields with list values (getContactFields / getSpecificContactField)', async () => {
    const r = await s.gql(
      '{ contactFields { name upperName title type custom options { itemId label } } seg: contactField(name: "UF_CRM_1720697698689") { name title options { itemId label } } }',
    );
    expect(data(r).contactFields.find((f: any) => f.upperName === 'UF_CRM_CPF')).toMatchObject({
      name: 'ufCrmCpf',
      title: 'CPF',
      custom: true,
    });
    expect(r.body.data.seg.options).toEqual(
      Object.entries(DEMO.segmentItems).map(([itemId, label]) => ({ itemId, label })),
    );
    const bad = await s.gql('{ contactField(name: "nope") { name } }');
    expect(bad.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(bad.body.errors[0].message).toContain('nope');
  });
});

describe('upstream failures', () => {
  it('are errors with a code, never nulls or empty lists', async () => {
    const f = await startStack({ maxAttempts: 1 });
    f.emulator.setFaults({ rate: 1, kinds: ['http500'] });
    try {
      for (const [field, query] of [
        ['contact', '{ contact(id: 3) { bitrixId } }'],
        ['contacts', '{ contacts(first: 5) { edges { node { bitrixId } } } }'],
        ['findContacts', '{ findContacts(email: "a@b.test") { bitrixId } }'],
      ]) {
        const r = await f.gql(query);
        expect(r.body.errors.length, query).toBeGreaterThan(0);
        for (const e of r.body.errors) expect(e.extensions.code, query).toMatch(/^UPSTREAM_/);
        // Root fields are nullable: the failed one is null with its error, never an empty list.
        expect(r.body.data, query).toEqual({ [field]: null });
      }
    } finally {
      await f.close();
    }
  });
});
