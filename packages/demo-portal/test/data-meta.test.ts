// Metadata, users, departments, duplicates, addresses and demo-data determinism, through the
// method table.
import { beforeEach, describe, expect, it } from 'vitest';
import { DEMO_SIZES, type PortalState } from '../src/types.js';
import { DEMO, demoFacts } from '../src/state.js';
import { call, fail, makeState } from './data-fixture.js';

let s: PortalState;
beforeEach(() => {
  s = makeState();
});

const F = demoFacts(DEMO_SIZES.small);
const uids = (rows: { ID: string }[]) => rows.map((r) => Number(r.ID));

describe('crm.type / crm.category', () => {
  it('crm.type.list, get, getByEntityTypeId', () => {
    const r = call(s, 'crm.type.list');
    expect(r.total).toBe(4);
    expect(r.result.types.map((t: { id: number; entityTypeId: number }) => [t.id, t.entityTypeId])).toEqual([
      [1, 128],
      [2, 130],
      [3, 1032],
      [4, 1034],
    ]);
    const t = r.result.types[0];
    expect(t).toMatchObject({
      title: 'Onboarding',
      isCategoriesEnabled: 'Y',
      isStagesEnabled: 'Y',
      isClientEnabled: 'Y',
      createdBy: 1,
    });
    expect(t.createdTime).toMatch(/\+03:00$/);
    expect(
      call(s, 'crm.type.list', { filter: { isStagesEnabled: 'N' } }).result.types.map(
        (x: { entityTypeId: number }) => x.entityTypeId,
      ),
    ).toEqual([1032]);
    expect(fail(s, 'crm.type.list', { filter: { bogus: 1 } }).code).toBe('INVALID_ARG_VALUE');
    expect(call(s, 'crm.type.get', { id: '2' }).result.type).toMatchObject({
      entityTypeId: 130,
      relations: { parent: [], child: [] },
    });
    expect(call(s, 'crm.type.getbyentitytypeid', { entityTypeId: '1032' }).result.type).toMatchObject({
      id: 3,
      isStagesEnabled: 'N',
    });
    const e = fail(s, 'crm.type.get', { id: 99 });
    expect([e.code, e.description]).toEqual([0, 'SPA not found']);
  });

  it('crm.category.list/get: SPA default funnel has a real id; deals have 0', () => {
    const spa = call(s, 'crm.category.list', { entityTypeId: 128 });
    expect(spa.total).toBe(2);
    expect(spa.result.categories).toEqual([
      { id: 7, name: 'Main', sort: 100, entityTypeId: 128, isDefault: 'Y' },
      { id: 8, name: 'Enterprise', sort: 200, entityTypeId: 128, isDefault: 'N', originId: '', originatorId: '' },
    ]);
    expect(
      call(s, 'crm.category.list', { entityTypeId: '2' }).result.categories.map((c: { id: number }) => c.id),
    ).toEqual([0, 1]);
    expect(call(s, 'crm.category.get', { entityTypeId: 130, id: 9 }).result.category).toMatchObject({
      id: 9,
      isDefault: 'Y',
    });
    expect(fail(s, 'crm.category.get', { entityTypeId: 128, id: 9 }).code).toBe('NOT_FOUND');
    expect(fail(s, 'crm.category.list', { entityTypeId: 1 }).code).toBe('ENTITY_TYPE_NOT_SUPPORTED');
  });
});

