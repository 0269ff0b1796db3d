// The write path shared by old-style and crm.item add/update: input name mapping, value coercion
// (strings from form/batch callers), validation, multi-field semantics (§6.3, §7.5), bindings,
// funnels/stages and bookkeeping fields.
import { ApiError } from './types.js';
import { crmAbbr, crmBoundTypes, parseCrmRef, storageOf, type FieldDef } from './fields.js';
import { isDerived, MULTI_TYPES, type Multi, type Rec, type Schema } from './schemas.js';
import type { Db, EntityStore } from './store.js';
import { asList, isObj, isoDateTime, parseDate, parseDateTime, toBool, toInt, toNum } from './util.js';

export type Mode = 'old' | 'item';

export interface WriteCtx {
  db: Db;
  es: EntityStore;
  mode: Mode;
  userId: number;
  now: number;
}

/** Bad value: crm.item → CRM_FIELD_ERROR_VALUE_NOT_VALID (§2.5); old-style → ERROR_CORE. */
export function invalid(mode: Mode, def: FieldDef): ApiError {
  const title = def.uf ? def.uf.label : def.title;
  return new ApiError(
    mode === 'item' ? 'CRM_FIELD_ERROR_VALUE_NOT_VALID' : 'ERROR_CORE',
    `Invalid value for field "${title}"`,
  );
}

/** Old-style `fields` keys → record keys; unknown names silently ignored (§2.5). */
export function mapOldFields(schema: Schema, fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    const key = k.toUpperCase();
    if ((MULTI_TYPES as readonly string[]).includes(key) && schema.hasFm) out[key] = v;
    else if (schema.byUpper.has(key) && key !== 'FM') out[key] = v;
  }
  return out;
}

/** crm.item `fields` (camelCase; UFs UPPER_CASE with useOriginalUfNames=Y) → record keys. */
export function mapItemFields(
  schema: Schema,
  fields: Record<string, unknown>,
  useOriginal: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    let def = schema.byCamel.get(k);
    if (def?.uf && useOriginal) def = undefined;
    if (!def && useOriginal) {
      const up = schema.byUpper.get(k);
      if (up?.uf) def = up;
    }
    if (def) out[def.upper] = v;
  }
  return out;
}

function phpType(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'double';
  if (typeof v === 'boolean') return 'boolean';
  return typeof v;
}

function coerceScalar(w: WriteCtx, def: FieldDef, v: unknown, current: unknown[] = []): unknown {
  if (v === null || v === undefined || v === '') return null;
  const bad = () => invalid(w.mode, def);
  if (def.uf && def.type === 'file') return fileValue(w, def, v, current);
  if (def.uf && def.type === 'crm') return crmValue(def, v, bad);
  switch (storageOf(def)) {
    case 'int': {
      const n = toInt(v);
      if (n === null) throw bad();
      if (def.type === 'enumeration' && !def.uf?.items?.some((i) => Number(i.ID) === n)) throw bad();
      // 0 is "no binding" for crm_* links.
      return n === 0 && def.type.startsWith('crm_') && def.type !== 'crm_category' ? null : n;
    }
    case 'num': {
      const n = toNum(v);
      if (n === null) throw bad();
      return n;
    }
    case 'bool': {
      const b = toBool(v);
      if (b === null) throw bad();
      return b;
    }
    case 'date': {
      const d = parseDate(v, w.db.offset);
      if (d === null) throw bad();
      return d;
    }
    case 'datetime': {
      const ms = parseDateTime(v, w.db.offset);
      if (ms === null) throw bad();
      return ms;
    }
    case 'none':
      return null;
    default: {
      const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
      if (def.type === 'money' && !/^-?\d+(\.\d+)?\|[A-Z]{3}$/.test(s)) throw bad();
      // Dictionary codes are checked in crm.item only; old-style methods store what they get.
      if (
        w.mode === 'item' &&
        def.type === 'crm_status' &&
        def.statusType &&
        !def.upper.match(/STAGE_ID|STATUS_ID/) &&
        !w.db.catalog.statusesOf(def.statusType).some((r) => r.STATUS_ID === s)
      )
        throw bad();
      return s;
    }
  }
}

/** `current`: the value before the write (file fields keep a file only when it is named again). */
function coerce(w: WriteCtx, def: FieldDef, v: unknown, current: unknown): unknown {
  const kept = Array.isArray(current) ? current : current === null || current === undefined ? [] : [current];
  if (!def.multiple) return coerceScalar(w, def, v, kept);
  if (v === null || v === '' || v === undefined) return [];
  if (!Array.isArray(v) && !isObj(v)) {
    if (w.mode === 'item')
      throw new ApiError('100', `Expected iterable value for multiple field, but got ${phpType(v)} instead`);
    v = [v];
  }
  // A file given as ["name", "base64"] is one value, not a list of two (crm-item-update.md).
  const values = def.type === 'file' && Array.isArray(v) && isUpload(v) ? [v] : asList(v);
  const list = values.map((x) => coerceScalar(w, def, x, kept)).filter((x) => x !== null);
  return [...new Set(list)];
}

