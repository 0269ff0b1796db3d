// Entity schemas: the field lists of lead (1), deal (2), contact (3), company (4), estimate (7),
// invoice (31) and each smart process. One canonical record per entity, keyed by UPPER_CASE names; the schema says how each
// field is named and typed in both renderings.
import { semanticLetter, type Catalog, type SpaType } from './catalog.js';
import { demoUfs } from './custom-fields.js';
import { f, nameUfs, RO, type FieldDef, type UfDef } from './fields.js';

/** A multi-field value (PHONE/EMAIL/WEB/IM), stored once for both renderings. */
export interface Multi {
  id: number;
  typeId: 'PHONE' | 'EMAIL' | 'WEB' | 'IM' | 'LINK';
  valueType: string;
  value: string;
}

/** Canonical record: UPPER_CASE keys; multi-fields under FM. */
export type Rec = Record<string, unknown> & { ID: number; FM?: Multi[] };

export interface Schema {
  entityTypeId: number;
  /** LEAD / DEAL / CONTACT / COMPANY / DYNAMIC_128 */
  name: string;
  /** "Contact" — used in old-style messages ("Contact is not found"). */
  title: string;
  ufEntityId: string;
  fields: FieldDef[];
  byUpper: Map<string, FieldDef>;
  /** crm.item names, UFs under their converted names. */
  byCamel: Map<string, FieldDef>;
  hasFm: boolean;
  /** Has crm.<entity>.* methods. */
  oldStyle: boolean;
  spa?: SpaType;
  /** Record keys of the bookkeeping fields. */
  sys: {
    created: string;
    modified: string;
    createdBy: string;
    modifiedBy: string;
    stage?: string;
    movedTime?: string;
    movedBy?: string;
  };
  /** Field switched on for this type (SPA flags, §7.7). */
  enabled(def: FieldDef): boolean;
  /** The portal's origin (absolute links to files of `file` fields). */
  links: { origin: string };
  /** Derived (read-only computed) values: HAS_PHONE, stage semantics. */
  derive(rec: Rec, def: FieldDef): unknown;
}

export const MULTI_TYPES = ['PHONE', 'EMAIL', 'WEB', 'IM'] as const;

const multiDefs = (): FieldDef[] => [
  f('PHONE', '', 'crm_multifield', 'Phone', { multiple: true, item: false }),
  f('EMAIL', '', 'crm_multifield', 'E-mail', { multiple: true, item: false }),
  f('WEB', '', 'crm_multifield', 'Website', { multiple: true, item: false }),
  f('IM', '', 'crm_multifield', 'Messenger', { multiple: true, item: false }),
  f('FM', 'fm', 'crm_multifield', 'Multifields', { multiple: true, old: false }),
  f('HAS_PHONE', 'hasPhone', 'boolean', 'Has phone', { ...RO, oldType: 'char' }),
  f('HAS_EMAIL', 'hasEmail', 'boolean', 'Has e-mail', { ...RO, oldType: 'char' }),
  f('HAS_IMOL', 'hasImol', 'boolean', 'Has Open Channel', { ...RO, oldType: 'char' }),
];

const bookkeeping = (): FieldDef[] => [
  f('ASSIGNED_BY_ID', 'assignedById', 'user', 'Responsible person'),
  f('CREATED_BY_ID', 'createdBy', 'user', 'Created by', RO),
  f('MODIFY_BY_ID', 'updatedBy', 'user', 'Modified by', RO),
  f('DATE_CREATE', 'createdTime', 'datetime', 'Created on', RO),
  f('DATE_MODIFY', 'updatedTime', 'datetime', 'Modified on', RO),
  f('OPENED', 'opened', 'boolean', 'Available to everyone', { oldType: 'char' }),
  f('ORIGINATOR_ID', 'originatorId', 'string', 'External source'),
  f('ORIGIN_ID', 'originId', 'string', 'Item ID in data source'),
  f('LAST_ACTIVITY_TIME', 'lastActivityTime', 'datetime', 'Last activity', RO),
  f('LAST_ACTIVITY_BY', 'lastActivityBy', 'user', 'Last activity by', RO),
  f('UTM_SOURCE', 'utmSource', 'string', 'Ad system'),
  f('UTM_MEDIUM', 'utmMedium', 'string', 'Traffic type'),
  f('UTM_CAMPAIGN', 'utmCampaign', 'string', 'Ad campaign UTM'),
];