describe('crm.status.list / entity.types', () => {
  it('SPA stage rows: shape of §7.9, strings, SEMANTICS null/S/F, no EXTRA', () => {
    const rows = call(s, 'crm.status.list', {
      filter: { ENTITY_ID: 'DYNAMIC_128_STAGE_7' },
      select: ['STATUS_ID'],
    }).result;
    expect(rows.map((r: { STATUS_ID: string }) => r.STATUS_ID)).toEqual(DEMO.stages.onboardingMain);
    expect(rows[0]).toEqual({
      ID: expect.stringMatching(/^\d+$/),
      ENTITY_ID: 'DYNAMIC_128_STAGE_7',
      STATUS_ID: 'DT128_7:NEW',
      NAME: 'Start',
      NAME_INIT: 'Start',
      SORT: '10',
      SYSTEM: 'Y',
      CATEGORY_ID: '7',
      COLOR: '#22B9FF',
      SEMANTICS: null,
    });
    expect(rows.map((r: { SEMANTICS: string | null }) => r.SEMANTICS)).toEqual([null, null, null, null, 'S', 'F']);
  });

  it('lead/deal rows carry EXTRA; dictionaries have CATEGORY_ID null; unknown ENTITY_ID → []', () => {
    const deal = call(s, 'crm.status.list', { filter: { ENTITY_ID: 'DEAL_STAGE_1' } }).result;
    expect(deal[0]).toMatchObject({
      STATUS_ID: 'C1:NEW',
      CATEGORY_ID: '1',
      EXTRA: { SEMANTICS: 'process', COLOR: expect.any(String) },
    });
    expect(deal.find((r: { STATUS_ID: string }) => r.STATUS_ID === 'C1:LOSE').SEMANTICS).toBe('F');
    const apology = call(s, 'crm.status.list', { filter: { ENTITY_ID: 'DEAL_STAGE', STATUS_ID: 'APOLOGY' } }).result[0];
    expect(apology).toMatchObject({ SEMANTICS: 'F', EXTRA: { SEMANTICS: 'apology' } });
    const types = call(s, 'crm.status.list', { filter: { ENTITY_ID: 'CONTACT_TYPE' } }).result;
    expect(types.map((r: { STATUS_ID: string }) => r.STATUS_ID)).toEqual(['CLIENT', 'SUPPLIER', 'PARTNER', 'OTHER']);
    expect(types[0]).toMatchObject({ CATEGORY_ID: null, SEMANTICS: null });
    expect(types[0]).not.toHaveProperty('EXTRA');
    expect(call(s, 'crm.status.list', { filter: { ENTITY_ID: 'NOPE' } })).toMatchObject({ result: [], total: 0 });
    expect(fail(s, 'crm.status.list', { filter: { ENTITY_ID: ['STATUS'] } }).description).toBe(
      'Filter by ENTITY_ID must be a string',
    );
  });

  it('a filter that is not an object is refused with the documented error, not ignored', () => {
    expect(fail(s, 'crm.status.list', { filter: 'ENTITY_ID=STATUS' })).toMatchObject({
      code: 'Invalid parameters.',
      description: 'Incorrect parameters passed.',
    });
  });

  it('crm.status.entity.types lists dictionaries and funnels', () => {
    const r = call(s, 'crm.status.entity.types').result;
    expect(r).toContainEqual({ ID: 'CONTACT_TYPE', NAME: 'Contact type' });
    expect(r).toContainEqual(
      expect.objectContaining({ ID: 'DEAL_STAGE_1', PREFIX: 'C1', ENTITY_TYPE_ID: 2, CATEGORY_ID: '1' }),
    );
    expect(r).toContainEqual(expect.objectContaining({ ID: 'DYNAMIC_128_STAGE_8', ENTITY_TYPE_ID: 128 }));
    expect(r.some((d: { ID: string }) => d.ID.startsWith('DYNAMIC_1032'))).toBe(false);
  });
});

