// Custom fields at run time, the documented ways:
// - crm.{lead,deal,contact,company}.userfield.add / get / list (crm-contact-userfield-add.md …):
//   UPPER_CASE parameters, `UF_CRM_` added to the name, the new field's id as the result;
// - userfieldconfig.add / get / list (userfieldconfig-add.md …): moduleId `crm`, camelCase
//   parameters, `entityId` CRM_CONTACT … or CRM_{typeId} for a smart process, {field} back.
// A new field is at once in *.fields / crm.item.fields / *.userfield.list, readable, writable and
// filterable, and the documented event goes out: ONCRM<ENTITY>USERFIELDADD for a lead, deal,
// contact or company, ONCRMTYPEUSERFIELDADD for a smart process (userfieldconfig/events), plus
// …USERFIELDSETENUMVALUES when a list field comes with its values.
import { ApiError, type MethodTable, type Params } from '../types.js';
import { defaultSettings, ufDef, USER_TYPES } from '../custom-fields.js';
import type { EnumItem, FieldDef, UfDef } from '../fields.js';
import { addField, removeField } from '../schemas.js';
import type { Db } from '../store.js';
import { asList, isObj, oldError, pget, toBool, toInt, toStart } from '../util.js';
import { objParam, userfieldList, userfieldRow } from './old.js';

const OLD_ENTITIES: Record<string, number> = { lead: 1, deal: 2, contact: 3, company: 4 };
const FIXED_UF_ENTITIES: Record<string, number> = { CRM_LEAD: 1, CRM_DEAL: 2, CRM_CONTACT: 3, CRM_COMPANY: 4 };
/** Languages of the demo portal's labels (Bitrix language ids: `br` is Portuguese). */
const LANGS = ['en', 'br', 'ru'] as const;
/** Types a field may be created with: the types of crm.userfield.types the portal stores. */
const CREATABLE = new Set<string>([...USER_TYPES, 'crm_status']);

/** What a new field is made of, whichever method asked for it. */
interface NewField {
  entityTypeId: number;
  name: string;
  type: string;
  labels: Record<string, string>;
  multiple: boolean;
  mandatory: boolean;
  sort: number;
  xmlId: string | null;
  settings: Record<string, unknown>;
  items: { value: string; sort: number; def: boolean; xmlId: string | null }[];
}

/** UF entity id → entity type (CRM_CONTACT → 3, CRM_1 → 128 by the type's id). */
function entityOfUf(db: Db, entityId: string): number | undefined {
  if (FIXED_UF_ENTITIES[entityId] !== undefined) return FIXED_UF_ENTITIES[entityId];
  const m = /^CRM_(\d+)$/.exec(entityId);
  return m ? db.catalog.types.find((t) => t.id === Number(m[1]))?.entityTypeId : undefined;
}

/** The event names for a field of an entity (userfieldconfig/events/index.md: smart processes
 * have ONCRMTYPEUSERFIELD*, leads, deals, contacts and companies their own). */
function eventPrefix(entityTypeId: number): string {
  const own: Record<number, string> = { 1: 'LEAD', 2: 'DEAL', 3: 'CONTACT', 4: 'COMPANY' };
  return `ONCRM${own[entityTypeId] ?? 'TYPE'}USERFIELD`;
}

/** A label given as a string (every language) or a lang_map (the languages given; the others
 * take `fallback`). */
function labelsOf(v: unknown, fallback: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof v === 'string' && v.trim() !== '') for (const l of LANGS) out[l] = v;
  else if (isObj(v)) {
    for (const [l, text] of Object.entries(v)) if (typeof text === 'string' && text !== '') out[l] = text;
  }
  if (fallback) for (const l of LANGS) out[l] ??= fallback;
  return out;
}

/** The settings a field keeps: the type's defaults with the known keys given over them; a `crm`
 * field binds leads when it names no type (crm-contact-userfield-add.md). */
