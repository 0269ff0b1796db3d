// Writes on companies: create (idempotent), update (explicit phone/e-mail operations), clear
// fields, delete. Everything is checked before anything is sent.
import { COMPANY, type CompanyRecord } from '../../crm/companies.js';
import { EntityTypeId } from '../../crm/entity-types.js';
import { deleteRecord, recordById } from '../../crm/records.js';
import type { FieldSet } from '../../crm/fields.js';
import { upstream, type Context } from '../context.js';
import { builder } from '../builder.js';
import { Company } from './company.js';
import { CommunicationInput, CommunicationsUpdate } from './contact-inputs.js';
import {
  checkEmployee,
  clearOldRecordFields,
  createOldRecord,
  customFields,
  deletedRecordType,
  dictionaryCode,
  existing,
  updateOldRecord,
} from './crm-writes.js';
import { asMutation, MUTATION_ERRORS, NotFoundError, ValidationError } from './errors.js';

const fieldsDoc =
  'Custom (or other) fields by name, `ufCrmCnpj` or `UF_CRM_CNPJ`, e.g. {"ufCrmCnpj": "12345678000199"}. List values by label or id. Unknown names, read-only fields and bad values are a ValidationError naming the field; nothing is sent then.';

export const CreateCompanyInput = builder.inputType('CreateCompanyInput', {
  description: 'A new company.',
  fields: (t) => ({
    title: t.string({ required: true, description: 'Company name (required, not blank).' }),
    companyType: t.string({ description: 'COMPANY_TYPE code or label, e.g. CUSTOMER or "Client".' }),
    industry: t.string({ description: 'INDUSTRY code or label, e.g. IT.' }),
    assignedById: t.int({ description: 'The responsible employee (must exist).' }),
    comments: t.string({ description: 'A comment.' }),
    phones: t.field({ type: [CommunicationInput], description: 'Phone numbers.' }),
    emails: t.field({ type: [CommunicationInput], description: 'E-mail addresses.' }),
    fields: t.field({ type: 'JSONObject', description: fieldsDoc }),
    idempotencyKey: t.string({
      description:
        'Repeat a create safely: the same key never creates a second company, even when the first answer was lost (stored in ORIGIN_ID, with ORIGINATOR_ID "bitrix24-graphql"). The key with a different input is a ValidationError. (The Idempotency-Key header works too.)',
    }),
  }),
});

export const UpdateCompanyInput = builder.inputType('UpdateCompanyInput', {
  description: 'Changes to a company. Omitted fields are left as they are.',
  fields: (t) => ({
    title: t.string({ description: 'Company name (not blank).' }),
    companyType: t.string({ description: 'COMPANY_TYPE code or label.' }),
    industry: t.string({ description: 'INDUSTRY code or label.' }),
    assignedById: t.int({ description: 'The responsible employee (must exist).' }),
    comments: t.string({ description: 'A comment.' }),
    phones: t.field({
      type: CommunicationsUpdate,
      description: 'How to change the phone numbers (replace all, or add / change / remove single ones).',
    }),
    emails: t.field({ type: CommunicationsUpdate, description: 'How to change the e-mail addresses.' }),
    fields: t.field({ type: 'JSONObject', description: fieldsDoc }),
  }),
});

type CompanyInput = Omit<typeof UpdateCompanyInput.$inferInput, 'phones' | 'emails'>;

