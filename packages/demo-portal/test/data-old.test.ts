// Old-style CRM methods (crm.contact/company/lead/deal.*) through the method table: typing
// quirks (§2.6), errors (§2.5), multi-fields (§6.3), filters/paging (§5, §6.4).
import { beforeEach, describe, expect, it } from 'vitest';
import type { PortalState } from '../src/types.js';
import { DEMO } from '../src/state.js';
import { call, fail, makeState } from './data-fixture.js';

let s: PortalState;
beforeEach(() => {
  s = makeState();
});

const ids = (rows: { ID: string }[]) => rows.map((r) => Number(r.ID));

describe('crm.contact.get / typing quirks', () => {
  it('renders ids as strings, Y/N flags, ISO datetimes with the offset, empty dates as ""', () => {
    const c = call(s, 'crm.contact.get', { id: '3' }).result;
    expect(c.ID).toBe('3');
    expect(typeof c.ASSIGNED_BY_ID).toBe('string');
    expect(c.OPENED).toMatch(/^[YN]$/);
    expect(c.HAS_PHONE).toBe('Y');
    expect(c.DATE_CREATE).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+03:00$/);
    expect(c.LEAD_ID).toBeNull();
    expect(c.PHONE[0]).toEqual({
      ID: expect.stringMatching(/^\d+$/),
      VALUE_TYPE: 'MOBILE',
      VALUE: expect.any(String),
      TYPE_ID: 'PHONE',
    });
    expect(c).not.toHaveProperty('COMPANY_IDS');
    expect(c.UF_CRM_CPF).toMatch(/^\d{11}$/);
    const rows = call(s, 'crm.contact.list', { filter: { BIRTHDATE: '' }, select: ['ID', 'BIRTHDATE'] }).result;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0].BIRTHDATE).toBe('');
  });

  it('accepts ID/id and FIELDS/fields; omits empty multi-fields', () => {
    const noPhone = call(s, 'crm.contact.get', { ID: 10 }).result;
    expect(noPhone).not.toHaveProperty('PHONE');
    expect(noPhone.HAS_PHONE).toBe('N');
    const id = call(s, 'crm.contact.add', { FIELDS: { NAME: 'Upper' } }).result;
    expect(call(s, 'crm.contact.get', { ID: String(id) }).result.NAME).toBe('Upper');
  });

  it('errors: missing → "Not found", bad id → "ID is not defined or invalid."', () => {
    let e = fail(s, 'crm.contact.get', { id: 999999 });
    expect([e.code, e.description, e.status]).toEqual(['', 'Not found', 400]);
    e = fail(s, 'crm.contact.get', { id: 'abc' });
    expect([e.code, e.description]).toEqual(['', 'ID is not defined or invalid.']);
    e = fail(s, 'crm.contact.get', {});
    expect(e.description).toBe('ID is not defined or invalid.');
    expect(fail(s, 'crm.deal.get', { id: '999999' }).description).toBe('Not found');
    expect(fail(s, 'crm.lead.get', { id: '999999' }).description).toBe('Not found');
  });

  it('update/delete of missing records', () => {
    expect(fail(s, 'crm.contact.update', { id: 999999, fields: { NAME: 'x' } }).description).toBe(
      'Contact is not found',
    );
    expect(fail(s, 'crm.company.update', { id: 999999, fields: { TITLE: 'x' } }).description).toBe(
      'Company is not found',
    );
    expect(fail(s, 'crm.lead.update', { id: 999999, fields: { TITLE: 'x' } }).description).toBe('Lead is not found');
    const e = fail(s, 'crm.contact.delete', { id: 999999 });
    expect([e.code, e.description]).toEqual(['ERROR_CORE', 'Element not found']);
    expect(fail(s, 'crm.contact.update', { id: 3, fields: 'nope' }).description).toBe(
      "Parameter 'fields' must be array",
    );
  });
});