function settingsOf(type: string, label: string, given: unknown): Record<string, unknown> {
  const base = defaultSettings(type, label);
  const g = isObj(given) ? given : {};
  if (type === 'crm') {
    const binds = Object.entries(g).filter(([k]) =>
      /^(LEAD|DEAL|CONTACT|COMPANY|QUOTE|SMART_INVOICE|DYNAMIC_\d+)$/.test(k),
    );
    if (binds.some(([, v]) => toBool(v) === true)) {
      return Object.fromEntries(binds.map(([k, v]) => [k, toBool(v) === true ? 'Y' : 'N']));
    }
    return base;
  }
  if (type === 'crm_status') return { ENTITY_TYPE: typeof g.ENTITY_TYPE === 'string' ? g.ENTITY_TYPE : '' };
  for (const k of Object.keys(base)) if (g[k] !== undefined) base[k] = g[k];
  return base;
}

function createField(db: Db, spec: NewField): FieldDef {
  const es = db.entities.get(spec.entityTypeId)!;
  const label = spec.labels.en ?? Object.values(spec.labels)[0] ?? spec.name;
  const uf: UfDef = {
    id: ++db.ufSeq.field,
    entityId: es.schema.ufEntityId,
    label,
    labels: spec.labels,
    sort: spec.sort,
    xmlId: spec.xmlId,
    settings: settingsOf(spec.type, label, spec.settings),
  };
  if (spec.type === 'enumeration') {
    const list: EnumItem[] = [...spec.items]
      .sort((a, b) => a.sort - b.sort)
      .map((it) => {
        const id = ++db.ufSeq.enumItem;
        return {
          ID: String(id),
          VALUE: it.value,
          SORT: it.sort,
          DEF: it.def ? 'Y' : 'N',
          XML_ID: it.xmlId ?? `${id.toString(16).padStart(8, '0')}a1b2c3d4e5f60718293a4b5c`,
        };
      });
    // "For a non-multiple field, the first provided list element with DEF = Y will be considered
    // the default value."
    if (!spec.multiple) {
      const first = list.findIndex((i) => i.DEF === 'Y');
      list.forEach((i, k) => {
        if (k !== first) i.DEF = 'N';
      });
    }
    uf.items = list;
  }
  // "Fields of type boolean cannot be multiple."
  const def = ufDef(spec.name, spec.type, uf, {
    multiple: spec.multiple && spec.type !== 'boolean',
    mandatory: spec.mandatory,
  });
  addField(es.schema, def);
  const fields = { ID: String(uf.id), ENTITY_ID: uf.entityId, FIELD_NAME: def.upper };
  const prefix = eventPrefix(spec.entityTypeId);
  db.emitMeta({ event: `${prefix}ADD`, fields });
  if (uf.items?.length) db.emitMeta({ event: `${prefix}SETENUMVALUES`, fields });
  return def;
}

const yn = (b: boolean) => (b ? 'Y' : 'N');
const flag = (v: unknown, dflt: boolean) => (v === undefined || v === null || v === '' ? dflt : toBool(v) === true);

// ---- crm.<entity>.userfield.* -----------------------------------------------------------------

/** crm-contact-userfield-add.md "Parameter fields": `UF_CRM_` always prefixes the code (`UF_X`
 * becomes `UF_CRM_X`), lower case is raised, other characters and more than 50 characters are
 * refused with ERROR_CORE; missing FIELD_NAME / USER_TYPE_ID are collected and joined with \n. */
