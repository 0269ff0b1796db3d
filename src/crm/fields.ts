// Field metadata for any CRM entity type (crm.item.fields works for 1-4 and smart processes):
// normalised definitions, custom-field name resolution (`ufCrm41_…` or `UF_CRM_41_…`), input
// conversion (labels → enumeration ids, booleans → Y/N, money) and value rendering. This is the
// seed's getSpaCardFields/mapFieldValues done right: the translation actually happens.
import type { BitrixPortal } from '../upstream/portal.js';
import type { SubmitOptions } from '../upstream/scheduler.js';
import { asRecord, toFlag, toText } from './values.js';

export interface FieldOption {
  id: string;
  label: string;
}

export interface FieldDefinition {
  /** camelCase name as crm.item uses it, e.g. `ufCrm1_1721812814433`, `assignedById`. */
  name: string;
  /** UPPER_CASE name, e.g. `UF_CRM_1_1721812814433`, `ASSIGNED_BY_ID`. */
  upperName: string;
  /** The human label. */
  title: string;
  type: string;
  required: boolean;
  readOnly: boolean;
  multiple: boolean;
  custom: boolean;
  /** Dictionary for crm_status fields (e.g. `CONTACT_TYPE`). */
  statusType: string | null;
  options: FieldOption[];
  /** The descriptor's `settings` (a CRM binding's entity types, a list's display, …). */
  settings: Record<string, unknown>;
}

export interface FieldSet {
  all: FieldDefinition[];
  /** Lookup by camelCase or UPPER_CASE name, case-insensitively. */
  byName: Map<string, FieldDefinition>;
}

function toDefinition(name: string, raw: Record<string, unknown>): FieldDefinition {
  // crm.item.fields names both spellings; without `upperName`, derive it the way Bitrix does
  // (xmlId → XML_ID), so a reserved or known field is never missed for a missing spelling.
  const upperName = toText(raw.upperName) ?? name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
  const custom = upperName.startsWith('UF_');
  const label = toText(raw.formLabel) ?? toText(raw.listLabel) ?? toText(raw.title) ?? name;
  const items = Array.isArray(raw.items) ? (raw.items as Record<string, unknown>[]) : [];
  return {
    name,
    upperName,
    // Old-style descriptors put the field code in `title`; prefer the human labels there.
    title: custom && label === upperName ? (toText(raw.listLabel) ?? label) : label,
    type: toText(raw.type) ?? 'string',
    required: toFlag(raw.isRequired),
    readOnly: toFlag(raw.isReadOnly),
    multiple: toFlag(raw.isMultiple),
    custom,
    statusType: toText(raw.statusType),
    options: items.map((item) => ({ id: String(item.ID ?? item.id), label: String(item.VALUE ?? item.value ?? '') })),
    settings: asRecord(raw.settings),
  };
}

export function fieldSet(fields: Record<string, unknown>): FieldSet {
  const all = Object.entries(fields).map(([name, raw]) => toDefinition(name, asRecord(raw)));
  const byName = new Map<string, FieldDefinition>();
  for (const def of all) {
    byName.set(def.name.toLowerCase(), def);
    byName.set(def.upperName.toLowerCase(), def);
  }
  return { all, byName };
}

/** Field definitions of an entity type, cached (crm.item.fields). The cache keeps the portal's
 * descriptors as they came (plain JSON: replicas share them through Redis); the set made of them
 * is kept beside, once per descriptors object. */
export async function fieldsOf(
  portal: BitrixPortal,
  entityTypeId: number,
  options: SubmitOptions = {},
): Promise<FieldSet> {
  const descriptors = await portal.metadata.get(
    fieldsKey(entityTypeId),
    async () => asRecord(asRecord((await portal.read('crm.item.fields', { entityTypeId }, options)).result).fields),
    options.meter,
  );
  let set = sets.get(descriptors);
  if (!set) {
    set = fieldSet(descriptors);
    sets.set(descriptors, set);
  }
  return set;
}

/** The metadata cache key of a type's field descriptors (what `fieldsOf` reads). */
export function fieldsKey(entityTypeId: number): string {
  return `fields:${entityTypeId}`;
}

const sets = new WeakMap<Record<string, unknown>, FieldSet>();

export class FieldInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'FieldInputError';
  }
}