/** `["name.pdf", "<base64>"]` (crm.item) — a file to upload. */
function isUpload(v: unknown[]): boolean {
  return v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string' && !/^\d+$/.test(v[0]);
}

/**
 * A `file` field (crm-item-update.md "How to update a file type custom field"; files/index.md):
 * - `["name", "<base64>"]` (crm.item) or `{fileData: ["name", "<base64>"]}` (crm.<entity>.add/update)
 *   uploads a new file;
 * - `{id: N}` (or the bare id) keeps file N when the field holds it; any other id resets the value
 *   ("If you pass a value different from the current one in id, the field value will be reset");
 * - `""` clears the field (handled by the caller).
 */
function fileValue(w: WriteCtx, def: FieldDef, v: unknown, current: unknown[]): number | null {
  let upload: unknown = null;
  if (Array.isArray(v) && isUpload(v)) upload = v;
  else if (isObj(v) && Array.isArray(v.fileData)) upload = v.fileData;
  if (Array.isArray(upload)) {
    const [name, content] = upload;
    if (typeof name !== 'string' || name.trim() === '' || typeof content !== 'string' || content === '')
      throw invalid(w.mode, def);
    const id = w.db.files.nextIdPeek();
    w.db.files.insert({ ID: id, NAME: name.trim(), SIZE: Math.floor((content.length * 3) / 4) });
    return id;
  }
  const id = toInt(isObj(v) ? v.id : v);
  return id !== null && current.includes(id) ? id : null;
}

/**
 * A `crm` field (binding to CRM items, crm/data-types.md#crm-binding-format): values are
 * `{PREFIX}_{ID}` (`C_12`, `CO_3`, `T80_6`). A field bound to ONE type stores the bare id ("12",
 * as the portal does: the type is implied) and also accepts that type's prefixed form; a field
 * bound to several types stores the prefixed form and refuses a bare id or an unbound type.
 */
function crmValue(def: FieldDef, v: unknown, bad: () => ApiError): string {
  const bound = crmBoundTypes(def.uf?.settings);
  const s = String(v).trim();
  if (bound.length === 1) {
    if (/^\d+$/.test(s) && Number(s) > 0) return String(Number(s));
    const ref = parseCrmRef(s);
    if (ref && ref.entityTypeId === bound[0]) return String(ref.id);
    throw bad();
  }
  const ref = parseCrmRef(s);
  if (!ref || !bound.includes(ref.entityTypeId)) throw bad();
  return `${crmAbbr(ref.entityTypeId)}_${ref.id}`;
}

// ---- multi-fields -------------------------------------------------------------------------------

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const EMAIL_LABEL: Record<string, string> = {
  WORK: 'Work e-mail',
  HOME: 'Personal e-mail',
  MAILING: 'E-mail for newsletters',
  OTHER: 'Other e-mail',
};
const DEFAULT_VALUE_TYPE: Record<string, string> = { PHONE: 'WORK', EMAIL: 'WORK', WEB: 'WORK', IM: 'OTHER' };

function checkEmail(w: WriteCtx, m: Multi): void {
  if (m.typeId !== 'EMAIL' || EMAIL_RE.test(m.value)) return;
  if (w.mode === 'old') {
    // §2.5: ERROR_CORE naming the field, e.g. "The field `Work e-mail` contains an invalid address".
    throw new ApiError(
      'ERROR_CORE',
      `The field \`${EMAIL_LABEL[m.valueType] ?? 'E-mail'}\` contains an invalid address`,
    );
  }
  throw new ApiError('CRM_FIELD_ERROR_VALUE_NOT_VALID', 'Invalid value for field "E-mail"');
}

function str(v: unknown): string {
  return v === null || v === undefined ? '' : String(v).trim();
}

/** Old-style update of one multi-field type (§6.3): entry with ID + VALUE changes it; `DELETE:'Y'`,
 * empty VALUE or a bare `{ID}` deletes it; entries without ID are added; others untouched. */
function applyOldMulti(w: WriteCtx, list: Multi[], type: Multi['typeId'], input: unknown): Multi[] {
  let out = [...list];
  for (const raw of asList(input)) {
    if (!isObj(raw)) continue;
    const e = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k.toUpperCase(), v]));
    const id = toInt(e.ID);
    const value = str(e.VALUE);
    if (id !== null) {
      const idx = out.findIndex((m) => m.id === id && m.typeId === type);
      if (idx < 0) continue;
      if (toBool(e.DELETE) === true || value === '') {
        out = out.filter((_, i) => i !== idx);
        continue;
      }
      const next = { ...out[idx], value, valueType: e.VALUE_TYPE ? str(e.VALUE_TYPE) : out[idx].valueType };
      checkEmail(w, next);
      out[idx] = next;
    } else if (value !== '') {
      const m: Multi = {
        id: ++w.db.fmSeq.value,
        typeId: type,
        valueType: str(e.VALUE_TYPE) || DEFAULT_VALUE_TYPE[type],
        value,
      };
      checkEmail(w, m);
      out.push(m);
    }
  }
  return out;
}