function oldAdd(db: Db, entityTypeId: number, params: Params): number {
  const raw = objParam(params, 'fields', true)!;
  const f = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k.toUpperCase(), v]));
  const given = typeof f.FIELD_NAME === 'string' ? f.FIELD_NAME.trim() : '';
  const type = typeof f.USER_TYPE_ID === 'string' ? f.USER_TYPE_ID.trim() : '';
  const errors: string[] = [];
  if (given === '') errors.push("The 'FIELD_NAME' field is not found.");
  if (type === '') errors.push("The 'USER_TYPE_ID' field is not found.");
  else if (!CREATABLE.has(type)) errors.push('Incorrect custom type specified');
  if (errors.length) throw new ApiError('', errors.join('\n'));
  const upper = given.toUpperCase();
  const name = upper.startsWith('UF_CRM_')
    ? upper
    : upper.startsWith('UF_')
      ? `UF_CRM_${upper.slice(3)}`
      : `UF_CRM_${upper}`;
  if (!/^[A-Z0-9_]+$/.test(name))
    throw new ApiError('ERROR_CORE', 'Field name contains invalid characters. Allowed characters are: A-Z, 0-9 and _');
  if (name.length > 50) throw new ApiError('ERROR_CORE', 'Field name is too long (more than 50 characters)');
  const schema = db.entities.get(entityTypeId)!.schema;
  // Not in the page's table; the text of the main module (UNCONFIRMED).
  if (schema.byUpper.has(name)) throw new ApiError('ERROR_CORE', `Field "${name}" already exists`);
  const label = typeof f.LABEL === 'string' && f.LABEL.trim() !== '' ? f.LABEL : undefined;
  const list = asList(f.LIST).filter(isObj);
  const xmlIds = new Set<string>();
  const items: NewField['items'] = [];
  for (const it of list) {
    const e = Object.fromEntries(Object.entries(it).map(([k, v]) => [k.toUpperCase(), v]));
    // "List elements with an empty or missing VALUE will be ignored."
    if (typeof e.VALUE !== 'string' && typeof e.VALUE !== 'number') continue;
    if (String(e.VALUE).trim() === '') continue;
    const xml = e.XML_ID === undefined || e.XML_ID === null || e.XML_ID === '' ? null : String(e.XML_ID);
    if (xml !== null) {
      if (xmlIds.has(xml)) throw new ApiError('', `A list item with XML_ID=${xml} already exists`);
      xmlIds.add(xml);
    }
    items.push({ value: String(e.VALUE), sort: toInt(e.SORT) ?? 0, def: toBool(e.DEF) === true, xmlId: xml });
  }
  const def = createField(db, {
    entityTypeId,
    name,
    type,
    labels: labelsOf(
      f.EDIT_FORM_LABEL,
      label ?? (typeof f.LIST_COLUMN_LABEL === 'string' ? f.LIST_COLUMN_LABEL : name),
    ),
    multiple: flag(f.MULTIPLE, false),
    mandatory: flag(f.MANDATORY, false),
    sort: toInt(f.SORT) ?? 100,
    xmlId: typeof f.XML_ID === 'string' && f.XML_ID !== '' ? f.XML_ID : null,
    settings: isObj(f.SETTINGS) ? f.SETTINGS : {},
    items,
  });
  return def.uf!.id;
}

/** crm-contact-userfield-delete.md: `id` required and positive ("ID is not defined or invalid"),
 * `result: true`; the event ONCRM<ENTITY>USERFIELDDELETE follows. An id of no field of the entity
 * is not documented: refused the same way (UNCONFIRMED). */
function oldDelete(db: Db, entityTypeId: number, params: Params): boolean {
  const id = toInt(pget(params, 'id'));
  const es = db.entities.get(entityTypeId)!;
  const def = id && id > 0 ? es.schema.fields.find((d) => d.uf?.id === id) : undefined;
  if (!def?.uf) throw new ApiError('', 'ID is not defined or invalid');
  removeField(es.schema, def);
  db.emitMeta({
    event: `${eventPrefix(entityTypeId)}DELETE`,
    fields: { ID: String(def.uf.id), ENTITY_ID: def.uf.entityId, FIELD_NAME: def.upper },
  });
  return true;
}

function langMap(uf: UfDef): Record<string, string> {
  return Object.fromEntries(LANGS.map((l) => [l, uf.labels?.[l] ?? uf.label]));
}

/** crm.<entity>.userfield.get (crm-contact-userfield-get.md): labels as lang maps, LIST of a
 * list field; a field of another entity → "Access denied"; unknown → ERROR_NOT_FOUND. */