const OLD_SYS = {
  created: 'DATE_CREATE',
  modified: 'DATE_MODIFY',
  createdBy: 'CREATED_BY_ID',
  modifiedBy: 'MODIFY_BY_ID',
};

function uf(upper: string, type: string, def: UfDef, extra: Partial<FieldDef> = {}): FieldDef {
  return f(upper, '', type, def.label, { uf: def, ...extra });
}

export function enumItems(first: number, values: string[]): NonNullable<UfDef['items']> {
  return values.map((v, i) => ({
    ID: String(first + i),
    VALUE: v,
    SORT: (i + 1) * 10,
    DEF: 'N',
    XML_ID: `ITEM_${first + i}`,
  }));
}

// ---- user fields of the demo portal (names exercise both conversion rules of §7.3) ----

export const CONTACT_UFS: FieldDef[] = [
  uf('UF_CRM_CPF', 'string', {
    id: 101,
    entityId: 'CRM_CONTACT',
    label: 'CPF',
    sort: 100,
    settings: { SIZE: 20, ROWS: 1, REGEXP: '', MIN_LENGTH: 11, MAX_LENGTH: 11, DEFAULT_VALUE: '' },
  }),
  uf('UF_CRM_1720697698689', 'enumeration', {
    id: 102,
    entityId: 'CRM_CONTACT',
    label: 'Segment',
    sort: 200,
    settings: { DISPLAY: 'LIST', LIST_HEIGHT: 1, CAPTION_NO_VALUE: '', SHOW_NO_VALUE: 'Y' },
    items: enumItems(201, ['Retail', 'Wholesale', 'Government']),
  }),
  uf('UF_CRM_NEWSLETTER', 'boolean', {
    id: 105,
    entityId: 'CRM_CONTACT',
    label: 'Newsletter',
    sort: 300,
    settings: { DEFAULT_VALUE: 0, DISPLAY: 'CHECKBOX', LABEL: ['', ''], LABEL_CHECKBOX: 'Newsletter' },
  }),
];

export const COMPANY_UFS: FieldDef[] = [
  uf('UF_CRM_CNPJ', 'string', {
    id: 103,
    entityId: 'CRM_COMPANY',
    label: 'CNPJ',
    sort: 100,
    settings: { SIZE: 20, ROWS: 1, REGEXP: '', MIN_LENGTH: 0, MAX_LENGTH: 0, DEFAULT_VALUE: '' },
  }),
];

export const DEAL_UFS: FieldDef[] = [
  uf('UF_CRM_1721244707107', 'double', {
    id: 104,
    entityId: 'CRM_DEAL',
    label: 'Margin',
    sort: 100,
    settings: { PRECISION: 2, SIZE: 20, MIN_VALUE: 0, MAX_VALUE: 0, DEFAULT_VALUE: null },
  }),
];

