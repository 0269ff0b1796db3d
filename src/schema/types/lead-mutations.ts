// Writes on leads: create (idempotent, WITH its title: the seed deleted TITLE from the caller's
// dict and never sent it), update, clear fields, move to another status, delete. Everything is
// checked before anything is sent.
import { COMPANY } from '../../crm/companies.js';
import { CONTACT } from '../../crm/contacts.js';
import { EntityTypeId } from '../../crm/entity-types.js';
import { deleteRecord, recordById } from '../../crm/records.js';
import type { FieldSet } from '../../crm/fields.js';
import { LEAD, type LeadRecord } from '../../crm/leads.js';
import { upstream, type Context } from '../context.js';
import { builder } from '../builder.js';
import { CommunicationInput, CommunicationsUpdate } from './contact-inputs.js';
import {
  checkEmployee,
  checkLinked,
  clearOldRecordFields,
  createOldRecord,
  customFields,
  deletedRecordType,
  dictionaryCode,
  existing,
  updateOldRecord,
} from './crm-writes.js';
import { asMutation, MUTATION_ERRORS, NotFoundError, ValidationError } from './errors.js';
import { Lead } from './lead.js';

const fieldsDoc =
  'Custom (or other) fields by name, camelCase or UPPER_CASE. List values by label or id. Unknown names, read-only fields and bad values are a ValidationError naming the field; nothing is sent then.';

const leadFieldDocs = {
  name: 'First name of the person.',
  secondName: 'Second (middle) name.',
  lastName: 'Last name.',
  companyTitle: 'The company name as typed (COMPANY_TITLE).',
  statusId: 'Status code or label from the STATUS dictionary, e.g. NEW or "In progress".',
  sourceId: 'Source code or label from the SOURCE dictionary, e.g. WEB.',
  assignedById: 'The responsible employee (must exist).',
  companyId: 'A linked company (must exist).',
  contactId: 'A linked contact (must exist).',
  opportunity: 'The expected amount.',
  currency: 'ISO currency of the amount, e.g. BRL.',
  comments: 'A comment.',
};

export const CreateLeadInput = builder.inputType('CreateLeadInput', {
  description: 'A new lead.',
  fields: (t) => ({
    title: t.string({ required: true, description: 'Lead name (TITLE; required, not blank). The seed dropped it.' }),
    name: t.string({ description: leadFieldDocs.name }),
    secondName: t.string({ description: leadFieldDocs.secondName }),
    lastName: t.string({ description: leadFieldDocs.lastName }),
    companyTitle: t.string({ description: leadFieldDocs.companyTitle }),
    statusId: t.string({ description: leadFieldDocs.statusId }),
    sourceId: t.string({ description: leadFieldDocs.sourceId }),
    assignedById: t.int({ description: leadFieldDocs.assignedById }),
    companyId: t.int({ description: leadFieldDocs.companyId }),
    contactId: t.int({ description: leadFieldDocs.contactId }),
    opportunity: t.float({ description: leadFieldDocs.opportunity }),
    currency: t.string({ description: leadFieldDocs.currency }),
    comments: t.string({ description: leadFieldDocs.comments }),
    phones: t.field({ type: [CommunicationInput], description: 'Phone numbers.' }),
    emails: t.field({ type: [CommunicationInput], description: 'E-mail addresses.' }),
    fields: t.field({ type: 'JSONObject', description: fieldsDoc }),
    idempotencyKey: t.string({
      description:
        'Repeat a create safely: the same key never creates a second lead, even when the first answer was lost (kept in ORIGIN_ID, with ORIGINATOR_ID "bitrix24-graphql"). The key with a different input is a ValidationError. (The Idempotency-Key header works too.)',
    }),
  }),
});

