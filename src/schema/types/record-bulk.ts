// Bulk writes on contacts, companies, leads and deals: up to 10,000 records per call, 50 per
// upstream request, each item converted and checked exactly as its single mutation does it (the
// same functions), all of them before anything is sent. Leads move through their statuses, deals
// through the stages of their funnels (deals are created and deleted through crm.deal.*, as
// createDeal and deleteDeal do, and changed through crm.item, as updateDeal does).
import { COMPANY, type CompanyRecord } from '../../crm/companies.js';
import { CONTACT, type ContactRecord } from '../../crm/contacts.js';
import { DEAL, type DealRecord } from '../../crm/deals.js';
import { EntityTypeId } from '../../crm/entity-types.js';
import type { BulkTargetSpec } from '../../crm/bulk-jobs.js';
import type { FieldSet } from '../../crm/fields.js';
import { LEAD, type LeadRecord } from '../../crm/leads.js';
import { recordsByIds, type OldEntity, type OldRecord } from '../../crm/records.js';
import { builder } from '../builder.js';
import { upstream, type Context } from '../context.js';
import {
  BulkWritePayload,
  changeInput,
  checkAll,
  listedTwice,
  missingRecord,
  runBulkWrite,
  type Checked,
} from './bulk.js';
import { CreateCompanyInput, UpdateCompanyInput, companyFields } from './company-mutations.js';
import { CreateContactInput, UpdateContactInput, type CreateInput, type UpdateInput } from './contact-inputs.js';
import { changedContactFields, newContactFields } from './contact-mutations.js';
import { changedRecordFields, dictionaryCode, hasOriginVersion, newRecordFields } from './crm-writes.js';
import { CreateDealInput, UpdateDealInput, dealFields, newDealFields } from './deal-mutations.js';
import { asMutation, MUTATION_ERRORS } from './errors.js';
import { fields } from './field.js';
import { CreateLeadInput, UpdateLeadInput, leadFields } from './lead-mutations.js';

type Kind = 'contact' | 'company' | 'lead' | 'deal';

/** One old-style entity's bulk creates and deletes: what is specific is only how an input
 * becomes portal fields (the single mutations' own functions). */
interface RecordCreates<R extends OldRecord, C> {
  kind: Kind;
  type: string;
  entity: OldEntity<R>;
  newFields(ctx: Context, set: FieldSet, input: C): Promise<{ fields: Record<string, unknown>; keyed: unknown }>;
}

/** ... and its bulk updates through its own crm.<entity>.update (deals change through crm.item:
 * bulkDeals). */
interface RecordBulk<R extends OldRecord, C, U> extends RecordCreates<R, C> {
  changedFields(ctx: Context, set: FieldSet, current: R, input: U): Promise<Record<string, unknown>>;
}

/** Existing records by id, read at once (fresh: an update builds on them). */
async function currentRecords<R extends OldRecord>(ctx: Context, entity: OldEntity<R>, ids: readonly number[]) {
  const rows = await recordsByIds(ctx.portal, entity, ids, { ...upstream(ctx), fresh: true });
  return new Map(rows.map((r) => [r.id, r]));
}

function recordTarget(kind: Kind, operation: 'create' | 'update' | 'delete', set: FieldSet): BulkTargetSpec {
  return { kind: 'record', entity: kind, operation, hasOriginVersion: hasOriginVersion(set) };
}

async function bulkCreate<R extends OldRecord, C extends { idempotencyKey?: string | null }>(
  ctx: Context,
  spec: RecordCreates<R, C>,
  inputs: readonly C[],
  importKey: string | null | undefined,
) {
  const set = await fields(ctx, spec.entity.entityTypeId);
  return runBulkWrite(ctx, recordTarget(spec.kind, 'create', set), importKey, inputs.length, async () => {
    return checkAll(
      ctx,
      inputs,
      spec.type,
      async (input, index): Promise<Checked> => {
        const { fields: out, keyed } = await spec.newFields(ctx, set, input);
        return { item: { index, fields: out, key: input.idempotencyKey ?? null, input: keyed } };
      },
      inputs.map((i) => i.idempotencyKey),
    );
  });
}

