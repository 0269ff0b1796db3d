// Typed custom fields: how one reads (output field with its resolver) and how one is written
// (input field, and its value as the portal takes it in the generic `fields` map, which the
// existing write path then checks against the field's definition once more).
import {
  GraphQLBoolean,
  GraphQLFloat,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLString,
  type GraphQLEnumType,
  type GraphQLFieldConfig,
  type GraphQLInputFieldConfig,
  type GraphQLInputType,
  type GraphQLOutputType,
  type GraphQLScalarType,
  type GraphQLSchema,
} from 'graphql';
import { EntityTypeId, isSmartProcessId } from '../../crm/entity-types.js';
import { normalizeValue, type FieldDefinition } from '../../crm/fields.js';
import { asRecord, toInt, toText } from '../../crm/values.js';
import type { Context } from '../context.js';
import { cardKey } from '../loaders.js';
import { Company } from '../types/company.js';
import { Contact } from '../types/contact.js';
import { Deal } from '../types/deal.js';
import { Employee } from '../types/employee.js';
import { Lead } from '../types/lead.js';
import { SpaCard } from '../types/spa-card.js';
import { listed, type FieldTypes } from './field-types.js';
import type { CustomFieldModel, EntityModel } from './model.js';

/** Reads a custom field's stored value from a record of the entity. */
export type ReadRaw = (record: unknown, def: FieldDefinition) => unknown;

/** A record of a smart process shown as its generated type (for interfaces and `node`). */
export function asGenerated(card: object, typeName: string): object {
  return { ...card, __typename: typeName };
}

interface RecordLoader {
  getDataloader(ctx: Context): {
    load(id: number): Promise<unknown>;
    loadMany(ids: readonly number[]): Promise<unknown[]>;
  };
}

/** The loadable types of contacts, companies, deals and leads, by entity type. */
export const RECORD_LOADERS: Partial<Record<number, RecordLoader>> = {
  [EntityTypeId.contact]: Contact,
  [EntityTypeId.company]: Company,
  [EntityTypeId.deal]: Deal,
  [EntityTypeId.lead]: Lead,
};

/** The record a binding points at, loaded like any other of its type. */
export async function loadBound(
  ctx: Context,
  entityTypeId: number,
  id: number,
  generatedName: (entityTypeId: number) => string | undefined,
): Promise<unknown> {
  const one = async <T>(loader: { load(key: never): Promise<T> }, key: unknown) => {
    try {
      return await loader.load(key as never);
    } catch {
      return null; // a binding to a record deleted meanwhile reads as nothing
    }
  };
  const records = RECORD_LOADERS[entityTypeId];
  if (records) return one(records.getDataloader(ctx), id);
  if (!isSmartProcessId(entityTypeId)) return null;
  const card = await one(SpaCard.getDataloader(ctx), cardKey(entityTypeId, id));
  const name = generatedName(entityTypeId);
  return card && name ? asGenerated(card, name) : card;
}

const PREFIXES: Record<string, number> = { L: 1, D: 2, C: 3, CO: 4 };

/** `C_12` → contact 12; `T80_6` → smart process 128, card 6 (crm/data-types.md, binding format). */
export function parseBinding(value: unknown): { entityTypeId: number; id: number } | null {
  const match = /^([A-Z]+?)([0-9a-f]*)_(\d+)$/.exec(String(value));
  if (!match) return null;
  const [, letters, hex, id] = match;
  const entityTypeId = letters === 'T' && hex ? Number.parseInt(hex, 16) : hex ? undefined : PREFIXES[letters];
  return entityTypeId ? { entityTypeId, id: Number(id) } : null;
}

/** The binding text of a record: contact 12 → `C_12`, smart process 128 card 6 → `T80_6`. */
export function bindingText(entityTypeId: number, id: number): string {
  const prefix = Object.entries(PREFIXES).find(([, e]) => e === entityTypeId)?.[0] ?? `T${entityTypeId.toString(16)}`;
  return `${prefix}_${id}`;
}

export interface FieldContext {
  kit: FieldTypes;
  base: GraphQLSchema;
  enums: Map<CustomFieldModel, GraphQLEnumType>;
  /** The GraphQL type of a smart process's records (its generated type, if any). */
  typeOfEntity(entityTypeId: number): GraphQLOutputType | undefined;
  generatedName(entityTypeId: number): string | undefined;
}

function describe(field: CustomFieldModel, extra = ''): string {
  const def = field.def;
  return `${def.title} (\`${def.upperName}\`, ${def.type}${def.multiple ? ', multiple' : ''}).${extra}`;
}

/** The type of the kinds read and written alike; null for the others. */
function scalarOf(field: CustomFieldModel, fc: FieldContext): GraphQLScalarType | GraphQLEnumType | null {
  switch (field.kind) {
    case 'string':
    case 'url':
      return GraphQLString;
    case 'int':
      return GraphQLInt;
    case 'float':
      return GraphQLFloat;
    case 'boolean':
      return GraphQLBoolean;
    case 'date':
      return fc.kit.localDate;
    case 'datetime':
      return fc.kit.dateTime;
    case 'enum':
      return fc.enums.get(field) ?? null;
    default:
      return null;
  }
}