export const UpdateLeadInput = builder.inputType('UpdateLeadInput', {
  description: 'Changes to a lead. Omitted fields are left as they are.',
  fields: (t) => ({
    title: t.string({ description: 'Lead name (not blank).' }),
    name: t.string({ description: leadFieldDocs.name }),
    secondName: t.string({ description: leadFieldDocs.secondName }),
    lastName: t.string({ description: leadFieldDocs.lastName }),
    companyTitle: t.string({ description: leadFieldDocs.companyTitle }),
    statusId: t.string({ description: leadFieldDocs.statusId }),
    sourceId: t.string({ description: leadFieldDocs.sourceId }),
    assignedById: t.int({ description: leadFieldDocs.assignedById }),
    companyId: t.int({ description: leadFieldDocs.companyId }),
    contactId: t.int({ description: leadFieldDocs.contactId }),
    opportunity: t.float({ description: leadFieldDocs.opportunity }),
    currency: t.string({ description: leadFieldDocs.currency }),
    comments: t.string({ description: leadFieldDocs.comments }),
    phones: t.field({ type: CommunicationsUpdate, description: 'How to change the phone numbers.' }),
    emails: t.field({ type: CommunicationsUpdate, description: 'How to change the e-mail addresses.' }),
    fields: t.field({ type: 'JSONObject', description: fieldsDoc }),
  }),
});

type LeadInput = Omit<typeof UpdateLeadInput.$inferInput, 'phones' | 'emails'>;

const TEXT: [keyof LeadInput, string][] = [
  ['name', 'NAME'],
  ['secondName', 'SECOND_NAME'],
  ['lastName', 'LAST_NAME'],
  ['companyTitle', 'COMPANY_TITLE'],
  ['comments', 'COMMENTS'],
];

/** Typed input → old-style fields, with every reference checked (in one batch). */
export async function leadFields(ctx: Context, set: FieldSet, input: LeadInput): Promise<Record<string, unknown>> {
  const out = customFields(set, EntityTypeId.lead, input.fields);
  if (input.title != null) {
    if (!input.title.trim()) throw new ValidationError('title must not be blank', 'title');
    out.TITLE = input.title.trim();
  }
  for (const [key, upper] of TEXT) if (input[key] != null) out[upper] = input[key];
  if (input.opportunity != null) {
    if (!Number.isFinite(input.opportunity) || input.opportunity < 0)
      throw new ValidationError('opportunity must be a non-negative amount', 'opportunity');
    out.OPPORTUNITY = input.opportunity;
  }
  if (input.currency != null) {
    if (!/^[A-Za-z]{3}$/.test(input.currency))
      throw new ValidationError('currency must be an ISO code such as BRL', 'currency');
    out.CURRENCY_ID = input.currency.toUpperCase();
  }
  const [statusId, sourceId] = await Promise.all([
    input.statusId != null ? dictionaryCode(ctx, 'STATUS', input.statusId, 'statusId') : undefined,
    input.sourceId != null ? dictionaryCode(ctx, 'SOURCE', input.sourceId, 'sourceId') : undefined,
    input.assignedById != null ? checkEmployee(ctx, input.assignedById, 'assignedById') : undefined,
    input.companyId != null ? checkLinked(ctx, COMPANY, input.companyId, 'companyId', 'company') : undefined,
    input.contactId != null ? checkLinked(ctx, CONTACT, input.contactId, 'contactId', 'contact') : undefined,
  ]);
  if (statusId !== undefined) out.STATUS_ID = statusId;
  if (sourceId !== undefined) out.SOURCE_ID = sourceId;
  if (input.assignedById != null) out.ASSIGNED_BY_ID = input.assignedById;
  if (input.companyId != null) out.COMPANY_ID = input.companyId;
  if (input.contactId != null) out.CONTACT_ID = input.contactId;
  return out;
}

async function reloaded(ctx: Context, id: number): Promise<LeadRecord> {
  const lead = await recordById(ctx.portal, LEAD, id, { ...upstream(ctx), fresh: true });
  if (!lead) throw new NotFoundError(`Lead ${id} vanished right after the write`, 'Lead', id);
  Lead.getDataloader(ctx).clear(id).prime(id, lead);
  return lead;
}

