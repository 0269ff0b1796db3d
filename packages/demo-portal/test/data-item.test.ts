// crm.item.* through the method table (§7): shapes, UF names, useOriginalUfNames, fm, filters,
// order/select validation, keyset paging, stages and funnels, one store for both families.
import { beforeEach, describe, expect, it } from 'vitest';
import type { PortalState } from '../src/types.js';
import { DEMO } from '../src/state.js';
import { ufCamelName } from '../src/fields.js';
import { call, fail, makeState } from './data-fixture.js';

let s: PortalState;
beforeEach(() => {
  s = makeState();
});

const U = DEMO.uf.onboarding;
const list = (params: Record<string, unknown>) => call(s, 'crm.item.list', { entityTypeId: 128, ...params });
const itemIds = (r: { result: { items: { id: number }[] } }) => r.result.items.map((i) => i.id);

describe('crm.item.get shape', () => {
  it('numbers for ids, Y/N flags, ISO datetimes without fraction, stage ids, contactIds', () => {
    const item = call(s, 'crm.item.get', { entityTypeId: '128', id: '3' }).result.item;
    expect(item.id).toBe(3);
    expect(item.entityTypeId).toBe(128);
    expect(typeof item.assignedById).toBe('number');
    expect(item.opened).toMatch(/^[YN]$/);
    expect(item.createdTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+03:00$/);
    expect(item.stageSemanticId).toMatch(/^[PSF]$/);
    // The seed is deterministic: card 3 sits in funnel 7, at its first stage.
    expect([item.categoryId, item.stageId]).toEqual([7, 'DT128_7:NEW']);
    expect(Array.isArray(item.contactIds)).toBe(true);
    expect(item.contactId).toBe(item.contactIds[0] ?? 0);
    expect(item.xmlId).toBe('ONB-00003');
    expect(item).not.toHaveProperty('fm');
    for (const k of Object.values(U)) expect(item).toHaveProperty(k.camel);
  });

  it('NOT_FOUND shapes', () => {
    let e = fail(s, 'crm.item.get', { entityTypeId: 128, id: 999999 });
    expect([e.code, e.description, e.status]).toEqual(['NOT_FOUND', 'Element not found', 400]);
    e = fail(s, 'crm.item.get', { entityTypeId: 999, id: 1 });
    expect([e.code, e.description]).toEqual(['NOT_FOUND', 'Smart process not found']);
    expect(fail(s, 'crm.item.list', { entityTypeId: 'abc' }).description).toBe('Smart process not found');
    expect(fail(s, 'crm.item.delete', { entityTypeId: 128, id: 999999 }).code).toBe('NOT_FOUND');
    expect(fail(s, 'crm.item.update', { entityTypeId: 128, id: 999999, fields: { title: 'x' } }).code).toBe(
      'NOT_FOUND',
    );
  });

  it('type flags switch fields off: 1032 has no stages (null), 130 no opportunity', () => {
    const asset = call(s, 'crm.item.get', { entityTypeId: 1032, id: 1 }).result.item;
    expect(asset.stageId).toBeNull();
    expect(asset.categoryId).toBe(10);
    const f1032 = call(s, 'crm.item.fields', { entityTypeId: 1032 }).result.fields;
    expect(f1032).not.toHaveProperty('stageId');
    expect(f1032).toHaveProperty('contactIds');
    const f130 = call(s, 'crm.item.fields', { entityTypeId: 130 }).result.fields;
    expect(f130).not.toHaveProperty('opportunity');
    expect(f130.stageId).toMatchObject({
      type: 'crm_status',
      statusType: 'DYNAMIC_130_STAGE_9',
      upperName: 'STAGE_ID',
    });
  });
});