/** crm.item `fm` (§7.5): add takes a list; update takes `{n0: new, "15": change, "16": {value:''}}`
 * (empty value deletes); a list on update is read the same way (entries with id change). */
function applyFm(w: WriteCtx, list: Multi[], input: unknown): Multi[] {
  let out = [...list];
  const entries: [string | null, Record<string, unknown>][] = Array.isArray(input)
    ? input.filter(isObj).map((e) => [e.id === undefined || e.id === null || e.id === '' ? null : String(e.id), e])
    : isObj(input)
      ? Object.entries(input)
          .filter(([, e]) => isObj(e))
          .map(([k, e]) => [/^\d+$/.test(k) ? k : null, e as Record<string, unknown>])
      : [];
  for (const [key, e] of entries) {
    const value = str(e.value);
    const typeId = str(e.typeId).toUpperCase() as Multi['typeId'];
    if (key !== null) {
      const id = Number(key);
      const idx = out.findIndex((m) => m.id === id);
      if (idx < 0) continue;
      if (value === '') {
        out = out.filter((_, i) => i !== idx);
        continue;
      }
      const next = { ...out[idx], value, valueType: e.valueType ? str(e.valueType) : out[idx].valueType };
      if ((MULTI_TYPES as readonly string[]).includes(typeId)) next.typeId = typeId;
      checkEmail(w, next);
      out[idx] = next;
    } else if (value !== '' && (MULTI_TYPES as readonly string[]).includes(typeId)) {
      const m: Multi = {
        id: ++w.db.fmSeq.value,
        typeId,
        valueType: str(e.valueType) || DEFAULT_VALUE_TYPE[typeId],
        value,
      };
      checkEmail(w, m);
      out.push(m);
    }
  }
  return out;
}

// ---- records --------------------------------------------------------------------------------

/** Primary + list bindings stay in step: the list wins; the single field sets a one-element list. */
function syncBinding(next: Rec, input: Record<string, unknown>, single: string, multi: string): void {
  if (multi in input) next[single] = (next[multi] as number[])[0] ?? null;
  else if (single in input) next[multi] = next[single] ? [next[single] as number] : [];
}

function applyStage(w: WriteCtx, prev: Rec | null, next: Rec, input: Record<string, unknown>): void {
  const { catalog } = w.db;
  const { schema } = w.es;
  const e = schema.entityTypeId;
  const stageKey = schema.sys.stage;
  const hasCats = schema.byUpper.has('CATEGORY_ID');
  const stageDef = stageKey ? schema.byUpper.get(stageKey)! : null;
  if (hasCats) {
    const catDef = schema.byUpper.get('CATEGORY_ID')!;
    if (
      'CATEGORY_ID' in input &&
      input.CATEGORY_ID !== null &&
      !catalog.categoriesOf(e).some((c) => c.id === next.CATEGORY_ID)
    )
      throw invalid(w.mode, catDef);
    if (next.CATEGORY_ID === null || next.CATEGORY_ID === undefined) {
      // A stage given without a funnel picks its funnel (emulator choice); else the default one.
      const st =
        stageKey && typeof next[stageKey] === 'string' ? catalog.findStage(e, next[stageKey] as string) : undefined;
      next.CATEGORY_ID = st?.CATEGORY_ID ?? catalog.defaultCategory(e)?.id ?? 0;
    }
  }
  if (!stageKey || !stageDef) return;
  const stages = hasCats ? catalog.stagesOf(e, next.CATEGORY_ID as number) : catalog.statusesOf('STATUS');
  const given = stageKey in input && next[stageKey] !== null;
  const catChanged = prev !== null && prev.CATEGORY_ID !== next.CATEGORY_ID;
  if (given) {
    // A stage of another funnel is rejected: the real portal's behaviour is UNCONFIRMED (§7.8);
    // 400 CRM_FIELD_ERROR_VALUE_NOT_VALID is the documented "bad value" answer.
    if (!stages.some((s) => s.STATUS_ID === next[stageKey])) throw invalid(w.mode, stageDef);
  } else if (prev === null || catChanged || !next[stageKey]) {
    next[stageKey] = stages[0]?.STATUS_ID ?? null;
  }
  if (prev === null || prev[stageKey] !== next[stageKey]) {
    if (schema.byUpper.has('PREVIOUS_STAGE_ID')) next.PREVIOUS_STAGE_ID = prev ? (prev[stageKey] ?? null) : null;
    if (schema.sys.movedTime) next[schema.sys.movedTime] = w.now;
    if (schema.sys.movedBy) next[schema.sys.movedBy] = w.userId;
    if (schema.byUpper.has('CLOSED'))
      next.CLOSED = stages.find((s) => s.STATUS_ID === next[stageKey])?.semantics !== 'process';
  }
}

