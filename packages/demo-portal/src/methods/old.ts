// Old-style CRM methods (crm.contact.*, crm.company.*, crm.lead.*, crm.deal.*): UPPER_CASE
// names, ids and numbers as strings, 'Y'/'N', `*.add` → new id as a number, update/delete →
// true, errors with the empty code (§2.5, §2.6, §6).
import { ApiError, type MethodTable, type Params } from '../types.js';
import { oldResolver } from '../access.js';
import { createRecord, deleteRecord, updateRecord } from '../entities.js';
import { oldDescriptor } from '../fields.js';
import { compileFilter, compileOrder, runQuery } from '../filter.js';
import { oldSelect, renderOld } from '../render.js';
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

export function oldMethods(db: Db, entityTypeId: number, prefix: string, readOnly = false): MethodTable {
  const es = db.entities.get(entityTypeId)!;
  const { schema } = es;
  const t: MethodTable = {
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
  };
  if (readOnly) return t;
  t[`${prefix}.add`] = (params, ctx) => {
    const fields = objParam(params, 'fields', true)!;
    const rec = createRecord(db, es, mapOldFields(schema, fields), 'old', ctx);
    return { result: rec.ID };
  };
  t[`${prefix}.update`] = (params, ctx) => {
    const id = idParam(params);
    const rec = es.table.get(id);
    if (!rec) throw oldError(`${schema.title} is not found`);
    const fields = objParam(params, 'fields', true)!;
    updateRecord(db, es, rec, mapOldFields(schema, fields), 'old', ctx);
    return { result: true };
  };
  t[`${prefix}.delete`] = (params) => {
    const id = idParam(params);
    // §2.5 doc table: delete of a missing record → ERROR_CORE "Element not found".
    if (!deleteRecord(db, es, id)) throw new ApiError('ERROR_CORE', 'Element not found');
    return { result: true };
  };
  return t;
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
        const uf = d.uf!;
        const row: Record<string, unknown> = {
          ID: String(uf.id),
          ENTITY_ID: uf.entityId,
          FIELD_NAME: d.upper,
          USER_TYPE_ID: d.type,
          XML_ID: null,
          SORT: String(uf.sort),
          MULTIPLE: d.multiple ? 'Y' : 'N',
          MANDATORY: uf.mandatory ? 'Y' : 'N',
          SHOW_FILTER: 'E',
          SHOW_IN_LIST: 'Y',
          EDIT_IN_LIST: 'Y',
          IS_SEARCHABLE: 'N',
          SETTINGS: uf.settings,
        };
        if (lang)
          Object.assign(row, {
            EDIT_FORM_LABEL: uf.label,
            LIST_COLUMN_LABEL: uf.label,
            LIST_FILTER_LABEL: uf.label,
            ERROR_MESSAGE: null,
            HELP_MESSAGE: null,
          });
        if (uf.items)
          row.LIST = uf.items.map((i) => ({
            ID: i.ID,
            SORT: String(i.SORT),
            VALUE: i.VALUE,
            DEF: i.DEF,
            XML_ID: i.XML_ID,
          }));
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
