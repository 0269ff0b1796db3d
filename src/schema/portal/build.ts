// The portal's schema: the static schema (Pothos, the generic API every portal has) extended with
// what the portal's model says: a type per smart process implementing `SmartProcessCard`, typed
// custom fields on every type, typed inputs, `where`/`orderBy` on the lists, and root fields.
// Built with graphql-js types; @graphql-tools/utils' mapSchema puts the extended static types in
// place and rewires every reference to them.
import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import {
  assertValidSchema,
  GraphQLID,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLInterfaceType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  GraphQLUnionType,
  getNamedType,
  isInputObjectType,
  type GraphQLEnumType,
  type GraphQLFieldConfig,
  type GraphQLFieldConfigArgumentMap,
  type GraphQLFieldConfigMap,
  type GraphQLFieldResolver,
  type GraphQLInputFieldConfigMap,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
} from 'graphql';
import { readField as readContactField } from '../../crm/contacts.js';
import { toItem, type ItemRecord } from '../../crm/items.js';
import { oldKey } from '../../crm/records.js';
import type { Context } from '../context.js';
import { badInput } from '../error-codes.js';
import { cardKey } from '../loaders.js';
import { connectionArgs, pageComplexity } from '../connection.js';
import { SpaCard } from '../types/spa-card.js';
import { ALL, and, type Condition } from '../../crm/conditions.js';
import {
  RECORD_LOADERS,
  asGenerated,
  inputField,
  outputField,
  typedFields,
  type FieldContext,
  type ReadRaw,
} from './custom-fields.js';
import { enumType, FieldTypes } from './field-types.js';
import { claim } from './inflection.js';
import type { BaseType, EntityModel, PortalModel } from './model.js';
import { orderedConnection, orderKeys } from '../ordered-connection.js';
import { entityQueryTypes, whereCondition, type EntityQueryTypes } from './where.js';

type Fields = GraphQLFieldConfigMap<unknown, Context>;
type Resolver = GraphQLFieldResolver<unknown, Context>;

/** Reading a custom field's stored value: crm.item rows by camelCase name; old-style rows by
 * their UPPER_CASE key (contacts name a few system fields differently). */
function reader(entity: EntityModel): ReadRaw {
  if (entity.base === 'SpaCard') return (record, def) => (record as ItemRecord).raw[def.name];
  if (entity.base === 'Contact') return (record, def) => readContactField(record as never, def);
  return (record, def) => (record as { raw: Record<string, unknown> }).raw[oldKey(entity.entityTypeId, def)];
}

/** The standard inputs the typed create/update of a smart process takes from the generic ones:
 * all but `fields`, `stageId`, `categoryId` (typed as `stage` and `funnel` instead). */
const UNTYPED = new Set(['fields', 'stageId', 'categoryId']);

/** The root list fields of the static schema that get `where` and `orderBy`, by type. */
const STANDARD_LISTS: Record<Exclude<BaseType, 'SpaCard'>, string> = {
  Contact: 'contacts',
  Company: 'companies',
  Deal: 'deals',
  Lead: 'leads',
};