async function bulkUpdate<R extends OldRecord, U>(
  ctx: Context,
  spec: RecordBulk<R, never, U>,
  changes: readonly { id: number; input: U }[],
) {
  const [set, current] = await Promise.all([
    fields(ctx, spec.entity.entityTypeId),
    currentRecords(
      ctx,
      spec.entity,
      changes.map((c) => c.id),
    ),
  ]);
  return runBulkWrite(ctx, recordTarget(spec.kind, 'update', set), null, changes.length, async () => {
    return checkAll(ctx, changes, spec.type, async ({ id, input }, index) => {
      const record = current.get(id);
      if (!record) return missingRecord(spec.type, id, index);
      return { item: { index, id, fields: await spec.changedFields(ctx, set, record, input) } };
    });
  });
}

async function bulkDelete<R extends OldRecord>(ctx: Context, spec: RecordCreates<R, never>, ids: readonly number[]) {
  const [set, current] = await Promise.all([
    fields(ctx, spec.entity.entityTypeId),
    currentRecords(ctx, spec.entity, ids),
  ]);
  return runBulkWrite(ctx, recordTarget(spec.kind, 'delete', set), null, ids.length, async () => {
    const { items, invalid } = await checkAll(ctx, ids, spec.type, async (id, index) =>
      current.has(id) ? { item: { index, id } } : missingRecord(spec.type, id, index),
    );
    invalid.push(...listedTwice(ids, spec.type));
    return { items, invalid };
  });
}

const CONTACTS: RecordBulk<ContactRecord, CreateInput & { idempotencyKey?: string | null }, UpdateInput> = {
  kind: 'contact',
  type: 'Contact',
  entity: CONTACT,
  newFields: async (ctx, set, input) => {
    const { idempotencyKey, ...keyed } = input;
    return { fields: await newContactFields(ctx, set, keyed), keyed };
  },
  changedFields: (ctx, set, current, input) => changedContactFields(ctx, set, current, input),
};

const COMPANIES: RecordBulk<
  CompanyRecord,
  typeof CreateCompanyInput.$inferInput,
  typeof UpdateCompanyInput.$inferInput
> = {
  kind: 'company',
  type: 'Company',
  entity: COMPANY,
  newFields: (ctx, set, input) => newRecordFields(set, input, (s, plain) => companyFields(ctx, s, plain)),
  changedFields: (ctx, set, current, input) =>
    changedRecordFields(set, current, input, (s, plain) => companyFields(ctx, s, plain)),
};

const LEADS: RecordBulk<LeadRecord, typeof CreateLeadInput.$inferInput, typeof UpdateLeadInput.$inferInput> = {
  kind: 'lead',
  type: 'Lead',
  entity: LEAD,
  newFields: (ctx, set, input) => newRecordFields(set, input, (s, plain) => leadFields(ctx, s, plain)),
  changedFields: (ctx, set, current, input) =>
    changedRecordFields(set, current, input, (s, plain) => leadFields(ctx, s, plain)),
};

const DEALS: RecordCreates<DealRecord, typeof CreateDealInput.$inferInput> = {
  kind: 'deal',
  type: 'Deal',
  entity: DEAL,
  newFields: (ctx, set, input) => newRecordFields(set, input, (s, plain) => newDealFields(ctx, s, plain)),
};

const ContactChangeInput = changeInput('Contact', UpdateContactInput);
const CompanyChangeInput = changeInput('Company', UpdateCompanyInput);
const LeadChangeInput = changeInput('Lead', UpdateLeadInput);
const DealChangeInput = changeInput('Deal', UpdateDealInput);

const LeadMoveInput = builder.inputType('LeadMoveInput', {
  description: 'One lead of a bulk status change.',
  fields: (t) => ({
    id: t.int({ required: true, description: 'The lead id.' }),
    statusId: t.string({ required: true, description: 'The new status, by code (e.g. IN_PROCESS) or by name.' }),
  }),
});

const DealMoveInput = builder.inputType('DealMoveInput', {
  description: 'One deal of a bulk stage move.',
  fields: (t) => ({
    id: t.int({ required: true, description: 'The deal id.' }),
    stageId: t.string({ required: true, description: "The new stage, in the deal's funnel (e.g. C1:WON)." }),
  }),
});

const SIZE = "up to 10,000 per call, 50 per upstream request, paced by the portal's limits";
const CHECKED =
  'Every item is checked first (as the single mutation checks it); one bad item refuses the call and nothing is sent.';
