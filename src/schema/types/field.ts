// Field definitions and values of CRM records, with human-readable display values.
import {
  FieldInputError,
  convertValue,
  displayValue,
  normalizeValue,
  employeeIds,
  fieldsOf,
  resolveField,
  type FieldDefinition,
  type FieldOption,
  type FieldSet,
} from '../../crm/fields.js';
import { fullName, type EmployeeRecord } from '../../crm/users.js';
import { upstream, type Context } from '../context.js';
import { ErrorCode, gatewayError } from '../error-codes.js';
import { builder } from '../builder.js';
import { Employee } from './employee.js';

export interface FieldValueRecord {
  def: FieldDefinition;
  raw: unknown;
  display: string | null;
}

const FieldOptionRef = builder.objectRef<FieldOption>('FieldOption').implement({
  description: 'One value of a list (enumeration) field.',
  fields: (t) => ({
    itemId: t.exposeString('id', {
      nullable: false,
      description: "The list item id Bitrix24 stores as the field's value.",
    }),
    label: t.exposeString('label', { nullable: false, description: 'The label people see.' }),
  }),
});

export const FieldDefinitionRef = builder.objectRef<FieldDefinition>('FieldDefinition').implement({
  description: 'A field of a CRM entity type, system or custom (crm.item.fields).',
  fields: (t) => ({
    name: t.exposeString('name', {
      nullable: false,
      description: 'camelCase name as crm.item uses it, e.g. `ufCrm1_1721812814433`.',
    }),
    upperName: t.exposeString('upperName', {
      nullable: false,
      description: 'UPPER_CASE name, e.g. `UF_CRM_1_1721812814433`.',
    }),
    title: t.exposeString('title', { nullable: false, description: 'The human label.' }),
    type: t.exposeString('type', {
      nullable: false,
      description: 'Bitrix type: string, enumeration, date, money, boolean, employee, crm_status, …',
    }),
    required: t.exposeBoolean('required', { nullable: false, description: 'A value is required on create.' }),
    readOnly: t.exposeBoolean('readOnly', { nullable: false, description: 'Cannot be written.' }),
    multiple: t.exposeBoolean('multiple', { nullable: false, description: 'Holds a list of values.' }),
    custom: t.exposeBoolean('custom', { nullable: false, description: 'A user field (UF_…) created on the portal.' }),
    options: t.field({
      type: [FieldOptionRef],
      nullable: { list: false, items: false },
      description: 'The values of a list field; empty for other types.',
      resolve: (d) => d.options,
    }),
  }),
});

export const FieldValueRef = builder.objectRef<FieldValueRecord>('FieldValue').implement({
  description: 'The value of one field of a record, raw and rendered for people.',
  fields: (t) => ({
    name: t.string({
      nullable: false,
      description: 'camelCase name as crm.item names it.',
      resolve: (v) => v.def.name,
    }),
    upperName: t.string({ nullable: false, description: 'UPPER_CASE name.', resolve: (v) => v.def.upperName }),
    title: t.string({ nullable: false, description: 'The human label of the field.', resolve: (v) => v.def.title }),
    type: t.string({ nullable: false, description: 'Bitrix field type.', resolve: (v) => v.def.type }),
    multiple: t.boolean({ nullable: false, description: 'The value is a list.', resolve: (v) => v.def.multiple }),
    value: t.field({
      type: 'JSON',
      description:
        'The value, the same way on every entity: null when unset, true/false for yes/no, numbers for numbers and ids, the item id (a string) for list values, "300|EUR" for money, ISO text for dates; a list for multiple fields.',
      resolve: (v) => v.raw ?? null,
    }),
    display: t.string({
      description: 'The value for people: list labels, employee names, Yes/No, "300.00 EUR", dates. Null when empty.',
      resolve: (v) => v.display,
    }),
  }),
});

/** Values of the custom fields of a record; employee fields resolved to names in one batch. */
export async function customFieldValues(
  ctx: Context,
  set: FieldSet,
  read: (def: FieldDefinition) => unknown,
): Promise<FieldValueRecord[]> {
  const names = await employeeNames(ctx, employeeIds(set, read));
  return set.all.filter((def) => def.custom).map((def) => fieldValueRecord(def, read(def), names));
}

/** One field's value by any accepted spelling of its name. */
export async function fieldValue(
  ctx: Context,
  set: FieldSet,
  name: string,
  read: (def: FieldDefinition) => unknown,
): Promise<FieldValueRecord> {
  let def: FieldDefinition;
  try {
    def = resolveField(set, name);
  } catch (error) {
    throw fieldError(error);
  }
  const raw = read(def);
  const ids =
    def.type === 'employee' || def.type === 'user'
      ? (Array.isArray(raw) ? raw : [raw]).map(Number).filter((n) => n > 0)
      : [];
  return fieldValueRecord(def, raw, await employeeNames(ctx, ids));
}

function fieldValueRecord(def: FieldDefinition, raw: unknown, names: Map<number, string>): FieldValueRecord {
  const value = normalizeValue(def, raw);
  return { def, raw: value, display: displayValue(def, value, (id) => names.get(id) ?? null) };
}

async function employeeNames(ctx: Context, ids: number[]): Promise<Map<number, string>> {
  const names = new Map<number, string>();
  if (ids.length === 0) return names;
  const loaded = await Employee.getDataloader(ctx).loadMany([...new Set(ids)]);
  for (const e of loaded)
    if (e && !(e instanceof Error)) names.set((e as EmployeeRecord).id, fullName(e as EmployeeRecord));
  return names;
}

/** A FieldInputError as a client error naming the field. */
export function fieldError(error: unknown): unknown {
  if (error instanceof FieldInputError)
    return gatewayError(ErrorCode.BAD_USER_INPUT, error.message, { field: error.field });
  return error;
}

export function fields(ctx: Context, entityTypeId: number): Promise<FieldSet> {
  return fieldsOf(ctx.portal, entityTypeId, upstream(ctx));
}

export interface FieldFilterInput {
  name: string;
  value: string;
}

/** `{name, value}`: equality on one field (e.g. the CPF). Shared by every list filter. */
export const FieldFilter = builder.inputType('FieldFilter', {
  description:
    "Equality on one field, e.g. a custom CPF field. The name is checked against the portal's metadata (either spelling: `ufCrm41_…` or `UF_CRM_41_…`); list values may be given by label.",
  fields: (t) => ({
    name: t.string({ required: true, description: 'Field name, camelCase or UPPER_CASE.' }),
    value: t.string({
      required: true,
      description:
        'The value to match exactly (taken literally, never as an operator). Yes/no fields take true/false (also 1/0, Y/N); list fields a label or item id.',
    }),
  }),
});

/** Resolves a FieldFilter against the metadata: `{fieldName: convertedValue}` keyed by `key`
 * spelling; unknown names become BAD_USER_INPUT naming the field. */
export function fieldFilterValue(
  set: FieldSet,
  filter: FieldFilterInput,
  key: 'name' | 'upperName',
): Record<string, unknown> {
  try {
    const def = resolveField(set, filter.name);
    const value = convertValue(def, filter.value, filter.name, 'filter');
    return { [def[key]]: Array.isArray(value) ? value[0] : value };
  } catch (error) {
    throw fieldError(error);
  }
}