/** UFs of the smart process type 1 (entityTypeId 128): UF entity `CRM_1` (§7.1). */
export const SPA128_UFS: FieldDef[] = [
  uf('UF_CRM_1_1721812760630', 'string', {
    id: 111,
    entityId: 'CRM_1',
    label: 'Reference code',
    sort: 100,
    settings: { SIZE: 20, ROWS: 1, REGEXP: '', MIN_LENGTH: 0, MAX_LENGTH: 0, DEFAULT_VALUE: '' },
  }),
  uf('UF_CRM_1_1721812814433', 'enumeration', {
    id: 112,
    entityId: 'CRM_1',
    label: 'Priority',
    sort: 200,
    settings: { DISPLAY: 'LIST', LIST_HEIGHT: 1, CAPTION_NO_VALUE: '', SHOW_NO_VALUE: 'Y' },
    items: enumItems(301, ['Low', 'Normal', 'High', 'Urgent']),
  }),
  uf('UF_CRM_1_DUE_DATE', 'date', {
    id: 113,
    entityId: 'CRM_1',
    label: 'Due date',
    sort: 300,
    settings: { DEFAULT_VALUE: { TYPE: 'NONE', VALUE: '' } },
  }),
  uf('UF_CRM_1_BUDGET2025', 'money', {
    id: 114,
    entityId: 'CRM_1',
    label: 'Budget',
    sort: 400,
    settings: { DEFAULT_VALUE: '' },
  }),
  uf('UF_CRM_1_IS_VIP', 'boolean', {
    id: 115,
    entityId: 'CRM_1',
    label: 'VIP',
    sort: 500,
    settings: { DEFAULT_VALUE: 0, DISPLAY: 'CHECKBOX', LABEL: ['', ''], LABEL_CHECKBOX: 'VIP' },
  }),
  uf('UF_CRM_1_MENTOR', 'employee', { id: 116, entityId: 'CRM_1', label: 'Mentor', sort: 600, settings: {} }),
];

export const SPA130_UFS: FieldDef[] = [
  uf('UF_CRM_2_1722000000001', 'string', {
    id: 121,
    entityId: 'CRM_2',
    label: 'Ticket channel',
    sort: 100,
    settings: { SIZE: 20, ROWS: 1, REGEXP: '', MIN_LENGTH: 0, MAX_LENGTH: 0, DEFAULT_VALUE: '' },
  }),
];

// ---- system entities --------------------------------------------------------------------------

function contactFields(ufs: FieldDef[]): FieldDef[] {
  return [
    f('ID', 'id', 'integer', 'ID', RO),
    f('HONORIFIC', 'honorific', 'crm_status', 'Salutation', { statusType: 'HONORIFIC' }),
    f('NAME', 'name', 'string', 'Name'),
    f('SECOND_NAME', 'secondName', 'string', 'Second name'),
    f('LAST_NAME', 'lastName', 'string', 'Last name'),
    f('PHOTO', 'photo', 'file', 'Photo'),
    f('BIRTHDATE', 'birthdate', 'date', 'Date of birth'),
    f('TYPE_ID', 'typeId', 'crm_status', 'Contact type', { statusType: 'CONTACT_TYPE' }),
    f('SOURCE_ID', 'sourceId', 'crm_status', 'Source', { statusType: 'SOURCE' }),
    f('SOURCE_DESCRIPTION', 'sourceDescription', 'text', 'Source information'),
    f('POST', 'post', 'string', 'Position'),
    f('COMMENTS', 'comments', 'text', 'Comment'),
    f('EXPORT', 'export', 'boolean', 'Included in export', { oldType: 'char' }),
    f('COMPANY_ID', 'companyId', 'crm_company', 'Company', { deprecated: true, settings: { parentEntityTypeId: 4 } }),
    f('COMPANY_IDS', 'companyIds', 'crm_company', 'Companies', {
      multiple: true,
      writeOnlyOld: true,
      settings: { parentEntityTypeId: 4 },
    }),
    f('LEAD_ID', 'leadId', 'crm_lead', 'Lead', { ...RO, settings: { parentEntityTypeId: 1 } }),
    f('ORIGIN_VERSION', 'originVersion', 'string', 'Original version'),
    f('FACE_ID', 'faceId', 'integer', 'Face ID', RO),
    ...bookkeeping(),
    ...multiDefs(),
    ...ufs,
  ];
}

