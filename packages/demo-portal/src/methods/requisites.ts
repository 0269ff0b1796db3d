// Requisites (crm.requisite.add/list, crm.requisite.preset.list): the details of a contact or
// company, and the only normal owner of a contact's or company's addresses (crm-address-add.md).
// Old-style shapes: ids as strings, Y/N flags. Presets are the four of the docs' example.
import type { MethodTable } from '../types.js';
import { compileFilter, compileOrder, runQuery, type Access, type Resolver } from '../filter.js';
import type { Storage } from '../fields.js';
import { Table, type Db, type RequisiteRec } from '../store.js';
import { asList, isObj, oldError, pget, toId, toInt, toStart } from '../util.js';

export const PRESETS = [
  {
    ID: 1,
    ENTITY_TYPE_ID: 8,
    COUNTRY_ID: 1,
    NAME: 'Organization',
    XML_ID: '#CRM_REQUISITE_PRESET_DEF_COMPANY#',
    ACTIVE: true,
    SORT: 500,
  },
  {
    ID: 2,
    ENTITY_TYPE_ID: 8,
    COUNTRY_ID: 1,
    NAME: 'Sole Proprietorship',
    XML_ID: '#CRM_REQUISITE_PRESET_DEF_INDIVIDUAL#',
    ACTIVE: true,
    SORT: 510,
  },
  {
    ID: 3,
    ENTITY_TYPE_ID: 8,
    COUNTRY_ID: 1,
    NAME: 'Individual',
    XML_ID: '#CRM_REQUISITE_PRESET_DEF_PERSON#',
    ACTIVE: true,
    SORT: 520,
  },
  {
    ID: 4,
    ENTITY_TYPE_ID: 8,
    COUNTRY_ID: 1,
    NAME: 'Organization (additional)',
    XML_ID: null,
    ACTIVE: false,
    SORT: 530,
  },
];

const REQUISITE_FIELDS: Record<string, Storage> = {
  ID: 'int',
  ENTITY_TYPE_ID: 'int',
  ENTITY_ID: 'int',
  PRESET_ID: 'int',
  NAME: 'str',
  ACTIVE: 'bool',
  ADDRESS_ONLY: 'bool',
  SORT: 'int',
};

function resolverOver(fields: Record<string, Storage>): Resolver {
  return (name) => {
    const key = name.toUpperCase();
    const storage = fields[key];
    return storage
      ? ({
          name,
          storage,
          isId: key === 'ID',
          get: ((r: Record<string, unknown>) => r[key]) as (rec: never) => unknown,
        } satisfies Access)
      : null;
  };
}

/** Old-style row: numbers as strings, flags Y/N; only the selected fields (all when none). */
function render(
  row: Record<string, unknown>,
  fields: Record<string, Storage>,
  select: string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, storage] of Object.entries(fields)) {
    if (select.length && !select.includes(k) && k !== 'ID') continue;
    const v = row[k];
    out[k] = v === null || v === undefined ? null : storage === 'bool' ? (v ? 'Y' : 'N') : String(v);
  }
  return out;
}

function listOver<R extends { ID: number }>(db: Db, table: Table<R>, fields: Record<string, Storage>) {
  const resolve = resolverOver(fields);
  return (params: Record<string, unknown>) => {
    const filter = pget(params, 'filter');
    const compiled = compileFilter(filter, {
      resolve,
      strict: false,
      logic: false,
      offset: db.offset,
    });
    const page = runQuery(
      table,
      compiled,
      compileOrder(pget(params, 'order'), resolve, false),
      toStart(pget(params, 'start')),
    );
    const select = asList(pget(params, 'select'))
      .map((x) => String(x).toUpperCase())
      .filter((x) => x in fields);
    const result = page.rows.map((r) => render(r as unknown as Record<string, unknown>, fields, select));
    return page.next === undefined ? { result, total: page.total } : { result, total: page.total, next: page.next };
  };
}

export function requisiteMethods(db: Db): MethodTable {
  const presets = new Table<(typeof PRESETS)[number]>();
  for (const p of PRESETS) presets.insert({ ...p });
  const presetFields: Record<string, Storage> = {
    ID: 'int',
    ENTITY_TYPE_ID: 'int',
    COUNTRY_ID: 'int',
    NAME: 'str',
    XML_ID: 'str',
    ACTIVE: 'bool',
    SORT: 'int',
  };
  return {
    'crm.requisite.preset.list': listOver(db, presets, presetFields),
    'crm.requisite.list': listOver(db, db.requisites, REQUISITE_FIELDS),
    'crm.requisite.add': (params) => {
      const fields = pget(params, 'fields');
      if (!isObj(fields)) throw oldError("Parameter 'fields' must be array");
      const f = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k.toUpperCase(), v]));
      const entityTypeId = toId(f.ENTITY_TYPE_ID);
      // "Currently, this can only be: 3 — contact, 4 — company" (crm-requisite-add.md).
      if (entityTypeId !== 3 && entityTypeId !== 4) throw oldError('ENTITY_TYPE_ID is not defined or invalid.');
      const entityId = toId(f.ENTITY_ID);
      if (entityId === null || !db.entities.get(entityTypeId)!.table.get(entityId))
        throw oldError('ENTITY_ID is not defined or invalid.');
      const presetId = toId(f.PRESET_ID);
      if (presetId === null || !presets.get(presetId)) throw oldError('PRESET_ID is not defined or invalid.');
      const name = String(f.NAME ?? '').trim();
      if (!name) throw oldError('NAME is not defined or invalid.');
      const rec: RequisiteRec = {
        ID: db.requisites.nextIdPeek(),
        ENTITY_TYPE_ID: entityTypeId,
        ENTITY_ID: entityId,
        PRESET_ID: presetId,
        NAME: name,
        ACTIVE: String(f.ACTIVE ?? 'Y').toUpperCase() !== 'N',
        ADDRESS_ONLY: String(f.ADDRESS_ONLY ?? 'N').toUpperCase() === 'Y',
        SORT: toInt(f.SORT) ?? 500,
      };
      db.requisites.insert(rec);
      return { result: rec.ID };
    },
  };
}

/** A record and its requisites go together: deleting a contact or company deletes its requisites
 * and their addresses. */
export function dropRequisitesOf(db: Db, entityTypeId: number, entityId: number): void {
  for (const rq of db.requisites.rows.filter((r) => r.ENTITY_TYPE_ID === entityTypeId && r.ENTITY_ID === entityId)) {
    for (const a of db.addresses.rows.filter((x) => x.ENTITY_TYPE_ID === 8 && x.ENTITY_ID === rq.ID))
      db.addresses.remove(a.ID);
    db.requisites.remove(rq.ID);
  }
}
