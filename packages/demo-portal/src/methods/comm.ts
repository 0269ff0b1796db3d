// crm.duplicate.findbycomm (§6.7) and crm.address.list/add (requisite addresses keyed by
// TYPE_ID + ENTITY_TYPE_ID + ENTITY_ID; seed-and-peers §1.3 #4/#9).
import { ApiError, type MethodTable } from '../types.js';
import { compileFilter, compileOrder, runQuery, type Access, type Resolver } from '../filter.js';
import type { Storage } from '../fields.js';
import type { AddressRec, Db } from '../store.js';
import { asList, isObj, oldError, pget, phoneDigits, toId, toInt, toStart } from '../util.js';

const ENTITY_KEYS: [string, number][] = [
  ['LEAD', 1],
  ['CONTACT', 3],
  ['COMPANY', 4],
];

const ADDRESS_FIELDS: Record<string, Storage> = {
  TYPE_ID: 'int',
  ENTITY_TYPE_ID: 'int',
  ENTITY_ID: 'int',
  ADDRESS_1: 'str',
  ADDRESS_2: 'str',
  CITY: 'str',
  POSTAL_CODE: 'str',
  REGION: 'str',
  PROVINCE: 'str',
  COUNTRY: 'str',
  COUNTRY_CODE: 'str',
  LOC_ADDR_ID: 'int',
  ANCHOR_TYPE_ID: 'int',
  ANCHOR_ID: 'int',
};
const TEXT_KEYS = [
  'ADDRESS_1',
  'ADDRESS_2',
  'CITY',
  'POSTAL_CODE',
  'REGION',
  'PROVINCE',
  'COUNTRY',
  'COUNTRY_CODE',
] as const;

const addressResolver: Resolver = (name) => {
  const key = name.toUpperCase();
  const storage = ADDRESS_FIELDS[key];
  if (!storage) return null;
  return {
    name,
    storage,
    get: ((a: AddressRec) => a[key as keyof AddressRec]) as (r: never) => unknown,
  } satisfies Access;
};

/** Old-style row: numbers as strings, nulls null. */
function renderAddress(a: AddressRec, select: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(ADDRESS_FIELDS)) {
    if (select.length && !select.includes(k)) continue;
    const v = a[k as keyof AddressRec];
    out[k] = v === null ? null : String(v);
  }
  return out;
}

export function commMethods(db: Db): MethodTable {
  return {
    'crm.duplicate.findbycomm': (params) => {
      const type = String(pget(params, 'type') ?? '').toUpperCase();
      if (type !== 'PHONE' && type !== 'EMAIL') {
        throw new ApiError('Communication type is not defined', "Parameter 'type' is required.");
      }
      const values = asList(pget(params, 'values'))
        .map((v) => String(v).trim())
        .filter(Boolean);
      if (values.length === 0) throw oldError("Parameter 'values' is required.");
      if (values.length > 20) throw oldError('Too many values. Maximum is 20.');
      const only = String(pget(params, 'entity_type') ?? '').toUpperCase();
      // Phones match by digits (formatting and extensions ignored); e-mails case-insensitively.
      const norm = type === 'PHONE' ? (v: string) => phoneDigits(v) : (v: string) => v.toLowerCase();
      const wanted = new Set(values.map(norm).filter(Boolean));
      const result: Record<string, number[]> = {};
      let found = 0;
      for (const [key, e] of ENTITY_KEYS) {
        if (only && only !== key) continue;
        // At 20 duplicates the remaining entity types are not searched (§6.7).
        if (found >= 20) break;
        const ids: number[] = [];
        for (const r of db.entities.get(e)!.table.rows) {
          if ((r.FM ?? []).some((m) => m.typeId === type && wanted.has(norm(m.value)))) ids.push(r.ID);
        }
        if (ids.length) {
          result[key] = ids;
          found += ids.length;
        }
      }
      // Nothing found is an empty PHP array → [] (§2.6).
      return { result: Object.keys(result).length ? result : [] };
    },

    'crm.address.add': (params) => {
      const fields = pget(params, 'fields');
      if (!isObj(fields)) throw oldError("Parameter 'fields' must be array");
      const f = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k.toUpperCase(), v]));
      const typeId = toId(f.TYPE_ID);
      // Address types of crm.enum.addresstype: 1 actual, 4 registered, 6 legal, 8 mailing, 9 beneficiary, 11 delivery.
      if (typeId === null || ![1, 4, 6, 8, 9, 11].includes(typeId))
        throw oldError('TYPE_ID is not defined or invalid.');
      const entityTypeId = toId(f.ENTITY_TYPE_ID);
      // "Addresses can only be linked to Requisites … or Leads" (crm-address-add.md); contacts and
      // companies (3/4) only on old portals where support switched that mode on: not here.
      if (entityTypeId !== 1 && entityTypeId !== 8) throw oldError('ENTITY_TYPE_ID is not defined or invalid.');
      const entityId = toId(f.ENTITY_ID);
      const requisite = entityTypeId === 8 && entityId !== null ? db.requisites.get(entityId) : undefined;
      if (entityId === null || (entityTypeId === 8 ? !requisite : !db.entities.get(1)!.table.get(entityId)))
        throw oldError('ENTITY_ID is not defined or invalid.');
      if (
        db.addresses.rows.some(
          (a) => a.TYPE_ID === typeId && a.ENTITY_TYPE_ID === entityTypeId && a.ENTITY_ID === entityId,
        )
      ) {
        throw oldError('TypeAddress exists');
      }
      const text = (k: string) => (f[k] === undefined || f[k] === null ? null : String(f[k]));
      const a: AddressRec = {
        ID: db.addresses.nextIdPeek(),
        TYPE_ID: typeId,
        ENTITY_TYPE_ID: entityTypeId,
        ENTITY_ID: entityId,
        ADDRESS_1: null,
        ADDRESS_2: null,
        CITY: null,
        POSTAL_CODE: null,
        REGION: null,
        PROVINCE: null,
        COUNTRY: null,
        COUNTRY_CODE: null,
        // The anchor is the record the address belongs to in the end: a requisite's owner.
        LOC_ADDR_ID: toInt(f.LOC_ADDR_ID) ?? 0,
        ANCHOR_TYPE_ID: requisite?.ENTITY_TYPE_ID ?? entityTypeId,
        ANCHOR_ID: requisite?.ENTITY_ID ?? entityId,
      };
      for (const k of TEXT_KEYS) a[k] = text(k);
      db.addresses.insert(a);
      return { result: true };
    },

    /** Quirk reproduced (b24phpsdk#144, fast_bitrix24#260): with start >= 0 `total` is only the
     * size of the page; the real count needs `start=-1` — the opposite of the other lists. */
    'crm.address.list': (params) => {
      const filter = pget(params, 'filter');
      const compiled = compileFilter(filter, {
        resolve: addressResolver,
        strict: false,
        logic: false,
        offset: db.offset,
      });
      const start = toStart(pget(params, 'start'));
      const order = compileOrder(pget(params, 'order'), addressResolver, false);
      const select = asList(pget(params, 'select'))
        .map((x) => String(x).toUpperCase())
        .filter((x) => x !== '*' && x in ADDRESS_FIELDS);
      const counted = runQuery(db.addresses, compiled, order, Math.max(start, 0));
      const result = counted.rows.map((a) => renderAddress(a, select));
      if (start < 0) return { result, total: counted.total };
      return counted.next === undefined
        ? { result, total: result.length }
        : { result, total: result.length, next: counted.next };
    },
  };
}