describe('UF names (§7.3)', () => {
  it('conversion rules: regular vs simplified', () => {
    expect(ufCamelName('UF_CRM_10_5186744711', false)).toBe('ufCrm10_5186744711');
    expect(ufCamelName('UF_CRM_3_1747309727', false)).toBe('ufCrm3_1747309727');
    expect(ufCamelName('UF_CRM_3_DIGIT', false)).toBe('ufCrm3Digit');
    expect(ufCamelName('UF_CRM_3_DIGIT10', false)).toBe('ufCrm_3_DIGIT10');
    expect(ufCamelName('UF_CRM_1747309879', true)).toBe('ufCrm_1747309879');
    expect(ufCamelName('UF_CRM_41_1737980095947', false)).toBe('ufCrm41_1737980095947');
    expect(ufCamelName('UF_CRM_1_DUE_DATE', false)).toBe('ufCrm1DueDate');
  });

  it('crm.item.fields gives camel keys with upperName, UF title = label, enumeration items with string ids', () => {
    const f = call(s, 'crm.item.fields', { entityTypeId: 128 }).result.fields;
    for (const k of Object.values(U))
      expect(f[k.camel]).toMatchObject({ upperName: k.upper, type: k.type, isDynamic: true });
    expect(f[U.priority.camel].items).toEqual([
      { ID: '301', VALUE: 'Low' },
      { ID: '302', VALUE: 'Normal' },
      { ID: '303', VALUE: 'High' },
      { ID: '304', VALUE: 'Urgent' },
    ]);
    expect(f[U.priority.camel].title).toBe('Priority');
    expect(f.assignedById).toMatchObject({ type: 'user', upperName: 'ASSIGNED_BY_ID', isDynamic: false });
    expect(f.contactIds.isMultiple).toBe(true);
    const contactF = call(s, 'crm.item.fields', { entityTypeId: 3 }).result.fields;
    expect(contactF).toHaveProperty('ufCrmCpf');
    expect(contactF).toHaveProperty('ufCrm_1720697698689');
    const orig = call(s, 'crm.item.fields', { entityTypeId: 128, useOriginalUfNames: 'Y' }).result.fields;
    expect(orig).toHaveProperty(U.dueDate.upper);
    expect(orig).not.toHaveProperty(U.dueDate.camel);
  });

  it('useOriginalUfNames=Y in fields, filter and response', () => {
    const r = call(s, 'crm.item.add', {
      entityTypeId: 128,
      useOriginalUfNames: 'Y',
      fields: {
        title: 'Orig',
        [U.referenceCode.upper]: 'ORIG-1',
        [U.priority.upper]: '303',
        [U.budget.upper]: '300|EUR',
      },
    }).result.item;
    expect(r[U.referenceCode.upper]).toBe('ORIG-1');
    expect(r).not.toHaveProperty(U.referenceCode.camel);
    expect(r[U.priority.upper]).toBe(303);
    const camel = call(s, 'crm.item.get', { entityTypeId: 128, id: r.id }).result.item;
    expect(camel[U.budget.camel]).toBe('300|EUR');
    const found = call(s, 'crm.item.list', {
      entityTypeId: 128,
      useOriginalUfNames: 'Y',
      filter: { [U.referenceCode.upper]: 'ORIG-1' },
      select: ['*'],
    });
    expect(itemIds(found)).toEqual([r.id]);
    // With Y an explicit select keeps only UF names (portal bug b24-rest-docs#368, reproduced).
    const sel = call(s, 'crm.item.list', {
      entityTypeId: 128,
      useOriginalUfNames: 'Y',
      filter: { id: r.id },
      select: ['id', 'title', U.referenceCode.upper],
    });
    expect(sel.result.items).toEqual([{ [U.referenceCode.upper]: 'ORIG-1' }]);
    const camelSel = call(s, 'crm.item.list', {
      entityTypeId: 128,
      filter: { id: r.id },
      select: ['id', U.referenceCode.camel],
    });
    expect(camelSel.result.items).toEqual([{ id: r.id, [U.referenceCode.camel]: 'ORIG-1' }]);
  });
});

describe('crm.item.list filters', () => {
  it('a comparison with an empty value or a list is INVALID_ARG_VALUE, not an empty answer', () => {
    for (const value of ['', null, [1, 2], []]) {
      expect(
        fail(s, 'crm.item.list', { entityTypeId: 128, filter: { '>id': value } }).code,
        JSON.stringify(value),
      ).toBe('INVALID_ARG_VALUE');
    }
  });
});

