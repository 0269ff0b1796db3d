// crm.item.* (§7.2–§7.6): one API over smart processes and lead/deal/contact/company; camelCase
// names, numeric ids, 'Y'/'N' flags, `result.item`/`result.items`/`result.fields`, delete → [].
import { ApiError, type MethodTable, type Params } from '../types.js';
import { itemResolver } from '../access.js';
import { createRecord, deleteRecord, updateRecord } from '../entities.js';
import { itemDescriptor } from '../fields.js';
import { compileFilter, compileOrder, runQuery } from '../filter.js';
import { itemKey, itemSelect, renderItem } from '../render.js';
import type { Db, EntityStore } from '../store.js';
import { isObj, pget, toBool, toId, toInt, toStart } from '../util.js';
import { mapItemFields } from '../write.js';

/** Entity type of the call; anything we do not hold → NOT_FOUND "Smart process not found". */
export function entityStore(db: Db, params: Params): EntityStore {
  const e = toInt(pget(params, 'entityTypeId'));
  const es = e === null ? undefined : db.entities.get(e);
  if (!es) throw new ApiError('NOT_FOUND', 'Smart process not found');
  return es;
}

export function useOriginal(params: Params): boolean {
  return toBool(pget(params, 'useOriginalUfNames')) === true;
}

/** Not-found text: en get example "Element not found" (the en tables say "Item not found";
 * UNCONFIRMED — the get example wins). */
export const notFound = () => new ApiError('NOT_FOUND', 'Element not found');

/** A missing required action argument, as Bitrix's engine reports it (text UNCONFIRMED). */
function requiredId(params: Params): number {
  const raw = pget(params, 'id');
  if (raw === undefined || raw === null || raw === '')
    throw new ApiError('INVALID_ARG_VALUE', 'Could not find value for parameter {id}');
  const id = toId(raw);
  if (id === null) throw notFound();
  return id;
}

function fieldsParam(params: Params): Record<string, unknown> {
  const v = pget(params, 'fields');
  if (Array.isArray(v) && v.length === 0) return {};
  if (!isObj(v)) throw new ApiError('INVALID_ARG_VALUE', 'Could not find value for parameter {fields}');
  return v;
}

export function itemMethods(db: Db): MethodTable {
  const full = (es: EntityStore, rec: Parameters<typeof renderItem>[1], orig: boolean) =>
    renderItem(es.schema, rec, db.offset, itemSelect(es.schema, ['*'], orig));

  return {
    'crm.item.add': (params, ctx) => {
      const es = entityStore(db, params);
      const orig = useOriginal(params);
      const rec = createRecord(db, es, mapItemFields(es.schema, fieldsParam(params), orig), 'item', ctx);
      return { result: { item: full(es, rec, orig) } };
    },
    // crm-item-batch-import.md: at most 20 records; each gets {item: {id}} or its own error. The
    // history fields (createdTime, updatedTime, createdBy, updatedBy) are kept as given.
    // Method names are matched in lower case, like the portal's router.
    'crm.item.batchimport': (params, ctx) => {
      const es = entityStore(db, params);
      const orig = useOriginal(params);
      const data = pget(params, 'data');
      if (!Array.isArray(data) && !isObj(data))
        throw new ApiError('INVALID_ARG_VALUE', 'Could not find value for parameter {data}');
      const rows = Array.isArray(data) ? data : Object.values(data);
      if (rows.length > 20)
        throw new ApiError('MAX_IMPORT_BATCH_SIZE_EXCEEDED', 'You cannot import more than 20 items');
      const items = rows.map((row) => {
        try {
          if (!isObj(row)) throw new ApiError('INVALID_ARG_VALUE', 'Each item of data must be an object');
          const rec = createRecord(db, es, mapItemFields(es.schema, row, orig), 'item', ctx);
          keepHistory(es, rec, row);
          return { item: { id: rec.ID } };
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          return { error: error.code, error_description: error.description };
        }
      });
      return { result: { items } };
    },
    'crm.item.get': (params) => {
      const es = entityStore(db, params);
      const rec = es.table.get(requiredId(params));
      if (!rec) throw notFound();
      return { result: { item: full(es, rec, useOriginal(params)) } };
    },
    'crm.item.update': (params, ctx) => {
      const es = entityStore(db, params);
      const orig = useOriginal(params);
      const rec = es.table.get(requiredId(params));
      if (!rec) throw notFound();
      updateRecord(db, es, rec, mapItemFields(es.schema, fieldsParam(params), orig), 'item', ctx);
      return { result: { item: full(es, rec, orig) } };
    },
    'crm.item.delete': (params) => {
      const es = entityStore(db, params);
      if (!deleteRecord(db, es, requiredId(params))) throw notFound();
      // An empty PHP array serialises as [] (§2.6).
      return { result: [] };
    },
    'crm.item.list': (params) => {
      const es = entityStore(db, params);
      const orig = useOriginal(params);
      const resolve = itemResolver(es.schema, db.offset, orig);
      const filter = pget(params, 'filter');
      const compiled = compileFilter(filter, {
        resolve,
        strict: true,
        logic: true,
        offset: db.offset,
      });
      const keys = compileOrder(pget(params, 'order'), resolve, true);
      const page = runQuery(es.table, compiled, keys, toStart(pget(params, 'start')));
      const sel = itemSelect(es.schema, pget(params, 'select'), orig);
      const items = page.rows.map((r) => renderItem(es.schema, r, db.offset, sel));
      const out = { result: { items }, total: page.total };
      return page.next === undefined ? out : { ...out, next: page.next };
    },
    'crm.item.fields': (params) => {
      const es = entityStore(db, params);
      const orig = useOriginal(params);
      const fields: Record<string, unknown> = {};
      // Fields switched off by the type's flags are not listed (§7.7).
      for (const d of es.schema.fields) {
        if (d.item === false || !d.camel || !es.schema.enabled(d)) continue;
        if (d.upper === 'FM' && !es.schema.hasFm) continue;
        fields[itemKey(d, orig)] = itemDescriptor(d);
      }
      return { result: { fields } };
    },
  };
}

/** Import keeps the source system's times and authors (crm.item.import's system fields). */
function keepHistory(es: EntityStore, rec: Record<string, unknown>, row: Record<string, unknown>): void {
  const { sys } = es.schema;
  const time = (v: unknown) => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? Date.parse(v) : undefined);
  const user = (v: unknown) => toId(v) ?? undefined;
  const kept: [string, unknown][] = [
    [sys.created, time(row.createdTime)],
    [sys.modified, time(row.updatedTime)],
    [sys.createdBy, user(row.createdBy)],
    [sys.modifiedBy, user(row.updatedBy)],
  ];
  for (const [key, value] of kept) if (value !== undefined) rec[key] = value;
}