describe('crm.contact.add / update / delete', () => {
  it('add returns the id as a number, ignores unknown fields, emits events', () => {
    const events: unknown[] = [];
    s.onChange((e) => events.push(e));
    const r = call(s, 'crm.contact.add', {
      fields: { NAME: 'Zed', BOGUS_FIELD: 'x', UF_CRM_CPF: '12345678909', COMPANY_IDS: ['2', '3'] },
    });
    expect(typeof r.result).toBe('number');
    const c = call(s, 'crm.contact.get', { id: r.result }).result;
    expect(c.NAME).toBe('Zed');
    expect(c).not.toHaveProperty('BOGUS_FIELD');
    expect(c.COMPANY_ID).toBe('2');
    expect(c).not.toHaveProperty('COMPANY_IDS');
    expect(call(s, 'crm.contact.update', { id: r.result, fields: { LAST_NAME: 'Q' } }).result).toBe(true);
    expect(call(s, 'crm.contact.delete', { id: r.result }).result).toBe(true);
    expect(events).toEqual([
      { entityTypeId: 3, id: r.result, action: 'add' },
      { entityTypeId: 3, id: r.result, action: 'update' },
      { entityTypeId: 3, id: r.result, action: 'delete' },
    ]);
  });

  it('rejects an invalid e-mail with ERROR_CORE naming the field', () => {
    const e = fail(s, 'crm.contact.add', {
      fields: { NAME: 'x', EMAIL: [{ VALUE: 'not-an-email', VALUE_TYPE: 'WORK' }] },
    });
    expect(e.code).toBe('ERROR_CORE');
    expect(e.description).toContain('Work e-mail');
    expect(
      fail(s, 'crm.contact.update', { id: 3, fields: { EMAIL: [{ VALUE: 'bad@', VALUE_TYPE: 'HOME' }] } }).code,
    ).toBe('ERROR_CORE');
  });

  it('multi-field update semantics of §6.3 (form-style string values)', () => {
    const id = call(s, 'crm.contact.add', {
      fields: {
        NAME: 'Multi',
        PHONE: {
          0: { VALUE: '111', VALUE_TYPE: 'WORK' },
          1: { VALUE: '222', VALUE_TYPE: 'WORK' },
          2: { VALUE: '333', VALUE_TYPE: 'WORK' },
          3: { VALUE: '444', VALUE_TYPE: 'WORK' },
        },
        EMAIL: [{ VALUE: 'a@b.test' }],
      },
    }).result;
    const before = call(s, 'crm.contact.get', { id }).result.PHONE;
    const [p1, p2, p3, p4] = before.map((p: { ID: string }) => p.ID);
    call(s, 'crm.contact.update', {
      id: String(id),
      fields: {
        PHONE: {
          0: { ID: p1, VALUE: '999', VALUE_TYPE: 'MOBILE' }, // change
          1: { ID: p2, DELETE: 'Y' }, // delete
          2: { ID: p3, VALUE: '' }, // delete by empty value
          3: { VALUE: '555', VALUE_TYPE: 'HOME' }, // add
        },
      },
    });
    const after = call(s, 'crm.contact.get', { id }).result;
    expect(
      after.PHONE.map((p: { ID: string; VALUE: string; VALUE_TYPE: string }) => [p.ID, p.VALUE, p.VALUE_TYPE]),
    ).toEqual([
      [p1, '999', 'MOBILE'],
      [p4, '444', 'WORK'], // untouched
      [expect.any(String), '555', 'HOME'],
    ]);
    expect(after.EMAIL).toHaveLength(1); // EMAIL not listed → untouched
    call(s, 'crm.contact.update', { id, fields: { PHONE: [{ ID: p4 }] } }); // bare {ID} deletes
    expect(call(s, 'crm.contact.get', { id }).result.PHONE.map((p: { VALUE: string }) => p.VALUE)).toEqual([
      '999',
      '555',
    ]);
    call(s, 'crm.contact.update', {
      id,
      fields: {
        PHONE: call(s, 'crm.contact.get', { id }).result.PHONE.map((p: { ID: string }) => ({ ID: p.ID, DELETE: 'Y' })),
      },
    });
    const none = call(s, 'crm.contact.get', { id }).result;
    expect(none).not.toHaveProperty('PHONE');
    expect(none.HAS_PHONE).toBe('N');
  });
});