/** Finds a field by any accepted spelling, or throws a FieldInputError naming it. */
export function resolveField(set: FieldSet, name: string): FieldDefinition {
  const def = set.byName.get(name.toLowerCase());
  if (!def) throw new FieldInputError(name, `unknown field "${name}": it is not a field of this entity on the portal`);
  return def;
}

function optionId(def: FieldDefinition, value: unknown, name: string): string {
  const text = String(value);
  const match =
    def.options.find((o) => o.id === text) ?? def.options.find((o) => o.label.toLowerCase() === text.toLowerCase());
  if (!match) {
    throw new FieldInputError(
      name,
      `"${text}" is not a value of "${def.title}" (${def.options.map((o) => o.label).join(', ')})`,
    );
  }
  return match.id;
}

/** A number given as a number or as its decimal text; anything else (``, true, `12abc`) is NaN. */
function numberOf(value: unknown): number {
  if (typeof value === 'number') return value;
  return typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : Number.NaN;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** A real calendar day at the start of `text` (2024-02-30 is none). */
function isCalendarDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  return day.getUTCFullYear() === y && day.getUTCMonth() === mo - 1 && day.getUTCDate() === d;
}

function money(def: FieldDefinition, value: unknown, name: string): string {
  const bad = () => new FieldInputError(name, `"${def.title}" takes "300|EUR" or {amount, currency}`);
  const [amount, currency] =
    typeof value === 'object' && value !== null
      ? [(value as { amount?: unknown }).amount, (value as { currency?: unknown }).currency]
      : String(value).split('|');
  // One rule for both forms: a finite amount (negative allowed: refunds, credits) and an ISO 4217 code.
  if (typeof currency !== 'string' || !/^[A-Za-z]{3}$/.test(currency)) throw bad();
  if (!Number.isFinite(numberOf(amount))) throw bad();
  return `${String(amount).trim()}|${currency.toUpperCase()}`;
}

function convertOne(def: FieldDefinition, value: unknown, name: string): unknown {
  if (value === null) return null;
  switch (def.type) {
    case 'enumeration':
      return optionId(def, value, name);
    case 'boolean': {
      if (typeof value === 'boolean') return value ? 'Y' : 'N';
      const text = String(value).trim().toLowerCase();
      if (['y', '1', 'true', 'yes'].includes(text)) return 'Y';
      if (['n', '0', 'false', 'no'].includes(text)) return 'N';
      throw new FieldInputError(name, `"${def.title}" takes true or false`);
    }
    case 'money':
      return money(def, value, name);
    case 'date':
      if (typeof value !== 'string' || !isCalendarDate(value) || !(value.length === 10 || DATETIME.test(value))) {
        throw new FieldInputError(name, `"${def.title}" takes a date YYYY-MM-DD`);
      }
      return value.slice(0, 10);
    case 'datetime':
      if (typeof value !== 'string' || !DATETIME.test(value) || !isCalendarDate(value)) {
        throw new FieldInputError(name, `"${def.title}" takes an ISO 8601 datetime (2024-05-01T09:30:00+02:00)`);
      }
      return value;
    case 'employee':
    case 'user':
    case 'integer':
    case 'crm_company':
    case 'crm_contact':
      if (!Number.isInteger(numberOf(value))) throw new FieldInputError(name, `"${def.title}" takes an integer`);
      return numberOf(value);
    case 'double':
      if (!Number.isFinite(numberOf(value))) throw new FieldInputError(name, `"${def.title}" takes a number`);
      return numberOf(value);
    default:
      if (typeof value === 'object') throw new FieldInputError(name, `"${def.title}" takes a ${def.type} value`);
      return value;
  }
}

/** The fields that hold the gateway's idempotency records (a card's xmlId, the origin of
 * contacts, companies and leads): written only by the gateway, or a writer who knows another
 * caller's key could claim it or forge its outcome. */
const RESERVED = /^(XML_ID|ORIGIN_ID|ORIGINATOR_ID|ORIGIN_VERSION)$/;
const RESERVED_CAMEL = /^(xmlId|originId|originatorId|originVersion)$/i;

/** A reserved field, refused with the same words wherever a write names it. */
export function assertNotReserved(def: FieldDefinition, name: string): void {
  if (RESERVED.test(def.upperName) || RESERVED_CAMEL.test(def.name))
    throw new FieldInputError(
      name,
      `field "${name}" holds idempotency records and is written only through idempotencyKey`,
    );
}

/** Converts user input `{anySpelling: value}` into portal fields keyed by `key` spelling.
 * Unknown, read-only and reserved names are refused, never sent silently. */
