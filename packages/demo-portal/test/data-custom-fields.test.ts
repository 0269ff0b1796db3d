// Custom fields of every type (custom-fields.ts) on every entity: metadata (crm.item.fields,
// *.fields, *.userfield.list, userfieldconfig.list), demo values read by crm.item and old-style
// methods, and writes of the types with rules of their own (crm binding, file, money, date).
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO, demoFacts } from '../src/state.js';
import { DEMO_SIZES, type PortalState } from '../src/types.js';
import { call, fail, makeState } from './data-fixture.js';

type Spec = (typeof DEMO.customFields)[number][number];
type Item = Record<string, any>;

const ENTITIES = [1, 2, 3, 4, 128, 130, 1032, 1034];
const OLD: Record<number, string> = { 1: 'crm.lead', 2: 'crm.deal', 3: 'crm.contact', 4: 'crm.company' };
const F = demoFacts(DEMO_SIZES.small);

/** Every item of a type through crm.item.list pages (select *). */
function allItems(s: PortalState, entityTypeId: number): Item[] {
  const out: Item[] = [];
  for (let start = 0; ; start += 50) {
    const page = call(s, 'crm.item.list', { entityTypeId, select: ['*'], start });
    out.push(...page.result.items);
    if (page.next === undefined) return out;
  }
}

/** Every record of an old-style entity through *.list pages (select UF_*). */
function allOld(s: PortalState, prefix: string): Item[] {
  const out: Item[] = [];
  for (let start = 0; ; start += 50) {
    const page = call(s, `${prefix}.list`, { select: ['ID', 'UF_*'], start });
    out.push(...page.result);
    if (page.next === undefined) return out;
  }
}

let s: PortalState;
/** crm.item.fields per type, camel name by UF name; enumeration item ids by UF name. */
const camelOf = new Map<string, string>();
const itemIdsOf = new Map<string, number[]>();
const items = new Map<number, Item[]>();
beforeAll(() => {
  const seeded = makeState();
  for (const e of ENTITIES) {
    const fields = call(seeded, 'crm.item.fields', { entityTypeId: e }).result.fields;
    for (const [k, d] of Object.entries<any>(fields)) {
      if (!d.isDynamic) continue;
      camelOf.set(`${e}:${d.upperName}`, k);
      if (d.items)
        itemIdsOf.set(
          `${e}:${d.upperName}`,
          d.items.map((i: { ID: string }) => Number(i.ID)),
        );
    }
    items.set(e, allItems(seeded, e));
  }
});
beforeEach(() => {
  s = makeState();
});

const camel = (e: number, spec: Spec) => camelOf.get(`${e}:${spec.name}`)!;
const specs = (e: number): readonly Spec[] => DEMO.customFields[e];
const isEmpty = (v: unknown) => v === null || (Array.isArray(v) && v.length === 0);