function companyFields(ufs: FieldDef[]): FieldDef[] {
  return [
    f('ID', 'id', 'integer', 'ID', RO),
    f('TITLE', 'title', 'string', 'Company name', { required: true }),
    f('COMPANY_TYPE', 'typeId', 'crm_status', 'Company type', { statusType: 'COMPANY_TYPE' }),
    f('LOGO', 'logo', 'file', 'Logo'),
    f('INDUSTRY', 'industry', 'crm_status', 'Industry', { statusType: 'INDUSTRY' }),
    f('REVENUE', 'revenue', 'double', 'Annual revenue'),
    f('CURRENCY_ID', 'currencyId', 'crm_currency', 'Currency'),
    f('COMMENTS', 'comments', 'text', 'Comment'),
    f('IS_MY_COMPANY', 'isMyCompany', 'boolean', 'My company', { oldType: 'char' }),
    f('LEAD_ID', 'leadId', 'crm_lead', 'Lead', { ...RO, settings: { parentEntityTypeId: 1 } }),
    f('ORIGIN_VERSION', 'originVersion', 'string', 'Original version'),
    ...bookkeeping(),
    ...multiDefs(),
    ...ufs,
  ];
}

function leadFields(ufs: FieldDef[]): FieldDef[] {
  return [
    f('ID', 'id', 'integer', 'ID', RO),
    f('TITLE', 'title', 'string', 'Lead name'),
    f('HONORIFIC', 'honorific', 'crm_status', 'Salutation', { statusType: 'HONORIFIC' }),
    f('NAME', 'name', 'string', 'Name'),
    f('SECOND_NAME', 'secondName', 'string', 'Second name'),
    f('LAST_NAME', 'lastName', 'string', 'Last name'),
    f('BIRTHDATE', 'birthdate', 'date', 'Date of birth'),
    f('COMPANY_TITLE', 'companyTitle', 'string', 'Company name'),
    f('SOURCE_ID', 'sourceId', 'crm_status', 'Source', { statusType: 'SOURCE' }),
    f('SOURCE_DESCRIPTION', 'sourceDescription', 'text', 'Source information'),
    f('STATUS_ID', 'stageId', 'crm_status', 'Stage', { statusType: 'STATUS' }),
    f('STATUS_DESCRIPTION', 'statusDescription', 'text', 'Stage information'),
    f('STATUS_SEMANTIC_ID', 'stageSemanticId', 'string', 'Status semantics', RO),
    f('POST', 'post', 'string', 'Position'),
    f('CURRENCY_ID', 'currencyId', 'crm_currency', 'Currency'),
    f('OPPORTUNITY', 'opportunity', 'double', 'Total'),
    f('IS_MANUAL_OPPORTUNITY', 'isManualOpportunity', 'boolean', 'Manual total', { oldType: 'char' }),
    f('COMMENTS', 'comments', 'text', 'Comment'),
    f('COMPANY_ID', 'companyId', 'crm_company', 'Company', { settings: { parentEntityTypeId: 4 } }),
    f('CONTACT_ID', 'contactId', 'crm_contact', 'Contact', { deprecated: true, settings: { parentEntityTypeId: 3 } }),
    f('CONTACT_IDS', 'contactIds', 'crm_contact', 'Contacts', {
      multiple: true,
      writeOnlyOld: true,
      settings: { parentEntityTypeId: 3 },
    }),
    f('IS_RETURN_CUSTOMER', 'isReturnCustomer', 'boolean', 'Repeat lead', { ...RO, oldType: 'char' }),
    f('MOVED_BY_ID', 'movedBy', 'user', 'Moved by', RO),
    f('MOVED_TIME', 'movedTime', 'datetime', 'Moved on', RO),
    ...bookkeeping(),
    ...multiDefs(),
    ...ufs,
  ];
}

