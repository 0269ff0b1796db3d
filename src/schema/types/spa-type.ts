// Smart-process types (crm.type.*): what kinds of cards the portal has, their funnels,
// stages and fields.
import { isSmartProcessId } from '../../crm/entity-types.js';
import { categories, spaType, spaTypes, stages, type SpaFlag, type SpaTypeRecord } from '../../crm/metadata.js';
import { FieldInputError } from '../../crm/fields.js';
import { upstream } from '../context.js';
import { builder } from '../builder.js';
import { FieldDefinitionRef, fieldError, fields } from './field.js';
import { Category, Stage } from './stage.js';

export const SpaType = builder.objectRef<SpaTypeRecord>('SpaType');

const flag = (name: SpaFlag) => (t: SpaTypeRecord) => t.flags[name];

builder.node(SpaType, {
  description: 'A smart-process type (crm.type): a kind of card with its own funnels, stages and fields.',
  id: { resolve: (t) => t.entityTypeId },
  loadOne: (id, ctx) => spaType(ctx.portal, Number(id), upstream(ctx)),
  fields: (t) => ({
    entityTypeId: t.exposeInt('entityTypeId', {
      nullable: false,
      description: 'The id cards of this type are addressed with (e.g. 128).',
    }),
    bitrixId: t.exposeInt('id', {
      nullable: false,
      description: 'The type record id (its custom fields are named UF_CRM_<this id>_…).',
    }),
    title: t.exposeString('title', { nullable: false, description: 'The type name.' }),
    code: t.exposeString('code', { description: 'Symbolic code, when set.' }),
    categoriesEnabled: t.boolean({
      nullable: false,
      description: 'Cards can be in several funnels.',
      resolve: flag('isCategoriesEnabled'),
    }),
    stagesEnabled: t.boolean({
      nullable: false,
      description: 'Cards move through stages.',
      resolve: flag('isStagesEnabled'),
    }),
    clientEnabled: t.boolean({
      nullable: false,
      description: 'Cards link to contacts and a company.',
      resolve: flag('isClientEnabled'),
    }),
    productsEnabled: t.boolean({
      nullable: false,
      description: 'Cards have products, an amount and a currency.',
      resolve: flag('isLinkWithProductsEnabled'),
    }),
    beginCloseDatesEnabled: t.boolean({
      nullable: false,
      description: 'Cards have begin and close dates.',
      resolve: flag('isBeginCloseDatesEnabled'),
    }),
    observersEnabled: t.boolean({
      nullable: false,
      description: 'Cards have observers.',
      resolve: flag('isObserversEnabled'),
    }),
    automationEnabled: t.boolean({
      nullable: false,
      description: 'Robots and triggers are available.',
      resolve: flag('isAutomationEnabled'),
    }),
    categories: t.field({
      type: [Category],
      nullable: { list: false, items: false },
      description: 'The funnels of this type.',
      resolve: (type, _args, ctx) => categories(ctx.portal, type.entityTypeId, upstream(ctx)),
    }),
    stages: t.field({
      type: [Stage],
      nullable: { list: false, items: false },
      description: 'The stages of every funnel of this type.',
      resolve: (type, _args, ctx) => stages(ctx.portal, type.entityTypeId, null, upstream(ctx)),
    }),
    fields: t.field({
      type: [FieldDefinitionRef],
      nullable: { list: false, items: false },
      description: 'Every field of the cards of this type, system and custom.',
      args: { customOnly: t.arg.boolean({ defaultValue: false, description: 'Only custom (UF_…) fields.' }) },
      resolve: async (type, args, ctx) => {
        const set = await fields(ctx, type.entityTypeId);
        return args.customOnly ? set.all.filter((f) => f.custom) : set.all;
      },
    }),
  }),
});

/** An `entityTypeId` argument that must name a smart process (128 and up): a deal's 2 or a
 * contact's 3 would read deals or contacts as cards. A FieldInputError: BAD_USER_INPUT in a
 * query (through fieldError), a ValidationError in a mutation payload. */
export function smartProcessArg(entityTypeId: number): number {
  if (!isSmartProcessId(entityTypeId)) {
    throw new FieldInputError(
      'entityTypeId',
      `entityTypeId ${entityTypeId} is not a smart process (smart processes are 128 and up; see spaTypes)`,
    );
  }
  return entityTypeId;
}

/** smartProcessArg for query resolvers: BAD_USER_INPUT naming the argument. */
export function smartProcessQueryArg(entityTypeId: number): number {
  try {
    return smartProcessArg(entityTypeId);
  } catch (error) {
    throw fieldError(error);
  }
}

builder.queryFields((t) => ({
  spaTypes: t.field({
    type: [SpaType],
    nullable: { list: true, items: false },
    description: 'Every smart-process type of the portal (all pages: the seed stopped at 50).',
    resolve: (_root, _args, ctx) => spaTypes(ctx.portal, upstream(ctx)),
  }),
  spaField: t.field({
    type: FieldDefinitionRef,
    nullable: true,
    description:
      "One field of a smart-process type by name, either spelling, with its list values (the seed's getSpaSpecificField); null when the type has no such field.",
    args: {
      entityTypeId: t.arg.int({ required: true, description: 'e.g. 128.' }),
      name: t.arg.string({ required: true, description: 'e.g. `ufCrm1_1721812814433` or `UF_CRM_1_1721812814433`.' }),
    },
    resolve: async (_root, args, ctx) =>
      (await fields(ctx, smartProcessQueryArg(args.entityTypeId))).byName.get(args.name.toLowerCase()) ?? null,
  }),
  spaType: t.field({
    type: SpaType,
    nullable: true,
    description: 'One smart-process type; null when the portal has none with that entityTypeId.',
    args: { entityTypeId: t.arg.int({ required: true, description: 'e.g. 128.' }) },
    resolve: (_root, args, ctx) => spaType(ctx.portal, args.entityTypeId, upstream(ctx)),
  }),
}));
