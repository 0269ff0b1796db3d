// Names generated from the portal's labels (src/schema/portal/inflection.ts, model.ts): ASCII,
// cased, deterministic, distinct, and pinned by the names file.
import { describe, expect, it } from 'vitest';
import { fieldSet } from '../../src/crm/fields.js';
import type { SpaTypeRecord, StageRecord } from '../../src/crm/metadata.js';
import { camelName, constantName, typeNames } from '../../src/schema/portal/inflection.js';
import { portalModel, type PortalMetadata, type ReservedNames } from '../../src/schema/portal/model.js';
import { formatNames, parseNames, NamesFileError } from '../../src/schema/portal/names-file.js';

describe('names from labels', () => {
  it('transliterates and camel-cases labels in any script', () => {
    expect(camelName('Data de início')).toBe('dataDeInicio');
    expect(camelName('Дата договора')).toBe('dataDogovora');
    expect(camelName('Número do pedido')).toBe('numeroDoPedido');
    expect(camelName('客户 状态')).toBe('keHuZhuangTai');
    expect(camelName('2nd phone')).toBe('n2ndPhone');
    expect(camelName('!!!')).toBe('');
    expect(constantName('Em andamento')).toBe('EM_ANDAMENTO');
    expect(constantName('Высокий')).toBe('VYSOKIY');
  });

  it('names a smart process from its title: singular type, plural list; other languages get a List suffix', () => {
    expect(typeNames('Projects', 'X')).toEqual({ type: 'Project', one: 'project', many: 'projects' });
    expect(typeNames('Support tickets', 'X')).toEqual({
      type: 'SupportTicket',
      one: 'supportTicket',
      many: 'supportTickets',
    });
    expect(typeNames('Договоры', 'X')).toEqual({ type: 'Dogovory', one: 'dogovory', many: 'dogovoryList' });
    expect(typeNames('???', 'SmartProcess190')).toEqual({
      type: 'SmartProcess190',
      one: 'smartProcess190',
      many: 'smartProcess190s',
    });
  });
});

/** A custom field descriptor as crm.item.fields gives it (camelCase key, UPPER_CASE name). */
const uf = (upper: string, label: string, type: string, extra: Record<string, unknown> = {}) => [
  upper.toLowerCase(),
  { type, title: upper, listLabel: label, formLabel: label, upperName: upper, ...extra },
];

function metadata(fields: Record<number, unknown[][]>, types: Partial<SpaTypeRecord>[] = []): PortalMetadata {
  const stage = (statusId: string, name: string, categoryId: number, sort: number): StageRecord => ({
    id: sort,
    statusId,
    name,
    sort,
    color: null,
    semantics: 'PROCESS',
    entityTypeId: 128,
    categoryId,
  });
  return {
    types: types.map((t) => ({
      id: 1,
      entityTypeId: 128,
      title: 'Projects',
      code: null,
      flags: {} as never,
      raw: {},
      ...t,
    })),
    fields: new Map(Object.entries(fields).map(([e, list]) => [Number(e), fieldSet(Object.fromEntries(list))])),
    categories: new Map([
      [
        128,
        [
          { id: 7, entityTypeId: 128, name: 'Sales', sort: 1, isDefault: true },
          { id: 9, entityTypeId: 128, name: 'Продажи', sort: 2, isDefault: false },
        ],
      ],
    ]),
    stages: new Map([
      [
        128,
        [stage('DT128_7:NEW', 'New', 7, 10), stage('DT128_9:NEW', 'Новая', 9, 10), stage('DT128_9:WON', 'Won', 9, 20)],
      ],
    ]),
  };
}

const reserved: ReservedNames = {
  types: ['Query', 'Contact', 'SpaCard'],
  fields: (base) => (base === 'Contact' ? ['name', 'title', 'phones'] : ['title', 'stage']),
  roots: ['contacts', 'spaCards'],
};

