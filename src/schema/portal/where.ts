// The typed filter (`where`) and order (`orderBy`) of one type: their GraphQL inputs, made from the
// standard fields the portal lists and the filterable custom fields, and their translation into
// crm.item conditions and order keys. A filter field is named like the output field it filters.
import {
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLList,
  GraphQLNonNull,
  type GraphQLEnumValueConfigMap,
  type GraphQLInputFieldConfigMap,
  type GraphQLInputType,
} from 'graphql';
import { and, negate, or, type Comparison, type Condition, type Scalar } from '../../crm/conditions.js';
import type { Context } from '../context.js';
import { badInput } from '../error-codes.js';
import { filterKindOf, orderable, type FieldTypes, type FilterKind } from './field-types.js';
import { claim, constantName } from './inflection.js';
import type { EntityModel } from './model.js';
import { STANDARD_FIELDS } from './standard-fields.js';

interface FilterableField {
  key: string;
  kind: FilterKind;
  /** Custom booleans are filtered by 1/0 (crm-item-list.md). */
  customBoolean: boolean;
  /** Enum values that the portal keeps as numbers (funnel ids). */
  numericIds?: boolean;
}

export interface EntityQueryTypes {
  where: GraphQLInputObjectType;
  order: GraphQLInputObjectType;
  /** Filter field name → how it is compared. */
  fields: Map<string, FilterableField>;
}

export interface QueryTypeContext {
  kit: FieldTypes;
  typeNames: Set<string>;
  orderDirection: GraphQLInputType;
  enumOf(entity: EntityModel, what: 'stage' | 'funnel' | string): GraphQLEnumType | undefined;
  /** The crm.item keys the portal lists for the entity (crm.item.fields). */
  keys: ReadonlySet<string>;
}

export function entityQueryTypes(entity: EntityModel, qc: QueryTypeContext): EntityQueryTypes {
  const fields = new Map<string, FilterableField>();
  const inputs: GraphQLInputFieldConfigMap = {};
  const orderValues: GraphQLEnumValueConfigMap = {};
  const orderNames = new Set<string>();
  const type = entity.names.type;

  const operatorsOf = (kind: FilterKind, enumType?: GraphQLEnumType) =>
    kind === 'enum' && enumType
      ? qc.kit.enumFilter(enumType, claim(qc.typeNames, `${enumType.name}Filter`))
      : qc.kit.operatorInput(kind as Exclude<FilterKind, 'enum'>);

  for (const std of STANDARD_FIELDS[entity.base]) {
    if (!qc.keys.has(std.key)) continue;
    let kind: FilterKind;
    let enumType: GraphQLEnumType | undefined;
    if (std.kind === 'stage' || std.kind === 'funnel') {
      enumType = qc.enumOf(entity, std.kind);
      if (!enumType) continue; // the generic card type has no typed stages
      kind = 'enum';
    } else kind = std.kind;
    fields.set(std.name, { key: std.key, kind, customBoolean: false, numericIds: std.kind === 'funnel' });
    inputs[std.name] = { type: operatorsOf(kind, enumType), description: std.description };
    if (std.orderable)
      orderValues[claim(orderNames, constantName(std.name))] = { value: std.key, description: std.description };
  }
  for (const field of entity.fields) {
    const kind = filterKindOf(field.kind);
    if (!kind) continue;
    const enumType = kind === 'enum' ? qc.enumOf(entity, field.def.upperName) : undefined;
    if (kind === 'enum' && !enumType) continue;
    fields.set(field.name, { key: field.def.name, kind, customBoolean: kind === 'boolean' });
    inputs[field.name] = {
      type: operatorsOf(kind, enumType),
      description: `${field.def.title} (\`${field.def.upperName}\`)${field.def.multiple ? ': holds when one of its values matches' : ''}.`,
    };
    if (orderable(field.kind) && !field.def.multiple)
      orderValues[claim(orderNames, constantName(field.name))] = {
        value: field.def.name,
        description: `${field.def.title} (\`${field.def.upperName}\`).`,
      };
  }

  const where: GraphQLInputObjectType = new GraphQLInputObjectType({
    name: claim(qc.typeNames, `${type}Where`),
    description: `Conditions on ${type} records: every field given must hold. \`and\`, \`or\` and \`not\` combine conditions. Only fields the portal can filter are here.`,
    fields: () => ({
      ...inputs,
      and: { type: new GraphQLList(new GraphQLNonNull(where)), description: 'All of these hold.' },
      or: { type: new GraphQLList(new GraphQLNonNull(where)), description: 'At least one of these holds.' },
      not: {
        type: where,
        description:
          'This does not hold: each condition inside is negated (`eq` becomes `ne`, `lt` becomes `gte`, `and` becomes `or`), so empty fields match as the negated operators say.',
      },
    }),
  });
  const orderField = new GraphQLEnumType({
    name: claim(qc.typeNames, `${type}OrderField`),
    description: `What ${type} records can be ordered by.`,
    values: orderValues,
  });
  const order = new GraphQLInputObjectType({
    name: claim(qc.typeNames, `${type}Order`),
    description:
      'One key of an order. Empty values come first ascending and last descending; ties are broken by id ascending.',
    fields: {
      field: { type: new GraphQLNonNull(orderField), description: 'What to order by.' },
      direction: { type: qc.orderDirection, defaultValue: 'ASC', description: 'Ascending by default.' },
    },
  });
  return { where, order, fields };
}

