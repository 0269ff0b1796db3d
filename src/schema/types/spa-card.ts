// Smart-process cards (crm.item): the type, its lookups and its list.
import type { GraphQLResolveInfo } from 'graphql';
import { categories, spaType, stages } from '../../crm/metadata.js';
import type { ContactRecord } from '../../crm/contacts.js';
import { countItems, itemFilter, itemPage, toItem, type ItemRecord } from '../../crm/items.js';
import { orderedConnection, orderKeys } from '../ordered-connection.js';
import { upstream, type Context } from '../context.js';
import { cardKey, cardLoader } from '../loaders.js';
import { builder } from '../builder.js';
import { addRecordFields } from './record-fields.js';
import { connectionArgs, keysetConnection, pageComplexity } from '../connection.js';
import { Company } from './company.js';
import { Contact } from './contact.js';
import { Employee } from './employee.js';
import { FieldFilter, fieldFilterValue, fields } from './field.js';
import { SpaType, smartProcessQueryArg } from './spa-type.js';
import { Category, Stage } from './stage.js';
import { cardSelect } from '../selects.js';

export const SpaCard = builder.loadableNodeRef('SpaCard', {
  id: { resolve: (card: ItemRecord) => cardKey(card.entityTypeId, card.id) },
  ...cardLoader,
});

SpaCard.implement({
  description: 'A smart-process card (crm.item of a smart-process type).',
  fields: (t) => ({
    bitrixId: t.exposeInt('id', { nullable: false, description: 'The card id in Bitrix24 (unique within its type).' }),
    entityTypeId: t.exposeInt('entityTypeId', { nullable: false, description: 'The smart-process type of the card.' }),
    spaType: t.field({
      type: SpaType,
      nullable: true,
      description: 'The smart-process type of the card.',
      resolve: (card, _args, ctx) => spaType(ctx.portal, card.entityTypeId, upstream(ctx)),
    }),
    title: t.exposeString('title', { description: 'The card title.' }),
    stage: t.field({
      type: Stage,
      nullable: true,
      description: 'The current stage; null for types without stages.',
      resolve: async (card, _args, ctx) => {
        if (!card.stageId) return null;
        const list = await stages(ctx.portal, card.entityTypeId, card.categoryId, upstream(ctx));
        return list.find((s) => s.statusId === card.stageId) ?? null;
      },
    }),
    category: t.field({
      type: Category,
      nullable: true,
      description: 'The funnel the card is in.',
      resolve: async (card, _args, ctx) =>
        card.categoryId === null
          ? null
          : ((await categories(ctx.portal, card.entityTypeId, upstream(ctx))).find((c) => c.id === card.categoryId) ??
            null),
    }),
    assignedBy: t.field({
      type: Employee,
      nullable: true,
      description: 'The responsible employee.',
      resolve: (card) => card.assignedById || null,
    }),
    opportunity: t.exposeFloat('opportunity', { description: 'The amount, for types with products.' }),
    currency: t.exposeString('currencyId', { description: 'ISO currency of the amount.' }),
    contact: t.field({
      type: Contact,
      nullable: true,
      description: 'The primary contact (the first of `contacts`).',
      resolve: (card) => card.contactIds[0] ?? null,
    }),
    contacts: t.field({
      type: [Contact],
      nullable: { list: false, items: false },
      description: 'Every linked contact, primary first. Contacts deleted meanwhile are left out.',
      resolve: async (card, _args, ctx) => {
        const loaded = await Contact.getDataloader(ctx).loadMany(card.contactIds);
        return loaded.filter((c): c is ContactRecord => c !== null && !(c instanceof Error));
      },
    }),
    company: t.field({
      type: Company,
      nullable: true,
      description: 'The linked company.',
      resolve: (card) => card.companyId,
    }),
  }),
});

addRecordFields(SpaCard, {
  noun: 'card',
  examples: '`ufCrm1_1721812814433` or `UF_CRM_1_1721812814433`, `title`',
  entityTypeId: (card) => card.entityTypeId,
  read: (card, def) => card.raw[def.name],
  createdAt: (card) => card.createdTime,
  updatedAt: (card) => card.updatedTime,
});

export const SpaCardFilter = builder.inputType('SpaCardFilter', {
  description: 'Narrows a list of cards. All conditions must hold.',
  fields: (t) => ({
    assignedById: t.int({ description: 'Cards of this responsible employee.' }),
    contactId: t.int({ description: 'Cards linked to this contact.' }),
    companyId: t.int({ description: 'Cards linked to this company.' }),
    search: t.string({ description: 'Substring of the title, taken literally.' }),
    field: t.field({ type: FieldFilter, description: 'Equality on one field, e.g. a custom field.' }),
  }),
});

export const SpaCardConnection = builder.connectionObject({ type: SpaCard, name: 'SpaCardConnection' });

const SpaCardOrderField = builder.enumType('SpaCardOrderField', {
  description: 'What to sort cards by.',
  values: {
    ID: { value: 'id', description: 'Card id (creation order). The fast, keyset-paged default.' },
    TITLE: { value: 'title', description: 'Title.' },
    CREATED_AT: { value: 'createdTime', description: 'Creation time.' },
    UPDATED_AT: { value: 'updatedTime', description: 'Last change.' },
    OPPORTUNITY: { value: 'opportunity', description: 'Amount.' },
  } as const,
});

