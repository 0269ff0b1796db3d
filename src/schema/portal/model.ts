// The portal's model: what the schema generator makes of its metadata. Pure: metadata, the names
// file and the names the static schema already uses in, a model out — every generated name
// decided here (deterministically: the same metadata always gives the same names), nothing about
// GraphQL objects. Names come from labels (inflection.ts); pinned names (names-file.ts) win.
import type { CategoryRecord, SpaTypeRecord, StageRecord } from '../../crm/metadata.js';
import type { FieldDefinition, FieldSet } from '../../crm/fields.js';
import { EntityTypeId, isSmartProcessId } from '../../crm/entity-types.js';
import { camelName, claim, constantName, pascalName, typeNames, type TypeNames } from './inflection.js';
import { emptyNames, type NamesFile } from './names-file.js';

/** What the generator reads of a portal: every smart process, the field descriptors of contacts,
 * companies, deals, leads and each smart process, and their funnels and stages. */
export interface PortalMetadata {
  types: SpaTypeRecord[];
  fields: Map<number, FieldSet>;
  categories: Map<number, CategoryRecord[]>;
  stages: Map<number, StageRecord[]>;
}

/** How a custom field is typed. */
export type FieldKind =
  | 'string'
  | 'url'
  | 'int'
  | 'float'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'money'
  | 'enum'
  | 'employee'
  | 'crm'
  | 'file'
  | 'json';

const KINDS: Record<string, FieldKind> = {
  string: 'string',
  url: 'url',
  integer: 'int',
  double: 'float',
  boolean: 'boolean',
  date: 'date',
  datetime: 'datetime',
  money: 'money',
  enumeration: 'enum',
  employee: 'employee',
  user: 'employee',
  crm: 'crm',
  file: 'file',
};

export interface EnumValueModel {
  /** The GraphQL enum value. */
  name: string;
  /** What the portal stores: the list item id, the stage's statusId, the funnel id. */
  id: string;
  label: string;
  /** A stage's funnel id. */
  funnel?: number;
}

export interface EnumModel {
  name: string;
  values: EnumValueModel[];
}

export interface CustomFieldModel {
  def: FieldDefinition;
  /** The GraphQL field name (also its filter and input name). */
  name: string;
  kind: FieldKind;
  /** For list fields. */
  enum?: EnumModel;
  /** For CRM bindings: the entity types it may point at. */
  bound?: number[];
}

export type BaseType = 'Contact' | 'Company' | 'Deal' | 'Lead' | 'SpaCard';

export interface EntityModel {
  entityTypeId: number;
  /** The static type it extends (standard entities) or whose fields it has (smart processes). */
  base: BaseType;
  /** Generated names of a smart process; the static names for the others. */
  names: TypeNames;
  /** A type of its own (smart processes). */
  generated: boolean;
  title: string;
  fields: CustomFieldModel[];
  /** Every crm.item field name the portal lists for the type (what it can filter and order by). */
  keys: string[];
  /** Stages (every funnel's) and funnels, smart processes only. */
  stages: EnumModel | null;
  funnels: EnumModel | null;
}

export interface PortalModel {
  entities: EntityModel[];
  /** Named things the names file pins that the portal no longer has. */
  gone: string[];
  /** Every generated name, in names-file form: what `--lock` writes. */
  names: NamesFile;
}

const STANDARD: { entityTypeId: number; base: BaseType; names: TypeNames }[] = [
  { entityTypeId: EntityTypeId.contact, base: 'Contact', names: { type: 'Contact', one: 'contact', many: 'contacts' } },
  {
    entityTypeId: EntityTypeId.company,
    base: 'Company',
    names: { type: 'Company', one: 'company', many: 'companies' },
  },
  { entityTypeId: EntityTypeId.deal, base: 'Deal', names: { type: 'Deal', one: 'deal', many: 'deals' } },
  { entityTypeId: EntityTypeId.lead, base: 'Lead', names: { type: 'Lead', one: 'lead', many: 'leads' } },
];