describe('users and departments', () => {
  it('user.get row typing: ID string, ACTIVE boolean, UF_DEPARTMENT numbers', () => {
    const u = call(s, 'user.get', { ID: '1' }).result[0];
    expect(u).toMatchObject({
      ID: '1',
      ACTIVE: true,
      UF_DEPARTMENT: [1],
      USER_TYPE: 'employee',
      IS_ONLINE: expect.stringMatching(/^[YN]$/),
    });
    expect(call(s, 'user.current', {}, 2).result.ID).toBe('2');
  });

  it('filters: ACTIVE, USER_TYPE, UF_DEPARTMENT — top level, filter or FILTER', () => {
    const all = call(s, 'user.get', {});
    expect(all.total).toBe(16);
    expect(uids(call(s, 'user.get', { ACTIVE: true }).result)).toEqual(
      [...F.activeEmployees, ...F.extranet].sort((a, b) => a - b),
    );
    expect(uids(call(s, 'user.get', { filter: { ACTIVE: 'false' } }).result)).toEqual(F.inactive);
    expect(uids(call(s, 'user.get', { FILTER: { USER_TYPE: 'extranet' } }).result)).toEqual(F.extranet);
    const ext = call(s, 'user.get', { FILTER: { USER_TYPE: 'extranet' } }).result[0];
    expect(ext.UF_DEPARTMENT).toEqual([]);
    const sales = call(s, 'user.get', { UF_DEPARTMENT: '2' }).result;
    expect(sales.length).toBeGreaterThan(0);
    for (const u of sales) expect(u.UF_DEPARTMENT).toContain(2);
    expect(uids(call(s, 'user.get', { filter: { '@ID': ['3', '5'] } }).result)).toEqual([3, 5]);
    expect(uids(call(s, 'user.get', { filter: { '>ID': 14 } }).result)).toEqual([15, 16]);
  });

  it('NAME_SEARCH, sort/order, start=-1, user.search FIND', () => {
    const u3 = call(s, 'user.get', { ID: 3 }).result[0];
    expect(uids(call(s, 'user.get', { NAME_SEARCH: u3.LAST_NAME }).result)).toContain(3);
    const desc = uids(call(s, 'user.get', { sort: 'ID', order: 'DESC' }).result);
    expect(desc.slice(0, 2)).toEqual([16, 15]);
    const fast = call(s, 'user.get', { start: -1 });
    expect([fast.total, fast.next]).toEqual([0, undefined]);
    expect(uids(call(s, 'user.search', { FILTER: { FIND: u3.WORK_POSITION } }).result)).toContain(3);
    expect(uids(call(s, 'user.search', { FIND: 'Support' }).result).length).toBeGreaterThan(0);
  });

  it('department.get: SORT number, ID/PARENT strings, root without PARENT', () => {
    const r = call(s, 'department.get', {});
    expect(r.total).toBe(5);
    expect(r.result[0]).toEqual({ ID: '1', NAME: 'Acme Corp', SORT: 500, UF_HEAD: '1' });
    expect(call(s, 'department.get', { ID: '5' }).result).toEqual([
      { ID: '5', NAME: 'Inside Sales', SORT: 500, PARENT: '2', UF_HEAD: '6' },
    ]);
    expect(call(s, 'department.get', { PARENT: 1 }).result.map((d: { ID: string }) => d.ID)).toEqual(['2', '3', '4']);
    expect(call(s, 'department.get', { sort: 'NAME', order: 'ASC' }).result[0].NAME).toBe('Acme Corp');
  });
});