/** Typed input → old-style fields, with every reference checked (in one batch). */
export async function companyFields(
  ctx: Context,
  set: FieldSet,
  input: CompanyInput,
): Promise<Record<string, unknown>> {
  const out = customFields(set, EntityTypeId.company, input.fields);
  if (input.title != null) {
    if (!input.title.trim()) throw new ValidationError('title must not be blank', 'title');
    out.TITLE = input.title.trim();
  }
  if (input.comments != null) out.COMMENTS = input.comments;
  const [companyType, industry] = await Promise.all([
    input.companyType != null ? dictionaryCode(ctx, 'COMPANY_TYPE', input.companyType, 'companyType') : undefined,
    input.industry != null ? dictionaryCode(ctx, 'INDUSTRY', input.industry, 'industry') : undefined,
    input.assignedById != null ? checkEmployee(ctx, input.assignedById, 'assignedById') : undefined,
  ]);
  if (companyType !== undefined) out.COMPANY_TYPE = companyType;
  if (industry !== undefined) out.INDUSTRY = industry;
  if (input.assignedById != null) out.ASSIGNED_BY_ID = input.assignedById;
  return out;
}

async function reloaded(ctx: Context, id: number): Promise<CompanyRecord> {
  const company = await recordById(ctx.portal, COMPANY, id, { ...upstream(ctx), fresh: true });
  if (!company) throw new NotFoundError(`Company ${id} vanished right after the write`, 'Company', id);
  Company.getDataloader(ctx).clear(id).prime(id, company);
  return company;
}

const DeletedCompany = deletedRecordType('DeletedCompany', 'company');

builder.mutationFields((t) => ({
  createCompany: t.field({
    type: Company,
    description: "Creates a company (the seed's createCompany), safe to retry with an idempotency key.",
    errors: { types: MUTATION_ERRORS },
    args: { input: t.arg({ type: CreateCompanyInput, required: true, description: 'The new company.' }) },
    resolve: (_root, args, ctx) =>
      asMutation(ctx, 'Company', null, async () => {
        const id = await createOldRecord(ctx, COMPANY, args.input, (set, plain) => companyFields(ctx, set, plain));
        return await reloaded(ctx, id);
      }),
  }),
  updateCompany: t.field({
    type: Company,
    description: "Changes fields of a company (the seed's updateCompanyFields). A missing company is a NotFoundError.",
    errors: { types: MUTATION_ERRORS },
    args: {
      id: t.arg.int({ required: true, description: 'The company id.' }),
      input: t.arg({ type: UpdateCompanyInput, required: true, description: 'The changes.' }),
    },
    resolve: (_root, args, ctx) =>
      asMutation(ctx, 'Company', args.id, async () => {
        return await updateOldRecord(
          ctx,
          COMPANY,
          args.id,
          'Company',
          args.input,
          (set, plain) => companyFields(ctx, set, plain),
          () => reloaded(ctx, args.id),
        );
      }),
  }),
  clearCompanyFields: t.field({
    type: Company,
    description:
      "Empties the named fields of a company (the seed's clearCompanyFields; either spelling; `phones`/`emails` remove every phone / e-mail). Unknown, read-only or required names are a ValidationError; nothing is sent then.",
    errors: { types: MUTATION_ERRORS },
    args: {
      id: t.arg.int({ required: true, description: 'The company id.' }),
      fields: t.arg.stringList({
        required: true,
        description: 'Field names, e.g. ["ufCrmCnpj", "COMMENTS", "phones"].',
      }),
    },
    resolve: (_root, args, ctx) =>
      asMutation(ctx, 'Company', args.id, () =>
        clearOldRecordFields(ctx, COMPANY, args.id, 'Company', args.fields, {}, () => reloaded(ctx, args.id)),
      ),
  }),
  deleteCompany: t.field({
    type: DeletedCompany,
    description:
      'Deletes a company (its deals, contacts and leads stay, unlinked). A missing company is a NotFoundError.',
    errors: { types: MUTATION_ERRORS },
    args: { id: t.arg.int({ required: true, description: 'The company id.' }) },
    resolve: (_root, args, ctx) =>
      asMutation(ctx, 'Company', args.id, async () => {
        await existing(ctx, COMPANY, args.id, 'Company');
        await deleteRecord(ctx.portal, COMPANY, args.id, upstream(ctx));
        Company.getDataloader(ctx).clear(args.id);
        return { bitrixId: args.id };
      }),
  }),
}));