/** Field names every filter input has besides the fields: the combinators. */
const COMBINATORS = ['and', 'or', 'not'];

export interface ReservedNames {
  /** Every type name of the static schema. */
  types: Iterable<string>;
  /** Field names of the static object types (a generated field never shadows one). */
  fields(base: BaseType): Iterable<string>;
  /** Root field names of the static schema. */
  roots: Iterable<string>;
}

/** Derives the model; `names` pins what it names, and the result's `names` holds every name used. */
export function portalModel(
  metadata: PortalMetadata,
  reserved: ReservedNames,
  names: NamesFile = emptyNames(),
): PortalModel {
  const typeNamesTaken = new Set(reserved.types);
  const rootsTaken = new Set(reserved.roots);
  const out: NamesFile = emptyNames();
  const gone: string[] = [];
  const entities: EntityModel[] = [];

  // Pinned names are claimed first, so a new label can never take a pinned name away.
  for (const entry of Object.values(names.types))
    if (entry) {
      typeNamesTaken.add(entry.type);
      rootsTaken.add(entry.one);
      rootsTaken.add(entry.many);
    }
  const smart = [...metadata.types]
    .filter((t) => isSmartProcessId(t.entityTypeId))
    .sort((a, b) => a.entityTypeId - b.entityTypeId);
  for (const pinned of Object.keys(names.types))
    if (!smart.some((t) => String(t.entityTypeId) === pinned)) gone.push(`smart process ${pinned}`);

  for (const std of STANDARD) entities.push(entity(std.entityTypeId, std.base, std.names, false, std.base));
  for (const type of smart) {
    const key = String(type.entityTypeId);
    const pinned = names.types[key];
    if (pinned === false) {
      out.types[key] = false;
      continue;
    }
    let typeNamed: TypeNames;
    if (pinned) typeNamed = pinned;
    else {
      const wanted = typeNames(type.title, `SmartProcess${type.entityTypeId}`);
      const typeName = claim(typeNamesTaken, wanted.type);
      const suffix = typeName.slice(wanted.type.length);
      typeNamed = {
        type: typeName,
        one: claim(rootsTaken, `${wanted.one}${suffix}`),
        many: claim(rootsTaken, `${wanted.many}${suffix}`),
      };
    }
    out.types[key] = typeNamed;
    entities.push(entity(type.entityTypeId, 'SpaCard', typeNamed, true, type.title));
  }
  return { entities, gone, names: out };

  function entity(entityTypeId: number, base: BaseType, named: TypeNames, generated: boolean, title: string) {
    const key = String(entityTypeId);
    const pinnedFields = names.fields[key] ?? {};
    const pinnedValues = names.values[key] ?? {};
    const fieldsTaken = new Set([...reserved.fields(base), ...COMBINATORS]);
    for (const name of Object.values(pinnedFields)) if (name) fieldsTaken.add(name);
    const custom = (metadata.fields.get(entityTypeId)?.all ?? [])
      .filter((def) => def.custom)
      .sort((a, b) => a.upperName.localeCompare(b.upperName));
    for (const upper of Object.keys(pinnedFields))
      if (!custom.some((def) => def.upperName === upper)) gone.push(`field ${upper} of ${named.type}`);
    const fieldsOut: Record<string, string | false> = {};
    const valuesOut: Record<string, Record<string, string>> = {};
    const fields: CustomFieldModel[] = [];
    for (const def of custom) {
      const pinned = pinnedFields[def.upperName];
      if (pinned === false) {
        fieldsOut[def.upperName] = false;
        continue;
      }
      const name = pinned ?? claim(fieldsTaken, camelName(def.title) || camelName(def.name));
      fieldsOut[def.upperName] = name;
      // A list without items (none defined yet) has no enum to be: its values read as JSON.
      const kind = def.type === 'enumeration' && def.options.length === 0 ? 'json' : (KINDS[def.type] ?? 'json');
      const field: CustomFieldModel = { def, name, kind };
      if (kind === 'enum') {
        field.enum = enumOf(
          `${named.type}${pascalName(name)}`,
          def.options.map((o) => ({ id: o.id, label: o.label })),
          pinnedValues[def.upperName],
        );
        valuesOut[def.upperName] = Object.fromEntries(field.enum.values.map((v) => [v.id, v.name]));
      }
      if (kind === 'crm') field.bound = boundTypes(def);
      fields.push(field);
    }
    out.fields[key] = fieldsOut;
    let stages: EnumModel | null = null;
    let funnels: EnumModel | null = null;
    if (generated) {
      const cats = metadata.categories.get(entityTypeId) ?? [];
      const several = cats.length > 1;
      funnels = enumOf(
        `${named.type}Funnel`,
        cats.map((c) => ({ id: String(c.id), label: c.name })),
        pinnedValues.funnels,
      );
      // With several funnels a stage's name starts with its funnel's, so that every stage of the
      // type has its own value and a stage always says which funnel it is in.
      const funnelName = new Map(funnels.values.map((v) => [v.id, v.name]));
      const stageRows = [...(metadata.stages.get(entityTypeId) ?? [])].sort(
        (a, b) => (a.categoryId ?? 0) - (b.categoryId ?? 0) || a.sort - b.sort || a.id - b.id,
      );
      stages = enumOf(
        `${named.type}Stage`,
        stageRows.map((s) => ({
          id: s.statusId,
          label: s.name,
          funnel: s.categoryId ?? undefined,
          prefix: several ? funnelName.get(String(s.categoryId ?? '')) : undefined,
        })),
        pinnedValues.stages,
      );
      valuesOut.funnels = Object.fromEntries(funnels.values.map((v) => [v.id, v.name]));
      valuesOut.stages = Object.fromEntries(stages.values.map((v) => [v.id, v.name]));
      // A type without stages (or funnels) has no enum for them: GraphQL enums are never empty.
      if (stages.values.length === 0) stages = null;
      if (funnels.values.length === 0) funnels = null;
    }
    if (Object.keys(valuesOut).length > 0) out.values[key] = valuesOut;
    const keys = (metadata.fields.get(entityTypeId)?.all ?? []).map((def) => def.name);
    return { entityTypeId, base, names: named, generated, title, fields, keys, stages, funnels };
  }

  function enumOf(
    wanted: string,
    items: { id: string; label: string; funnel?: number; prefix?: string }[],
    pinned: Record<string, string> = {},
  ): EnumModel {
    const name = claim(typeNamesTaken, wanted);
    const taken = new Set(Object.values(pinned));
    const values = items.map((item) => {
      const generated = constantName(item.label) || constantName(`value ${item.id}`);
      return {
        id: item.id,
        label: item.label,
        funnel: item.funnel,
        name: pinned[item.id] ?? claim(taken, item.prefix ? `${item.prefix}_${generated}` : generated),
      };
    });
    return { name, values };
  }
}

const BINDING_KEYS: Record<string, number> = {
  LEAD: EntityTypeId.lead,
  DEAL: EntityTypeId.deal,
  CONTACT: EntityTypeId.contact,
  COMPANY: EntityTypeId.company,
};

/** The entity types a CRM binding field may point at, from its settings (`CONTACT: 'Y'`,
 * `DYNAMIC_128: 'Y'`). */
function boundTypes(def: FieldDefinition): number[] {
  const out: number[] = [];
  for (const [key, on] of Object.entries(def.settings)) {
    if (on !== 'Y' && on !== true) continue;
    const dynamic = /^DYNAMIC_(\d+)$/.exec(key);
    const id = dynamic ? Number(dynamic[1]) : BINDING_KEYS[key];
    if (id) out.push(id);
  }
  return out.sort((a, b) => a - b);
}