describe('crm.duplicate.findbycomm and crm.address', () => {
  it('finds contacts by phone ignoring formatting, by e-mail; [] when nothing', () => {
    const c = call(s, 'crm.contact.get', { id: 5 }).result;
    const digits = `+${c.PHONE[0].VALUE.replace(/\D/g, '')}`;
    expect(
      call(s, 'crm.duplicate.findbycomm', { type: 'PHONE', values: [digits], entity_type: 'CONTACT' }).result,
    ).toEqual({ CONTACT: [5] });
    expect(
      call(s, 'crm.duplicate.findbycomm', { type: 'EMAIL', values: [c.EMAIL[0].VALUE.toUpperCase()] }).result,
    ).toEqual({ CONTACT: [5] });
    expect(call(s, 'crm.duplicate.findbycomm', { type: 'PHONE', values: ['+0 000 000'] }).result).toEqual([]);
    const e = fail(s, 'crm.duplicate.findbycomm', { values: ['x'] });
    expect([e.code, e.description]).toEqual(['Communication type is not defined', "Parameter 'type' is required."]);
    const lead = call(s, 'crm.lead.get', { id: 1 }).result;
    expect(call(s, 'crm.duplicate.findbycomm', { type: 'PHONE', values: [lead.PHONE[0].VALUE] }).result).toHaveProperty(
      'LEAD',
      [1],
    );
  });

  it('crm.address.add/list: on requisites (8) and leads (1) only, keyed by ENTITY_TYPE_ID + ENTITY_ID + TYPE_ID', () => {
    // Contacts and companies (3/4) only on old portals with that mode switched on (crm-address-add.md).
    expect(
      fail(s, 'crm.address.add', { fields: { TYPE_ID: 1, ENTITY_TYPE_ID: 3, ENTITY_ID: 3, CITY: 'Recife' } })
        .description,
    ).toBe('ENTITY_TYPE_ID is not defined or invalid.');
    const requisite = call(s, 'crm.requisite.add', {
      fields: { ENTITY_TYPE_ID: 3, ENTITY_ID: 3, PRESET_ID: 3, NAME: 'Home', ADDRESS_ONLY: 'Y' },
    }).result;
    expect(
      call(s, 'crm.address.add', {
        fields: {
          TYPE_ID: 1,
          ENTITY_TYPE_ID: 8,
          ENTITY_ID: requisite,
          ADDRESS_1: 'Rua A, 1',
          CITY: 'Recife',
          COUNTRY: 'Brasil',
        },
      }).result,
    ).toBe(true);
    expect(
      call(s, 'crm.address.add', { fields: { TYPE_ID: 8, ENTITY_TYPE_ID: 8, ENTITY_ID: requisite, CITY: 'Mail' } })
        .result,
    ).toBe(true); // 8: mailing
    expect(
      fail(s, 'crm.address.add', { fields: { TYPE_ID: '1', ENTITY_TYPE_ID: '8', ENTITY_ID: String(requisite) } })
        .description,
    ).toBe('TypeAddress exists');
    expect(fail(s, 'crm.address.add', { fields: { TYPE_ID: 1, ENTITY_TYPE_ID: 8 } }).description).toBe(
      'ENTITY_ID is not defined or invalid.',
    );
    expect(
      fail(s, 'crm.address.add', { fields: { TYPE_ID: 1, ENTITY_TYPE_ID: 8, ENTITY_ID: 999_999 } }).description,
    ).toBe('ENTITY_ID is not defined or invalid.');
    const rows = call(s, 'crm.address.list', {
      filter: { ENTITY_TYPE_ID: 8, ENTITY_ID: String(requisite), TYPE_ID: 1 },
    }).result;
    expect(rows).toEqual([
      {
        TYPE_ID: '1',
        ENTITY_TYPE_ID: '8',
        ENTITY_ID: String(requisite),
        ADDRESS_1: 'Rua A, 1',
        ADDRESS_2: null,
        CITY: 'Recife',
        POSTAL_CODE: null,
        REGION: null,
        PROVINCE: null,
        COUNTRY: 'Brasil',
        COUNTRY_CODE: null,
        LOC_ADDR_ID: '0',
        ANCHOR_TYPE_ID: '3',
        ANCHOR_ID: '3',
      },
    ]);
    // total quirk: with start >= 0 it is the page size; start=-1 gives the real count (24 seeded + 2).
    const paged = call(s, 'crm.address.list', { filter: { ENTITY_TYPE_ID: 8 } });
    expect(paged.total).toBe(paged.result.length);
    expect(call(s, 'crm.address.list', { filter: { ENTITY_TYPE_ID: 8 }, start: -1 }).total).toBe(26);
  });

  it('crm.requisite.add/list and crm.requisite.preset.list; a deleted contact takes its requisites and addresses along', () => {
    expect(
      call(s, 'crm.requisite.preset.list', { filter: { ACTIVE: 'Y' }, select: ['ID', 'NAME'] }).result.map(
        (p: { NAME: string }) => p.NAME,
      ),
    ).toEqual(['Organization', 'Sole Proprietorship', 'Individual']);
    expect(
      fail(s, 'crm.requisite.add', { fields: { ENTITY_TYPE_ID: 2, ENTITY_ID: 1, PRESET_ID: 1, NAME: 'x' } })
        .description,
    ).toBe('ENTITY_TYPE_ID is not defined or invalid.');
    expect(
      fail(s, 'crm.requisite.add', { fields: { ENTITY_TYPE_ID: 3, ENTITY_ID: 7, PRESET_ID: 99, NAME: 'x' } })
        .description,
    ).toBe('PRESET_ID is not defined or invalid.');
    const before = call(s, 'crm.address.list', { filter: { ENTITY_TYPE_ID: 8 }, start: -1 }).total ?? 0;
    const [seeded] = call(s, 'crm.requisite.list', { filter: { ENTITY_TYPE_ID: 3, ENTITY_ID: 5 } }).result;
    expect(seeded).toMatchObject({ ENTITY_TYPE_ID: '3', ENTITY_ID: '5', ADDRESS_ONLY: 'Y' });
    call(s, 'crm.contact.delete', { id: 5 });
    expect(call(s, 'crm.requisite.list', { filter: { ENTITY_TYPE_ID: 3, ENTITY_ID: 5 } }).result).toEqual([]);
    expect(call(s, 'crm.address.list', { filter: { ENTITY_TYPE_ID: 8 }, start: -1 }).total).toBe(before - 1);
  });
});

