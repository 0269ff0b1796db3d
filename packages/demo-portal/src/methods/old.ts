// Old-style CRM methods (crm.contact.*, crm.company.*, crm.lead.*, crm.deal.*): UPPER_CASE
// names, ids and numbers as strings, 'Y'/'N', `*.add` → new id as a number, update/delete →
// true, errors with the empty code (§2.5, §2.6, §6). Every entity reads and writes; where the
// method pages of one entity document other answers (crm.deal.*), they are its WriteRules.
import { ApiError, type MethodTable, type Params } from '../types.js';
import { oldResolver } from '../access.js';
import { createRecord, deleteRecord, updateRecord } from '../entities.js';
import { oldDescriptor, type FieldDef } from '../fields.js';
import { compileFilter, compileOrder, runQuery } from '../filter.js';
import { oldSelect, renderOld } from '../render.js';
import type { Schema } from '../schemas.js';
import type { Db, EntityStore } from '../store.js';
import { isObj, oldError, pget, toId, toStart } from '../util.js';
import { mapOldFields } from '../write.js';

/** `fields`/`filter`/`order` must be objects when present (§2.5 "Parameter 'x' must be array"). */
export function objParam(params: Params, name: string, required: boolean): Record<string, unknown> | undefined {
  const v = pget(params, name);
  if (v === undefined || v === null || (v === '' && !required)) {
    if (required) throw oldError(`Parameter '${name}' must be array`);
    return undefined;
  }
  if (Array.isArray(v) && v.length === 0) return {};
  if (!isObj(v)) throw oldError(`Parameter '${name}' must be array`);
  return v;
}

function idParam(params: Params): number {
  const id = toId(pget(params, 'id'));
  if (id === null) throw oldError('ID is not defined or invalid.');
  return id;
}

/** Old-style list over any entity store (also used by tests of the engine). */
export function oldList(db: Db, es: EntityStore, params: Params) {
  const filter = objParam(params, 'filter', false);
  const order = objParam(params, 'order', false);
  const resolve = oldResolver(es.schema, db.offset);
  const compiled = compileFilter(filter, { resolve, strict: false, logic: false, offset: db.offset });
  const keys = compileOrder(order, resolve, false);
  const start = toStart(pget(params, 'start'));
  const page = runQuery(es.table, compiled, keys, start);
  const sel = oldSelect(es.schema, pget(params, 'select'));
  const result = page.rows.map((r) => renderOld(es.schema, r, db.offset, sel));
  return page.next === undefined ? { result, total: page.total } : { result, total: page.total, next: page.next };
}

/** How one entity's writes answer where its own method pages differ (each from its doc table). */
interface WriteRules {
  /** `<prefix>.update` of a missing id. */
  updateMissing(schema: Schema): ApiError;
  /** `<prefix>.delete` of a missing id. */
  deleteMissing(): ApiError;
  /** The currencies CURRENCY_ID may name (the portal's own); others are refused. */
  currencies?: readonly string[];
}

/** The currencies of the demo portal (base USD; what the seed and the tests use). */
export const PORTAL_CURRENCIES = ['USD', 'EUR', 'BRL'] as const;

// crm.contact.update: "Contact is not found"; crm.contact.delete: ERROR_CORE "Element not found"
// (crm-contact-delete.md). Company and lead keep the same shape ("<Title> is not found").
const DEFAULT_RULES: WriteRules = {
  updateMissing: (schema) => oldError(`${schema.title} is not found`),
  deleteMissing: () => new ApiError('ERROR_CORE', 'Element not found'),
};

const RULES: Record<string, WriteRules> = {
  // crm-deal-update.md and crm-deal-delete.md: `Not found` with the empty code; crm-deal-add.md and
  // crm-deal-update.md: `Invalid value for the "Currency" field` with the empty code.
  'crm.deal': {
    updateMissing: () => oldError('Not found'),
    deleteMissing: () => oldError('Not found'),
    currencies: PORTAL_CURRENCIES,
  },
};

/** `params` of add/update is optional, but an object when given ("Parameter 'params' must be
 * array", in the error table of every crm.<entity>.add/update page). */
function checkParams(params: Params): void {
  objParam(params, 'params', false);
}

/** Old-style `fields` of add/update as record keys. Update drops immutable fields: they are set
 * on add only (crm.deal.fields: CATEGORY_ID `isImmutable`; crm-deal-update.md moves a deal to
 * another funnel through crm.item.update, and lists no CATEGORY_ID). */
function writeFields(schema: Schema, fields: Record<string, unknown>, rules: WriteRules, update: boolean) {
  const mapped = mapOldFields(schema, fields);
  if (update) for (const key of Object.keys(mapped)) if (schema.byUpper.get(key)?.immutable) delete mapped[key];
  const currency = mapped.CURRENCY_ID;
  if (rules.currencies && currency !== undefined && currency !== null && currency !== '') {
    if (!rules.currencies.includes(String(currency))) throw oldError('Invalid value for the "Currency" field');
  }
  return mapped;
}