export function buildPortalSchema(base: GraphQLSchema, model: PortalModel): GraphQLSchema {
  const typeNames = new Set(Object.keys(base.getTypeMap()));
  const kit = new FieldTypes(base);
  for (const t of kit.all()) typeNames.add(t.name);
  const typeOf = (name: string) => base.getType(name) as GraphQLNamedType;
  const spaCard = typeOf('SpaCard') as GraphQLObjectType;
  const node = typeOf('Node') as GraphQLInterfaceType;
  const query = base.getQueryType() as GraphQLObjectType;
  const mutation = base.getMutationType() as GraphQLObjectType;
  const generatedByType = new Map(model.entities.filter((e) => e.generated).map((e) => [e.entityTypeId, e]));
  const generatedByName = new Map([...generatedByType.values()].map((e) => [e.names.type, e]));

  // Enums first: fields, filters and inputs refer to them.
  const enums = new Map<EntityModel['fields'][number], GraphQLEnumType>();
  const stageEnums = new Map<EntityModel, { stage?: GraphQLEnumType; funnel?: GraphQLEnumType }>();
  for (const entity of model.entities) {
    for (const field of entity.fields)
      if (field.enum)
        enums.set(field, enumType(field.enum, `Values of ${entity.names.type}.${field.name}: ${field.def.title}.`));
    stageEnums.set(entity, {
      stage: entity.stages
        ? enumType(entity.stages, `Stages of ${entity.names.type} (${entity.title}), every funnel's.`)
        : undefined,
      funnel: entity.funnels
        ? enumType(entity.funnels, `Funnels of ${entity.names.type} (${entity.title}).`)
        : undefined,
    });
  }

  const cardInterface: GraphQLInterfaceType = new GraphQLInterfaceType({
    name: claim(typeNames, 'SmartProcessCard'),
    description:
      "What every smart-process card has, whatever its type: the generic `SpaCard` and each smart process's own type.",
    interfaces: [node],
    fields: () => interfaceFields(spaCard),
    resolveType: (value) => (value as { __typename?: string }).__typename ?? 'SpaCard',
  });

  const objects = new Map<number, GraphQLObjectType>();
  const fc: FieldContext = {
    kit,
    base,
    enums,
    typeOfEntity: (entityTypeId) =>
      objects.get(entityTypeId) ??
      ({ 1: typeOf('Lead'), 2: typeOf('Deal'), 3: typeOf('Contact'), 4: typeOf('Company') }[entityTypeId] as
        | GraphQLOutputType
        | undefined) ??
      (entityTypeId >= 128 ? spaCard : undefined),
    generatedName: (entityTypeId) => generatedByType.get(entityTypeId)?.names.type,
  };

  const queryTypes = new Map<EntityModel, EntityQueryTypes>();
  for (const entity of model.entities) {
    const own = stageEnums.get(entity);
    queryTypes.set(
      entity,
      entityQueryTypes(entity, {
        kit,
        typeNames,
        orderDirection: typeOf('OrderDirection') as GraphQLInputType,
        keys: new Set(entity.keys),
        enumOf: (e, what) =>
          what === 'stage' || what === 'funnel'
            ? own?.[what]
            : enums.get(e.fields.find((f) => f.def.upperName === what) as never),
      }),
    );
  }

  // One object type per smart process: the generic card's fields, its own id, its typed fields.
  for (const entity of generatedByType.values()) {
    const read = reader(entity);
    objects.set(
      entity.entityTypeId,
      new GraphQLObjectType({
        name: entity.names.type,
        description: `${entity.title}: cards of smart process ${entity.entityTypeId}, with its custom fields typed.`,
        interfaces: [node, cardInterface],
        fields: () => ({
          ...spaCard.toConfig().fields,
          id: {
            type: new GraphQLNonNull(GraphQLID),
            description: 'Global id (for `node`).',
            resolve: (card) => encodeGlobalID(entity.names.type, (card as ItemRecord).id),
          },
          ...customOutputs(entity, read),
        }),
        isTypeOf: (value) => (value as { __typename?: string }).__typename === entity.names.type,
      }),
    );
  }

  function customOutputs(entity: EntityModel, read: ReadRaw): Fields {
    return Object.fromEntries(entity.fields.map((field) => [field.name, outputField(field, read, fc)]));
  }

  function customInputs(entity: EntityModel): GraphQLInputFieldConfigMap {
    const out: GraphQLInputFieldConfigMap = {};
    for (const field of entity.fields) {
      const input = inputField(field, fc);
      if (input) out[field.name] = input;
    }
    return out;
  }

  const newTypes: GraphQLNamedType[] = [cardInterface, ...objects.values()];
  const queryFields: Fields = {};
  const mutationFields: Fields = {};
  const pageInfo = typeOf('PageInfo') as GraphQLObjectType;

  for (const entity of generatedByType.values()) {
    const object = objects.get(entity.entityTypeId) as GraphQLObjectType;
    const types = queryTypes.get(entity) as EntityQueryTypes;
    const edge = new GraphQLObjectType({
      name: claim(typeNames, `${object.name}Edge`),
      description: `A ${object.name} in a list.`,
      fields: {
        cursor: { type: new GraphQLNonNull(GraphQLString), description: 'Where this edge is: pass as `after`.' },
        node: { type: new GraphQLNonNull(object), description: 'The card.' },
      },
    });
    const connection = new GraphQLObjectType({
      name: claim(typeNames, `${object.name}Connection`),
      description: `A page of ${object.name} cards.`,
      fields: {
        edges: {
          type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(edge))),
          description: 'The cards of this page.',
          // The list field's page size multiplies already: the edges count once.
          extensions: { complexity: { field: 1, multiplier: 1 } },
        },
        pageInfo: { type: new GraphQLNonNull(pageInfo), description: 'Where this page is.' },
        totalCount: {
          type: new GraphQLNonNull(GraphQLInt),
          description:
            'How many cards match in all pages. Costs one extra upstream command (a COUNT); select it only when needed.',
          resolve: (parent) => (parent as { totalCount: () => Promise<number> }).totalCount(),
        },
      },
    });
    newTypes.push(edge, connection, types.where, types.order);
    const wrap = (card: unknown) => (card ? asGenerated(card as object, object.name) : null);
    queryFields[entity.names.one] = {
      type: object,
      description: `One ${entity.title} card by its Bitrix id; null when it does not exist.`,
      args: { id: { type: new GraphQLNonNull(GraphQLInt), description: 'The card id.' } },
      resolve: async (_root, args, ctx) =>
        wrap(await SpaCard.getDataloader(ctx).load(cardKey(entity.entityTypeId, args.id as number))),
    };
    queryFields[entity.names.many] = {
      type: connection,
      description: `${entity.title} cards: filtered by \`where\`, in \`orderBy\` order (then by id), keyset-paged: up to 2,500 per page in one upstream request.`,
      args: listArgs(types),
      extensions: { complexity: pageComplexity },
      resolve: (_root, args, ctx, info) =>
        orderedConnection(
          ctx,
          args,
          {
            entityTypeId: entity.entityTypeId,
            where: whereCondition(args.where as never, types, ctx),
            order: orderKeys(args.orderBy as never),
            select: ['*'],
            nodes: async (rows) => {
              const loader = SpaCard.getDataloader(ctx);
              return rows.map((row) => {
                const card = toItem(row, entity.entityTypeId);
                loader.prime(cardKey(entity.entityTypeId, card.id), card);
                return wrap(card);
              });
            },
          },
          info,
        ),
    };
    Object.assign(mutationFields, cardMutations(entity, object));
  }

  function listArgs(types: EntityQueryTypes): GraphQLFieldConfigArgumentMap {
    return {
      where: { type: types.where, description: 'Only records matching these conditions.' },
      orderBy: {
        type: new GraphQLList(new GraphQLNonNull(types.order)),
        description:
          'Order keys, first to last; ties are broken by id ascending. Paging stays keyset and exact for any order.',
      },
      first: { type: GraphQLInt, description: connectionArgs.first.description },
      after: { type: GraphQLString, description: connectionArgs.after.description },
    };
  }

  /** create/update/delete/move of one smart process, typed, through the generic mutations. */
  function cardMutations(entity: EntityModel, object: GraphQLObjectType): Fields {
    const own = stageEnums.get(entity) ?? {};
    const named = object.name;
    const out: Fields = {};
    const stageFunnel = new Map((entity.stages?.values ?? []).map((v) => [v.id, v.funnel]));
    const placement = (input: Record<string, unknown>) => {
      const stageId = input.stage as string | undefined;
      const funnel = input.funnel === undefined || input.funnel === null ? undefined : Number(input.funnel);
      if (stageId && funnel !== undefined && stageFunnel.get(stageId) !== funnel)
        throw badInput(`stage ${stageId} is not a stage of funnel ${funnel}`, 'stage');
      const categoryId = stageId ? stageFunnel.get(stageId) : funnel;
      return { ...(stageId ? { stageId } : {}), ...(categoryId !== undefined ? { categoryId } : {}) };
    };
    const generic = (input: Record<string, unknown>, baseInput: GraphQLInputObjectType) => {
      const { stage: _s, funnel: _f, ...rest } = input;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(baseInput.getFields())) if (key in rest && !UNTYPED.has(key)) out[key] = rest[key];
      const fields = typedFields(entity, input);
      return { ...out, ...placement(input), ...(Object.keys(fields).length ? { fields } : {}) };
    };
    const typedInput = (name: string, baseInput: GraphQLInputObjectType, description: string) => {
      const fields: GraphQLInputFieldConfigMap = {};
      for (const [key, field] of Object.entries(baseInput.toConfig().fields))
        if (!UNTYPED.has(key)) fields[key] = field;
      if (own.stage) fields.stage = { type: own.stage, description: 'The stage (its funnel follows from it).' };
      if (own.funnel)
        fields.funnel = { type: own.funnel, description: 'The funnel, when no stage is given (its first stage then).' };
      Object.assign(fields, customInputs(entity));
      const type = new GraphQLInputObjectType({ name: claim(typeNames, name), description, fields });
      newTypes.push(type);
      return type;
    };
    const createBase = mutation.getFields().createSpaCard;
    const updateBase = mutation.getFields().updateSpaCard;
    const deleteBase = mutation.getFields().deleteSpaCard;
    const createInput = typedInput(
      `Create${named}Input`,
      getNamedType(createBase.args[1].type) as GraphQLInputObjectType,
      `A new ${named}.`,
    );
    const updateInput = typedInput(
      `Update${named}Input`,
      getNamedType(updateBase.args[2].type) as GraphQLInputObjectType,
      `Changes to a ${named}; null clears a field.`,
    );
    const result = (verb: string, baseField: typeof createBase) => typedResult(`${verb}${named}`, baseField, object);
    out[`create${named}`] = {
      type: result('Create', createBase),
      description: `Creates a ${named} (safe to retry with an idempotency key).`,
      args: { input: { type: new GraphQLNonNull(createInput), description: `The new ${named}.` } },
      resolve: (root, args, ctx, info) =>
        (createBase.resolve as Resolver)(
          root,
          {
            entityTypeId: entity.entityTypeId,
            input: generic(args.input as never, getNamedType(createBase.args[1].type) as GraphQLInputObjectType),
          },
          ctx,
          info,
        ),
    };
    out[`update${named}`] = {
      type: result('Update', updateBase),
      description: `Changes a ${named}: moves it to another stage, sets or clears fields.`,
      args: {
        id: { type: new GraphQLNonNull(GraphQLInt), description: 'The card id.' },
        input: { type: new GraphQLNonNull(updateInput), description: 'The fields to change.' },
      },
      resolve: (root, args, ctx, info) =>
        (updateBase.resolve as Resolver)(
          root,
          {
            entityTypeId: entity.entityTypeId,
            id: args.id,
            input: generic(args.input as never, getNamedType(updateBase.args[2].type) as GraphQLInputObjectType),
          },
          ctx,
          info,
        ),
    };
    out[`delete${named}`] = {
      type: deleteBase.type,
      description: `Deletes a ${named} (its contacts and company stay).`,
      args: { id: { type: new GraphQLNonNull(GraphQLInt), description: 'The card id.' } },
      resolve: (root, args, ctx, info) =>
        (deleteBase.resolve as Resolver)(
          root,
          { entityTypeId: entity.entityTypeId, id: args.id, cascade: 'NONE' },
          ctx,
          info,
        ),
    };
    return out;
  }

  /** `<Verb><Type>Result`: the generic mutation's error types, and a success holding the typed card. */
  function typedResult(
    name: string,
    baseField: { type: GraphQLOutputType },
    object: GraphQLObjectType,
  ): GraphQLUnionType {
    const baseUnion = getNamedType(baseField.type) as GraphQLUnionType;
    const baseSuccess = baseUnion.getTypes().find((t) => t.getFields().data);
    const success = new GraphQLObjectType({
      name: claim(typeNames, `${name}Success`),
      description: 'The record as it is after the change.',
      fields: {
        data: {
          type: new GraphQLNonNull(object),
          description: 'The record as it is after the change.',
          resolve: (data) => asGenerated(data as object, object.name),
        },
      },
    });
    const union = new GraphQLUnionType({
      name: claim(typeNames, `${name}Result`),
      description: `What \`${name.charAt(0).toLowerCase()}${name.slice(1)}\` returns: the success, or one of the typed errors (query \`... on Error { message }\`).`,
      types: () => [success, ...baseUnion.getTypes().filter((t) => t !== baseSuccess)],
      resolveType: (value, ctx, info) => {
        const named = baseUnion.resolveType?.(value, ctx, info, baseUnion) as string | undefined;
        return named === baseSuccess?.name ? success.name : named;
      },
    });
    newTypes.push(success, union);
    return union;
  }

  // Where/order inputs of the standard types, for their root lists.
  const standardLists = new Map<string, { entity: EntityModel; types: EntityQueryTypes }>();
  for (const entity of model.entities)
    if (!entity.generated) {
      const types = queryTypes.get(entity) as EntityQueryTypes;
      newTypes.push(types.where, types.order);
      standardLists.set(STANDARD_LISTS[entity.base as keyof typeof STANDARD_LISTS], { entity, types });
    }
  newTypes.push(
    ...kit.all(),
    ...enums.values(),
    ...[...stageEnums.values()].flatMap((e) => [e.stage, e.funnel]).filter((t): t is GraphQLEnumType => !!t),
  );

  const baseQuery = query.toConfig();
  const queryConfig = new GraphQLObjectType({
    ...baseQuery,
    fields: {
      ...baseQuery.fields,
      ...withTypedLists(baseQuery.fields),
      ...withGeneratedNodes(baseQuery.fields),
      ...queryFields,
    },
  });
  const baseMutation = mutation.toConfig();
  const mutationConfig = new GraphQLObjectType({
    ...baseMutation,
    fields: { ...baseMutation.fields, ...mutationFields },
  });

  function withTypedLists(fields: Fields): Fields {
    const out: Fields = {};
    for (const [name, list] of standardLists) if (fields[name]) out[name] = typedList(fields[name], list);
    return out;
  }

  /** A list of the static schema with `where` and `orderBy` beside its own arguments: given
   * either, crm.item.list picks the ids (within `scope`, the parent's records) and the type's
   * loader reads the records. */
  function typedList(
    field: GraphQLFieldConfig<unknown, Context>,
    list: { entity: EntityModel; types: EntityQueryTypes },
    scope: (parent: unknown) => Condition = () => ALL,
  ): GraphQLFieldConfig<unknown, Context> {
    const original = field.resolve as Resolver;
    const loader = RECORD_LOADERS[list.entity.entityTypeId] as NonNullable<(typeof RECORD_LOADERS)[number]>;
    const typedArgs = listArgs(list.types);
    return {
      ...field,
      args: { ...field.args, where: typedArgs.where, orderBy: typedArgs.orderBy },
      resolve: (parent, args, ctx, info) => {
        if (!args.where && !args.orderBy) return original(parent, args, ctx, info);
        if (args.filter)
          throw badInput('give `where` or `filter`, not both (`where` can say everything `filter` can)', 'filter');
        return orderedConnection(
          ctx,
          args,
          {
            entityTypeId: list.entity.entityTypeId,
            where: and(scope(parent), whereCondition(args.where as never, list.types, ctx)),
            order: orderKeys(args.orderBy as never),
            select: ['id'],
            nodes: async (rows) => {
              const loaded = await loader.getDataloader(ctx).loadMany(rows.map((row) => Number(row.id)));
              return loaded.map((r) => (r instanceof Error ? null : r));
            },
          },
          info,
        );
      },
    };
  }

  /** `node`/`nodes` also resolve the generated types' ids. */
  function withGeneratedNodes(fields: Fields): Fields {
    const decode = (id: unknown) => {
      try {
        const { typename, id: raw } = decodeGlobalID(String(id));
        const entity = generatedByName.get(typename);
        return entity && /^\d+$/.test(raw) ? { entity, id: Number(raw) } : null;
      } catch {
        return null; // not a global id: the static resolver answers as it always has
      }
    };
    const load = async (ctx: Context, target: { entity: EntityModel; id: number }) => {
      const card = await SpaCard.getDataloader(ctx).load(cardKey(target.entity.entityTypeId, target.id));
      return card ? asGenerated(card, target.entity.names.type) : null;
    };
    const nodeField = fields.node;
    const nodesField = fields.nodes;
    const out: Fields = {};
    if (nodeField)
      out.node = {
        ...nodeField,
        resolve: async (root, args, ctx, info) => {
          const target = decode(args.id);
          return target ? load(ctx, target) : (nodeField.resolve as Resolver)(root, args, ctx, info);
        },
      };
    if (nodesField)
      out.nodes = {
        ...nodesField,
        resolve: async (root, args, ctx, info) => {
          const ids = args.ids as unknown[];
          const targets = ids.map(decode);
          const others = ids.filter((_, i) => !targets[i]);
          const rest = others.length
            ? ((await (nodesField.resolve as Resolver)(root, { ...args, ids: others }, ctx, info)) as unknown[])
            : [];
          let next = 0;
          return Promise.all(targets.map((t) => (t ? load(ctx, t) : rest[next++])));
        },
      };
    return out;
  }

  const extended = new GraphQLSchema({
    ...base.toConfig(),
    query: queryConfig,
    mutation: mutationConfig,
    types: [...Object.values(base.getTypeMap()).filter((t) => t !== query && t !== mutation), ...newTypes],
  });

  // Typed custom fields on the standard types and their inputs; the card interface on SpaCard.
  const byBase = new Map(model.entities.filter((e) => !e.generated).map((e) => [e.base as string, e]));
  const extendedInputs = new Map<string, EntityModel>();
  for (const entity of byBase.values())
    for (const name of Object.keys(base.getTypeMap()))
      if (new RegExp(`^(Create|Update)${entity.base}Input$`).test(name)) extendedInputs.set(name, entity);

  const built = mapSchema(extended, {
    [MapperKind.OBJECT_TYPE]: (type) => {
      if (type.name === 'SpaCard') {
        const config = type.toConfig();
        return new GraphQLObjectType({ ...config, interfaces: [...config.interfaces, cardInterface] });
      }
      const entity = byBase.get(type.name);
      if (!entity) return type;
      const config = type.toConfig();
      const fields = { ...config.fields, ...customOutputs(entity, reader(entity)) };
      // A company's and a contact's deals take `where` and `orderBy` like the root list.
      const deals = standardLists.get('deals');
      const bound = { Company: 'companyId', Contact: 'contactId' }[type.name];
      if (deals && bound && fields.deals)
        fields.deals = typedList(fields.deals, deals, (parent) => ({
          op: 'eq',
          key: bound,
          value: (parent as { id: number }).id,
        }));
      return new GraphQLObjectType({ ...config, fields });
    },
    [MapperKind.INPUT_OBJECT_TYPE]: (type) => {
      const entity = extendedInputs.get(type.name);
      if (!entity) return type;
      const config = type.toConfig();
      return new GraphQLInputObjectType({ ...config, fields: { ...config.fields, ...customInputs(entity) } });
    },
    [MapperKind.MUTATION_ROOT_FIELD]: (field) => withTypedInputs(field, extendedInputs),
  });
  // A portal whose metadata makes an invalid schema must not replace a valid one: fail here.
  assertValidSchema(built);
  return built;
}