describe('crm.contact.list: select, filters, order, paging', () => {
  it('default select is * + UF_*, multi-fields only when listed', () => {
    const row = call(s, 'crm.contact.list', { filter: { ID: 3 } }).result[0];
    expect(row).toHaveProperty('NAME');
    expect(row).toHaveProperty('UF_CRM_CPF');
    expect(row).not.toHaveProperty('PHONE');
    const sel = call(s, 'crm.contact.list', { filter: { ID: 3 }, select: ['ID', 'NAME', 'PHONE', 'NOT_A_FIELD'] })
      .result[0];
    expect(Object.keys(sel).sort()).toEqual(['ID', 'NAME', 'PHONE']);
  });

  it('pages of 50 with total and next; last page has no next; start=-1 → total 0, no next', () => {
    const p1 = call(s, 'crm.contact.list', { select: ['ID'] });
    expect(p1.result).toHaveLength(50);
    expect(p1.total).toBe(120);
    expect(p1.next).toBe(50);
    const p3 = call(s, 'crm.contact.list', { select: ['ID'], start: '100' });
    expect(p3.result).toHaveLength(20);
    expect(p3.next).toBeUndefined();
    expect(ids(p3.result)[0]).toBe(101);
    const fast = call(s, 'crm.contact.list', { select: ['ID'], start: -1 });
    expect(fast.result).toHaveLength(50);
    expect(fast.total).toBe(0);
    expect(fast.next).toBeUndefined();
    const empty = call(s, 'crm.contact.list', { filter: { ID: 999999 } });
    expect(empty).toMatchObject({ result: [], total: 0 });
    expect(empty.next).toBeUndefined();
  });

  it('keyset >ID + order ID ASC + start=-1 walks every row once', () => {
    const seen: number[] = [];
    let last = 0;
    for (;;) {
      const page = call(s, 'crm.contact.list', {
        order: { ID: 'ASC' },
        filter: { '>ID': String(last) },
        select: ['ID'],
        start: '-1',
      }).result;
      seen.push(...ids(page));
      if (page.length < 50) break;
      last = Number(page[49].ID);
    }
    expect(seen).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
  });

  it('every filter operator of §6.4', () => {
    const q = (filter: Record<string, unknown>) =>
      ids(call(s, 'crm.contact.list', { filter, select: ['ID'], start: -1 }).result);
    expect(q({ '>=ID': '118' })).toEqual([118, 119, 120]);
    expect(q({ '>ID': 118 })).toEqual([119, 120]);
    expect(q({ '<=ID': '2' })).toEqual([1, 2]);
    expect(q({ '<ID': 3 })).toEqual([1, 2]);
    expect(q({ '@ID': ['5', '7', '9'] })).toEqual([5, 7, 9]);
    expect(q({ '!@ID': ['1', '2'], '<=ID': 4 })).toEqual([3, 4]);
    expect(q({ '=ID': '7' })).toEqual([7]);
    expect(q({ ID: 7 })).toEqual([7]);
    expect(q({ '!=ID': 1, '<ID': 4 })).toEqual([2, 3]);
    expect(q({ '!ID': 1, '<ID': 4 })).toEqual([2, 3]);
    const name = call(s, 'crm.contact.get', { id: 3 }).result.NAME as string;
    const sub = name.slice(1, 3);
    const like = q({ '%NAME': sub });
    expect(like).toContain(3);
    for (const id of like)
      expect((call(s, 'crm.contact.get', { id }).result.NAME as string).toLowerCase()).toContain(sub.toLowerCase());
    expect(q({ '=%NAME': `${name.slice(0, 2)}%` })).toContain(3);
    expect(q({ '%=NAME': `%${name.slice(-2)}` })).toContain(3);
    expect(q({ TYPE_ID: 'PARTNER' }).every((id) => id % 4 === 2)).toBe(true);
    // LIKE on a dictionary field is equality (§6.4).
    expect(q({ '%TYPE_ID': 'PART' })).toEqual([]);
    expect(q({ '=ORIGINATOR_ID': 'legacy-crm', '=ORIGIN_ID': 'L-20' })).toEqual([20]);
  });

  it('PHONE/EMAIL filter by exact value; ORDER DESC', () => {
    const c = call(s, 'crm.contact.get', { id: 5 }).result;
    const q = (filter: Record<string, unknown>) => ids(call(s, 'crm.contact.list', { filter, select: ['ID'] }).result);
    expect(q({ PHONE: c.PHONE[0].VALUE })).toEqual([5]);
    expect(q({ EMAIL: c.EMAIL[0].VALUE })).toEqual([5]);
    expect(q({ EMAIL: c.EMAIL[0].VALUE.slice(0, 5) })).toEqual([]);
    // Exact: the stored text, not its digits (crm-contact-list.md).
    expect(q({ PHONE: c.PHONE[0].VALUE.replace(/\D/g, '') })).toEqual([]);
    const desc = call(s, 'crm.contact.list', { order: { ID: 'DESC' }, select: ['ID'] }).result;
    expect(ids(desc).slice(0, 3)).toEqual([120, 119, 118]);
    const byName = ids(
      call(s, 'crm.contact.list', { order: { LAST_NAME: 'ASC' }, select: ['ID', 'LAST_NAME'], start: -1 }).result,
    );
    expect(byName).toHaveLength(50);
  });

  it('logic OR is not supported in old-style filters (ignored)', () => {
    const r = call(s, 'crm.contact.list', { filter: { 0: { LOGIC: 'OR', ID: 1 }, '<=ID': 2 }, select: ['ID'] });
    expect(ids(r.result)).toEqual([1, 2]);
  });
});