const KEYED =
  'Each item can carry an idempotency key; `importKey` names the whole import, so sending it again (after a timeout or a restart) creates nothing twice, even for items without keys.';
const IMPORT_KEY = 'Names this import: the same key is the same job.';

builder.mutationFields((t) => ({
  createContacts: t.field({
    type: BulkWritePayload,
    description: `Creates many contacts (${SIZE}). ${CHECKED} ${KEYED}`,
    errors: { types: MUTATION_ERRORS },
    args: {
      inputs: t.arg({ type: [CreateContactInput], required: true, description: 'The new contacts.' }),
      importKey: t.arg.string({ description: IMPORT_KEY }),
    },
    resolve: (_root, args, ctx) =>
      asMutation(ctx, 'Contact', null, () => bulkCreate(ctx, CONTACTS, args.inputs, args.importKey)),
  }),
  updateContacts: t.field({
    type: BulkWritePayload,
    description: `Changes many contacts (${SIZE}); phones and e-mails merge as in updateContact. ${CHECKED}`,
    errors: { types: MUTATION_ERRORS },
    args: {
      changes: t.arg({ type: [ContactChangeInput], required: true, description: 'The contacts and their changes.' }),
    },
    resolve: (_root, args, ctx) => asMutation(ctx, 'Contact', null, () => bulkUpdate(ctx, CONTACTS, args.changes)),
  }),
  deleteContacts: t.field({
    type: BulkWritePayload,
    description: `Deletes many contacts (${SIZE}); only the contacts. A missing one refuses the call: nothing is deleted on doubt.`,
    errors: { types: MUTATION_ERRORS },
    args: { ids: t.arg.intList({ required: true, description: 'The contacts to delete.' }) },
    resolve: (_root, args, ctx) => asMutation(ctx, 'Contact', null, () => bulkDelete(ctx, CONTACTS, args.ids)),
  }),
  createCompanies: t.field({
    type: BulkWritePayload,
    description: `Creates many companies (${SIZE}). ${CHECKED} ${KEYED}`,
    errors: { types: MUTATION_ERRORS },
    args: {
      inputs: t.arg({ type: [CreateCompanyInput], required: true, description: 'The new companies.' }),
      importKey: t.arg.string({ description: IMPORT_KEY }),
    },
    resolve: (_root, args, ctx) =>
      asMutation(ctx, 'Company', null, () => bulkCreate(ctx, COMPANIES, args.inputs, args.importKey)),
  }),
  updateCompanies: t.field({
    type: BulkWritePayload,
    description: `Changes many companies (${SIZE}). ${CHECKED}`,
    errors: { types: MUTATION_ERRORS },
    args: {
      changes: t.arg({ type: [CompanyChangeInput], required: true, description: 'The companies and their changes.' }),
    },
    resolve: (_root, args, ctx) => asMutation(ctx, 'Company', null, () => bulkUpdate(ctx, COMPANIES, args.changes)),
  }),
  deleteCompanies: t.field({
    type: BulkWritePayload,
    description: `Deletes many companies (${SIZE}); only the companies. A missing one refuses the call.`,
    errors: { types: MUTATION_ERRORS },
    args: { ids: t.arg.intList({ required: true, description: 'The companies to delete.' }) },
    resolve: (_root, args, ctx) => asMutation(ctx, 'Company', null, () => bulkDelete(ctx, COMPANIES, args.ids)),
  }),
  createLeads: t.field({
    type: BulkWritePayload,
    description: `Creates many leads (${SIZE}). ${CHECKED} ${KEYED}`,
    errors: { types: MUTATION_ERRORS },
    args: {
      inputs: t.arg({ type: [CreateLeadInput], required: true, description: 'The new leads.' }),
      importKey: t.arg.string({ description: IMPORT_KEY }),
    },
    resolve: (_root, args, ctx) =>
      asMutation(ctx, 'Lead', null, () => bulkCreate(ctx, LEADS, args.inputs, args.importKey)),
  }),
  updateLeads: t.field({
    type: BulkWritePayload,
    description: `Changes many leads (${SIZE}). ${CHECKED}`,
    errors: { types: MUTATION_ERRORS },
    args: { changes: t.arg({ type: [LeadChangeInput], required: true, description: 'The leads and their changes.' }) },
    resolve: (_root, args, ctx) => asMutation(ctx, 'Lead', null, () => bulkUpdate(ctx, LEADS, args.changes)),
  }),
  moveLeads: t.field({
    type: BulkWritePayload,
    description: `Moves many leads to other statuses (${SIZE}). An unknown status or a missing lead refuses the call.`,
    errors: { types: MUTATION_ERRORS },
    args: { moves: t.arg({ type: [LeadMoveInput], required: true, description: 'The leads and their new statuses.' }) },
    resolve: (_root, args, ctx) =>
      asMutation(ctx, 'Lead', null, () =>
        bulkUpdate(
          ctx,
          {
            ...LEADS,
            changedFields: async (c, _set, _current, statusId: string) => ({
              STATUS_ID: await dictionaryCode(c, 'STATUS', statusId, 'statusId'),
            }),
          },
          args.moves.map((m) => ({ id: m.id, input: m.statusId })),
        ),
      ),
  }),
  deleteLeads: t.field({
    type: BulkWritePayload,
    description: `Deletes many leads (${SIZE}). A missing one refuses the call.`,
    errors: { types: MUTATION_ERRORS },
    args: { ids: t.arg.intList({ required: true, description: 'The leads to delete.' }) },
    resolve: (_root, args, ctx) => asMutation(ctx, 'Lead', null, () => bulkDelete(ctx, LEADS, args.ids)),
  }),
  createDeals: t.field({
    type: BulkWritePayload,
    description: `Creates many deals (${SIZE}; through crm.deal.add, as createDeal). ${CHECKED} ${KEYED}`,
    errors: { types: MUTATION_ERRORS },
    args: {
      inputs: t.arg({ type: [CreateDealInput], required: true, description: 'The new deals.' }),
      importKey: t.arg.string({ description: IMPORT_KEY }),
    },
    resolve: (_root, args, ctx) =>
      asMutation(ctx, 'Deal', null, () => bulkCreate(ctx, DEALS, args.inputs, args.importKey)),
  }),
  updateDeals: t.field({
    type: BulkWritePayload,
    description: `Changes many deals (${SIZE}; through crm.item.update, as updateDeal). ${CHECKED}`,
    errors: { types: MUTATION_ERRORS },
    args: { changes: t.arg({ type: [DealChangeInput], required: true, description: 'The deals and their changes.' }) },
    resolve: (_root, args, ctx) => asMutation(ctx, 'Deal', null, () => bulkDeals(ctx, args.changes)),
  }),
  moveDeals: t.field({
    type: BulkWritePayload,
    description: `Moves many deals to other stages of their funnels (${SIZE}). A stage of another funnel or a missing deal refuses the call.`,
    errors: { types: MUTATION_ERRORS },
    args: { moves: t.arg({ type: [DealMoveInput], required: true, description: 'The deals and their new stages.' }) },
    resolve: (_root, args, ctx) =>
      asMutation(ctx, 'Deal', null, () =>
        bulkDeals(
          ctx,
          args.moves.map((m) => ({ id: m.id, input: { stageId: m.stageId } })),
        ),
      ),
  }),
  deleteDeals: t.field({
    type: BulkWritePayload,
    description: `Deletes many deals (${SIZE}; through crm.deal.delete, as deleteDeal); only the deals. A missing one refuses the call.`,
    errors: { types: MUTATION_ERRORS },
    args: { ids: t.arg.intList({ required: true, description: 'The deals to delete.' }) },
    resolve: (_root, args, ctx) => asMutation(ctx, 'Deal', null, () => bulkDelete(ctx, DEALS, args.ids)),
  }),
}));

/** Deals change through crm.item.update (entityTypeId 2), each checked by dealFields. */
async function bulkDeals(ctx: Context, changes: readonly { id: number; input: typeof UpdateDealInput.$inferInput }[]) {
  const current = await currentRecords(
    ctx,
    DEAL,
    changes.map((c) => c.id),
  );
  return runBulkWrite(
    ctx,
    { kind: 'item', entityTypeId: EntityTypeId.deal, operation: 'update' },
    null,
    changes.length,
    async () => {
      return checkAll(ctx, changes, 'Deal', async ({ id, input }, index) => {
        const deal = current.get(id);
        if (!deal) return missingRecord('Deal', id, index);
        return { item: { index, id, fields: await dealFields(ctx, deal, input) } };
      });
    },
  );
}
