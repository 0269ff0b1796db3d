// Funnels (categories) and their stages, for smart processes, deals and leads.
import { categories, stages, type CategoryRecord, type StageRecord } from '../../crm/metadata.js';
import { upstream } from '../context.js';
import { builder } from '../builder.js';

export const StageSemantics = builder.enumType('StageSemantics', {
  description: 'What reaching a stage means.',
  values: {
    PROCESS: { description: 'In progress.' },
    SUCCESS: { description: 'Closed as won / done.' },
    FAILURE: { description: 'Closed as lost / failed.' },
  } as const,
});

export const Category = builder.objectRef<CategoryRecord>('Category');
export const Stage = builder.objectRef<StageRecord>('Stage');

builder.node(Category, {
  description: 'A funnel (pipeline) of a CRM entity type. Each funnel has its own stages.',
  id: { resolve: (c) => `${c.entityTypeId}:${c.id}` },
  loadOne: async (id, ctx) => {
    const [entityTypeId, categoryId] = id.split(':').map(Number);
    return (await categories(ctx.portal, entityTypeId, upstream(ctx))).find((c) => c.id === categoryId) ?? null;
  },
  fields: (t) => ({
    bitrixId: t.exposeInt('id', {
      nullable: false,
      description: 'The funnel id in Bitrix24 (0 is the default deal funnel).',
    }),
    entityTypeId: t.exposeInt('entityTypeId', {
      nullable: false,
      description: 'The CRM entity type of this funnel (2 deals, ≥128 smart processes).',
    }),
    name: t.exposeString('name', { nullable: false, description: 'Funnel name as shown in Bitrix24.' }),
    sort: t.exposeInt('sort', { nullable: false, description: 'Display order (ascending).' }),
    isDefault: t.exposeBoolean('isDefault', {
      nullable: false,
      description: 'True for the funnel new records go to by default.',
    }),
    stages: t.field({
      type: [Stage],
      nullable: { list: false, items: false },
      description: 'The stages of this funnel, in order.',
      resolve: (c, _args, ctx) => stages(ctx.portal, c.entityTypeId, c.id, upstream(ctx)),
    }),
  }),
});

builder.node(Stage, {
  description: 'A stage of a funnel (crm.status), e.g. `DT128_7:NEW`.',
  id: { resolve: (s) => `${s.entityTypeId}:${s.statusId}` },
  loadOne: async (id, ctx) => {
    const sep = id.indexOf(':');
    const entityTypeId = Number(id.slice(0, sep));
    const statusId = id.slice(sep + 1);
    return (await stages(ctx.portal, entityTypeId, null, upstream(ctx))).find((s) => s.statusId === statusId) ?? null;
  },
  fields: (t) => ({
    statusId: t.exposeString('statusId', {
      nullable: false,
      description: 'The stage id used in CRM records, e.g. `DT128_7:NEW` or `C1:WON`.',
    }),
    name: t.exposeString('name', { nullable: false, description: 'Stage name as shown in Bitrix24.' }),
    sort: t.exposeInt('sort', { nullable: false, description: 'Position in the funnel (ascending).' }),
    color: t.exposeString('color', { description: 'Display colour, e.g. `#22B9FF`.' }),
    semantics: t.field({
      type: StageSemantics,
      nullable: false,
      description: 'Whether the stage is in progress, a success or a failure.',
      resolve: (s) => s.semantics,
    }),
    entityTypeId: t.exposeInt('entityTypeId', {
      nullable: false,
      description: 'The CRM entity type the stage belongs to.',
    }),
    category: t.field({
      type: Category,
      nullable: true,
      description: 'The funnel of this stage; null for types without funnels (leads).',
      resolve: async (s, _args, ctx) =>
        s.categoryId === null
          ? null
          : ((await categories(ctx.portal, s.entityTypeId, upstream(ctx))).find((c) => c.id === s.categoryId) ?? null),
    }),
  }),
});

builder.queryFields((t) => ({
  categories: t.field({
    type: [Category],
    nullable: { list: true, items: false },
    description: 'The funnels of an entity type (2 deals, or a smart-process entityTypeId).',
    args: { entityTypeId: t.arg.int({ required: true, description: '2 deals, or a smart-process entityTypeId.' }) },
    resolve: (_root, args, ctx) => categories(ctx.portal, args.entityTypeId, upstream(ctx)),
  }),
  stages: t.field({
    type: [Stage],
    nullable: { list: true, items: false },
    description: 'The stages of one funnel, or of all funnels of the type when categoryId is omitted.',
    args: {
      entityTypeId: t.arg.int({ required: true, description: '1 leads, 2 deals, or a smart-process entityTypeId.' }),
      categoryId: t.arg.int({ description: 'The funnel; all funnels when omitted.' }),
    },
    resolve: (_root, args, ctx) => stages(ctx.portal, args.entityTypeId, args.categoryId ?? null, upstream(ctx)),
  }),
}));