describe('crm.item.add / update / delete', () => {
  it('add with string values (batch callers), full item back, defaults to first stage of the default funnel', () => {
    const events: unknown[] = [];
    s.onChange((e) => events.push(e));
    const item = call(s, 'crm.item.add', {
      entityTypeId: '128',
      fields: {
        title: 'New card',
        contactIds: ['3', '5'],
        companyId: '2',
        opportunity: '1500.5',
        [U.vip.camel]: 'Y',
        [U.dueDate.camel]: '2025-04-01',
        [U.mentor.camel]: '2',
        bogus: 1,
      },
    }).result.item;
    expect(item).toMatchObject({
      title: 'New card',
      contactIds: [3, 5],
      contactId: 3,
      companyId: 2,
      opportunity: 1500.5,
      categoryId: 7,
      stageId: 'DT128_7:NEW',
      stageSemanticId: 'P',
    });
    expect(item[U.vip.camel]).toBe('Y');
    expect(item[U.dueDate.camel]).toBe('2025-04-01T00:00:00+03:00');
    expect(item[U.mentor.camel]).toBe(2);
    expect(item.createdTime).toBe('2025-03-01T15:00:00+03:00');
    expect(item.createdBy).toBe(1);
    expect(events).toEqual([{ entityTypeId: 128, id: item.id, action: 'add' }]);
    expect(call(s, 'crm.item.delete', { entityTypeId: 128, id: item.id }).result).toEqual([]);
    expect(events.at(-1)).toEqual({ entityTypeId: 128, id: item.id, action: 'delete' });
  });

  it('invalid enumeration value / stage → CRM_FIELD_ERROR_VALUE_NOT_VALID; nothing stored', () => {
    let e = fail(s, 'crm.item.add', { entityTypeId: 128, fields: { title: 'x', [U.priority.camel]: 999 } });
    expect([e.code, e.description]).toEqual(['CRM_FIELD_ERROR_VALUE_NOT_VALID', 'Invalid value for field "Priority"']);
    e = fail(s, 'crm.item.update', { entityTypeId: 128, id: 1, fields: { stageId: 'DT128_7:NOPE' } });
    expect(e.code).toBe('CRM_FIELD_ERROR_VALUE_NOT_VALID');
    e = fail(s, 'crm.item.update', { entityTypeId: 128, id: 1, fields: { stageId: 'DT130_9:NEW' } });
    expect(e.code).toBe('CRM_FIELD_ERROR_VALUE_NOT_VALID');
    expect(fail(s, 'crm.item.add', { entityTypeId: 128, fields: { [U.budget.camel]: 'lots' } }).code).toBe(
      'CRM_FIELD_ERROR_VALUE_NOT_VALID',
    );
    expect(fail(s, 'crm.item.add', { entityTypeId: 128, fields: { contactIds: 5 } }).code).toBe('100');
    const total = list({ select: ['id'] }).total;
    expect(total).toBe(160);
  });

  it('funnels: moving to another category resets the stage; a stage of another funnel is rejected', () => {
    const a = call(s, 'crm.item.add', { entityTypeId: 128, fields: { title: 'mover', stageId: 'DT128_7:UC_REVIEW' } })
      .result.item;
    expect([a.categoryId, a.stageId]).toEqual([7, 'DT128_7:UC_REVIEW']);
    const moved = call(s, 'crm.item.update', { entityTypeId: 128, id: a.id, fields: { categoryId: 8 } }).result.item;
    expect([moved.categoryId, moved.stageId, moved.previousStageId]).toEqual([8, 'DT128_8:NEW', 'DT128_7:UC_REVIEW']);
    expect(fail(s, 'crm.item.update', { entityTypeId: 128, id: a.id, fields: { stageId: 'DT128_7:NEW' } }).code).toBe(
      'CRM_FIELD_ERROR_VALUE_NOT_VALID',
    );
    const both = call(s, 'crm.item.update', {
      entityTypeId: 128,
      id: a.id,
      fields: { categoryId: '7', stageId: 'DT128_7:SUCCESS' },
    }).result.item;
    expect([both.categoryId, both.stageId, both.stageSemanticId]).toEqual([7, 'DT128_7:SUCCESS', 'S']);
    const byStage = call(s, 'crm.item.add', { entityTypeId: 128, fields: { stageId: 'DT128_8:FAIL' } }).result.item;
    expect([byStage.categoryId, byStage.stageSemanticId]).toEqual([8, 'F']);
    expect(fail(s, 'crm.item.add', { entityTypeId: 128, fields: { categoryId: 9 } }).code).toBe(
      'CRM_FIELD_ERROR_VALUE_NOT_VALID',
    );
  });

  it('contacts: one store, two renderings (crm.contact.add ↔ crm.item 3)', () => {
    const id = call(s, 'crm.contact.add', {
      fields: { NAME: 'Both', PHONE: [{ VALUE: '+55 11 5555-0000', VALUE_TYPE: 'WORK' }] },
    }).result;
    const item = call(s, 'crm.item.get', { entityTypeId: 3, id }).result.item;
    expect(item).toMatchObject({
      id,
      name: 'Both',
      hasPhone: 'Y',
      fm: [{ id: expect.any(Number), valueType: 'WORK', value: '+55 11 5555-0000', typeId: 'PHONE' }],
    });
    const viaItem = call(s, 'crm.item.add', {
      entityTypeId: 3,
      fields: { name: 'Itemized', lastName: 'X', fm: [{ typeId: 'EMAIL', valueType: 'WORK', value: 'i@x.test' }] },
    }).result.item;
    const old = call(s, 'crm.contact.get', { id: String(viaItem.id) }).result;
    expect(old).toMatchObject({
      NAME: 'Itemized',
      LAST_NAME: 'X',
      HAS_EMAIL: 'Y',
      EMAIL: [{ VALUE: 'i@x.test', VALUE_TYPE: 'WORK', TYPE_ID: 'EMAIL' }],
    });
  });

  it('fm keyed update of §7.5 (n0 adds, id changes, empty value deletes, others untouched)', () => {
    const c = call(s, 'crm.item.add', {
      entityTypeId: 3,
      fields: {
        name: 'F',
        fm: [
          { typeId: 'PHONE', valueType: 'WORK', value: '1' },
          { typeId: 'PHONE', valueType: 'WORK', value: '2' },
          { typeId: 'EMAIL', valueType: 'WORK', value: 'e@x.test' },
        ],
      },
    }).result.item;
    const [p1, p2, e1] = c.fm.map((m: { id: number }) => m.id);
    const u = call(s, 'crm.item.update', {
      entityTypeId: 3,
      id: c.id,
      fields: {
        fm: {
          n0: { typeId: 'PHONE', valueType: 'MOBILE', value: '3' },
          [p1]: { typeId: 'PHONE', valueType: 'HOME', value: '11' },
          [p2]: { typeId: 'PHONE', value: '' },
        },
      },
    }).result.item;
    expect(u.fm.map((m: { id: number; value: string; valueType: string }) => [m.id, m.value, m.valueType])).toEqual([
      [p1, '11', 'HOME'],
      [e1, 'e@x.test', 'WORK'],
      [expect.any(Number), '3', 'MOBILE'],
    ]);
    expect(
      fail(s, 'crm.item.update', {
        entityTypeId: 3,
        id: c.id,
        fields: { fm: { n0: { typeId: 'EMAIL', value: 'nope' } } },
      }).code,
    ).toBe('CRM_FIELD_ERROR_VALUE_NOT_VALID');
  });
});

