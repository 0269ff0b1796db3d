// Field descriptors: one list per entity type, used by both renderings (old-style UPPER_CASE and
// crm.item camelCase), by the filter engine, by the write path and by *.fields. Also the UF
// name conversion rules of §7.3.

/** SPA type flags that switch item fields on (§7.7). */
export type TypeFlag =
  | 'isStagesEnabled'
  | 'isClientEnabled'
  | 'isLinkWithProductsEnabled'
  | 'isObserversEnabled'
  | 'isBeginCloseDatesEnabled'
  | 'isSourceEnabled'
  | 'isMycompanyEnabled';

export interface EnumItem {
  ID: string;
  VALUE: string;
  SORT: number;
  DEF: 'Y' | 'N';
  XML_ID: string;
}

export interface UfDef {
  /** b_user_field id */
  id: number;
  /** CRM_CONTACT, CRM_1 (SPA uses the type id, §7.1) */
  entityId: string;
  label: string;
  /** Labels by language (`en`, `br`, `ru`) when a field was created with a lang_map. */
  labels?: Record<string, string>;
  sort: number;
  mandatory?: boolean;
  xmlId?: string | null;
  settings: Record<string, unknown>;
  items?: EnumItem[];
}

export interface FieldDef {
  /** DB / old-style name, also the key in the canonical record. */
  upper: string;
  /** crm.item name; '' when the field does not exist in crm.item. */
  camel: string;
  /** Descriptor type (crm.item). */
  type: string;
  /** Old-style descriptor type when it differs (e.g. `char` vs `boolean`). */
  oldType?: string;
  title: string;
  multiple?: boolean;
  readOnly?: boolean;
  immutable?: boolean;
  required?: boolean;
  deprecated?: boolean;
  statusType?: string;
  settings?: Record<string, unknown>;
  uf?: UfDef;
  /** false → not part of the old-style rendering/fields. */
  old?: boolean;
  /** false → not part of crm.item. */
  item?: boolean;
  /** COMPANY_IDS on contacts: accepted by old-style writes, never returned (§6.2). */
  writeOnlyOld?: boolean;
  /** SPA flag that must be on for the field to be available (§7.7). */
  flag?: TypeFlag;
}

/** How a canonical value is stored, derived from the descriptor type. */
export type Storage = 'int' | 'num' | 'str' | 'bool' | 'date' | 'datetime' | 'multifield' | 'none';

const INT_TYPES = new Set([
  'integer',
  'user',
  'employee',
  'crm_category',
  'crm_company',
  'crm_contact',
  'crm_lead',
  'crm_entity',
  'crm_deal',
  'enumeration',
]);

export function storageOf(def: FieldDef): Storage {
  const t = def.type;
  // A `file` custom field holds a file id (b_file): filtered and ordered as a number, rendered as
  // an object (render.ts). System file fields (PHOTO, LOGO) hold nothing here.
  if (t === 'file' && def.uf) return 'int';
  if (INT_TYPES.has(t)) return 'int';
  if (t === 'double') return 'num';
  if (t === 'boolean' || t === 'char') return 'bool';
  if (t === 'date') return 'date';
  if (t === 'datetime') return 'datetime';
  if (t === 'crm_multifield') return 'multifield';
  if (t === 'file') return 'none';
  return 'str';
}

/** Fields whose values are dictionary codes or bindings: LIKE does not apply (§6.4). */
export function isLikeless(def: FieldDef): boolean {
  return /^crm_(status|contact|company|lead|category|currency|entity)$/.test(def.type);
}

// ---- `crm` custom fields (binding to CRM items) ------------------------------------------------

/** Settings keys of a `crm` field and the types they bind (userfieldconfig-add.md, `crm` tab);
 * `DYNAMIC_<entityTypeId>` binds a smart process. */
const CRM_SETTING_TYPES: Record<string, number> = {
  LEAD: 1,
  DEAL: 2,
  CONTACT: 3,
  COMPANY: 4,
  QUOTE: 7,
  SMART_INVOICE: 31,
};

/** The entity types a `crm` field binds, in the settings' order. */
export function crmBoundTypes(settings: Record<string, unknown> | undefined): number[] {
  const out: number[] = [];
  for (const [k, v] of Object.entries(settings ?? {})) {
    if (v !== 'Y' && v !== true) continue;
    const dyn = /^DYNAMIC_(\d+)$/.exec(k);
    const e = dyn ? Number(dyn[1]) : CRM_SETTING_TYPES[k];
    if (e !== undefined && !out.includes(e)) out.push(e);
  }
  return out;
}

/** Short type code of crm/data-types.md (`entityTypeAbbr`): L, D, C, CO, Q, SI, T<hex> for SPAs. */
export function crmAbbr(entityTypeId: number): string {
  const fixed: Record<number, string> = { 1: 'L', 2: 'D', 3: 'C', 4: 'CO', 7: 'Q', 31: 'SI' };
  return fixed[entityTypeId] ?? `T${entityTypeId.toString(16)}`;
}