describe('the portal model', () => {
  const contactFields = [
    uf('UF_CRM_2', 'Status', 'string'),
    uf('UF_CRM_1', 'Status', 'enumeration', {
      items: [
        { ID: 5, VALUE: 'Ativo' },
        { ID: 6, VALUE: 'ativo' },
      ],
    }),
    uf('UF_CRM_3', 'Title', 'string'),
    uf('UF_CRM_4', 'Дата договора', 'date'),
  ];

  it('gives two fields with one label distinct names, by their UF names, whatever order the portal lists them in', () => {
    const a = portalModel(metadata({ 3: contactFields }), reserved);
    const b = portalModel(metadata({ 3: [...contactFields].reverse() }), reserved);
    const names = (m: typeof a) =>
      m.entities.find((e) => e.entityTypeId === 3)?.fields.map((f) => [f.def.upperName, f.name]);
    expect(names(a)).toEqual([
      ['UF_CRM_1', 'status'],
      ['UF_CRM_2', 'status2'],
      ['UF_CRM_3', 'title2'], // `title` is the static type's own field
      ['UF_CRM_4', 'dataDogovora'],
    ]);
    expect(names(b)).toEqual(names(a));
    const status = a.entities.find((e) => e.entityTypeId === 3)?.fields[0];
    expect(status?.enum?.values.map((v) => [v.id, v.name])).toEqual([
      ['5', 'ATIVO'],
      ['6', 'ATIVO2'],
    ]);
  });

  it('types smart processes with their stages (prefixed by funnel when there are several) and funnels', () => {
    const m = portalModel(
      metadata({ 128: [uf('UF_CRM_1_1', 'Priority', 'enumeration', { items: [{ ID: 1, VALUE: 'High' }] })] }, [{}]),
      reserved,
    );
    const projects = m.entities.find((e) => e.entityTypeId === 128);
    expect(projects?.names).toEqual({ type: 'Project', one: 'project', many: 'projects' });
    expect(projects?.stages?.values.map((v) => [v.id, v.name, v.funnel])).toEqual([
      ['DT128_7:NEW', 'SALES_NEW', 7],
      ['DT128_9:NEW', 'PRODAZHI_NOVAYA', 9],
      ['DT128_9:WON', 'PRODAZHI_WON', 9],
    ]);
    expect(projects?.fields[0].enum?.name).toBe('ProjectPriority');
    expect(m.names.types['128']).toEqual({ type: 'Project', one: 'project', many: 'projects' });
  });

  it('the names file pins names (a renamed label keeps its name), renames, hides, and reports what is gone', () => {
    const names = parseNames({
      types: { '128': { type: 'Deliverable', one: 'deliverable', many: 'deliverables' }, '190': false },
      fields: { '3': { UF_CRM_1: 'state', UF_CRM_2: false, UF_CRM_4: 'contractDate', UF_CRM_9: 'old' } },
      values: { '3': { UF_CRM_1: { '5': 'ACTIVE' } } },
    });
    const m = portalModel(metadata({ 3: contactFields, 128: [] }, [{}]), reserved, names);
    const contact = m.entities.find((e) => e.entityTypeId === 3);
    expect(contact?.fields.map((f) => f.name)).toEqual(['state', 'title2', 'contractDate']);
    expect(contact?.fields[0].enum?.values.map((v) => v.name)).toEqual(['ACTIVE', 'ATIVO']);
    expect(m.entities.find((e) => e.entityTypeId === 128)?.names.type).toBe('Deliverable');
    expect(m.gone).toEqual(['smart process 190', 'field UF_CRM_9 of Contact']);
    expect(m.names.fields['3']).toMatchObject({ UF_CRM_2: false, UF_CRM_1: 'state' });
  });

  it('refuses a names file with a name GraphQL cannot have', () => {
    expect(() => parseNames({ fields: { '3': { UF_CRM_1: 'has space' } } })).toThrow(NamesFileError);
    expect(() => parseNames({ types: { '128': { type: 'Ok', one: '__x', many: 'oks' } } })).toThrow(NamesFileError);
  });

  it('a locked file (what --lock writes) keeps every name when the portal renames its labels', () => {
    const before = portalModel(metadata({ 3: contactFields, 128: [] }, [{}]), reserved);
    const lock = parseNames(JSON.parse(formatNames(before.names)));
    const renamed = contactFields.map(([key, raw]) => [
      key,
      { ...(raw as object), listLabel: 'Renamed', formLabel: 'Renamed' },
    ]);
    const free = portalModel(metadata({ 3: renamed, 128: [] }, [{ title: 'Deliveries' }]), reserved);
    const locked = portalModel(metadata({ 3: renamed, 128: [] }, [{ title: 'Deliveries' }]), reserved, lock);
    const names = (m: typeof before) => m.entities.flatMap((e) => [e.names.type, ...e.fields.map((f) => f.name)]);
    expect(names(free)).not.toEqual(names(before));
    expect(names(locked)).toEqual(names(before));
    expect(formatNames(locked.names)).toBe(formatNames(before.names));
  });
});