function dealFields(ufs: FieldDef[]): FieldDef[] {
  return [
    f('ID', 'id', 'integer', 'ID', RO),
    f('TITLE', 'title', 'string', 'Name'),
    f('TYPE_ID', 'typeId', 'crm_status', 'Type', { statusType: 'DEAL_TYPE' }),
    f('CATEGORY_ID', 'categoryId', 'crm_category', 'Pipeline', { immutable: true }),
    f('STAGE_ID', 'stageId', 'crm_status', 'Stage', { statusType: 'DEAL_STAGE' }),
    f('STAGE_SEMANTIC_ID', 'stageSemanticId', 'string', 'Stage group', RO),
    f('IS_NEW', 'isNew', 'boolean', 'New deal', { ...RO, oldType: 'char' }),
    f('PROBABILITY', 'probability', 'integer', 'Probability'),
    f('CURRENCY_ID', 'currencyId', 'crm_currency', 'Currency'),
    f('OPPORTUNITY', 'opportunity', 'double', 'Amount'),
    f('IS_MANUAL_OPPORTUNITY', 'isManualOpportunity', 'boolean', 'Manual amount', { oldType: 'char' }),
    f('TAX_VALUE', 'taxValue', 'double', 'Tax rate'),
    f('COMPANY_ID', 'companyId', 'crm_company', 'Company', { settings: { parentEntityTypeId: 4 } }),
    f('CONTACT_ID', 'contactId', 'crm_contact', 'Contact', { deprecated: true, settings: { parentEntityTypeId: 3 } }),
    f('CONTACT_IDS', 'contactIds', 'crm_contact', 'Contacts', {
      multiple: true,
      writeOnlyOld: true,
      settings: { parentEntityTypeId: 3 },
    }),
    f('BEGINDATE', 'begindate', 'date', 'Start date'),
    f('CLOSEDATE', 'closedate', 'date', 'Estimated close date'),
    f('CLOSED', 'closed', 'boolean', 'Closed', { oldType: 'char' }),
    f('COMMENTS', 'comments', 'text', 'Comment'),
    f('SOURCE_ID', 'sourceId', 'crm_status', 'Source', { statusType: 'SOURCE' }),
    f('SOURCE_DESCRIPTION', 'sourceDescription', 'text', 'Source information'),
    f('LEAD_ID', 'leadId', 'crm_lead', 'Lead', { ...RO, settings: { parentEntityTypeId: 1 } }),
    f('MOVED_BY_ID', 'movedBy', 'user', 'Moved by', RO),
    f('MOVED_TIME', 'movedTime', 'datetime', 'Moved on', RO),
    ...bookkeeping(),
    ...ufs,
  ];
}