/** `CO_3` → {4, 3}; null when the prefix is unknown or the id is not a positive integer. */
export function parseCrmRef(v: string): { entityTypeId: number; id: number } | null {
  const m = /^([A-Za-z0-9]+)_(\d+)$/.exec(v.trim());
  if (!m || Number(m[2]) <= 0) return null;
  const abbr = m[1].toUpperCase();
  const fixed: Record<string, number> = { L: 1, D: 2, C: 3, CO: 4, Q: 7, SI: 31 };
  if (fixed[abbr] !== undefined) return { entityTypeId: fixed[abbr], id: Number(m[2]) };
  const t = /^T([0-9A-F]+)$/.exec(abbr);
  return t ? { entityTypeId: Number.parseInt(t[1], 16), id: Number(m[2]) } : null;
}

// ---- UF names (§7.3) -------------------------------------------------------------------------

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();

/**
 * UF_CRM_… → crm.item name.
 * - regular: every block after `UF_CRM_` is only digits or only letters → drop underscores
 *   except between two numeric blocks (`UF_CRM_10_5186744711` → `ufCrm10_5186744711`,
 *   `UF_CRM_1_DUE_DATE` → `ufCrm1DueDate`, `UF_CRM_CPF` → `ufCrmCpf`);
 * - simplified: a block mixes letters and digits, or the name is a plain `UF_CRM_<digits>` of a
 *   system entity → only the prefix changes (`UF_CRM_3_DIGIT10` → `ufCrm_3_DIGIT10`,
 *   `UF_CRM_1747309879` → `ufCrm_1747309879`).
 */
export function ufCamelName(upper: string, systemEntity: boolean): string {
  const rest = upper.replace(/^UF_CRM_?/, '');
  const blocks = rest.split('_').filter((b) => b !== '');
  const mixed = blocks.some((b) => /\d/.test(b) && /[A-Za-z]/.test(b));
  const plainDigits = systemEntity && blocks.length === 1 && /^\d+$/.test(blocks[0]);
  if (mixed || plainDigits || blocks.length === 0) return `ufCrm_${rest}`;
  let out = 'ufCrm';
  blocks.forEach((b, i) => {
    const numeric = /^\d+$/.test(b);
    if (numeric && i > 0 && /^\d+$/.test(blocks[i - 1])) out += '_';
    out += numeric ? b : cap(b);
  });
  return out;
}

/** Assigns crm.item names to UF defs of one entity; a name colliding with another field keeps
 * its UPPER_CASE form (§7.3). */
export function nameUfs(fields: FieldDef[], systemEntity: boolean): void {
  const taken = new Set(fields.filter((f) => !f.uf && f.camel).map((f) => f.camel));
  const ufs = fields.filter((f) => f.uf);
  const proposed = ufs.map((f) => ufCamelName(f.upper, systemEntity));
  ufs.forEach((f, i) => {
    const name = proposed[i];
    const clash = taken.has(name) || proposed.indexOf(name) !== i || proposed.lastIndexOf(name) !== i;
    f.camel = clash ? f.upper : name;
  });
}

// ---- descriptors ----------------------------------------------------------------------------

export interface Descriptor {
  type: string;
  isRequired: boolean;
  isReadOnly: boolean;
  isImmutable: boolean;
  isMultiple: boolean;
  isDynamic: boolean;
  title: string;
  [k: string]: unknown;
}

function base(def: FieldDef, type: string): Descriptor {
  const d: Descriptor = {
    type,
    isRequired: !!def.required,
    isReadOnly: !!def.readOnly,
    isImmutable: !!def.immutable,
    isMultiple: !!def.multiple,
    isDynamic: !!def.uf,
    title: def.title,
  };
  if (def.statusType) d.statusType = def.statusType;
  if (def.deprecated) d.isDeprecated = true;
  if (def.settings) d.settings = def.settings;
  return d;
}

function ufExtras(d: Descriptor, uf: UfDef): void {
  if (uf.items) d.items = uf.items.map((i) => ({ ID: i.ID, VALUE: i.VALUE }));
  d.listLabel = uf.label;
  d.formLabel = uf.label;
  d.filterLabel = uf.label;
  d.settings = uf.settings;
}

/** Old-style `*.fields`: UF `title` is the field code, labels separately (§6.5). */
export function oldDescriptor(def: FieldDef): Descriptor {
  const d = base(def, def.oldType ?? def.type);
  if (def.uf) {
    d.title = def.upper;
    ufExtras(d, def.uf);
  }
  return d;
}

/** crm.item.fields: UF `title` is the human label, plus `upperName` (§7.6). */
export function itemDescriptor(def: FieldDef): Descriptor {
  const d = base(def, def.type);
  if (def.uf) {
    d.title = def.uf.label;
    ufExtras(d, def.uf);
  }
  d.upperName = def.upper;
  return d;
}

// ---- builder helpers (terse field lists in schemas.ts) -----------------------------------------

export function f(upper: string, camel: string, type: string, title: string, extra: Partial<FieldDef> = {}): FieldDef {
  return { upper, camel, type, title, ...extra };
}

export const RO = { readOnly: true } as const;
