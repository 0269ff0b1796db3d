// GraphQL types of custom fields, one kind at a time: what a field reads as (output), what a
// create/update takes (input), how it is filtered (operators) and how a value crosses to the portal.
// The shared types (LocalDate, Money, the operator inputs) are made once per generated schema.
import {
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLFloat,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLString,
  type GraphQLEnumValueConfigMap,
  type GraphQLInputFieldConfigMap,
  type GraphQLInputType,
  type GraphQLOutputType,
  type GraphQLScalarType,
  type GraphQLSchema,
} from 'graphql';
import { LocalDateResolver } from 'graphql-scalars';
import type { EnumModel, FieldKind } from './model.js';

/** How a field is filtered: which operator input, if any. */
export type FilterKind = 'string' | 'int' | 'float' | 'boolean' | 'date' | 'datetime' | 'enum';

export function filterKindOf(kind: FieldKind): FilterKind | null {
  switch (kind) {
    case 'string':
    case 'url':
      return 'string';
    case 'int':
    case 'employee':
      return 'int';
    case 'float':
    case 'boolean':
    case 'date':
    case 'datetime':
    case 'enum':
      return kind;
    default:
      return null; // money ("100|EUR" text), files, bindings, unknown types: the portal cannot compare them
  }
}

/** Kinds the portal can order by (single values with a natural order). */
export function orderable(kind: FieldKind): boolean {
  return ['string', 'url', 'int', 'float', 'date', 'datetime', 'employee'].includes(kind);
}

/** The fields of Money and MoneyInput (the same on both sides). */
const MONEY = {
  amount: { type: new GraphQLNonNull(GraphQLFloat), description: 'The amount (negative for refunds, credits).' },
  currency: { type: new GraphQLNonNull(GraphQLString), description: 'ISO 4217 currency code, e.g. `EUR`.' },
};

const NEGATIONS =
  '`ne`, `notIn` and the negations `not` makes also match records whose field is empty (the portal negates a condition as "not equal, or empty"); comparisons (`lt` … `gte`) never match an empty field; `isNull: true` matches only empty fields.';

export class FieldTypes {
  readonly localDate: GraphQLScalarType = LocalDateResolver;
  readonly money = new GraphQLObjectType({ name: 'Money', description: 'An amount and its currency.', fields: MONEY });
  readonly moneyInput = new GraphQLInputObjectType({
    name: 'MoneyInput',
    description: 'An amount and its currency.',
    fields: MONEY,
  });
  readonly file = new GraphQLObjectType({
    name: 'PortalFile',
    description: 'A file stored in a custom field.',
    fields: {
      bitrixId: { type: GraphQLInt, description: "The file's id on the portal." },
      url: { type: GraphQLString, description: 'Where to download it (requires access to the portal).' },
    },
  });
  readonly crmBindingInput = new GraphQLInputObjectType({
    name: 'CrmBindingInput',
    description: 'A CRM record a binding field points at.',
    fields: {
      entityTypeId: {
        type: new GraphQLNonNull(GraphQLInt),
        description: 'Its type: 1 lead, 2 deal, 3 contact, 4 company, 128+ smart process.',
      },
      id: { type: new GraphQLNonNull(GraphQLInt), description: 'Its id.' },
    },
  });
  readonly dateTime: GraphQLScalarType;
  readonly json: GraphQLScalarType;
  private readonly operators = new Map<string, GraphQLInputObjectType>();
  private readonly enumFilters = new Map<string, GraphQLInputObjectType>();

  constructor(base: GraphQLSchema) {
    this.dateTime = base.getType('DateTime') as GraphQLScalarType;
    this.json = base.getType('JSON') as GraphQLScalarType;
  }

  /** Shared types that exist whether or not a field uses them (stable schema across portals). */
  all() {
    return [this.localDate, this.money, this.moneyInput, this.file, this.crmBindingInput];
  }