export function convertInput(
  set: FieldSet,
  input: Record<string, unknown>,
  key: 'name' | 'upperName',
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input)) {
    const def = resolveField(set, name);
    if (def.readOnly) throw new FieldInputError(name, `field "${name}" is read-only`);
    assertNotReserved(def, name);
    out[def[key]] = convertValue(def, value, name);
  }
  return out;
}

/** One field's value in the portal's form (list labels → ids, Yes/No, money, dates); a list
 * for a multiple field. Writes send yes/no as `Y`/`N`; filters as `1`/`0`, the only form the
 * portal matches for custom booleans (crm-item-list.md: "Format Y or N in the filter for custom
 * fields of type boolean is not supported"; the old-style list pages are silent, and their
 * stored form is 1/0, so the same). */
export function convertValue(
  def: FieldDefinition,
  value: unknown,
  name = def.name,
  purpose: 'write' | 'filter' = 'write',
): unknown {
  const one = (v: unknown) => {
    const converted = convertOne(def, v, name);
    return purpose === 'filter' && def.type === 'boolean' && converted !== null
      ? converted === 'Y'
        ? 1
        : 0
      : converted;
  };
  if (def.multiple) {
    const list = value === null ? [] : Array.isArray(value) ? value : [value];
    return list.map(one);
  }
  if (Array.isArray(value)) throw new FieldInputError(name, `field "${name}" takes a single value`);
  return one(value);
}

/** A stored value as clients read it, the same on every entity: null when unset (old-style lists
 * give "", crm.item null, an empty money "|"), true/false for yes/no (old-style "1"/"0", crm.item
 * "Y"/"N"), numbers for numbers and ids, list ids as strings, a list for a multiple field. */
export function normalizeValue(def: FieldDefinition, raw: unknown): unknown {
  if (def.multiple) {
    const list = Array.isArray(raw)
      ? raw
      : raw === undefined || raw === null || raw === '' || raw === false
        ? []
        : [raw];
    return list.map((v) => normalizeOne(def, v)).filter((v) => v !== null);
  }
  return normalizeOne(def, raw);
}

function normalizeOne(def: FieldDefinition, value: unknown): unknown {
  if (value === undefined || value === null || value === '') return null;
  switch (def.type) {
    case 'boolean':
      return toFlag(value);
    case 'money':
      return value === '|' ? null : String(value);
    case 'integer':
    case 'double':
    case 'employee':
    case 'user':
    case 'crm_company':
    case 'crm_contact': {
      const n = Number(value);
      return Number.isFinite(n) ? n : value;
    }
    case 'enumeration':
      return String(value);
    default:
      return value;
  }
}

/** Renders a raw value for people: labels for list values, Yes/No, money and dates. Employee
 * names are resolved by the caller (they need a lookup); here they stay ids. */
export function displayValue(
  def: FieldDefinition,
  raw: unknown,
  names: (id: number) => string | null = () => null,
): string | null {
  const values = Array.isArray(raw) ? raw : [raw];
  const shown = values
    .filter((v) => v !== null && v !== undefined && v !== '' && !(def.type === 'money' && v === '|'))
    .map((v): string => {
      switch (def.type) {
        case 'enumeration':
          return def.options.find((o) => o.id === String(v))?.label ?? String(v);
        case 'boolean':
          return toFlag(v) ? 'Yes' : 'No';
        case 'money': {
          const [amount, currency] = String(v).split('|');
          return `${Number(amount).toFixed(2)} ${currency ?? ''}`.trim();
        }
        case 'date':
          return String(v).slice(0, 10);
        case 'employee':
        case 'user':
          return names(Number(v)) ?? String(v);
        default:
          return typeof v === 'object' ? JSON.stringify(v) : String(v);
      }
    });
  if (shown.length === 0) return def.type === 'boolean' && !def.multiple ? 'No' : null;
  return shown.join(', ');
}

/** Employee ids referenced by employee-typed fields of a record (to batch-load their names). */
export function employeeIds(set: FieldSet, read: (def: FieldDefinition) => unknown): number[] {
  const ids: number[] = [];
  for (const def of set.all) {
    if (!def.custom || (def.type !== 'employee' && def.type !== 'user')) continue;
    const raw = read(def);
    for (const v of Array.isArray(raw) ? raw : [raw]) if (Number(v) > 0) ids.push(Number(v));
  }
  return ids;
}