describe('crm.item.list', () => {
  it('select: * includes fm (contacts); unknown names dropped; nothing recognised → []', () => {
    const withFm = call(s, 'crm.item.list', { entityTypeId: 3, select: ['*'], filter: { id: 1 } }).result.items[0];
    expect(withFm).toHaveProperty('fm');
    const named = call(s, 'crm.item.list', { entityTypeId: 3, select: ['id', 'fm', 'nope'], filter: { id: 1 } }).result
      .items[0];
    expect(named).toEqual({ id: 1 });
    expect(list({ select: ['nothing'], filter: { '<=id': 2 } }).result.items).toEqual([[], []]);
  });

  it('paging of 50 with total/next, start=-1, @id, keyset >id', () => {
    const p = list({ select: ['id'], start: '50' });
    expect(p.total).toBe(160);
    expect(p.next).toBe(100);
    expect(itemIds(p)[0]).toBe(51);
    const last = list({ select: ['id'], start: 150 });
    expect(last.next).toBeUndefined();
    const fast = list({ select: ['id'], start: -1, filter: { '>id': 140 }, order: { id: 'ASC' } });
    expect([fast.total, fast.next, itemIds(fast)]).toEqual([
      0,
      undefined,
      Array.from({ length: 20 }, (_, i) => 141 + i),
    ]);
    expect(itemIds(list({ filter: { '@id': ['7', '3', '5'] }, select: ['id'] }))).toEqual([3, 5, 7]);
    const all: number[] = [];
    let cursor = 0;
    for (;;) {
      const page = itemIds(list({ order: { id: 'ASC' }, filter: { '>id': cursor }, select: ['id'], start: -1 }));
      all.push(...page);
      if (page.length < 50) break;
      cursor = page[49];
    }
    expect(all).toEqual(Array.from({ length: 160 }, (_, i) => i + 1));
  });

  it('filter prefixes incl. !% and nested logic OR; UF boolean by 1/0', () => {
    const q = (filter: Record<string, unknown>) => itemIds(list({ filter, select: ['id'], start: -1 }));
    expect(q({ '%title': 'Onboarding 15' })).toEqual([15, 150, 151, 152, 153, 154, 155, 156, 157, 158, 159]);
    expect(q({ '!%title': '1', '<=id': 5 })).toEqual([2, 3, 4, 5]);
    expect(q({ '=%title': 'Onboarding 1_' })).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(q({ '!=%title': 'Onboarding %', '<=id': 5 })).toEqual([]);
    expect(
      q({
        0: {
          logic: 'OR',
          0: { id: 3 },
          1: { id: 9 },
          2: {
            0: {
              logic: 'AND',
              '>id': 158,
              stageId: list({ filter: { id: 159 }, select: ['stageId'] }).result.items[0].stageId,
            },
          },
        },
      }),
    ).toEqual(expect.arrayContaining([3, 9, 159]));
    // A form or batch command (`filter[0][0][id]=3&…`) parses to PHP lists where JSON gives
    // objects: the same filter, never an ignored one.
    const listShaped = list({ filter: [[{ '>=id': 3 }, { '<=id': 4 }]], select: ['id'], start: -1 });
    expect(itemIds(listShaped)).toEqual([3, 4]);
    const stage = 'DT128_7:UC_REVIEW';
    const inStage = q({ stageId: stage });
    expect(inStage.length).toBeGreaterThan(0);
    expect(q({ '@stageId': [stage, 'DT128_7:NEW'] }).length).toBeGreaterThan(inStage.length);
    const count = (filter: Record<string, unknown>) => list({ filter, select: ['id'] }).total ?? 0;
    expect(count({ [U.vip.camel]: 1 }) + count({ [U.vip.camel]: '0' })).toBe(160);
    expect(count({ [U.vip.camel]: 1 })).toBeGreaterThan(0);
    expect(q({ [U.vip.camel]: 'Y' })).toEqual([]);
    expect(q({ '>=opportunity': 5000, '<=opportunity': 6000 }).length).toBeGreaterThan(0);
    expect(
      q({ stageSemanticId: 'S', categoryId: 8 }).every(
        (id) => call(s, 'crm.item.get', { entityTypeId: 128, id }).result.item.stageId === 'DT128_8:SUCCESS',
      ),
    ).toBe(true);
    expect(
      q({ '>=createdTime': '2024-02-04T00:00:00+03:00', '<createdTime': '2024-02-05T00:00:00+03:00' }).length,
    ).toBeGreaterThan(20);
    expect(q({ contactIds: 25 }).length).toBeGreaterThan(0);
  });

  it('unknown filter/order field and bad direction → INVALID_ARG_VALUE', () => {
    let e = fail(s, 'crm.item.list', { entityTypeId: 128, filter: { nope: 1 } });
    expect([e.code, e.description]).toEqual([
      'INVALID_ARG_VALUE',
      "Invalid filter: field 'nope' is not allowed in filter",
    ]);
    e = fail(s, 'crm.item.list', { entityTypeId: 128, order: { nope: 'ASC' } });
    expect(e.description).toBe("Invalid order: field 'nope' is not allowed in order");
    e = fail(s, 'crm.item.list', { entityTypeId: 128, order: { id: 'UP' } });
    expect(e.description).toBe("Invalid order: allowed sort directions are ASC, DESC. But got 'UP' for field 'id'");
    expect(fail(s, 'crm.item.list', { entityTypeId: 128, filter: { '>id': 'abc' } }).description).toBe(
      "Invalid filter: field 'id' has invalid value",
    );
    const desc = itemIds(list({ order: { id: 'desc' }, select: ['id'], start: -1 }));
    expect(desc.slice(0, 2)).toEqual([160, 159]);
  });

  it('every card is assigned to an active employee; some contacts are shared; some cards have a company', () => {
    const active = new Set(
      call(s, 'user.get', { FILTER: { ACTIVE: true, USER_TYPE: 'employee' } }).result.map((u: { ID: string }) =>
        Number(u.ID),
      ),
    );
    const perContact = new Map<number, number>();
    let withCompany = 0;
    for (const e of [128, 130, 1032]) {
      for (let start = 0; ; start += 50) {
        const page = call(s, 'crm.item.list', {
          entityTypeId: e,
          select: ['id', 'assignedById', 'contactIds', 'companyId'],
          start,
        });
        for (const it of page.result.items) {
          expect(active.has(it.assignedById)).toBe(true);
          for (const c of it.contactIds) perContact.set(c, (perContact.get(c) ?? 0) + 1);
          if (it.companyId) withCompany++;
        }
        if (page.next === undefined) break;
      }
    }
    expect([...perContact.values()].some((n) => n > 1)).toBe(true);
    expect(withCompany).toBeGreaterThan(0);
  });
});
