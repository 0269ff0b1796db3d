// The fields every CRM record type shares, written once: when it was created and last changed,
// its custom fields, and any one field by name. Each type's module adds them to its own type,
// saying only how its records store a value.
import type { ObjectRef, SchemaTypes } from '@pothos/core';
import type { FieldDefinition } from '../../crm/fields.js';
import { builder } from '../builder.js';
import { customFieldValues, FieldValueRef, fields, fieldValue } from './field.js';

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T extends SchemaTypes> ? T : never;

export interface RecordFields<R> {
  /** What the type is called in descriptions: `contact`, `smart-process card`. */
  noun: string;
  /** Examples of field names, for the `field(name)` description. */
  examples: string;
  entityTypeId: (record: R) => number;
  /** A field's stored value in a record (old-style rows and crm.item rows name fields differently). */
  read: (record: R, def: FieldDefinition) => unknown;
  createdAt: (record: R) => string | null;
  updatedAt: (record: R) => string | null;
}

export function addRecordFields<Shape, R>(ref: ObjectRef<Types, Shape, R>, spec: RecordFields<R>): void {
  builder.objectFields(ref, (t) => ({
    createdAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: `When the ${spec.noun} was created.`,
      resolve: (record) => spec.createdAt(record),
    }),
    updatedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: `When the ${spec.noun} was last changed.`,
      resolve: (record) => spec.updatedAt(record),
    }),
    customFields: t.field({
      type: [FieldValueRef],
      nullable: { list: false, items: false },
      description: `Every custom field (UF_…) of the ${spec.noun}: its value, and the value rendered for people (list labels, Yes/No, employee names, money, dates).`,
      resolve: async (record, _args, ctx) =>
        customFieldValues(ctx, await fields(ctx, spec.entityTypeId(record)), (def) => spec.read(record, def)),
    }),
    field: t.field({
      type: FieldValueRef,
      nullable: true,
      description: `One field of the ${spec.noun} by name, camelCase or UPPER_CASE (${spec.examples}); system fields too. An unknown name is a BAD_USER_INPUT error naming it.`,
      args: { name: t.arg.string({ required: true, description: 'The field name, camelCase or UPPER_CASE.' }) },
      resolve: async (record, args, ctx) =>
        fieldValue(ctx, await fields(ctx, spec.entityTypeId(record)), args.name, (def) => spec.read(record, def)),
    }),
  }));
}