describe('metadata', () => {
  it('every type on every entity: crm.item.fields type, multiple, label, upperName, settings', () => {
    const types = new Set<string>();
    for (const e of ENTITIES) {
      const fields = call(s, 'crm.item.fields', { entityTypeId: e }).result.fields;
      for (const spec of specs(e)) {
        const d = fields[camel(e, spec)];
        expect(d, `${e} ${spec.name}`).toMatchObject({
          type: spec.type,
          isMultiple: !!spec.multiple,
          isDynamic: true,
          title: spec.label,
          listLabel: spec.label,
          formLabel: spec.label,
          filterLabel: spec.label,
          upperName: spec.name,
        });
        if (e < 1000 || e === 1034) types.add(`${spec.type}${spec.multiple ? '[]' : ''}`);
        if (spec.type === 'enumeration') expect(d.items.map((i: { VALUE: string }) => i.VALUE)).toEqual(spec.items);
        if (spec.type === 'crm')
          expect(Object.keys(d.settings).filter((k) => d.settings[k] === 'Y')).toEqual(spec.binds);
      }
    }
    for (const t of [
      'string',
      'string[]',
      'integer',
      'double',
      'boolean',
      'date',
      'date[]',
      'datetime',
      'money',
      'url',
      'address',
      'enumeration',
      'enumeration[]',
      'employee',
      'crm',
      'crm[]',
      'file',
      'file[]',
    ])
      expect(types.has(t), t).toBe(true);
  });

  it('leads, deals, contacts and companies each have every type, and so do the first two smart processes', () => {
    const all = ['string', 'integer', 'double', 'boolean', 'date', 'datetime', 'money', 'url', 'address'];
    for (const e of [1, 2, 3, 4, 128, 130]) {
      const fields = Object.values<any>(call(s, 'crm.item.fields', { entityTypeId: e }).result.fields);
      const dyn = fields.filter((d) => d.isDynamic);
      for (const t of [...all, 'enumeration', 'employee', 'crm', 'file'])
        expect(
          dyn.some((d) => d.type === t),
          `${e} ${t}`,
        ).toBe(true);
      expect(dyn.some((d) => d.type === 'enumeration' && d.isMultiple)).toBe(true);
      expect(dyn.some((d) => d.type === 'enumeration' && !d.isMultiple)).toBe(true);
      // A crm field bound to one type and one bound to several.
      const crm = dyn.filter((d) => d.type === 'crm');
      expect(crm.some((d) => Object.values(d.settings).filter((v) => v === 'Y').length === 1)).toBe(true);
      expect(crm.some((d) => Object.values(d.settings).filter((v) => v === 'Y').length > 1)).toBe(true);
      // Two fields with the same label.
      const titles = dyn.map((d) => d.title);
      expect(
        titles.some((t, i) => titles.indexOf(t) !== i),
        `${e} duplicate label`,
      ).toBe(true);
    }
  });

  it('labels and list items in English, Portuguese and Russian', () => {
    const titles = ENTITIES.flatMap((e) =>
      Object.values<any>(call(s, 'crm.item.fields', { entityTypeId: e }).result.fields).map((d) => d.title),
    );
    for (const t of ['Data de início', 'Дата договора', 'Priority', 'Orçamento', 'Комментарий', 'Status'])
      expect(titles).toContain(t);
    const company = call(s, 'crm.item.fields', { entityTypeId: 4 }).result.fields;
    const regions = Object.values<any>(company).find((d) => d.title === 'Регионы');
    expect(regions.items.map((i: { VALUE: string }) => i.VALUE)).toContain('Санкт-Петербург');
    const contact = call(s, 'crm.item.fields', { entityTypeId: 3 }).result.fields;
    const status = Object.values<any>(contact).find((d) => d.title === 'Status' && d.type === 'enumeration');
    expect(status.items).toEqual([
      { ID: expect.stringMatching(/^\d+$/), VALUE: 'Ativo' },
      { ID: expect.stringMatching(/^\d+$/), VALUE: 'Inativo' },
      { ID: expect.stringMatching(/^\d+$/), VALUE: 'Em negociação' },
    ]);
  });

  it('old-style *.fields and *.userfield.list describe the same fields (title = code, labels apart)', () => {
    for (const [e, prefix] of Object.entries(OLD).map(([k, v]) => [Number(k), v] as const)) {
      const fields = call(s, `${prefix}.fields`).result;
      const list = call(s, `${prefix}.userfield.list`, { filter: { LANG: 'en' } }).result;
      for (const spec of specs(e)) {
        expect(fields[spec.name]).toMatchObject({
          type: spec.type,
          title: spec.name,
          listLabel: spec.label,
          isMultiple: !!spec.multiple,
        });
        const row = list.find((r: { FIELD_NAME: string }) => r.FIELD_NAME === spec.name);
        expect(row).toMatchObject({
          USER_TYPE_ID: spec.type,
          MULTIPLE: spec.multiple ? 'Y' : 'N',
          EDIT_FORM_LABEL: spec.label,
        });
        if (spec.type === 'enumeration') expect(row.LIST.map((i: { VALUE: string }) => i.VALUE)).toEqual(spec.items);
      }
    }
    // The ids are the portal's: unique across entities, enumeration items too.
    const ids = Object.values(OLD).flatMap((p) =>
      call(s, `${p}.userfield.list`).result.map((r: { ID: string }) => r.ID),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('userfieldconfig.list / get: every field of every entity, filtered by entityId', () => {
    const spa = call(s, 'userfieldconfig.list', { moduleId: 'crm', filter: { entityId: 'CRM_4' } });
    expect(spa.result.fields.map((f: { fieldName: string }) => f.fieldName)).toEqual(
      DEMO.customFields[1034].map((f) => f.name),
    );
    const kind = spa.result.fields.find((f: { fieldName: string }) => f.fieldName === 'UF_CRM_4_KIND');
    expect(kind).toMatchObject({ entityId: 'CRM_4', userTypeId: 'enumeration', multiple: 'N' });
    expect(kind.enum.map((i: { value: string }) => i.value)).toEqual(['Поставка', 'Услуги', 'Аренда', 'Лицензия']);
    expect(call(s, 'userfieldconfig.get', { moduleId: 'crm', id: kind.id }).result.field).toEqual(kind);
    const all = call(s, 'userfieldconfig.list', { moduleId: 'crm' });
    expect(all.total).toBeGreaterThan(100);
    expect(all.result.fields).toHaveLength(50);
    expect(all.next).toBe(50);
    const e = fail(s, 'userfieldconfig.get', { moduleId: 'crm', id: 999999 });
    expect([e.code, e.description]).toEqual(['', 'You do not have permission to view user field settings']);
    expect(fail(s, 'userfieldconfig.list', { moduleId: 'rpa' }).description).toBe('No settings for UserFieldAccess');
  });

  it('smart processes have real titles; "Договоры" has a Russian funnel and stages', () => {
    const types = call(s, 'crm.type.list').result.types;
    expect(types.map((t: { title: string }) => t.title)).toEqual([
      'Onboarding',
      'Support tickets',
      'Assets',
      'Договоры',
    ]);
    expect(call(s, 'crm.category.list', { entityTypeId: 1034 }).result.categories).toEqual([
      { id: 11, name: 'Основная', sort: 100, entityTypeId: 1034, isDefault: 'Y' },
    ]);
    const stages = call(s, 'crm.status.list', { filter: { ENTITY_ID: 'DYNAMIC_1034_STAGE_11' } }).result;
    expect(stages.map((r: { STATUS_ID: string; NAME: string }) => [r.STATUS_ID, r.NAME])).toEqual([
      ['DT1034_11:NEW', 'Черновик'],
      ['DT1034_11:PREPARATION', 'Согласование'],
      ['DT1034_11:CLIENT', 'На подписи'],
      ['DT1034_11:SUCCESS', 'Подписан'],
      ['DT1034_11:FAIL', 'Отклонён'],
    ]);
    const contracts = call(s, 'crm.item.list', { entityTypeId: 1034, select: ['id', 'title', 'stageId'] });
    expect(contracts.total).toBe(F.cards[1034]);
    expect(contracts.result.items[0].title).toBe('Договор № 1');
    expect(contracts.result.items.every((i: { stageId: string }) => i.stageId.startsWith('DT1034_11:'))).toBe(true);
  });
});

// ---- values ------------------------------------------------------------------------------------

const ISO_DATE = /^\d{4}-\d\d-\d\dT00:00:00\+03:00$/;
const ISO_DATETIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+03:00$/;

/** What a crm.item value of a type looks like; the checks are the field type's, not the code's. */
function checkItemValue(e: number, spec: Spec, v: unknown, item: Item): void {
  const where = `${e}#${item.id} ${spec.name}=${JSON.stringify(v)}`;
  switch (spec.type) {
    case 'string':
      expect(typeof v, where).toBe('string');
      break;
    case 'integer':
      expect(Number.isInteger(v), where).toBe(true);
      break;
    case 'double':
      expect(typeof v, where).toBe('number');
      break;
    case 'boolean':
      expect(v, where).toMatch(/^[YN]$/);
      break;
    case 'date':
      expect(v, where).toMatch(ISO_DATE);
      break;
    case 'datetime':
      expect(v, where).toMatch(ISO_DATETIME);
      break;
    case 'money':
      expect(v, where).toMatch(/^\d+(\.\d+)?\|(BRL|USD|EUR)$/);
      break;
    case 'url':
      expect(v, where).toMatch(/^https:\/\/[a-z0-9.-]+\//);
      break;
    case 'address':
      expect(v, where).toMatch(/^[^|]+\|-?\d+(\.\d+)?;-?\d+(\.\d+)?$/);
      break;
    case 'enumeration':
      expect(itemIdsOf.get(`${e}:${spec.name}`), where).toContain(v);
      break;
    case 'employee':
      expect(F.activeEmployees, where).toContain(v);
      break;
    case 'crm': {
      const binds = spec.binds ?? [];
      if (binds.length === 1) {
        // One bound type: the bare id of an existing record of it.
        expect(v, where).toMatch(/^\d+$/);
        const type = { CONTACT: 3, COMPANY: 4, DEAL: 2, LEAD: 1 }[binds[0] as string]!;
        expect(call(s, 'crm.item.get', { entityTypeId: type, id: Number(v) }).result.item.id).toBe(Number(v));
      } else {
        const prefixes = binds.map(
          (b) =>
            ({ CONTACT: 'C', COMPANY: 'CO', DEAL: 'D', LEAD: 'L' })[b as 'LEAD'] ??
            `T${Number(b.slice(8)).toString(16)}`,
        );
        const m = /^([A-Z0-9]+)_(\d+)$/i.exec(String(v));
        expect(m, where).not.toBeNull();
        expect(prefixes, where).toContain(m![1]);
      }
      break;
    }
    case 'file':
      expect(v, where).toEqual({
        id: expect.any(Number),
        url: expect.stringMatching(
          new RegExp(
            `crm\\.controller\\.item\\.getFile&SITE_ID=s1&entityTypeId=${e}&id=${item.id}&fieldName=${spec.name}&fileId=\\d+$`,
          ),
        ),
        urlMachine: expect.stringContaining(`/rest/crm.controller.item.getFile.json?entityTypeId=${e}&id=${item.id}`),
      });
      break;
  }
}

describe('demo values', () => {
  it('crm.item: every field has values of its type on some records and is empty on others', () => {
    for (const e of ENTITIES) {
      const list = items.get(e)!;
      for (const spec of specs(e)) {
        const key = camel(e, spec);
        let filled = 0;
        for (const item of list) {
          const v = item[key];
          expect(key in item).toBe(true);
          if (isEmpty(v)) continue;
          filled++;
          if (spec.multiple) {
            expect(Array.isArray(v)).toBe(true);
            for (const x of v) checkItemValue(e, spec, x, item);
            expect(new Set(v.map((x: unknown) => JSON.stringify(x))).size).toBe(v.length);
          } else checkItemValue(e, spec, v, item);
        }
        expect(filled, `${e} ${spec.name} filled`).toBeGreaterThan(0);
        if ((spec.fill ?? 0.7) <= 0.8) expect(filled, `${e} ${spec.name} some empty`).toBeLessThan(list.length);
      }
    }
  });

  it('crm.item.get and crm.item.list agree; useOriginalUfNames=Y gives the same values under UF names', () => {
    for (const e of ENTITIES) {
      const item = items.get(e)![4];
      expect(call(s, 'crm.item.get', { entityTypeId: e, id: item.id }).result.item).toEqual(item);
      const orig = call(s, 'crm.item.get', { entityTypeId: e, id: item.id, useOriginalUfNames: 'Y' }).result.item;
      for (const spec of specs(e)) expect(orig[spec.name]).toEqual(item[camel(e, spec)]);
    }
  });

  it('old-style get/list: ids and numbers as strings, booleans "1"/"0", dates ISO, empty "", files {id, showUrl, downloadUrl}', () => {
    for (const [e, prefix] of Object.entries(OLD).map(([k, v]) => [Number(k), v] as const)) {
      const rows = allOld(s, prefix);
      const byId = new Map(items.get(e)!.map((i) => [i.id, i]));
      expect(rows).toHaveLength(byId.size);
      for (const row of rows) {
        const item = byId.get(Number(row.ID))!;
        for (const spec of specs(e)) {
          const iv = item[camel(e, spec)];
          const ov = row[spec.name];
          const one = (i: unknown, o: unknown) => {
            if (i === null) return expect(o).toBe('');
            switch (spec.type) {
              case 'integer':
              case 'double':
              case 'enumeration':
              case 'employee':
                return expect(o).toBe(String(i));
              case 'boolean':
                return expect(o).toBe(i === 'Y' ? '1' : '0');
              case 'file':
                return expect(o).toEqual({
                  id: (i as { id: number }).id,
                  showUrl: `/bitrix/components/bitrix/${prefix}.show/show_file.php?ownerId=${row.ID}&fieldName=${spec.name}&dynamic=Y&fileId=${(i as { id: number }).id}`,
                  downloadUrl: expect.stringMatching(/&download=y$/),
                });
              default:
                // Strings, money, url, address, crm bindings and ISO dates read the same.
                return expect(o).toBe(i);
            }
          };
          if (spec.multiple) {
            expect(ov).toHaveLength(iv.length);
            for (const [k, x] of (iv as unknown[]).entries()) one(x, ov[k]);
          } else one(iv, ov);
        }
      }
      const get = call(s, `${prefix}.get`, { id: rows[3].ID }).result;
      for (const spec of specs(e)) expect(get[spec.name]).toEqual(rows[3][spec.name]);
    }
  });
});

// ---- writes ------------------------------------------------------------------------------------

describe('writing custom fields', () => {
  const contactField = (label: string, type?: string) => {
    const spec = specs(3).find((x) => x.label === label && (!type || x.type === type))!;
    return { upper: spec.name, camel: camel(3, spec) };
  };

  it('crm: one bound type keeps the bare id (its prefix is accepted), several types need a bound prefix', () => {
    const one = contactField('Indicado por');
    const many = contactField('Связанные объекты');
    const item = call(s, 'crm.item.add', {
      entityTypeId: 3,
      fields: { name: 'Ana', [one.camel]: 'C_7', [many.camel]: ['CO_3', 'T80_5', 'd_2'] },
    }).result.item;
    expect(item[one.camel]).toBe('7');
    expect(item[many.camel]).toEqual(['CO_3', 'T80_5', 'D_2']);
    expect(
      call(s, 'crm.item.update', { entityTypeId: 3, id: item.id, fields: { [one.camel]: 9 } }).result.item[one.camel],
    ).toBe('9');
    for (const bad of [
      { [one.camel]: 'CO_7' },
      { [many.camel]: ['7'] },
      { [many.camel]: ['L_1'] },
      { [many.camel]: ['T82_1'] },
    ]) {
      const e = fail(s, 'crm.item.update', { entityTypeId: 3, id: item.id, fields: bad });
      expect(e.code, JSON.stringify(bad)).toBe('CRM_FIELD_ERROR_VALUE_NOT_VALID');
    }
    expect(call(s, 'crm.contact.get', { id: item.id }).result[many.upper]).toEqual(['CO_3', 'T80_5', 'D_2']);
  });

  it('file: upload as ["name", base64] (crm.item) or {fileData} (old-style), keep by {id}, another id resets, "" clears', () => {
    const doc = contactField('Documento (RG)');
    const b64 = Buffer.from('%PDF-1.4 demo').toString('base64');
    const item = call(s, 'crm.item.add', { entityTypeId: 3, fields: { name: 'Bia', [doc.camel]: ['rg.pdf', b64] } })
      .result.item;
    const file = item[doc.camel];
    expect(file).toEqual({ id: expect.any(Number), url: expect.any(String), urlMachine: expect.any(String) });
    const kept = call(s, 'crm.item.update', { entityTypeId: 3, id: item.id, fields: { [doc.camel]: { id: file.id } } });
    expect(kept.result.item[doc.camel].id).toBe(file.id);
    const reset = call(s, 'crm.item.update', {
      entityTypeId: 3,
      id: item.id,
      fields: { [doc.camel]: { id: file.id + 1 } },
    });
    expect(reset.result.item[doc.camel]).toBeNull();
    call(s, 'crm.contact.update', { id: item.id, fields: { [doc.upper]: { fileData: ['cpf.png', b64] } } });
    const old = call(s, 'crm.contact.get', { id: item.id }).result[doc.upper];
    expect(old.id).toBeGreaterThan(file.id);
    call(s, 'crm.item.update', { entityTypeId: 3, id: item.id, fields: { [doc.camel]: '' } });
    expect(call(s, 'crm.contact.get', { id: item.id }).result[doc.upper]).toBe('');
    const e = fail(s, 'crm.item.update', { entityTypeId: 3, id: item.id, fields: { [doc.camel]: ['x.pdf', ''] } });
    expect(e.code).toBe('CRM_FIELD_ERROR_VALUE_NOT_VALID');
  });

  it('multiple file field: keep the ids named, add uploads, drop the rest (crm-item-update.md)', () => {
    const spec = specs(4).find((x) => x.type === 'file')!;
    const key = camel(4, spec);
    const b64 = Buffer.from('contract').toString('base64');
    const c = call(s, 'crm.item.add', {
      entityTypeId: 4,
      fields: {
        title: 'Files Ltda',
        [key]: [
          ['a.pdf', b64],
          ['b.pdf', b64],
        ],
      },
    }).result.item;
    const [a, b] = c[key].map((f: { id: number }) => f.id);
    const u = call(s, 'crm.item.update', {
      entityTypeId: 4,
      id: c.id,
      fields: { [key]: [{ id: a }, ['c.pdf', b64]] },
    }).result.item;
    expect(u[key].map((f: { id: number }) => f.id)).toEqual([a, expect.any(Number)]);
    expect(u[key][1].id).toBeGreaterThan(b);
  });

  it('typed values from strings (form and batch callers); bad values are refused by name', () => {
    const age = contactField('Idade');
    const when = contactField('Последний визит');
    const budget = contactField('Orçamento');
    const interests = contactField('Interesses');
    const tags = contactField('Tags');
    const fields = call(s, 'crm.item.fields', { entityTypeId: 3 }).result.fields;
    const software = fields[interests.camel].items[0].ID;
    const item = call(s, 'crm.item.add', {
      entityTypeId: 3,
      fields: {
        name: 'Caio',
        [age.camel]: '41',
        [when.camel]: '2025-02-03T10:20:30+00:00',
        [budget.camel]: '1500.50|BRL',
        [interests.camel]: [software, software],
        [tags.camel]: ['b2b', 'vip'],
      },
    }).result.item;
    expect(item[age.camel]).toBe(41);
    expect(item[when.camel]).toBe('2025-02-03T13:20:30+03:00');
    expect(item[budget.camel]).toBe('1500.50|BRL');
    expect(item[interests.camel]).toEqual([Number(software)]);
    expect(item[tags.camel]).toEqual(['b2b', 'vip']);
    for (const [k, v] of [
      [age.camel, 'forty'],
      [budget.camel, '1500 BRL'],
      [interests.camel, [999999]],
    ] as const) {
      const e = fail(s, 'crm.item.update', { entityTypeId: 3, id: item.id, fields: { [k]: v } });
      expect(e.code).toBe('CRM_FIELD_ERROR_VALUE_NOT_VALID');
    }
    const e = fail(s, 'crm.item.update', { entityTypeId: 3, id: item.id, fields: { [tags.camel]: 'one' } });
    expect([e.code, e.description]).toEqual([
      '100',
      'Expected iterable value for multiple field, but got string instead',
    ]);
  });
});