function spaFields(t: SpaType, defaultCategory: number, ufs: FieldDef[]): FieldDef[] {
  const e = t.entityTypeId;
  return [
    f('ID', 'id', 'integer', 'ID', RO),
    f('XML_ID', 'xmlId', 'string', 'External ID'),
    f('TITLE', 'title', 'string', 'Name'),
    f('CREATED_BY', 'createdBy', 'user', 'Created by', RO),
    f('UPDATED_BY', 'updatedBy', 'user', 'Updated by', RO),
    f('MOVED_BY', 'movedBy', 'user', 'Moved by', RO),
    f('CREATED_TIME', 'createdTime', 'datetime', 'Created on', RO),
    f('UPDATED_TIME', 'updatedTime', 'datetime', 'Updated on', RO),
    f('MOVED_TIME', 'movedTime', 'datetime', 'Moved on', RO),
    f('CATEGORY_ID', 'categoryId', 'crm_category', 'Pipeline'),
    f('OPENED', 'opened', 'boolean', 'Available to everyone'),
    f('STAGE_ID', 'stageId', 'crm_status', 'Stage', {
      flag: 'isStagesEnabled',
      statusType: `DYNAMIC_${e}_STAGE_${defaultCategory}`,
    }),
    f('PREVIOUS_STAGE_ID', 'previousStageId', 'crm_status', 'Previous stage', { ...RO, flag: 'isStagesEnabled' }),
    f('STAGE_SEMANTIC_ID', 'stageSemanticId', 'string', 'Stage group', { ...RO, flag: 'isStagesEnabled' }),
    f('BEGINDATE', 'begindate', 'date', 'Start date', { flag: 'isBeginCloseDatesEnabled' }),
    f('CLOSEDATE', 'closedate', 'date', 'Finish date', { flag: 'isBeginCloseDatesEnabled' }),
    f('COMPANY_ID', 'companyId', 'crm_company', 'Company', {
      flag: 'isClientEnabled',
      settings: { parentEntityTypeId: 4 },
    }),
    f('CONTACT_ID', 'contactId', 'crm_contact', 'Contact', {
      flag: 'isClientEnabled',
      deprecated: true,
      settings: { parentEntityTypeId: 3 },
    }),
    f('CONTACT_IDS', 'contactIds', 'crm_contact', 'CONTACT_IDS', {
      flag: 'isClientEnabled',
      multiple: true,
      settings: { parentEntityTypeId: 3 },
    }),
    f('OPPORTUNITY', 'opportunity', 'double', 'Amount', { flag: 'isLinkWithProductsEnabled' }),
    f('IS_MANUAL_OPPORTUNITY', 'isManualOpportunity', 'boolean', 'Manual amount', {
      flag: 'isLinkWithProductsEnabled',
    }),
    f('TAX_VALUE', 'taxValue', 'double', 'Tax', { flag: 'isLinkWithProductsEnabled' }),
    f('CURRENCY_ID', 'currencyId', 'crm_currency', 'Currency', { flag: 'isLinkWithProductsEnabled' }),
    f('MYCOMPANY_ID', 'mycompanyId', 'crm_company', 'Your company details', { flag: 'isMycompanyEnabled' }),
    f('SOURCE_ID', 'sourceId', 'crm_status', 'Source', { flag: 'isSourceEnabled', statusType: 'SOURCE' }),
    f('SOURCE_DESCRIPTION', 'sourceDescription', 'text', 'Source information', { flag: 'isSourceEnabled' }),
    f('ASSIGNED_BY_ID', 'assignedById', 'user', 'Responsible person'),
    f('OBSERVERS', 'observers', 'user', 'Observers', { flag: 'isObserversEnabled', multiple: true }),
    f('LAST_ACTIVITY_BY', 'lastActivityBy', 'user', 'Last activity by', RO),
    f('LAST_ACTIVITY_TIME', 'lastActivityTime', 'datetime', 'Last activity', RO),
    ...ufs,
  ];
}

/** Estimates (7) and new invoices (31): crm.item only here, and only the fields that bind them to
 * clients (object-fields.md: `contactIds`, `contactId`, `companyId`, `mycompanyId`), so that a
 * gateway asking "does anything still bind this contact or company?" meets them as on a portal. */
function clientBoundFields(): FieldDef[] {
  return [
    f('ID', 'id', 'integer', 'ID', RO),
    f('TITLE', 'title', 'string', 'Name'),
    f('CREATED_BY', 'createdBy', 'user', 'Created by', RO),
    f('UPDATED_BY', 'updatedBy', 'user', 'Updated by', RO),
    f('CREATED_TIME', 'createdTime', 'datetime', 'Created on', RO),
    f('UPDATED_TIME', 'updatedTime', 'datetime', 'Updated on', RO),
    f('COMPANY_ID', 'companyId', 'crm_company', 'Company', { settings: { parentEntityTypeId: 4 } }),
    f('CONTACT_ID', 'contactId', 'crm_contact', 'Contact', { deprecated: true, settings: { parentEntityTypeId: 3 } }),
    f('CONTACT_IDS', 'contactIds', 'crm_contact', 'Contacts', { multiple: true, settings: { parentEntityTypeId: 3 } }),
    f('MYCOMPANY_ID', 'mycompanyId', 'crm_company', 'Your company details'),
    f('ASSIGNED_BY_ID', 'assignedById', 'user', 'Responsible person'),
  ];
}

