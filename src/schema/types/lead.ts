// Leads: the Lead type, its lookups and its keyset list. Mutations are in lead-mutations.ts.
import { oldValue } from '../../crm/records.js';
import { EntityTypeId } from '../../crm/entity-types.js';
import { stages } from '../../crm/metadata.js';
import { LEAD, leadFilter, type LeadRecord } from '../../crm/leads.js';
import { fullName } from '../../crm/users.js';
import { upstream } from '../context.js';
import { leadLoader } from '../loaders.js';
import { builder } from '../builder.js';
import { leadSelect } from '../selects.js';
import { addRecordFields } from './record-fields.js';
import { connectionArgs, pageComplexity } from '../connection.js';
import { Company } from './company.js';
import { CommunicationRef, Contact } from './contact.js';
import { oldConnection, oldFieldFilter } from './crm-lists.js';
import { Employee } from './employee.js';
import { FieldDefinitionRef, FieldFilter, fields } from './field.js';
import { Stage } from './stage.js';

export const Lead = builder.loadableNodeRef('Lead', {
  id: { resolve: (l: LeadRecord) => l.id, parse: (id) => Number(id) },
  ...leadLoader,
});

Lead.implement({
  description: 'A lead of the CRM (crm.lead): a prospect not yet converted into a contact, company or deal.',
  fields: (t) => ({
    bitrixId: t.exposeInt('id', { nullable: false, description: 'The lead id in Bitrix24.' }),
    title: t.exposeString('title', { description: 'Lead name (TITLE).' }),
    name: t.exposeString('name', { description: 'First name of the person.' }),
    secondName: t.exposeString('secondName', { description: 'Second (middle) name of the person.' }),
    lastName: t.exposeString('lastName', { description: 'Last name of the person.' }),
    fullName: t.string({
      nullable: false,
      description: 'First, second and last name joined with spaces (empty when none is set).',
      resolve: (l) => fullName(l),
    }),
    companyTitle: t.exposeString('companyTitle', {
      description: 'The company name as typed into the lead (COMPANY_TITLE).',
    }),
    statusId: t.exposeString('statusId', {
      description: 'The status code from the STATUS dictionary, e.g. NEW or CONVERTED.',
    }),
    status: t.field({
      type: Stage,
      nullable: true,
      description: 'The status (stage) of the lead.',
      resolve: async (l, _args, ctx) =>
        l.statusId
          ? ((await stages(ctx.portal, EntityTypeId.lead, null, upstream(ctx))).find(
              (s) => s.statusId === l.statusId,
            ) ?? null)
          : null,
    }),
    sourceId: t.exposeString('sourceId', { description: 'Source code from the SOURCE dictionary, e.g. WEB.' }),
    opportunity: t.exposeFloat('opportunity', { description: 'The expected amount.' }),
    currency: t.exposeString('currencyId', { description: 'ISO currency of the amount.' }),
    phones: t.field({
      type: [CommunicationRef],
      nullable: { list: false, items: false },
      description: 'Phone numbers of the lead.',
      resolve: (l) => l.phones,
    }),
    emails: t.field({
      type: [CommunicationRef],
      nullable: { list: false, items: false },
      description: 'E-mail addresses of the lead.',
      resolve: (l) => l.emails,
    }),
    company: t.field({
      type: Company,
      nullable: true,
      description: 'The linked company (COMPANY_ID), when set.',
      resolve: (l) => l.companyId,
    }),
    contact: t.field({
      type: Contact,
      nullable: true,
      description: 'The linked contact (CONTACT_ID), when set.',
      resolve: (l) => l.contactId,
    }),
    assignedBy: t.field({
      type: Employee,
      nullable: true,
      description: 'The responsible employee.',
      resolve: (l) => l.assignedById,
    }),
  }),
});

addRecordFields(Lead, {
  noun: 'lead',
  examples: '`sourceId` or `SOURCE_ID`',
  entityTypeId: () => EntityTypeId.lead,
  read: (l, def) => oldValue(l.raw, EntityTypeId.lead, def),
  createdAt: (l) => l.createdAt,
  updatedAt: (l) => l.updatedAt,
});

const LeadFilterInput = builder.inputType('LeadFilter', {
  description: 'Which leads to list. All conditions must hold.',
  fields: (t) => ({
    search: t.string({
      description: 'Text contained in the title, taken literally (a leading `>`, `!`, `%` or `=` is just a character).',
    }),
    statusId: t.string({ description: 'Leads with this status code, e.g. NEW.' }),
    assignedById: t.int({ description: 'Leads of this responsible employee.' }),
    field: t.field({ type: FieldFilter, description: 'Equality on one field, checked against the portal metadata.' }),
  }),
});

export const LeadConnection = builder.connectionObject({ type: Lead, name: 'LeadConnection' });

builder.queryFields((t) => ({
  lead: t.field({
    type: Lead,
    nullable: true,
    description: "One lead by Bitrix id (the seed's getLeadFields); null when there is no such lead.",
    args: { id: t.arg.int({ required: true, description: 'The Bitrix lead id.' }) },
    resolve: (_root, args) => args.id,
  }),
  leads: t.field({
    type: LeadConnection,
    complexity: pageComplexity,
    nullable: true,
    description: 'Leads in id order, with keyset paging (no 50-row limit).',
    args: {
      first: t.arg.int(connectionArgs.first),
      after: t.arg.string(connectionArgs.after),
      filter: t.arg({ type: LeadFilterInput, description: 'Conditions; all leads when omitted.' }),
    },
    resolve: async (_root, args, ctx, info) => {
      const f = args.filter;
      const extra = await oldFieldFilter(ctx, EntityTypeId.lead, f?.field);
      const filter = leadFilter({
        search: f?.search,
        statusId: f?.statusId,
        assignedById: f?.assignedById,
        fields: extra,
      });
      return oldConnection(ctx, info, args, LEAD, filter, Lead, undefined, leadSelect);
    },
  }),
  leadFields: t.field({
    type: [FieldDefinitionRef],
    nullable: { list: true, items: false },
    description: 'Every field of leads, system and custom, with list values.',
    resolve: async (_root, _args, ctx) => (await fields(ctx, EntityTypeId.lead)).all,
  }),
}));