describe('bindings', () => {
  it('write-only binding lists are not filter keys: =COMPANY_IDS and CONTACT_IDS are ignored like any unknown key', () => {
    const everyone = call(s, 'crm.contact.list', { select: ['ID'], start: 0 }).total;
    expect(call(s, 'crm.contact.list', { filter: { '=COMPANY_IDS': 1 }, select: ['ID'], start: 0 }).total).toBe(
      everyone,
    );
    const deals = call(s, 'crm.deal.list', { select: ['ID'], start: 0 }).total;
    expect(call(s, 'crm.deal.list', { filter: { CONTACT_IDS: 1 }, select: ['ID'], start: 0 }).total).toBe(deals);
  });

  it('crm.company.contact.items.get and crm.contact.company.items.get list every binding, primary first', () => {
    const contact = call(s, 'crm.contact.add', { fields: { NAME: 'Bound', COMPANY_IDS: ['2', '3'] } }).result;
    const companies = call(s, 'crm.contact.company.items.get', { id: contact }).result;
    expect(companies).toEqual([
      { COMPANY_ID: 2, SORT: 10, ROLE_ID: 0, IS_PRIMARY: 'Y' },
      { COMPANY_ID: 3, SORT: 20, ROLE_ID: 0, IS_PRIMARY: 'N' },
    ]);
    const contacts = call(s, 'crm.company.contact.items.get', { id: 3 }).result.map(
      (b: { CONTACT_ID: number }) => b.CONTACT_ID,
    );
    expect(contacts).toContain(contact);
    expect(fail(s, 'crm.company.contact.items.get', { id: 0 }).description).toMatch(/ownerEntityID/);
    expect(fail(s, 'crm.contact.company.items.get', { id: 999_999 }).description).toBe('Not found.');
  });
});