  /** The scalar a filter kind compares. */
  private scalar(kind: Exclude<FilterKind, 'enum'>): GraphQLInputType {
    return {
      string: GraphQLString,
      int: GraphQLInt,
      float: GraphQLFloat,
      boolean: GraphQLBoolean,
      date: this.localDate,
      datetime: this.dateTime,
    }[kind];
  }

  /** `StringFilter`, `IntFilter`, …: the operators of one kind. */
  operatorInput(kind: Exclude<FilterKind, 'enum'>): GraphQLInputObjectType {
    const name = `${{ string: 'String', int: 'Int', float: 'Float', boolean: 'Boolean', date: 'Date', datetime: 'DateTime' }[kind]}Filter`;
    let type = this.operators.get(name);
    if (!type) {
      const scalar = this.scalar(kind);
      type = new GraphQLInputObjectType({
        name,
        description: `Conditions on a ${kind} field; all given must hold. ${NEGATIONS}${kind === 'datetime' ? " Compared in whole seconds, in the portal's time zone." : ''}`,
        fields: operatorFields(scalar, kind),
      });
      this.operators.set(name, type);
    }
    return type;
  }

  /** `<Enum>Filter` for one list field, stage or funnel enum. */
  enumFilter(enumType: GraphQLEnumType, name: string): GraphQLInputObjectType {
    let type = this.enumFilters.get(enumType.name);
    if (!type) {
      type = new GraphQLInputObjectType({
        name,
        description: `Conditions on a ${enumType.name} value; all given must hold. On a field holding several values, a condition holds when one of them matches. ${NEGATIONS}`,
        fields: operatorFields(enumType, 'enum'),
      });
      this.enumFilters.set(enumType.name, type);
    }
    return type;
  }

  /** Every operator input made so far. */
  made(): GraphQLInputObjectType[] {
    return [...this.operators.values(), ...this.enumFilters.values()];
  }
}

function operatorFields(scalar: GraphQLInputType, kind: FilterKind): GraphQLInputFieldConfigMap {
  const list = new GraphQLList(new GraphQLNonNull(scalar));
  const fields: GraphQLInputFieldConfigMap = {
    eq: { type: scalar, description: 'Equal to.' },
    ne: { type: scalar, description: 'Not equal to (or empty).' },
  };
  if (kind !== 'boolean') {
    fields.in = { type: list, description: 'One of these (an empty list matches nothing).' };
    fields.notIn = { type: list, description: 'None of these (or empty).' };
  }
  if (kind !== 'boolean' && kind !== 'enum') {
    fields.lt = { type: scalar, description: 'Less than.' };
    fields.lte = { type: scalar, description: 'Less than or equal to.' };
    fields.gt = { type: scalar, description: 'Greater than.' };
    fields.gte = { type: scalar, description: 'Greater than or equal to.' };
  }
  fields.isNull = { type: GraphQLBoolean, description: 'true: the field is empty; false: it has a value.' };
  if (kind === 'string') {
    fields.contains = {
      type: GraphQLString,
      description: 'Contains this text, as typed (case as the portal compares).',
    };
    fields.startsWith = {
      type: GraphQLString,
      description:
        'Starts with this text. `%` and `_` are refused here (the portal would read them as wildcards): use `contains`.',
    };
  }
  return fields;
}

/** An enum of a list field, stage or funnel: GraphQL names, the portal's ids as values. */
export function enumType(model: EnumModel, description: string): GraphQLEnumType {
  const values: GraphQLEnumValueConfigMap = {};
  for (const v of model.values) values[v.name] = { value: v.id, description: `${v.label} (id ${v.id})` };
  return new GraphQLEnumType({ name: model.name, description, values });
}

/** A field's type for one value, wrapped as a non-null list for a multiple field. */
export function listed<T extends GraphQLOutputType | GraphQLInputType>(type: T, multiple: boolean): T {
  return (multiple ? new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(type))) : type) as T;
}