/** What every lead has, so a clear refuses it. */
const LEAD_ALWAYS_SET = {
  TITLE: 'a lead always has a title',
  STATUS_ID: 'a lead always has a status (move it with moveLeadStage)',
};

const DeletedLead = deletedRecordType('DeletedLead', 'lead');

builder.mutationFields((t) => ({
  createLead: t.field({
    type: Lead,
    description:
      "Creates a lead with its title (the seed's createLead lost it), safe to retry with an idempotency key.",
    errors: { types: MUTATION_ERRORS },
    args: { input: t.arg({ type: CreateLeadInput, required: true, description: 'The new lead.' }) },
    resolve: (_root, args, ctx) =>
      asMutation(ctx, 'Lead', null, async () => {
        const id = await createOldRecord(ctx, LEAD, args.input, (set, plain) => leadFields(ctx, set, plain));
        return await reloaded(ctx, id);
      }),
  }),
  updateLead: t.field({
    type: Lead,
    description: 'Changes fields of a lead. A missing lead is a NotFoundError.',
    errors: { types: MUTATION_ERRORS },
    args: {
      id: t.arg.int({ required: true, description: 'The lead id.' }),
      input: t.arg({ type: UpdateLeadInput, required: true, description: 'The changes.' }),
    },
    resolve: (_root, args, ctx) =>
      asMutation(ctx, 'Lead', args.id, async () => {
        return await updateOldRecord(
          ctx,
          LEAD,
          args.id,
          'Lead',
          args.input,
          (set, plain) => leadFields(ctx, set, plain),
          () => reloaded(ctx, args.id),
        );
      }),
  }),
  clearLeadFields: t.field({
    type: Lead,
    description:
      'Empties the named fields of a lead (either spelling; `phones`/`emails` remove every phone / e-mail). Unknown, read-only or required names, the title and the status are a ValidationError; nothing is sent then. A missing lead is a NotFoundError.',
    errors: { types: MUTATION_ERRORS },
    args: {
      id: t.arg.int({ required: true, description: 'The lead id.' }),
      fields: t.arg.stringList({
        required: true,
        description: 'Field names, e.g. ["COMMENTS", "companyTitle", "emails"].',
      }),
    },
    resolve: (_root, args, ctx) =>
      asMutation(ctx, 'Lead', args.id, () =>
        clearOldRecordFields(ctx, LEAD, args.id, 'Lead', args.fields, LEAD_ALWAYS_SET, () => reloaded(ctx, args.id)),
      ),
  }),
  moveLeadStage: t.field({
    type: Lead,
    description:
      'Moves a lead to another status (its stage: crm.status STATUS), by code or by name. An unknown status is a ValidationError, a missing lead a NotFoundError.',
    errors: { types: MUTATION_ERRORS },
    args: {
      id: t.arg.int({ required: true, description: 'The lead id.' }),
      statusId: t.arg.string({ required: true, description: 'The new status, by code (e.g. IN_PROCESS) or by name.' }),
    },
    resolve: (_root, args, ctx) =>
      asMutation(ctx, 'Lead', args.id, () =>
        updateOldRecord(
          ctx,
          LEAD,
          args.id,
          'Lead',
          { statusId: args.statusId },
          (set, plain) => leadFields(ctx, set, plain),
          () => reloaded(ctx, args.id),
        ),
      ),
  }),
  deleteLead: t.field({
    type: DeletedLead,
    description: 'Deletes a lead. A missing lead is a NotFoundError.',
    errors: { types: MUTATION_ERRORS },
    args: { id: t.arg.int({ required: true, description: 'The lead id.' }) },
    resolve: (_root, args, ctx) =>
      asMutation(ctx, 'Lead', args.id, async () => {
        await existing(ctx, LEAD, args.id, 'Lead');
        await deleteRecord(ctx.portal, LEAD, args.id, upstream(ctx));
        Lead.getDataloader(ctx).clear(args.id);
        return { bitrixId: args.id };
      }),
  }),
}));