/** Wraps a mutation whose arguments hold an extended input: its typed fields move into `fields`
 * (by UPPER_CASE name) before the generic resolver sees it. */
function withTypedInputs(
  field: GraphQLFieldConfig<unknown, Context>,
  extended: Map<string, EntityModel>,
): GraphQLFieldConfig<unknown, Context> {
  const typedArgs = Object.entries(field.args ?? {}).filter(([, arg]) => {
    const named = getNamedType(arg.type);
    return isInputObjectType(named) && extended.has(named.name);
  });
  if (typedArgs.length === 0 || !field.resolve) return field;
  const original = field.resolve;
  const move = (value: unknown, entity: EntityModel): unknown => {
    if (Array.isArray(value)) return value.map((v) => move(v, entity));
    if (!value || typeof value !== 'object') return value;
    const input = { ...(value as Record<string, unknown>) };
    const typed = typedFields(entity, input);
    if (Object.keys(typed).length === 0) return input;
    for (const f of entity.fields) delete input[f.name];
    const given = (input.fields ?? {}) as Record<string, unknown>;
    const twice = Object.keys(given).find((k) =>
      Object.keys(typed).some(
        (u) =>
          u.toLowerCase() === k.toLowerCase() ||
          entity.fields.some((f) => f.def.upperName === u && f.def.name.toLowerCase() === k.toLowerCase()),
      ),
    );
    if (twice) throw badInput(`field ${twice} is given twice: by its typed name and in \`fields\``, 'fields');
    input.fields = { ...given, ...typed };
    return input;
  };
  return {
    ...field,
    resolve: (root, args, ctx, info: GraphQLResolveInfo) => {
      const next = { ...args };
      for (const [name, arg] of typedArgs) {
        const entity = extended.get(getNamedType(arg.type).name) as EntityModel;
        next[name] = move(args[name], entity);
      }
      return original(root, next, ctx, info);
    },
  };
}

function interfaceFields(card: GraphQLObjectType): Fields {
  const out: Fields = {};
  for (const [name, field] of Object.entries(card.toConfig().fields))
    out[name] = { type: field.type, args: field.args, description: field.description };
  return out;
}