function oldGet(db: Db, entityTypeId: number, params: Params): Record<string, unknown> {
  const id = toInt(pget(params, 'id'));
  if (id === null || id <= 0) throw oldError('ID is not defined or invalid.');
  const schema = db.entities.get(entityTypeId)!.schema;
  const def = schema.fields.find((d) => d.uf?.id === id);
  if (!def) {
    const elsewhere = [...db.entities.values()].some((es) => es.schema.fields.some((d) => d.uf?.id === id));
    if (elsewhere) throw oldError('Access denied.');
    throw new ApiError('ERROR_NOT_FOUND', `The entity with ID '${id}' is not found`);
  }
  const uf = def.uf!;
  return {
    ...userfieldRow(def),
    XML_ID: uf.xmlId ?? null,
    EDIT_FORM_LABEL: langMap(uf),
    LIST_COLUMN_LABEL: langMap(uf),
    LIST_FILTER_LABEL: langMap(uf),
    ERROR_MESSAGE: Object.fromEntries(LANGS.map((l) => [l, null])),
    HELP_MESSAGE: Object.fromEntries(LANGS.map((l) => [l, null])),
  };
}

// ---- userfieldconfig.* -------------------------------------------------------------------------

function moduleCrm(params: Params): void {
  const moduleId = pget(params, 'moduleId');
  if (moduleId === undefined || moduleId === null || moduleId === '')
    throw new ApiError('INVALID_ARG_VALUE', 'Could not find value for parameter {moduleId}');
  // userfieldconfig-get.md: "No settings for UserFieldAccess" for a module without them.
  if (moduleId !== 'crm') throw new ApiError('', 'No settings for UserFieldAccess');
}

/** The camelCase shape of userfieldconfig-add.md / -get.md. */
function configRow(def: FieldDef): Record<string, unknown> {
  const uf = def.uf!;
  const nulls = Object.fromEntries(LANGS.map((l) => [l, null]));
  const row: Record<string, unknown> = {
    id: String(uf.id),
    entityId: uf.entityId,
    fieldName: def.upper,
    userTypeId: def.type,
    xmlId: uf.xmlId ?? null,
    sort: String(uf.sort),
    multiple: yn(!!def.multiple),
    mandatory: yn(!!uf.mandatory),
    showFilter: 'N',
    showInList: 'Y',
    editInList: 'Y',
    isSearchable: 'N',
    settings: uf.settings,
    languageId: Object.fromEntries(LANGS.map((l) => [l, l])),
    editFormLabel: langMap(uf),
    listColumnLabel: nulls,
    listFilterLabel: nulls,
    errorMessage: nulls,
    helpMessage: nulls,
  };
  if (def.type === 'enumeration')
    row.enum = (uf.items ?? []).map((i) => ({
      id: i.ID,
      userFieldId: String(uf.id),
      value: i.VALUE,
      def: i.DEF,
      sort: String(i.SORT),
      xmlId: i.XML_ID,
    }));
  return row;
}

/** Every custom field of the CRM entities the portal holds, with its entity type. */
function allFields(db: Db): FieldDef[] {
  const out: FieldDef[] = [];
  for (const es of db.entities.values()) for (const d of es.schema.fields) if (d.uf) out.push(d);
  return out;
}

function configAdd(db: Db, params: Params): FieldDef {
  moduleCrm(params);
  const field = pget(params, 'field');
  if (!isObj(field)) throw new ApiError('INVALID_ARG_VALUE', 'Could not find value for parameter {field}');
  const entityId = typeof field.entityId === 'string' ? field.entityId : '';
  const entityTypeId = entityOfUf(db, entityId);
  const name = typeof field.fieldName === 'string' ? field.fieldName.trim() : '';
  const type = typeof field.userTypeId === 'string' ? field.userTypeId.trim() : '';
  if (name === '') throw new ApiError('', "The 'FIELD_NAME' field is not found");
  if (type === '') throw new ApiError('', "The 'USER_TYPE_ID' field is not found");
  // "This error may occur if field.fieldName does not start with UF_{entityId}_"; the code may hold
  // A-Z, 0-9 and _ only, 50 characters at most.
  if (
    entityTypeId === undefined ||
    !name.startsWith(`UF_${entityId}_`) ||
    !/^[A-Z0-9_]+$/.test(name) ||
    name.length > 50
  )
    throw new ApiError('', 'You cannot create custom fields');
  if (!CREATABLE.has(type)) throw new ApiError('', 'Fail to create new user field');
  if (db.entities.get(entityTypeId)!.schema.byUpper.has(name)) throw new ApiError('', `Field ${name} already exists`);
  const items: NewField['items'] = [];
  for (const it of asList(field.enum)) {
    if (!isObj(it) || typeof it.value !== 'string' || it.value.trim() === '') continue;
    items.push({
      value: it.value,
      sort: toInt(it.sort) ?? 100 + items.length * 100,
      def: toBool(it.def) === true,
      xmlId: typeof it.xmlId === 'string' && it.xmlId !== '' ? it.xmlId : null,
    });
  }
  return createField(db, {
    entityTypeId,
    name,
    type,
    labels: labelsOf(field.editFormLabel, undefined),
    multiple: flag(field.multiple, false),
    mandatory: flag(field.mandatory, false),
    sort: toInt(field.sort) ?? 100,
    xmlId: typeof field.xmlId === 'string' && field.xmlId !== '' ? field.xmlId : null,
    settings: isObj(field.settings) ? field.settings : {},
    items,
  });
}