type SchemaBase = Omit<Schema, 'byUpper' | 'byCamel' | 'hasFm' | 'enabled' | 'derive' | 'links'>;

function build(partial: SchemaBase, catalog: Catalog, links: { origin: string }): Schema {
  nameUfs(partial.fields, !partial.spa);
  const byUpper = new Map(partial.fields.map((d) => [d.upper, d]));
  const byCamel = new Map(partial.fields.filter((d) => d.camel && d.item !== false).map((d) => [d.camel, d]));
  const e = partial.entityTypeId;
  const stageKey = partial.sys.stage;
  return {
    ...partial,
    byUpper,
    byCamel,
    links,
    hasFm: byUpper.has('FM'),
    enabled: (def) => !def.flag || !partial.spa || partial.spa.flags[def.flag],
    derive(rec, def) {
      switch (def.upper) {
        case 'HAS_PHONE':
          return (rec.FM ?? []).some((m) => m.typeId === 'PHONE');
        case 'HAS_EMAIL':
          return (rec.FM ?? []).some((m) => m.typeId === 'EMAIL');
        case 'HAS_IMOL':
          return (rec.FM ?? []).some((m) => m.typeId === 'IM' && m.valueType === 'IMOL');
        case 'STAGE_SEMANTIC_ID':
        case 'STATUS_SEMANTIC_ID':
          return stageKey ? semanticLetter(catalog.findStage(e, String(rec[stageKey] ?? ''))) : null;
        default:
          return rec[def.upper];
      }
    },
  };
}

export function isDerived(def: FieldDef): boolean {
  return /^(HAS_PHONE|HAS_EMAIL|HAS_IMOL|STAGE_SEMANTIC_ID|STATUS_SEMANTIC_ID)$/.test(def.upper);
}

/** A fresh copy of a seeded descriptor: each portal names (and may add to) its own fields. */
const own = (d: FieldDef): FieldDef => ({ ...d });

const SEEDED_SPA_UFS: Record<number, FieldDef[]> = { 128: SPA128_UFS, 130: SPA130_UFS };

/** The SPA schema of a type: its system fields (by its flags) and its custom fields. */
export function spaSchema(t: SpaType, catalog: Catalog, links: { origin: string }, ufs: FieldDef[]): Schema {
  const e = t.entityTypeId;
  return build(
    {
      entityTypeId: e,
      name: `DYNAMIC_${e}`,
      title: t.title,
      ufEntityId: `CRM_${t.id}`,
      fields: spaFields(t, catalog.defaultCategory(e)?.id ?? 0, ufs),
      oldStyle: false,
      spa: t,
      sys: {
        created: 'CREATED_TIME',
        modified: 'UPDATED_TIME',
        createdBy: 'CREATED_BY',
        modifiedBy: 'UPDATED_BY',
        stage: t.flags.isStagesEnabled ? 'STAGE_ID' : undefined,
        movedTime: 'MOVED_TIME',
        movedBy: 'MOVED_BY',
      },
    },
    catalog,
    links,
  );
}

/** Adds a custom field to a schema at run time (crm.*.userfield.add, userfieldconfig.add): it
 * gets its crm.item name by the rules of §7.3 and is listed, read, written and filtered at once. */
export function addField(schema: Schema, def: FieldDef): void {
  schema.fields.push(def);
  nameUfs(schema.fields, !schema.spa);
  schema.byUpper.set(def.upper, def);
  schema.byCamel.clear();
  for (const d of schema.fields) if (d.camel && d.item !== false) schema.byCamel.set(d.camel, d);
}