type Operators = Record<string, unknown>;

/** A `where` input as a condition on crm.item keys. */
export function whereCondition(
  input: Record<string, unknown> | null | undefined,
  types: EntityQueryTypes,
  ctx: Context,
): Condition {
  if (!input) return and();
  const parts: Condition[] = [];
  for (const [name, value] of Object.entries(input)) {
    if (value === null || value === undefined) continue;
    if (name === 'and')
      parts.push(and(...(value as Record<string, unknown>[]).map((w) => whereCondition(w, types, ctx))));
    else if (name === 'or')
      parts.push(or(...(value as Record<string, unknown>[]).map((w) => whereCondition(w, types, ctx))));
    else if (name === 'not') parts.push(negate(whereCondition(value as Record<string, unknown>, types, ctx)));
    else {
      const field = types.fields.get(name);
      if (field) parts.push(operatorsCondition(name, field, value as Operators, ctx));
    }
  }
  return and(...parts);
}

const COMPARISONS: Comparison[] = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte'];

function operatorsCondition(name: string, field: FilterableField, ops: Operators, ctx: Context): Condition {
  const { key } = field;
  const parts: Condition[] = [];
  const value = (v: unknown) => portalValue(name, field, v, ctx);
  for (const [op, given] of Object.entries(ops)) {
    if (given === null || given === undefined) continue;
    if ((COMPARISONS as string[]).includes(op)) parts.push({ op: op as Comparison, key, value: value(given) });
    else if (op === 'in' || op === 'notIn') parts.push({ op, key, values: (given as unknown[]).map(value) });
    else if (op === 'isNull') parts.push({ op, key, value: given as boolean });
    else if (op === 'contains') parts.push({ op, key, value: String(given) });
    else if (op === 'startsWith') {
      if (/[%_]/.test(String(given)))
        throw badInput(
          `\`${name}.startsWith\` cannot contain % or _ (the portal reads them as wildcards): use \`contains\``,
          name,
        );
      parts.push({ op, key, value: String(given) });
    }
  }
  return and(...parts);
}

/** A filter value as the portal compares it: custom booleans 1/0, datetimes in the portal's own
 * offset (whole seconds), list values and stages by their ids. */
function portalValue(name: string, field: FilterableField, value: unknown, ctx: Context): Scalar {
  switch (field.kind) {
    case 'boolean':
      return field.customBoolean ? (value ? 1 : 0) : value ? 'Y' : 'N';
    case 'datetime': {
      const ms = (value as Date).getTime();
      if (ms % 1000 !== 0) throw badInput(`\`${name}\` is compared in whole seconds: leave the milliseconds out`, name);
      return ctx.portal.transport.clock.format(ms);
    }
    case 'enum':
      return field.numericIds ? Number(value) : String(value);
    default:
      return value as Scalar;
  }
}
