// The one Pothos builder. Plugin order matters: errors wraps dataloader so load failures of
// single-object fields can become typed results (graphql-stack.md §1.1).
import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import { DateTimeResolver, JSONObjectResolver, JSONResolver } from 'graphql-scalars';
import type { Context } from './context.js';

export interface SchemaTypes {
  Context: Context;
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    JSON: { Input: unknown; Output: unknown };
    JSONObject: { Input: Record<string, unknown>; Output: Record<string, unknown> };
  };
  Connection: { totalCount: number | (() => Promise<number>) };
}

/** The `t` of an input type's fields, for field sets two input types share. */
export type InputFields = PothosSchemaTypes.InputFieldBuilder<
  PothosSchemaTypes.ExtendDefaultTypes<SchemaTypes>,
  'InputObject'
>;

export const builder = new SchemaBuilder<SchemaTypes>({
  plugins: [RelayPlugin, ErrorsPlugin, DataloaderPlugin, ComplexityPlugin],
  // Complexity approximates rows fetched: connection fields multiply their children by `first`,
  // so plain lists (phones, departments) count once. The gateway checks the configurable limit
  // per request with these numbers (src/gateway/use-limits.ts); the plugin's own resolver check is off.
  complexity: { defaultComplexity: 1, defaultListMultiplier: 1, disabled: true },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    // Every root field is nullable: one that fails answers null with its error, the others answer.
    nodesQueryOptions: {
      nullable: { list: true, items: true },
      description: 'Several objects by global id; null for each that does not exist.',
    },
  },
  errors: {
    defaultTypes: [],
    // createContact → CreateContactResult = CreateContactSuccess { data } | NotFoundError | …
    defaultResultOptions: { name: ({ fieldName }) => `${capitalize(fieldName)}Success` },
    defaultUnionOptions: { name: ({ fieldName }) => `${capitalize(fieldName)}Result` },
  },
});

function capitalize(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

builder.addScalarType('DateTime', DateTimeResolver, {});
builder.addScalarType('JSON', JSONResolver, {});
builder.addScalarType('JSONObject', JSONObjectResolver, {});

builder.queryType({ description: 'Read the CRM of one Bitrix24 portal.' });
builder.mutationType({
  description: 'Change the CRM of one Bitrix24 portal. Every create accepts an idempotency key.',
});