describe('crm.deal.add / update / delete (crm-deal-add.md, crm-deal-update.md, crm-deal-delete.md)', () => {
  it('add: the new id as a number; the documented defaults; the funnel from CATEGORY_ID; an event', () => {
    const events: unknown[] = [];
    s.onChange((e) => events.push(e));
    const id = call(s, 'crm.deal.add', { fields: {}, params: { REGISTER_SONET_EVENT: 'N' } }).result;
    expect(typeof id).toBe('number');
    const d = call(s, 'crm.deal.get', { id }).result;
    expect(d).toMatchObject({
      TITLE: `Deal #${id}`,
      TYPE_ID: 'SALE',
      SOURCE_ID: 'CALL',
      CATEGORY_ID: '0',
      STAGE_ID: DEMO.stages.dealGeneral[0],
      OPPORTUNITY: '0.00',
      TAX_VALUE: '0.00',
      IS_MANUAL_OPPORTUNITY: 'N',
      OPENED: 'Y',
      CLOSED: 'N',
      ASSIGNED_BY_ID: '1',
      CREATED_BY_ID: '1',
      // The day it was created (NOW is 2025-03-01 15:00 in the portal's +03:00), plus 7 for CLOSEDATE.
      BEGINDATE: '2025-03-01T00:00:00+03:00',
      CLOSEDATE: '2025-03-08T00:00:00+03:00',
    });
    expect(events).toEqual([{ entityTypeId: 2, id, action: 'add' }]);

    const partner = call(s, 'crm.deal.add', {
      fields: {
        TITLE: 'Partner deal',
        CATEGORY_ID: '1',
        COMPANY_ID: 2,
        CONTACT_IDS: [3, '4'],
        CURRENCY_ID: 'EUR',
        OPPORTUNITY: '1500.5',
        BEGINDATE: '2025-04-01',
        ORIGINATOR_ID: 'gw',
        ORIGIN_ID: 'deal-1',
        UF_CRM_1721244707107: '12.5',
        BOGUS: 'ignored',
      },
    }).result;
    const p = call(s, 'crm.deal.get', { id: partner }).result;
    expect(p).toMatchObject({
      TITLE: 'Partner deal',
      CATEGORY_ID: '1',
      STAGE_ID: DEMO.stages.dealPartners[0],
      COMPANY_ID: '2',
      CONTACT_ID: '3',
      CURRENCY_ID: 'EUR',
      OPPORTUNITY: '1500.50',
      BEGINDATE: '2025-04-01T00:00:00+03:00',
      ORIGIN_ID: 'deal-1',
    });
    expect(p).not.toHaveProperty('BOGUS');
    expect(Number(p.UF_CRM_1721244707107)).toBe(12.5);
    // The idempotency lookup the gateway makes: ORIGINATOR_ID and a LIKE on ORIGIN_ID.
    const found = call(s, 'crm.deal.list', {
      filter: { '=ORIGINATOR_ID': 'gw', '=%ORIGIN_ID': 'deal-%' },
      select: ['ID', 'ORIGIN_ID', 'ORIGINATOR_ID'],
      start: -1,
    }).result;
    expect(found).toEqual([{ ID: String(partner), ORIGIN_ID: 'deal-1', ORIGINATOR_ID: 'gw' }]);
  });

  it('add errors: fields and params must be objects; a bad currency, funnel or stage is refused; nothing is stored', () => {
    const before = call(s, 'crm.deal.list', { select: ['ID'] }).total;
    const cases: [Record<string, unknown>, string, string][] = [
      [{}, '', "Parameter 'fields' must be array"],
      [{ fields: 'TITLE' }, '', "Parameter 'fields' must be array"],
      [{ fields: { TITLE: 'x' }, params: 'N' }, '', "Parameter 'params' must be array"],
      [{ fields: { TITLE: 'x', CURRENCY_ID: 'XYZ' } }, '', 'Invalid value for the "Currency" field'],
      [{ fields: { TITLE: 'x', CATEGORY_ID: -1 } }, 'ERROR_CORE', 'Invalid value for field "Pipeline"'],
      [{ fields: { TITLE: 'x', CATEGORY_ID: 0, STAGE_ID: 'C1:WON' } }, 'ERROR_CORE', 'Invalid value for field "Stage"'],
    ];
    for (const [params, code, description] of cases) {
      const e = fail(s, 'crm.deal.add', params);
      expect([e.code, e.description, e.status], JSON.stringify(params)).toEqual([code, description, 400]);
    }
    expect(call(s, 'crm.deal.list', { select: ['ID'] }).total).toBe(before);
  });

  it('update: changes only the given fields; a stage of its own funnel moves it; CATEGORY_ID is ignored', () => {
    const id = call(s, 'crm.deal.add', { fields: { TITLE: 'To change', CATEGORY_ID: 1, COMMENTS: 'keep' } }).result;
    const events: unknown[] = [];
    s.onChange((e) => events.push(e));
    expect(
      call(s, 'crm.deal.update', {
        id: String(id),
        fields: { TITLE: 'Changed', STAGE_ID: 'C1:WON', OPPORTUNITY: 99, CURRENCY_ID: 'BRL' },
        params: { REGISTER_SONET_EVENT: 'N', REGISTER_HISTORY_EVENT: 'N' },
      }).result,
    ).toBe(true);
    let d = call(s, 'crm.deal.get', { id }).result;
    expect(d).toMatchObject({
      TITLE: 'Changed',
      COMMENTS: 'keep',
      STAGE_ID: 'C1:WON',
      STAGE_SEMANTIC_ID: 'S',
      CLOSED: 'Y',
      OPPORTUNITY: '99.00',
      CURRENCY_ID: 'BRL',
    });
    expect(events).toEqual([{ entityTypeId: 2, id, action: 'update' }]);
    // CATEGORY_ID is immutable (crm.deal.fields): set on add only, ignored by update.
    expect(call(s, 'crm.deal.fields').result.CATEGORY_ID.isImmutable).toBe(true);
    call(s, 'crm.deal.update', { id, fields: { CATEGORY_ID: 0, TITLE: 'Still partner' } });
    d = call(s, 'crm.deal.get', { id }).result;
    expect([d.TITLE, d.CATEGORY_ID, d.STAGE_ID]).toEqual(['Still partner', '1', 'C1:WON']);
    // A stage of another funnel is a bad value, not a move to that funnel.
    expect(fail(s, 'crm.deal.update', { id, fields: { STAGE_ID: 'WON' } }).description).toBe(
      'Invalid value for field "Stage"',
    );
    expect(call(s, 'crm.deal.get', { id }).result.STAGE_ID).toBe('C1:WON');
  });

  it('update errors, in the documented order: the id, then fields and params, then whether the deal exists', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ fields: { TITLE: 'x' } }, 'ID is not defined or invalid.'],
      [{ id: 0, fields: { TITLE: 'x' } }, 'ID is not defined or invalid.'],
      [{ id: 'abc', fields: { TITLE: 'x' } }, 'ID is not defined or invalid.'],
      [{ id: 999999 }, "Parameter 'fields' must be array"],
      [{ id: 999999, fields: { TITLE: 'x' }, params: 'Y' }, "Parameter 'params' must be array"],
      [{ id: 999999, fields: { TITLE: 'x' } }, 'Not found'],
      [{ id: 1, fields: { CURRENCY_ID: 'ZZZ' } }, 'Invalid value for the "Currency" field'],
    ];
    for (const [params, description] of cases) {
      const e = fail(s, 'crm.deal.update', params);
      expect([e.code, e.description, e.status], JSON.stringify(params)).toEqual(['', description, 400]);
    }
    expect(call(s, 'crm.deal.get', { id: 1 }).result.CURRENCY_ID).not.toBe('ZZZ');
  });

  it('delete: true, then the deal is gone; a missing or bad id answers as documented', () => {
    const id = call(s, 'crm.deal.add', { fields: { TITLE: 'Doomed' } }).result;
    const events: unknown[] = [];
    s.onChange((e) => events.push(e));
    expect(call(s, 'crm.deal.delete', { id }).result).toBe(true);
    expect(events).toEqual([{ entityTypeId: 2, id, action: 'delete' }]);
    expect(fail(s, 'crm.deal.get', { id }).description).toBe('Not found');
    expect(call(s, 'crm.item.list', { entityTypeId: 2, filter: { id } }).result.items).toEqual([]);
    for (const [params, description] of [
      [{ id }, 'Not found'],
      [{}, 'ID is not defined or invalid.'],
      [{ id: -3 }, 'ID is not defined or invalid.'],
    ] as [Record<string, unknown>, string][]) {
      const e = fail(s, 'crm.deal.delete', params);
      expect([e.code, e.description, e.status]).toEqual(['', description, 400]);
    }
  });

  it('one record behind both families: crm.deal.add is read by crm.item, crm.item.update by crm.deal', () => {
    const id = call(s, 'crm.deal.add', { fields: { TITLE: 'Shared', CATEGORY_ID: 1 } }).result;
    expect(call(s, 'crm.item.get', { entityTypeId: 2, id }).result.item).toMatchObject({
      id,
      title: 'Shared',
      categoryId: 1,
    });
    call(s, 'crm.item.update', { entityTypeId: 2, id, fields: { stageId: 'C1:EXECUTING' } });
    expect(call(s, 'crm.deal.get', { id }).result.STAGE_ID).toBe('C1:EXECUTING');
  });
});