const DEFAULTS: Record<number, Record<string, unknown>> = {
  1: { OPENED: true, CURRENCY_ID: 'USD', OPPORTUNITY: 0, IS_MANUAL_OPPORTUNITY: false, SOURCE_ID: 'CALL' },
  // crm-deal-add.md: the first deal type and source, amount and tax 0.00, open, not closed.
  2: {
    OPENED: true,
    CURRENCY_ID: 'USD',
    OPPORTUNITY: 0,
    IS_MANUAL_OPPORTUNITY: false,
    TAX_VALUE: 0,
    TYPE_ID: 'SALE',
    SOURCE_ID: 'CALL',
    PROBABILITY: null,
    CLOSED: false,
  },
  3: { OPENED: true, EXPORT: true, TYPE_ID: 'CLIENT', COMPANY_IDS: [] },
  4: { OPENED: true, COMPANY_TYPE: 'CUSTOMER', IS_MY_COMPANY: false, CURRENCY_ID: 'USD' },
  7: { CONTACT_IDS: [] },
  31: { CONTACT_IDS: [] },
};

function spaDefaults(schema: Schema): Record<string, unknown> {
  const d: Record<string, unknown> = { OPENED: true };
  if (schema.spa?.flags.isClientEnabled) d.CONTACT_IDS = [];
  if (schema.spa?.flags.isLinkWithProductsEnabled)
    Object.assign(d, { OPPORTUNITY: 0, CURRENCY_ID: 'USD', IS_MANUAL_OPPORTUNITY: false, TAX_VALUE: 0 });
  if (schema.spa?.flags.isObserversEnabled) d.OBSERVERS = [];
  return d;
}

/** crm-deal-add.md: BEGINDATE defaults to the day the deal is created, CLOSEDATE to that day plus
 * 7 days (calendar days in the portal's time zone). */
function dealDates(w: WriteCtx, next: Rec): void {
  const day = (ms: number) => isoDateTime(ms, w.db.offset).slice(0, 10);
  if (!next.BEGINDATE) next.BEGINDATE = day(w.now);
  if (!next.CLOSEDATE) next.CLOSEDATE = day(w.now + 7 * 86_400_000);
}

/** Applies mapped input to a copy of `prev` (or a fresh record) and returns it; throws before
 * anything is stored, so a failed write changes nothing. */
export function applyInput(w: WriteCtx, prev: Rec | null, input: Record<string, unknown>): Rec {
  const { schema } = w.es;
  const id = prev ? prev.ID : w.es.table.nextIdPeek();
  const next: Rec = prev
    ? { ...prev, FM: prev.FM ? [...prev.FM] : undefined }
    : { ID: id, ...(schema.spa ? spaDefaults(schema) : (DEFAULTS[schema.entityTypeId] ?? {})) };
  for (const [key, v] of Object.entries(input)) {
    if ((MULTI_TYPES as readonly string[]).includes(key)) {
      next.FM = applyOldMulti(w, next.FM ?? [], key as Multi['typeId'], v);
      continue;
    }
    if (key === 'FM') {
      next.FM = applyFm(w, next.FM ?? [], v);
      continue;
    }
    const def = schema.byUpper.get(key);
    if (!def || def.readOnly || isDerived(def) || !schema.enabled(def)) continue;
    next[key] = coerce(w, def, v, next[key]);
  }
  if (schema.byUpper.has('CONTACT_IDS')) syncBinding(next, input, 'CONTACT_ID', 'CONTACT_IDS');
  if (schema.byUpper.has('COMPANY_IDS')) syncBinding(next, input, 'COMPANY_ID', 'COMPANY_IDS');
  applyStage(w, prev, next, input);
  const { sys } = schema;
  if (!prev) {
    next[sys.created] = w.now;
    next[sys.createdBy] = w.userId;
    if (next.ASSIGNED_BY_ID === undefined || next.ASSIGNED_BY_ID === null) next.ASSIGNED_BY_ID = w.userId;
    if (schema.byUpper.has('TITLE') && !next.TITLE) next.TITLE = `${schema.title} #${id}`;
    if (schema.entityTypeId === 2) dealDates(w, next);
  }
  next[sys.modified] = w.now;
  next[sys.modifiedBy] = w.userId;
  if (next.FM && next.FM.length === 0 && !schema.hasFm) delete next.FM;
  return next;
}