/** userfieldconfig-list.md: the filterable keys (and `entityId`, which the SPA tutorial filters
 * by), exact match; order by id, fieldName, userTypeId, xmlId, sort (default sort, id). */
const CONFIG_FILTER = [
  'id',
  'entityId',
  'fieldName',
  'userTypeId',
  'xmlId',
  'sort',
  'multiple',
  'mandatory',
  'showFilter',
  'showInList',
  'editInList',
  'isSearchable',
];
const CONFIG_ORDER = ['id', 'fieldName', 'userTypeId', 'xmlId', 'sort'];

function configList(db: Db, params: Params) {
  moduleCrm(params);
  const filter = pget(params, 'filter');
  let rows = allFields(db).map(configRow);
  if (isObj(filter)) {
    for (const [k, v] of Object.entries(filter)) {
      if (!CONFIG_FILTER.includes(k)) continue;
      const wanted = asList(v).map(String);
      rows = rows.filter((r) => wanted.includes(String(r[k])));
    }
  }
  const orderRaw = pget(params, 'order');
  const order = isObj(orderRaw)
    ? Object.entries(orderRaw).filter(([k]) => CONFIG_ORDER.includes(k))
    : [
        ['sort', 'ASC'],
        ['id', 'ASC'],
      ];
  rows.sort((a, b) => {
    for (const [k, dir] of order) {
      const x = String(a[k] ?? '');
      const y = String(b[k] ?? '');
      const c = /^\d+$/.test(x) && /^\d+$/.test(y) ? Number(x) - Number(y) : x.localeCompare(y);
      if (c) return String(dir).toUpperCase() === 'DESC' ? -c : c;
    }
    return Number(a.id) - Number(b.id);
  });
  const start = Math.max(0, toStart(pget(params, 'start')));
  const page = rows.slice(start, start + 50);
  const out = { result: { fields: page }, total: rows.length };
  return start + 50 < rows.length ? { ...out, next: start + 50 } : out;
}

export function customFieldMethods(db: Db): MethodTable {
  const t: MethodTable = {
    'userfieldconfig.add': (params) => ({ result: { field: configRow(configAdd(db, params)) } }),
    'userfieldconfig.get': (params) => {
      moduleCrm(params);
      const id = toInt(pget(params, 'id'));
      const def = allFields(db).find((d) => d.uf?.id === id);
      // userfieldconfig-get.md: an unknown (or deleted) field answers like a refused one.
      if (!def) throw new ApiError('', 'You do not have permission to view user field settings');
      return { result: { field: configRow(def) } };
    },
    'userfieldconfig.list': (params) => configList(db, params),
  };
  for (const [entity, e] of Object.entries(OLD_ENTITIES)) {
    t[`crm.${entity}.userfield.add`] = (params) => ({ result: oldAdd(db, e, params) });
    t[`crm.${entity}.userfield.get`] = (params) => ({ result: oldGet(db, e, params) });
    t[`crm.${entity}.userfield.list`] = userfieldList(db, e);
    t[`crm.${entity}.userfield.delete`] = (params) => ({ result: oldDelete(db, e, params) });
  }
  return t;
}