export const OrderDirection = builder.enumType('OrderDirection', {
  description: 'Sort direction.',
  values: { ASC: { description: 'Ascending.' }, DESC: { description: 'Descending.' } } as const,
});

export const SpaCardOrder = builder.inputType('SpaCardOrder', {
  description: 'A sort order for cards; ties are broken by id.',
  fields: (t) => ({
    field: t.field({ type: SpaCardOrderField, required: true, description: 'What to sort by.' }),
    direction: t.field({ type: OrderDirection, defaultValue: 'ASC', description: 'Ascending by default.' }),
  }),
});

export interface CardListArgs {
  entityTypeId: number;
  categoryId?: number | null;
  stageId?: string | null;
  filter?: {
    assignedById?: number | null;
    contactId?: number | null;
    companyId?: number | null;
    search?: string | null;
    field?: { name: string; value: string } | null;
  } | null;
  first?: number | null;
  after?: string | null;
  orderBy?: readonly { field: string; direction?: 'ASC' | 'DESC' | null }[] | null;
}

/** The card list behind `spaCards` and `Contact.spaCards`. */
export async function cardConnection(ctx: Context, args: CardListArgs, info?: GraphQLResolveInfo) {
  const entityTypeId = smartProcessQueryArg(args.entityTypeId);
  const options = upstream(ctx);
  // Start the metadata card fields need (descriptors, funnels) now: it rides in the same
  // batch as the page instead of costing a request of its own later.
  void fields(ctx, entityTypeId).catch(() => undefined);
  void categories(ctx.portal, entityTypeId, options).catch(() => undefined);
  const byField = args.filter?.field
    ? fieldFilterValue(await fields(ctx, entityTypeId), args.filter.field, 'name')
    : {};
  const filter = itemFilter({
    categoryId: args.categoryId,
    stageId: args.stageId,
    assignedById: args.filter?.assignedById,
    contactId: args.filter?.contactId,
    companyId: args.filter?.companyId,
    search: args.filter?.search,
    fields: byField,
  });
  const loader = SpaCard.getDataloader(ctx);
  const order = orderKeys(args.orderBy);
  // Any order but the default: keyset pages over the ordered values and the id.
  if (order.length > 0 && !(order.length === 1 && order[0].key === 'id' && order[0].direction === 'ASC'))
    return orderedConnection(
      ctx,
      args,
      {
        entityTypeId,
        where: { op: 'filter', filter },
        order,
        select: cardSelect(ctx) ?? ['*'],
        nodes: async (rows) =>
          rows.map((row) => {
            const card = toItem(row, entityTypeId);
            loader.prime(cardKey(entityTypeId, card.id), card);
            return card;
          }),
      },
      info,
    );
  return keysetConnection(
    ctx,
    args,
    { entityTypeId, filter, order: null },
    (card: ItemRecord) => card.id,
    async (after, first) => {
      const select = cardSelect(ctx);
      const page = await itemPage(ctx.portal, entityTypeId, filter, after, first, { ...options, select });
      for (const row of page.rows) loader.prime(cardKey(entityTypeId, row.id), row);
      return page;
    },
    () => countItems(ctx.portal, entityTypeId, filter, options),
    info,
  );
}

builder.queryFields((t) => ({
  spaCard: t.field({
    type: SpaCard,
    nullable: true,
    description: 'One card; null when it does not exist.',
    args: {
      entityTypeId: t.arg.int({ required: true, description: 'The smart-process type, e.g. 128.' }),
      id: t.arg.int({ required: true, description: 'The card id.' }),
    },
    resolve: (_root, args) => cardKey(smartProcessQueryArg(args.entityTypeId), args.id),
  }),
  spaCards: t.field({
    type: SpaCardConnection,
    complexity: pageComplexity,
    nullable: true,
    description:
      'Cards of one smart-process type in id order, keyset-paged: up to 2,500 per page in one upstream request (the seed paged by offset, unordered, 50 at a time).',
    args: {
      entityTypeId: t.arg.int({ required: true, description: 'The smart-process type, e.g. 128.' }),
      categoryId: t.arg.int({ description: 'Only cards of this funnel.' }),
      stageId: t.arg.string({ description: 'Only cards in this stage, e.g. `DT128_7:NEW`.' }),
      filter: t.arg({ type: SpaCardFilter, description: 'More conditions.' }),
      orderBy: t.arg({
        type: [SpaCardOrder],
        description:
          "Sort keys, first to last; ties are broken by id ascending. Pages stay keyset and exact in any order (a cursor holds the last row's ordered values and id), up to 2,500 rows per upstream request. One object is read as a list of one.",
      }),
      first: t.arg.int(connectionArgs.first),
      after: t.arg.string(connectionArgs.after),
    },
    resolve: (_root, args, ctx, info) => cardConnection(ctx, args, info),
  }),
}));
