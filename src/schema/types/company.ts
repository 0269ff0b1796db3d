// Companies: the Company type, its lookups and its keyset list.
import { COMPANY, companyFilter, type CompanyRecord } from '../../bitrix/companies.js';
import { countRecords, recordPage } from '../../bitrix/crm-records.js';
import { ENTITY } from '../../bitrix/crm-meta.js';
import { upstream, type Context } from '../../context.js';
import { loadCompanies } from '../../loaders/crm.js';
import { builder } from '../builder.js';
import { connectionArgs, keysetConnection } from '../connection.js';
import { Employee } from './employee.js';
import { FieldFilter, FieldValueRef, customFieldValues, fieldFilterValue, fieldValue, fields } from './field.js';

export const Company = builder.loadableNodeRef('Company', {
  id: { resolve: (c: CompanyRecord) => c.id, parse: (id) => Number(id) },
  load: (ids: number[], ctx: Context) => loadCompanies(ids, ctx),
});

/** A custom field's raw value on an old-style record ('' is how old-style says "unset"). */
export function oldValue(raw: Record<string, unknown>, upperName: string): unknown {
  const value = raw[upperName];
  return value === '' || value === undefined ? null : value;
}

Company.implement({
  description: 'A company of the CRM (crm.company).',
  fields: (t) => ({
    bitrixId: t.exposeInt('id', { nullable: false, description: 'The company id in Bitrix24.' }),
    title: t.exposeString('title', { description: 'Company name.' }),
    companyType: t.exposeString('companyType', { description: 'Company type code from the COMPANY_TYPE dictionary, e.g. CUSTOMER.' }),
    industry: t.exposeString('industry', { description: 'Industry code from the INDUSTRY dictionary, e.g. IT.' }),
    assignedBy: t.field({
      type: Employee,
      nullable: true,
      description: 'The responsible employee.',
      resolve: (c) => c.assignedById,
    }),
    createdAt: t.field({ type: 'DateTime', nullable: true, description: 'When the company was created.', resolve: (c) => c.createdAt }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, description: 'When the company was last changed.', resolve: (c) => c.updatedAt }),
    customFields: t.field({
      type: [FieldValueRef],
      nullable: { list: false, items: false },
      description: 'Every custom (UF_…) field of the company with its value, raw and rendered.',
      resolve: async (c, _args, ctx) => customFieldValues(ctx, await fields(ctx, ENTITY.company), (def) => oldValue(c.raw, def.upperName)),
    }),
    field: t.field({
      type: FieldValueRef,
      nullable: true,
      description: 'One field by name (`ufCrmCnpj` or `UF_CRM_CNPJ`, system fields too). An unknown name is a BAD_USER_INPUT error.',
      args: { name: t.arg.string({ required: true, description: 'Field name, camelCase or UPPER_CASE.' }) },
      resolve: async (c, args, ctx) => fieldValue(ctx, await fields(ctx, ENTITY.company), args.name, (def) => oldValue(c.raw, def.upperName)),
    }),
  }),
});

const CompanyFilterInput = builder.inputType('CompanyFilter', {
  description: 'Which companies to list. All conditions must hold.',
  fields: (t) => ({
    search: t.string({ description: 'Text contained in the title, taken literally (a leading `>`, `!`, `%` or `=` is just a character).' }),
    assignedById: t.int({ description: 'Companies of this responsible employee (Bitrix user id).' }),
    companyType: t.string({ description: 'Companies of this COMPANY_TYPE code, e.g. CUSTOMER.' }),
    field: t.field({ type: FieldFilter, description: 'Equality on one field, checked against the portal metadata (e.g. the CNPJ).' }),
  }),
});

export const CompanyConnection = builder.connectionObject({ type: Company, name: 'CompanyConnection' });

builder.queryFields((t) => ({
  company: t.field({
    type: Company,
    nullable: true,
    description: 'One company by Bitrix id; null when there is no such company.',
    args: { id: t.arg.int({ required: true, description: 'The Bitrix company id.' }) },
    resolve: (_root, args) => args.id,
  }),
  companies: t.field({
    type: CompanyConnection,
    nullable: false,
    description: 'Companies in id order, with keyset paging: every matching company, not only the first 50 (the seed\'s searchCompanyByField stopped there).',
    args: {
      first: t.arg.int(connectionArgs.first),
      after: t.arg.string(connectionArgs.after),
      filter: t.arg({ type: CompanyFilterInput, description: 'Conditions; all companies when omitted.' }),
    },
    resolve: async (_root, args, ctx) => {
      const extra = args.filter?.field ? fieldFilterValue(await fields(ctx, ENTITY.company), args.filter.field, 'upperName') : {};
      const filter = companyFilter({
        search: args.filter?.search,
        assignedById: args.filter?.assignedById,
        companyType: args.filter?.companyType,
        fields: extra,
      });
      return keysetConnection(
        ctx,
        args,
        { companies: filter },
        (c: CompanyRecord) => c.id,
        async (after, first) => {
          const page = await recordPage(ctx.portal, COMPANY, filter, after, first, upstream(ctx));
          const loader = Company.getDataloader(ctx);
          for (const row of page.rows) loader.prime(row.id, row);
          return page;
        },
        () => countRecords(ctx.portal, COMPANY, filter, upstream(ctx)),
      );
    },
  }),
}));