export function oldMethods(db: Db, entityTypeId: number, prefix: string): MethodTable {
  const es = db.entities.get(entityTypeId)!;
  const { schema } = es;
  const rules = RULES[prefix] ?? DEFAULT_RULES;
  return {
    [`${prefix}.get`]: (params) => {
      const rec = es.table.get(idParam(params));
      if (!rec) throw oldError('Not found');
      return { result: renderOld(schema, rec, db.offset, null) };
    },
    [`${prefix}.list`]: (params) => oldList(db, es, params),
    [`${prefix}.fields`]: () => {
      const result: Record<string, unknown> = {};
      for (const d of schema.fields) if (d.old !== false) result[d.upper] = oldDescriptor(d);
      return { result };
    },
    [`${prefix}.add`]: (params, ctx) => {
      const fields = objParam(params, 'fields', true)!;
      checkParams(params);
      const rec = createRecord(db, es, writeFields(schema, fields, rules, false), 'old', ctx);
      return { result: rec.ID };
    },
    // The order of the checks is the docs' (crm-deal-update.md): the id, the parameters, then
    // whether the record exists.
    [`${prefix}.update`]: (params, ctx) => {
      const id = idParam(params);
      const fields = objParam(params, 'fields', true)!;
      checkParams(params);
      const rec = es.table.get(id);
      if (!rec) throw rules.updateMissing(schema);
      updateRecord(db, es, rec, writeFields(schema, fields, rules, true), 'old', ctx);
      return { result: true };
    },
    [`${prefix}.delete`]: (params) => {
      const id = idParam(params);
      if (!deleteRecord(db, es, id)) throw rules.deleteMissing();
      return { result: true };
    },
  };
}

/** crm.contact.userfield.list (§6.6): exact-match filter on a fixed key set, default order
 * SORT, ID; labels only when a LANG filter is given. */
export function userfieldList(db: Db, entityTypeId: number): MethodTable[string] {
  const es = db.entities.get(entityTypeId)!;
  const FILTERABLE = [
    'ID',
    'FIELD_NAME',
    'USER_TYPE_ID',
    'XML_ID',
    'SORT',
    'MULTIPLE',
    'MANDATORY',
    'SHOW_FILTER',
    'SHOW_IN_LIST',
    'EDIT_IN_LIST',
    'IS_SEARCHABLE',
  ];
  return (params) => {
    const filter = objParam(params, 'filter', false) ?? {};
    const f = Object.fromEntries(Object.entries(filter).map(([k, v]) => [k.toUpperCase(), v]));
    const lang = f.LANG !== undefined;
    let rows = es.schema.fields
      .filter((d) => d.uf)
      .map((d) => {
        const row = userfieldRow(d);
        if (lang)
          Object.assign(row, {
            EDIT_FORM_LABEL: d.uf!.label,
            LIST_COLUMN_LABEL: d.uf!.label,
            LIST_FILTER_LABEL: d.uf!.label,
            ERROR_MESSAGE: null,
            HELP_MESSAGE: null,
          });
        return row;
      });
    for (const k of FILTERABLE) if (f[k] !== undefined) rows = rows.filter((r) => String(r[k]) === String(f[k]));
    const order = objParam(params, 'order', false) ?? { SORT: 'ASC', ID: 'ASC' };
    const keys = Object.entries(order).map(
      ([k, d]) => [k.toUpperCase(), String(d).toUpperCase() === 'DESC' ? -1 : 1] as const,
    );
    rows.sort((a, b) => {
      for (const [k, d] of keys) {
        const x = a[k];
        const y = b[k];
        const c =
          /^\d+$/.test(String(x)) && /^\d+$/.test(String(y))
            ? Number(x) - Number(y)
            : String(x).localeCompare(String(y));
        if (c) return c * d;
      }
      return 0;
    });
    return { result: rows, total: rows.length };
  };
}

/** A custom field as crm.<entity>.userfield.list and .get describe it (labels are theirs to add). */
export function userfieldRow(def: FieldDef): Record<string, unknown> {
  const uf = def.uf!;
  const row: Record<string, unknown> = {
    ID: String(uf.id),
    ENTITY_ID: uf.entityId,
    FIELD_NAME: def.upper,
    USER_TYPE_ID: def.type,
    XML_ID: null,
    SORT: String(uf.sort),
    MULTIPLE: def.multiple ? 'Y' : 'N',
    MANDATORY: uf.mandatory ? 'Y' : 'N',
    SHOW_FILTER: 'E',
    SHOW_IN_LIST: 'Y',
    EDIT_IN_LIST: 'Y',
    IS_SEARCHABLE: 'N',
    SETTINGS: uf.settings,
  };
  if (uf.items)
    row.LIST = uf.items.map((i) => ({ ID: i.ID, SORT: String(i.SORT), VALUE: i.VALUE, DEF: i.DEF, XML_ID: i.XML_ID }));
  return row;
}