describe('demo data', () => {
  it('is deterministic: same seed → same data; another seed → different data', () => {
    const a = makeState(7);
    const b = makeState(7);
    const c = makeState(8);
    const snap = (st: PortalState) =>
      JSON.stringify([
        call(st, 'crm.contact.list', { select: ['*', 'UF_*', 'PHONE', 'EMAIL'] }).result,
        call(st, 'crm.item.list', { entityTypeId: 128, start: 100 }).result,
        call(st, 'user.get', {}).result,
        call(st, 'crm.deal.list', {}).result,
      ]);
    expect(snap(a)).toBe(snap(b));
    expect(snap(a)).not.toBe(snap(c));
  });

  it('sizes and facts: CPF unique 11 digits, contact types, users by kind', () => {
    const cpfs = new Set<string>();
    for (let start = 0; start < 120; start += 50) {
      for (const c of call(s, 'crm.contact.list', { select: ['ID', DEMO.cpfField, 'TYPE_ID'], start }).result) {
        expect(c[DEMO.cpfField]).toMatch(/^\d{11}$/);
        cpfs.add(c[DEMO.cpfField]);
        expect(DEMO.contactTypes).toContain(c.TYPE_ID);
      }
    }
    expect(cpfs.size).toBe(120);
    expect(F).toMatchObject({ inactive: [7, 15], extranet: [8, 16] });
    expect(call(s, 'crm.item.list', { entityTypeId: 130 }).total).toBe(40);
    expect(call(s, 'crm.item.list', { entityTypeId: 1032 }).total).toBe(40);
    expect(call(s, 'crm.lead.list', {}).total).toBe(60);
    expect(call(s, 'crm.company.list', {}).total).toBe(20);
  });

  // (How fast it builds is measured by `npm run bench`, not here: timings fail under load.)
  it('large portal pages 10,000 cards by keyset', () => {
    const big = makeState(42, 'large');
    let cursor = 0;
    let n = 0;
    for (;;) {
      const items = call(big, 'crm.item.list', {
        entityTypeId: 128,
        order: { id: 'ASC' },
        filter: { '>id': cursor },
        select: ['id', 'title', 'stageId'],
        start: -1,
      }).result.items;
      n += items.length;
      if (items.length < 50) break;
      cursor = items[49].id;
    }
    expect(n).toBe(10_000);
  });
});