describe('companies, leads, deals', () => {
  it('company add/get/list with ORIGIN_ID filter', () => {
    const id = call(s, 'crm.company.add', {
      fields: { TITLE: 'Acme Import', ORIGINATOR_ID: 'gw', ORIGIN_ID: 'k1', PHONE: [{ VALUE: '+1 555 0100' }] },
    }).result;
    expect(typeof id).toBe('number');
    const rows = call(s, 'crm.company.list', {
      filter: { '=ORIGINATOR_ID': 'gw', '=ORIGIN_ID': 'k1' },
      select: ['ID', 'TITLE', 'ORIGIN_ID'],
    }).result;
    expect(rows).toEqual([{ ID: String(id), TITLE: 'Acme Import', ORIGIN_ID: 'k1' }]);
    expect(call(s, 'crm.company.get', { id }).result.HAS_PHONE).toBe('Y');
  });

  it('lead with TITLE; deal list by category/stage with string numbers', () => {
    const lead = call(s, 'crm.lead.get', { id: 1 }).result;
    expect(lead.TITLE).toEqual(expect.any(String));
    expect(DEMO.stages.lead).toContain(lead.STATUS_ID);
    expect(typeof lead.OPPORTUNITY).toBe('string');
    const deals = call(s, 'crm.deal.list', {
      filter: { CATEGORY_ID: '1' },
      select: ['ID', 'CATEGORY_ID', 'STAGE_ID', 'COMPANY_ID', 'CONTACT_ID', 'OPPORTUNITY'],
    }).result;
    expect(deals.length).toBeGreaterThan(0);
    for (const d of deals) {
      expect(d.CATEGORY_ID).toBe('1');
      expect(d.STAGE_ID).toMatch(/^C1:/);
      expect(d.OPPORTUNITY).toMatch(/^\d+\.\d\d$/);
    }
    expect(call(s, 'crm.deal.get', { id: 3 }).result.STAGE_SEMANTIC_ID).toMatch(/^[PSF]$/);
  });

  it('*.fields descriptors: UF title is the code, labels separate', () => {
    const f = call(s, 'crm.contact.fields').result;
    expect(f.TYPE_ID).toMatchObject({ type: 'crm_status', statusType: 'CONTACT_TYPE', isMultiple: false });
    expect(f.PHONE).toMatchObject({ type: 'crm_multifield', isMultiple: true });
    expect(f.OPENED.type).toBe('char');
    expect(f.UF_CRM_CPF).toMatchObject({ isDynamic: true, title: 'UF_CRM_CPF', listLabel: 'CPF' });
    expect(f.UF_CRM_1720697698689.items).toEqual([
      { ID: '201', VALUE: 'Retail' },
      { ID: '202', VALUE: 'Wholesale' },
      { ID: '203', VALUE: 'Government' },
    ]);
  });

  it('crm.contact.userfield.list', () => {
    const r = call(s, 'crm.contact.userfield.list', { filter: { FIELD_NAME: 'UF_CRM_1720697698689' } });
    expect(r.result).toHaveLength(1);
    expect(r.result[0]).toMatchObject({
      ENTITY_ID: 'CRM_CONTACT',
      USER_TYPE_ID: 'enumeration',
      MULTIPLE: 'N',
      SORT: '200',
    });
    expect(r.result[0].LIST[0]).toMatchObject({ ID: '201', VALUE: 'Retail', DEF: 'N' });
    expect(r.result[0]).not.toHaveProperty('EDIT_FORM_LABEL');
    const all = call(s, 'crm.contact.userfield.list', { filter: { LANG: 'en' } }).result;
    // The first fields of the portal, then the demo's fields of every type (custom-fields.ts), by SORT.
    expect(all.map((u: { FIELD_NAME: string }) => u.FIELD_NAME)).toEqual([
      'UF_CRM_CPF',
      'UF_CRM_1720697698689',
      'UF_CRM_NEWSLETTER',
      ...DEMO.customFields[3].map((f) => f.name),
    ]);
    expect(all[0].EDIT_FORM_LABEL).toBe('CPF');
  });
});
