// The two renderings of one canonical record (§2.6): old-style (UPPER_CASE, ids and numbers as
// strings, 'Y'/'N', '' for empty dates) and crm.item (camelCase, numbers, 'Y'/'N', ISO or null).
import { storageOf, type FieldDef } from './fields.js';
import { isDerived, type Multi, type Rec, type Schema } from './schemas.js';
import { asList, isoDate, isoDateTime } from './util.js';

// ---- old-style ---------------------------------------------------------------------------------

/** Bitrix keeps money in DECIMAL(18,2): old-style renders "5000.00". */
const money = (v: number) => v.toFixed(2);

function oldScalar(def: FieldDef, v: unknown, offset: string): unknown {
  const s = storageOf(def);
  if (def.uf) {
    // Unset UFs come back as "" in old-style (§6.2, public log); UF booleans as "1"/"0" (the same
    // log shows "0"; UNCONFIRMED, chosen).
    if (v === null || v === undefined) return '';
    if (s === 'bool') return v ? '1' : '0';
    if (s === 'date') return isoDate(String(v), offset);
    if (s === 'datetime') return isoDateTime(Number(v), offset);
    return String(v);
  }
  if (v === null || v === undefined) return s === 'date' || s === 'datetime' ? '' : null;
  switch (s) {
    case 'int':
      return String(v);
    case 'num':
      return money(Number(v));
    case 'bool':
      return v ? 'Y' : 'N';
    case 'date':
      return isoDate(String(v), offset);
    case 'datetime':
      return isoDateTime(Number(v), offset);
    case 'none':
      return null;
    default:
      return v;
  }
}

export function oldMulti(
  list: Multi[] | undefined,
  type: string,
): { ID: string; VALUE_TYPE: string; VALUE: string; TYPE_ID: string }[] {
  return (list ?? [])
    .filter((m) => m.typeId === type)
    .map((m) => ({ ID: String(m.id), VALUE_TYPE: m.valueType, VALUE: m.value, TYPE_ID: m.typeId }));
}

/** Names an old-style list returns: default `*` + `UF_*`; multi-fields only when listed (§6.4).
 * Unknown names are ignored (UNCONFIRMED, expected). ID is always returned. */
export function oldSelect(schema: Schema, select: unknown): Set<string> {
  let names = asList(select).map((x) => String(x).toUpperCase());
  if (names.length === 0) names = ['*', 'UF_*'];
  const out = new Set<string>(['ID']);
  for (const n of names) {
    if (n === '*') {
      for (const d of schema.fields)
        if (!d.uf && d.old !== false && !d.writeOnlyOld && d.type !== 'crm_multifield') out.add(d.upper);
    } else if (n === 'UF_*') {
      for (const d of schema.fields) if (d.uf) out.add(d.upper);
    } else {
      const d = schema.byUpper.get(n);
      if (d && d.old !== false && !d.writeOnlyOld) out.add(d.upper);
    }
  }
  return out;
}

// ---- file custom fields ----------------------------------------------------------------------

/** Old-style reading of a `file` custom field: the file id and links to the entity's show_file
 * page (the shape crm.<entity>.get gives for file fields; the docs do not show it — UNCONFIRMED).
 * crm.item reads {id, url, urlMachine} (object-fields.md: "Value of the file type field is
 * returned as an object"). Links point at the portal; it does not serve the files. */
function oldFile(schema: Schema, rec: Rec, def: FieldDef, id: unknown): unknown {
  if (id === null || id === undefined) return '';
  const entity = schema.name.toLowerCase();
  const show = `/bitrix/components/bitrix/crm.${entity}.show/show_file.php?ownerId=${rec.ID}&fieldName=${def.upper}&dynamic=Y&fileId=${id}`;
  return { id: Number(id), showUrl: show, downloadUrl: `${show}&download=y` };
}

function itemFile(schema: Schema, rec: Rec, def: FieldDef, id: unknown): unknown {
  if (id === null || id === undefined) return null;
  const q = `entityTypeId=${schema.entityTypeId}&id=${rec.ID}&fieldName=${def.upper}&fileId=${id}`;
  const origin = schema.links.origin;
  return {
    id: Number(id),
    url: `${origin}/bitrix/services/main/ajax.php?action=crm.controller.item.getFile&SITE_ID=s1&${q}`,
    urlMachine: `${origin}/rest/crm.controller.item.getFile.json?${q}`,
  };
}

const isUfFile = (d: FieldDef) => !!d.uf && d.type === 'file';