function outputOf(field: CustomFieldModel, fc: FieldContext): GraphQLOutputType {
  const scalar = scalarOf(field, fc);
  if (scalar) return scalar;
  switch (field.kind) {
    case 'money':
      return fc.kit.money;
    case 'employee':
      return fc.base.getType('Employee') as GraphQLOutputType;
    case 'crm': {
      const only = field.bound?.length === 1 ? fc.typeOfEntity(field.bound[0]) : undefined;
      return only ?? (fc.base.getType('CrmRecord') as GraphQLOutputType);
    }
    case 'file':
      return fc.kit.file;
    default:
      return fc.kit.json;
  }
}

/** One stored value as the field's GraphQL type reads it (null when it cannot). */
async function readValue(field: CustomFieldModel, value: unknown, ctx: Context, fc: FieldContext): Promise<unknown> {
  if (value === null || value === undefined) return null;
  switch (field.kind) {
    case 'int':
      return Number.isInteger(value) ? value : null;
    case 'float':
      return typeof value === 'number' && Number.isFinite(value) ? value : null;
    case 'date':
      return String(value).slice(0, 10);
    case 'money': {
      const [amount, currency] = String(value).split('|');
      return amount === '' || !currency ? null : { amount: Number(amount), currency };
    }
    case 'enum':
      // A value whose list item was deleted on the portal reads as nothing, not as an error.
      return field.enum?.values.some((v) => v.id === String(value)) ? String(value) : null;
    case 'employee':
      return Number(value) > 0 ? Employee.getDataloader(ctx).load(Number(value)) : null;
    case 'crm': {
      const bound =
        parseBinding(value) ?? (field.bound?.length === 1 ? { entityTypeId: field.bound[0], id: Number(value) } : null);
      return bound && bound.id > 0 ? loadBound(ctx, bound.entityTypeId, bound.id, fc.generatedName) : null;
    }
    case 'file': {
      const file = asRecord(value);
      return {
        bitrixId: toInt(file.id) ?? toInt(value),
        url: toText(file.urlMachine) ?? toText(file.url) ?? toText(file.downloadUrl) ?? toText(file.showUrl),
      };
    }
    default:
      return value;
  }
}

/** The output field of a custom field, reading the record with `read`. */
export function outputField(
  field: CustomFieldModel,
  read: ReadRaw,
  fc: FieldContext,
): GraphQLFieldConfig<unknown, Context> {
  return {
    type: listed(outputOf(field, fc), field.def.multiple),
    description: describe(field),
    // A multiple field's values count once, as every plain list of the schema (builder.ts).
    extensions: { customField: field.def.upperName, complexity: { field: 1, multiplier: 1 } },
    resolve: async (record, _args, ctx) => {
      const normal = normalizeValue(field.def, read(record, field.def));
      if (!field.def.multiple) return readValue(field, normal, ctx, fc);
      const values = await Promise.all((normal as unknown[]).map((v) => readValue(field, v, ctx, fc)));
      return values.filter((v) => v !== null);
    },
  };
}

function inputOf(field: CustomFieldModel, fc: FieldContext): GraphQLInputType | null {
  const scalar = scalarOf(field, fc);
  if (scalar) return scalar;
  switch (field.kind) {
    case 'employee':
      return GraphQLInt; // the employee's user id
    case 'money':
      return fc.kit.moneyInput;
    case 'crm':
      return field.bound?.length === 1 ? GraphQLInt : fc.kit.crmBindingInput;
    case 'file':
      return null; // files are uploaded through the generic `fields` (their own format)
    default:
      return fc.kit.json;
  }
}

/** The input field of a custom field for creates and updates (null clears it); none for files and
 * read-only fields. */
export function inputField(field: CustomFieldModel, fc: FieldContext): GraphQLInputFieldConfig | null {
  if (field.def.readOnly) return null;
  const type = inputOf(field, fc);
  if (!type) return null;
  return {
    type: field.def.multiple ? new GraphQLList(new GraphQLNonNull(type)) : type,
    description: describe(field, field.def.required ? ' Required by the portal.' : ''),
  };
}

/** A typed input value as the generic `fields` map takes it (checked again there). */
export function inputValue(field: CustomFieldModel, value: unknown): unknown {
  const one = (v: unknown): unknown => {
    if (v === null) return null;
    switch (field.kind) {
      case 'datetime':
        return v instanceof Date ? v.toISOString() : v;
      case 'crm': {
        if (typeof v === 'number' && field.bound?.length === 1) return bindingText(field.bound[0], v);
        const b = v as { entityTypeId: number; id: number };
        return bindingText(b.entityTypeId, b.id);
      }
      default:
        return v; // enums arrive as their item ids, money as {amount, currency}, dates as text
    }
  };
  return Array.isArray(value) ? value.map(one) : one(value);
}

/** The typed custom fields of an entity in an input object, moved into the `fields` map keyed by
 * UPPER_CASE names; a field given both ways is refused by the caller. */
export function typedFields(entity: EntityModel, input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of entity.fields)
    if (field.name in input) out[field.def.upperName] = inputValue(field, input[field.name]);
  return out;
}
