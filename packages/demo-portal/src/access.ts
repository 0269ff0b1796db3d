// Field resolvers for the list engine: how a filter/order name maps to a canonical value, for
// old-style names (UPPER_CASE, multi-fields PHONE/EMAIL/…) and crm.item names (camelCase; UFs in
// UPPER_CASE with useOriginalUfNames=Y).
import { isLikeless, storageOf, type FieldDef } from './fields.js';
import type { Access, Resolver } from './filter.js';
import { isDerived, MULTI_TYPES, type Rec, type Schema } from './schemas.js';
import { dateToMs } from './util.js';

export function accessFor(schema: Schema, def: FieldDef, name: string, offset: string): Access {
  const storage = storageOf(def);
  const derived = isDerived(def);
  const raw = (rec: Rec): unknown => {
    if (!schema.enabled(def)) return null;
    return derived ? schema.derive(rec, def) : rec[def.upper];
  };
  let get = raw;
  if (storage === 'date') {
    const toMs = (v: unknown) => (typeof v === 'string' && v ? dateToMs(v, offset) : null);
    get = def.multiple ? (rec) => ((raw(rec) as unknown[] | null) ?? []).map(toMs) : (rec) => toMs(raw(rec));
  }
  return {
    name,
    storage,
    get: get as (rec: never) => unknown,
    multiple: !!def.multiple,
    likeless: isLikeless(def),
    isId: def.upper === 'ID',
    ufBool: !!def.uf && storage === 'bool',
  };
}

function multiAccess(type: (typeof MULTI_TYPES)[number], name: string): Access {
  return {
    name,
    storage: 'str',
    multiple: true,
    multiType: type,
    get: ((rec: Rec) => (rec.FM ?? []).filter((m) => m.typeId === type).map((m) => m.value)) as (rec: never) => unknown,
  };
}

/** Old-style names; PHONE/EMAIL/WEB/IM match exactly (§6.3). Write-only fields are not filter
 * keys: crm-contact-fields.md says COMPANY_IDS "is not present" in crm.contact.list, and
 * crm-deal-list.md that "the filter does not support the field CONTACT_IDS". An unknown key is
 * ignored (the portal returns every row), as for any other name it does not know. */
export function oldResolver(schema: Schema, offset: string): Resolver {
  const cache = new Map<string, Access | null>();
  return (name) => {
    const key = name.toUpperCase();
    if (cache.has(key)) return cache.get(key)!;
    let acc: Access | null = null;
    if ((MULTI_TYPES as readonly string[]).includes(key) && schema.hasFm)
      acc = multiAccess(key as (typeof MULTI_TYPES)[number], name);
    else {
      const def = schema.byUpper.get(key);
      if (def && def.old !== false && !def.writeOnlyOld) acc = accessFor(schema, def, name, offset);
    }
    cache.set(key, acc);
    return acc;
  };
}

/** crm.item names (§7.3/§7.4). What a filter or an order may name is what crm.item.fields lists
 * (crm-item-list.md): `fm` is not a field (UNCONFIRMED, §11), and a field the type's flags switch
 * off is not listed — naming either is "not allowed in filter/order", like an unknown name. */
export function itemResolver(schema: Schema, offset: string, useOriginal: boolean): Resolver {
  const cache = new Map<string, Access | null>();
  return (name) => {
    if (cache.has(name)) return cache.get(name)!;
    let def = schema.byCamel.get(name);
    if (def?.uf && useOriginal) def = undefined;
    if (!def && useOriginal) {
      const up = schema.byUpper.get(name);
      if (up?.uf) def = up;
    }
    const acc = def && def.upper !== 'FM' && schema.enabled(def) ? accessFor(schema, def, name, offset) : null;
    cache.set(name, acc);
    return acc;
  };
}