/** `sel` null = crm.*.get: every field, multi-fields when non-empty (§2.6). */
export function renderOld(schema: Schema, rec: Rec, offset: string, sel: Set<string> | null): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const d of schema.fields) {
    if (d.old === false || d.writeOnlyOld) continue;
    if (sel && !sel.has(d.upper)) continue;
    if (d.type === 'crm_multifield') {
      const list = oldMulti(rec.FM, d.upper);
      if (list.length) out[d.upper] = list;
      continue;
    }
    const v = isDerived(d) ? schema.derive(rec, d) : rec[d.upper];
    const one = isUfFile(d) ? (x: unknown) => oldFile(schema, rec, d, x) : (x: unknown) => oldScalar(d, x, offset);
    out[d.upper] = d.multiple ? (Array.isArray(v) ? v.map(one) : []) : one(v);
  }
  return out;
}

// ---- crm.item ------------------------------------------------------------------------------------

/** Bindings whose unset value reads 0 rather than null (§2.6: `"companyId": 0`, `"leadId": null`). */
const ZERO_WHEN_UNSET = new Set(['COMPANY_ID', 'CONTACT_ID', 'MYCOMPANY_ID']);

function itemScalar(def: FieldDef, v: unknown, offset: string): unknown {
  const s = storageOf(def);
  if (v === null || v === undefined) {
    if (ZERO_WHEN_UNSET.has(def.upper)) return 0;
    if (s === 'bool' && !def.uf) return 'N';
    return null;
  }
  switch (s) {
    case 'int':
    case 'num':
      return Number(v);
    // UF booleans read as 'Y'/'N' like system flags (read format UNCONFIRMED, §7.6).
    case 'bool':
      return v ? 'Y' : 'N';
    case 'date':
      return isoDate(String(v), offset);
    case 'datetime':
      return isoDateTime(Number(v), offset);
    case 'none':
      return null;
    default:
      return v;
  }
}

export interface ItemSelect {
  defs: FieldDef[];
  fm: boolean;
  entityTypeId: boolean;
  useOriginal: boolean;
}

/** Output key of a field: UFs keep UPPER_CASE with useOriginalUfNames=Y (§7.3). */
export function itemKey(def: FieldDef, useOriginal: boolean): string {
  return def.uf && useOriginal ? def.upper : def.camel;
}

function itemFields(schema: Schema): FieldDef[] {
  return schema.fields.filter((d) => d.item !== false && d.camel && d.upper !== 'FM');
}

/** crm.item select (§7.4): names or `*` (the only way to get `fm`); unknown names dropped.
 * With useOriginalUfNames=Y an explicit select keeps only UF names — the known portal bug of
 * b24-rest-docs#368/#263, reproduced so the gateway does not come to depend on it. */
export function itemSelect(schema: Schema, select: unknown, useOriginal: boolean): ItemSelect {
  const names = asList(select).map((x) => String(x));
  const all = itemFields(schema);
  if (names.length === 0 || names.includes('*')) {
    return { defs: all, fm: schema.hasFm, entityTypeId: true, useOriginal };
  }
  const defs: FieldDef[] = [];
  for (const n of names) {
    const d = all.find((x) => itemKey(x, useOriginal) === n);
    if (!d || defs.includes(d)) continue;
    if (useOriginal && !d.uf) continue;
    defs.push(d);
  }
  return { defs, fm: false, entityTypeId: false, useOriginal };
}

export function itemMulti(
  list: Multi[] | undefined,
): { id: number; valueType: string; value: string; typeId: string }[] {
  return (list ?? []).map((m) => ({ id: m.id, valueType: m.valueType, value: m.value, typeId: m.typeId }));
}

/** An item; nothing selected → `[]` (empty PHP array, §2.5). Disabled fields read null (§2.6). */
export function renderItem(schema: Schema, rec: Rec, offset: string, sel: ItemSelect): Record<string, unknown> | [] {
  const out: Record<string, unknown> = {};
  for (const d of sel.defs) {
    const key = itemKey(d, sel.useOriginal);
    if (!schema.enabled(d)) {
      out[key] = null;
      continue;
    }
    const v = isDerived(d) ? schema.derive(rec, d) : rec[d.upper];
    const one = isUfFile(d) ? (x: unknown) => itemFile(schema, rec, d, x) : (x: unknown) => itemScalar(d, x, offset);
    out[key] = d.multiple ? (Array.isArray(v) ? v.map(one) : []) : one(v);
  }
  if (sel.entityTypeId) out.entityTypeId = schema.entityTypeId;
  if (sel.fm) out.fm = itemMulti(rec.FM);
  return Object.keys(out).length ? out : [];
}
