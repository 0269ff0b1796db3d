// Companies: the Company type, its lookups and its keyset list.
import { COMPANY, companyFilter, type CompanyRecord } from '../../crm/companies.js';
import { companyContactIds, type ContactRecord } from '../../crm/contacts.js';
import { oldValue } from '../../crm/records.js';
import { EntityTypeId } from '../../crm/entity-types.js';
import { upstream } from '../context.js';
import { companyLoader } from '../loaders.js';
import { builder } from '../builder.js';
import { companySelect } from '../selects.js';
import { addRecordFields } from './record-fields.js';
import { connectionArgs, keysetConnection, pageComplexity } from '../connection.js';
import { CommunicationRef, Contact, ContactConnection } from './contact.js';
import { oldConnection, oldFieldFilter } from './crm-lists.js';
import { DealConnection, dealConnection } from './deal.js';
import { Employee } from './employee.js';
import { FieldDefinitionRef, FieldFilter, fields } from './field.js';

export const Company = builder.loadableNodeRef('Company', {
  id: { resolve: (c: CompanyRecord) => c.id, parse: (id) => Number(id) },
  ...companyLoader,
});

Company.implement({
  description: 'A company of the CRM (crm.company).',
  fields: (t) => ({
    bitrixId: t.exposeInt('id', { nullable: false, description: 'The company id in Bitrix24.' }),
    title: t.exposeString('title', { description: 'Company name.' }),
    companyType: t.exposeString('companyType', {
      description: 'Company type code from the COMPANY_TYPE dictionary, e.g. CUSTOMER.',
    }),
    industry: t.exposeString('industry', { description: 'Industry code from the INDUSTRY dictionary, e.g. IT.' }),
    phones: t.field({
      type: [CommunicationRef],
      nullable: { list: false, items: false },
      description: 'Phone numbers of the company.',
      resolve: (c) => c.phones,
    }),
    emails: t.field({
      type: [CommunicationRef],
      nullable: { list: false, items: false },
      description: 'E-mail addresses of the company.',
      resolve: (c) => c.emails,
    }),
    assignedBy: t.field({
      type: Employee,
      nullable: true,
      description: 'The responsible employee.',
      resolve: (c) => c.assignedById,
    }),
    contacts: t.field({
      type: ContactConnection,
      complexity: pageComplexity,
      nullable: false,
      description: 'The contacts linked to this company (as their primary company or as one of several), in id order.',
      args: { first: t.arg.int(connectionArgs.first), after: t.arg.string(connectionArgs.after) },
      resolve: async (c, args, ctx, info) => {
        // Every binding, from the binding method: one command, and the count comes with it.
        const ids = (await companyContactIds(ctx.portal, c.id, upstream(ctx))).sort((a, b) => a - b);
        return keysetConnection(
          ctx,
          args,
          { companyContacts: c.id },
          (contact: ContactRecord) => contact.id,
          async (after, first) => {
            const wanted = ids.filter((id) => id > after).slice(0, first + 1);
            const loaded = await Contact.getDataloader(ctx).loadMany(wanted.slice(0, first));
            const failed = loaded.find((row) => row instanceof Error);
            if (failed) throw failed;
            // A contact deleted since the bindings were read is simply gone.
            const rows = loaded.filter((row): row is ContactRecord => row !== null && !(row instanceof Error));
            return { rows, hasNextPage: wanted.length > first };
          },
          async () => ids.length,
          info,
        );
      },
    }),
    deals: t.field({
      type: DealConnection,
      complexity: pageComplexity,
      nullable: false,
      description: 'The deals of this company (COMPANY_ID), in id order.',
      args: { first: t.arg.int(connectionArgs.first), after: t.arg.string(connectionArgs.after) },
      resolve: (c: CompanyRecord, args, ctx, info) => dealConnection(ctx, info, args, { companyId: c.id }),
    }),
  }),
});

addRecordFields(Company, {
  noun: 'company',
  examples: '`ufCrmCnpj` or `UF_CRM_CNPJ`',
  entityTypeId: () => EntityTypeId.company,
  read: (c, def) => oldValue(c.raw, EntityTypeId.company, def),
  createdAt: (c) => c.createdAt,
  updatedAt: (c) => c.updatedAt,
});

const CompanyFilterInput = builder.inputType('CompanyFilter', {
  description: 'Which companies to list. All conditions must hold.',
  fields: (t) => ({
    search: t.string({
      description: 'Text contained in the title, taken literally (a leading `>`, `!`, `%` or `=` is just a character).',
    }),
    assignedById: t.int({ description: 'Companies of this responsible employee (Bitrix user id).' }),
    companyType: t.string({ description: 'Companies of this COMPANY_TYPE code, e.g. CUSTOMER.' }),
    field: t.field({
      type: FieldFilter,
      description: 'Equality on one field, checked against the portal metadata (e.g. the CNPJ).',
    }),
  }),
});

export const CompanyConnection = builder.connectionObject({ type: Company, name: 'CompanyConnection' });

builder.queryFields((t) => ({
  companyFields: t.field({
    type: [FieldDefinitionRef],
    nullable: { list: true, items: false },
    description: 'Every field of companies, system and custom, with list values.',
    resolve: async (_root, _args, ctx) => (await fields(ctx, EntityTypeId.company)).all,
  }),
  company: t.field({
    type: Company,
    nullable: true,
    description: 'One company by Bitrix id; null when there is no such company.',
    args: { id: t.arg.int({ required: true, description: 'The Bitrix company id.' }) },
    resolve: (_root, args) => args.id,
  }),
  companies: t.field({
    type: CompanyConnection,
    complexity: pageComplexity,
    nullable: true,
    description:
      "Companies in id order, with keyset paging: every matching company, not only the first 50 (the seed's searchCompanyByField stopped there).",
    args: {
      first: t.arg.int(connectionArgs.first),
      after: t.arg.string(connectionArgs.after),
      filter: t.arg({ type: CompanyFilterInput, description: 'Conditions; all companies when omitted.' }),
    },
    resolve: async (_root, args, ctx, info) => {
      const extra = await oldFieldFilter(ctx, EntityTypeId.company, args.filter?.field);
      const filter = companyFilter({
        search: args.filter?.search,
        assignedById: args.filter?.assignedById,
        companyType: args.filter?.companyType,
        fields: extra,
      });
      return oldConnection(ctx, info, args, COMPANY, filter, Company, undefined, companySelect);
    },
  }),
}));
