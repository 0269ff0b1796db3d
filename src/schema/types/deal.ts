// Deals: the Deal type, its lookups and its keyset list (Company and Contact list theirs with dealConnection).
import type { GraphQLResolveInfo } from 'graphql';
import { oldValue } from '../../crm/records.js';
import { EntityTypeId } from '../../crm/entity-types.js';
import { categories, stages } from '../../crm/metadata.js';
import { DEAL, dealFilter, type DealFilter, type DealRecord } from '../../crm/deals.js';
import { upstream, type Context } from '../context.js';
import { dealLoader } from '../loaders.js';
import { builder } from '../builder.js';
import { dealSelect } from '../selects.js';
import { addRecordFields } from './record-fields.js';
import { connectionArgs, type ConnectionArgs, pageComplexity } from '../connection.js';
import { Company } from './company.js';
import { Contact } from './contact.js';
import { oldConnection, oldFieldFilter } from './crm-lists.js';
import { Employee } from './employee.js';
import { FieldDefinitionRef, FieldFilter, fields } from './field.js';
import { Category, Stage } from './stage.js';

export const Deal = builder.loadableNodeRef('Deal', {
  id: { resolve: (d: DealRecord) => d.id, parse: (id) => Number(id) },
  ...dealLoader,
});

Deal.implement({
  description: 'A deal of the CRM (crm.deal): an opportunity in a funnel, with its company and contact.',
  fields: (t) => ({
    bitrixId: t.exposeInt('id', { nullable: false, description: 'The deal id in Bitrix24.' }),
    title: t.exposeString('title', { description: 'Deal name.' }),
    stageId: t.exposeString('stageId', { description: 'The stage id, e.g. `NEW` or `C1:WON`.' }),
    stage: t.field({
      type: Stage,
      nullable: true,
      description: 'The stage of the deal in its funnel.',
      resolve: async (d, _args, ctx) =>
        d.stageId
          ? ((await stages(ctx.portal, EntityTypeId.deal, d.categoryId, upstream(ctx))).find(
              (s) => s.statusId === d.stageId,
            ) ?? null)
          : null,
    }),
    categoryId: t.exposeInt('categoryId', { nullable: false, description: 'The funnel id (0 is the default funnel).' }),
    category: t.field({
      type: Category,
      nullable: true,
      description: 'The funnel (pipeline) of the deal.',
      resolve: async (d, _args, ctx) =>
        (await categories(ctx.portal, EntityTypeId.deal, upstream(ctx))).find((c) => c.id === d.categoryId) ?? null,
    }),
    opportunity: t.exposeFloat('opportunity', { description: 'The amount.' }),
    currency: t.exposeString('currencyId', { description: 'ISO currency of the amount, e.g. BRL.' }),
    company: t.field({
      type: Company,
      nullable: true,
      description: 'The company of the deal (COMPANY_ID).',
      resolve: (d) => d.companyId,
    }),
    contact: t.field({
      type: Contact,
      nullable: true,
      description: 'The primary contact of the deal (CONTACT_ID).',
      resolve: (d) => d.contactId,
    }),
    assignedBy: t.field({
      type: Employee,
      nullable: true,
      description: 'The responsible employee.',
      resolve: (d) => d.assignedById,
    }),
  }),
});

addRecordFields(Deal, {
  noun: 'deal',
  examples: '`ufCrm_1721244707107` or `UF_CRM_1721244707107`, `opportunity`',
  entityTypeId: () => EntityTypeId.deal,
  read: (d, def) => oldValue(d.raw, EntityTypeId.deal, def),
  createdAt: (d) => d.createdAt,
  updatedAt: (d) => d.updatedAt,
});

const DealFilterInput = builder.inputType('DealFilter', {
  description: 'Which deals to list. All conditions must hold.',
  fields: (t) => ({
    companyId: t.int({ description: 'Deals of this company (COMPANY_ID).' }),
    contactId: t.int({ description: 'Deals whose primary contact is this contact (CONTACT_ID).' }),
    categoryId: t.int({ description: 'Deals of this funnel (0 is the default funnel).' }),
    stageId: t.string({ description: 'Deals in this stage, e.g. `NEW` or `C1:WON`.' }),
    assignedById: t.int({ description: 'Deals of this responsible employee.' }),
    search: t.string({ description: 'Text contained in the title, taken literally.' }),
    field: t.field({ type: FieldFilter, description: 'Equality on one field, checked against the portal metadata.' }),
  }),
});

export const DealConnection = builder.connectionObject({ type: Deal, name: 'DealConnection' });

/** A deal list: the root `deals` field and the ones under Company and Contact. */
export function dealConnection(ctx: Context, info: GraphQLResolveInfo, args: ConnectionArgs, spec: DealFilter) {
  return oldConnection(ctx, info, args, DEAL, dealFilter(spec), Deal, undefined, dealSelect);
}

builder.queryFields((t) => ({
  deal: t.field({
    type: Deal,
    nullable: true,
    description: 'One deal by Bitrix id; null when there is no such deal.',
    args: { id: t.arg.int({ required: true, description: 'The Bitrix deal id.' }) },
    resolve: (_root, args) => args.id,
  }),
  deals: t.field({
    type: DealConnection,
    complexity: pageComplexity,
    nullable: true,
    description:
      "Deals in id order, with keyset paging. Filter by company or contact with their real bindings (the seed's getDealsByCompany filtered on a field deals do not have).",
    args: {
      first: t.arg.int(connectionArgs.first),
      after: t.arg.string(connectionArgs.after),
      filter: t.arg({ type: DealFilterInput, description: 'Conditions; all deals when omitted.' }),
    },
    resolve: async (_root, args, ctx, info) => {
      const f = args.filter;
      const extra = await oldFieldFilter(ctx, EntityTypeId.deal, f?.field);
      return dealConnection(ctx, info, args, {
        companyId: f?.companyId,
        contactId: f?.contactId,
        categoryId: f?.categoryId,
        stageId: f?.stageId,
        assignedById: f?.assignedById,
        search: f?.search,
        fields: extra,
      });
    },
  }),
  dealFields: t.field({
    type: [FieldDefinitionRef],
    nullable: { list: true, items: false },
    description: 'Every field of deals, system and custom, with list values.',
    resolve: async (_root, _args, ctx) => (await fields(ctx, EntityTypeId.deal)).all,
  }),
}));