/** Takes a custom field out of an entity's schema (its stored values stay, unseen). */
export function removeField(schema: Schema, def: FieldDef): void {
  schema.fields.splice(schema.fields.indexOf(def), 1);
  schema.byUpper.delete(def.upper);
  if (def.camel && schema.byCamel.get(def.camel) === def) schema.byCamel.delete(def.camel);
}

export interface BuiltSchemas {
  schemas: Map<number, Schema>;
  /** The last custom-field and enumeration-item ids the seeded fields use. */
  lastFieldId: number;
  lastEnumId: number;
}

export function buildSchemas(catalog: Catalog, links: { origin: string }): BuiltSchemas {
  const ufEntityId = (e: number): string => {
    const fixed: Record<number, string> = { 1: 'CRM_LEAD', 2: 'CRM_DEAL', 3: 'CRM_CONTACT', 4: 'CRM_COMPANY' };
    return fixed[e] ?? `CRM_${catalog.spaType(e)?.id}`;
  };
  const demo = demoUfs(ufEntityId);
  const ufs = (e: number, seeded: FieldDef[] = []) => [...seeded.map(own), ...(demo.byEntity.get(e) ?? [])];
  const m = new Map<number, Schema>();
  m.set(
    1,
    build(
      {
        entityTypeId: 1,
        name: 'LEAD',
        title: 'Lead',
        ufEntityId: 'CRM_LEAD',
        fields: leadFields(ufs(1)),
        oldStyle: true,
        sys: { ...OLD_SYS, stage: 'STATUS_ID', movedTime: 'MOVED_TIME', movedBy: 'MOVED_BY_ID' },
      },
      catalog,
      links,
    ),
  );
  m.set(
    2,
    build(
      {
        entityTypeId: 2,
        name: 'DEAL',
        title: 'Deal',
        ufEntityId: 'CRM_DEAL',
        fields: dealFields(ufs(2, DEAL_UFS)),
        oldStyle: true,
        sys: { ...OLD_SYS, stage: 'STAGE_ID', movedTime: 'MOVED_TIME', movedBy: 'MOVED_BY_ID' },
      },
      catalog,
      links,
    ),
  );
  m.set(
    3,
    build(
      {
        entityTypeId: 3,
        name: 'CONTACT',
        title: 'Contact',
        ufEntityId: 'CRM_CONTACT',
        fields: contactFields(ufs(3, CONTACT_UFS)),
        oldStyle: true,
        sys: OLD_SYS,
      },
      catalog,
      links,
    ),
  );
  m.set(
    4,
    build(
      {
        entityTypeId: 4,
        name: 'COMPANY',
        title: 'Company',
        ufEntityId: 'CRM_COMPANY',
        fields: companyFields(ufs(4, COMPANY_UFS)),
        oldStyle: true,
        sys: OLD_SYS,
      },
      catalog,
      links,
    ),
  );
  const itemSys = {
    created: 'CREATED_TIME',
    modified: 'UPDATED_TIME',
    createdBy: 'CREATED_BY',
    modifiedBy: 'UPDATED_BY',
  };
  m.set(
    7,
    build(
      {
        entityTypeId: 7,
        name: 'QUOTE',
        title: 'Estimate',
        ufEntityId: 'CRM_QUOTE',
        fields: clientBoundFields(),
        oldStyle: false,
        sys: itemSys,
      },
      catalog,
      links,
    ),
  );
  m.set(
    31,
    build(
      {
        entityTypeId: 31,
        name: 'SMART_INVOICE',
        title: 'Invoice',
        ufEntityId: 'CRM_SMART_INVOICE',
        fields: clientBoundFields(),
        oldStyle: false,
        sys: itemSys,
      },
      catalog,
      links,
    ),
  );
  for (const t of catalog.types) {
    const e = t.entityTypeId;
    m.set(e, spaSchema(t, catalog, links, ufs(e, SEEDED_SPA_UFS[e])));
  }
  return { schemas: m, lastFieldId: demo.lastFieldId, lastEnumId: demo.lastEnumId };
}
