// Writes on deals: create (idempotent, crm.deal.add with the key in ORIGIN_ID, as companies and
// leads), update, clear fields and stage moves (crm.item.update with entityTypeId 2, the
// documented way to change a deal), delete (crm.deal.delete). A deal's funnel is chosen when it
// is created and never changes (crm/placement.ts). Everything is checked before anything is sent.
import { COMPANY } from '../../crm/companies.js';
import { CONTACT } from '../../crm/contacts.js';
import { EntityTypeId } from '../../crm/entity-types.js';
import { categories, stages } from '../../crm/metadata.js';
import { assertNoPlacementInFields, checkPlacement } from '../../crm/placement.js';
import { deleteRecord, oldKey, recordById } from '../../crm/records.js';
import { DEAL, type DealRecord } from '../../crm/deals.js';
import { convertInput, type FieldSet } from '../../crm/fields.js';
import { updateItem } from '../../crm/items.js';
import { upstream, type Context } from '../context.js';
import { builder } from '../builder.js';
import {
  checkEmployee,
  checkLinked,
  clearedFields,
  createOldRecord,
  deletedRecordType,
  existing,
} from './crm-writes.js';
import { Deal } from './deal.js';
import { asMutation, MUTATION_ERRORS, NotFoundError, ValidationError } from './errors.js';
import { fields } from './field.js';

const dealFieldDocs = {
  assignedById: 'The responsible employee (must exist).',
  opportunity: 'The amount.',
  currency: 'ISO currency of the amount, e.g. BRL.',
  fields:
    'Custom (or other) fields by name, camelCase or UPPER_CASE, e.g. {"UF_CRM_1721244707107": 12.5}. Unknown names, read-only fields and bad values are a ValidationError naming the field; nothing is sent then.',
};

export const CreateDealInput = builder.inputType('CreateDealInput', {
  description: 'A new deal.',
  fields: (t) => ({
    title: t.string({ required: true, description: 'Deal name (required, not blank).' }),
    categoryId: t.int({
      description:
        "The funnel (0 is the default funnel); it never changes afterwards. Omitted: the stage's funnel when a stage is given, else the default funnel.",
    }),
    stageId: t.string({
      description:
        "The first stage, e.g. `PREPARATION` or `C1:NEW`; it must belong to the funnel. Omitted: the funnel's first stage.",
    }),
    assignedById: t.int({ description: `${dealFieldDocs.assignedById} Omitted: the webhook's user.` }),
    companyId: t.int({ description: 'The company of the deal (must exist).' }),
    contactIds: t.intList({ description: 'The contacts of the deal (each must exist); the first is the primary one.' }),
    opportunity: t.float({ description: dealFieldDocs.opportunity }),
    currency: t.string({ description: dealFieldDocs.currency }),
    fields: t.field({ type: 'JSONObject', description: dealFieldDocs.fields }),
    idempotencyKey: t.string({
      description:
        'Repeat a create safely: the same key never creates a second deal, even when the first answer was lost (kept in ORIGIN_ID, with ORIGINATOR_ID "bitrix24-graphql"). The key with a different input is a ValidationError. (The Idempotency-Key header works too.)',
    }),
  }),
});

export const UpdateDealInput = builder.inputType('UpdateDealInput', {
  description: 'Changes to a deal. Omitted fields are left as they are.',
  fields: (t) => ({
    title: t.string({ description: 'Deal name (not blank).' }),
    stageId: t.string({
      description: "The new stage, e.g. `PREPARATION` or `C1:WON`; it must belong to the deal's funnel.",
    }),
    assignedById: t.int({ description: dealFieldDocs.assignedById }),
    companyId: t.int({ description: 'The company of the deal (must exist; 0 unlinks it).' }),
    opportunity: t.float({ description: dealFieldDocs.opportunity }),
    currency: t.string({ description: dealFieldDocs.currency }),
    fields: t.field({ type: 'JSONObject', description: dealFieldDocs.fields }),
  }),
});

type DealInput = typeof UpdateDealInput.$inferInput;
type NewDealInput = Omit<typeof CreateDealInput.$inferInput, 'idempotencyKey'>;

/** What createDeal and updateDeal take alike → crm.item fields (camelCase), every reference
 * checked, in one batch with the placement checks (started only once the input itself passed). */
async function dealItemFields(
  ctx: Context,
  set: FieldSet,
  input: Omit<DealInput, 'stageId'>,
  placement: () => Promise<unknown>,
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = input.fields ? convertInput(set, input.fields, 'name') : {};
  assertNoPlacementInFields(out);
  for (const name of Object.keys(out)) {
    if (/^(contactIds|contactId)$/.test(name))
      throw new ValidationError(`set ${name} with its own input field, not through \`fields\``, name);
  }
  if (input.title != null) {
    if (!input.title.trim()) throw new ValidationError('title must not be blank', 'title');
    out.title = input.title.trim();
  }
  if (input.opportunity != null) {
    if (!Number.isFinite(input.opportunity) || input.opportunity < 0)
      throw new ValidationError('opportunity must be a non-negative amount', 'opportunity');
    out.opportunity = input.opportunity;
  }
  if (input.currency != null) {
    if (!/^[A-Za-z]{3}$/.test(input.currency))
      throw new ValidationError('currency must be an ISO code such as BRL', 'currency');
    out.currencyId = input.currency.toUpperCase();
  }
  await Promise.all([
    placement(),
    input.assignedById != null ? checkEmployee(ctx, input.assignedById, 'assignedById') : undefined,
    input.companyId ? checkLinked(ctx, COMPANY, input.companyId, 'companyId', 'company') : undefined,
  ]);
  if (input.assignedById != null) out.assignedById = input.assignedById;
  return out;
}

/** Input → crm.item fields (camelCase) for a change of `deal`, every reference checked. */
export async function dealFields(ctx: Context, deal: DealRecord, input: DealInput): Promise<Record<string, unknown>> {
  const set = await fields(ctx, EntityTypeId.deal);
  const out = await dealItemFields(ctx, set, input, () =>
    checkPlacement(ctx.portal, EntityTypeId.deal, deal, { stageId: input.stageId }, upstream(ctx)),
  );
  if (input.stageId != null) out.stageId = input.stageId;
  if (input.companyId != null) out.companyId = input.companyId;
  return out;
}

/** The funnel of a new deal: the one given (it must exist), else the given stage's own (sent
 * explicitly rather than left to the portal), else none (the portal's default funnel). */
async function newDealFunnel(ctx: Context, input: NewDealInput): Promise<number | null> {
  const { categoryId = null, stageId = null } = input;
  const [funnels] = await Promise.all([
    categoryId !== null ? categories(ctx.portal, EntityTypeId.deal, upstream(ctx)) : null,
    checkPlacement(ctx.portal, EntityTypeId.deal, null, { categoryId, stageId }, upstream(ctx)),
  ]);
  if (funnels && !funnels.some((f) => f.id === categoryId)) {
    const known = funnels.map((f) => f.id).join(', ');
    throw new ValidationError(`funnel ${categoryId} does not exist for deals (${known})`, 'categoryId');
  }
  if (categoryId !== null || stageId === null) return categoryId;
  const stage = (await stages(ctx.portal, EntityTypeId.deal, null, upstream(ctx))).find((s) => s.statusId === stageId);
  return stage?.categoryId ?? null;
}

/** Old-style keys of the typed fields (crm-deal-add.md), whatever the portal's metadata holds. */
const OLD_KEYS: Record<string, string> = {
  title: 'TITLE',
  categoryId: 'CATEGORY_ID',
  stageId: 'STAGE_ID',
  assignedById: 'ASSIGNED_BY_ID',
  companyId: 'COMPANY_ID',
  contactIds: 'CONTACT_IDS',
  opportunity: 'OPPORTUNITY',
  currencyId: 'CURRENCY_ID',
};

/** A new deal as crm.deal.add takes it (old-style keys), with every check updateDeal makes, plus
 * the funnel and the contacts. */
export async function newDealFields(
  ctx: Context,
  set: FieldSet,
  input: NewDealInput,
): Promise<Record<string, unknown>> {
  const placed: { funnel: number | null } = { funnel: null };
  const item = await dealItemFields(ctx, set, input, () =>
    Promise.all([
      newDealFunnel(ctx, input).then((id) => {
        placed.funnel = id;
      }),
      ...(input.contactIds ?? []).map((id, i) => checkLinked(ctx, CONTACT, id, `contactIds[${i}]`, 'contact')),
    ]),
  );
  if (placed.funnel !== null) item.categoryId = placed.funnel;
  if (input.stageId != null) item.stageId = input.stageId;
  if (input.companyId) item.companyId = input.companyId;
  if (input.contactIds?.length) item.contactIds = input.contactIds;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item))
    out[OLD_KEYS[name] ?? oldKey(EntityTypeId.deal, set.byName.get(name.toLowerCase())!)] = value;
  return out;
}

async function reloaded(ctx: Context, id: number): Promise<DealRecord> {
  const deal = await recordById(ctx.portal, DEAL, id, { ...upstream(ctx), fresh: true });
  if (!deal) throw new NotFoundError(`Deal ${id} vanished right after the write`, 'Deal', id);
  Deal.getDataloader(ctx).clear(id).prime(id, deal);
  return deal;
}

/** updateDeal and moveDealStage: the deal must exist; nothing is sent when nothing changes. */
async function changeDeal(ctx: Context, id: number, input: DealInput): Promise<DealRecord> {
  const deal = await existing(ctx, DEAL, id, 'Deal');
  const out = await dealFields(ctx, deal, input);
  if (Object.keys(out).length === 0) return deal;
  await updateItem(ctx.portal, EntityTypeId.deal, id, out, upstream(ctx));
  return await reloaded(ctx, id);
}

/** What every deal has, so a clear refuses it. */
const DEAL_ALWAYS_SET = {
  TITLE: 'a deal always has a title',
  CATEGORY_ID: 'a deal always has a funnel, chosen when it is created',
  STAGE_ID: 'a deal always has a stage (move it with moveDealStage)',
};

const DeletedDeal = deletedRecordType('DeletedDeal', 'deal');

builder.mutationFields((t) => ({
  createDeal: t.field({
    type: Deal,
    description:
      'Creates a deal in a funnel (crm.deal.add), safe to retry with an idempotency key. Unknown funnels, stages of another funnel and missing references are a ValidationError; nothing is sent then.',
    errors: { types: MUTATION_ERRORS },
    args: { input: t.arg({ type: CreateDealInput, required: true, description: 'The new deal.' }) },
    resolve: (_root, args, ctx) =>
      asMutation(ctx, 'Deal', null, async () => {
        const id = await createOldRecord(ctx, DEAL, args.input, (set, plain) => newDealFields(ctx, set, plain));
        return await reloaded(ctx, id);
      }),
  }),
  updateDeal: t.field({
    type: Deal,
    description:
      'Changes fields of a deal (stage within its funnel, amount, company, employee, custom fields). A missing deal is a NotFoundError.',
    errors: { types: MUTATION_ERRORS },
    args: {
      id: t.arg.int({ required: true, description: 'The deal id.' }),
      input: t.arg({ type: UpdateDealInput, required: true, description: 'The changes.' }),
    },
    resolve: (_root, args, ctx) => asMutation(ctx, 'Deal', args.id, () => changeDeal(ctx, args.id, args.input)),
  }),
  clearDealFields: t.field({
    type: Deal,
    description:
      'Empties the named fields of a deal (either spelling; `contactIds` unlinks every contact). Unknown, read-only or required names, the title, the funnel and the stage are a ValidationError; nothing is sent then. A missing deal is a NotFoundError.',
    errors: { types: MUTATION_ERRORS },
    args: {
      id: t.arg.int({ required: true, description: 'The deal id.' }),
      fields: t.arg.stringList({
        required: true,
        description: 'Field names, e.g. ["ufCrm_1721244707107", "COMMENTS", "companyId"].',
      }),
    },
    resolve: (_root, args, ctx) =>
      asMutation(ctx, 'Deal', args.id, async () => {
        if (args.fields.length === 0) throw new ValidationError('name at least one field to clear', 'fields');
        const [set, deal] = await Promise.all([fields(ctx, EntityTypeId.deal), existing(ctx, DEAL, args.id, 'Deal')]);
        const out = clearedFields(set, EntityTypeId.deal, args.fields, DEAL_ALWAYS_SET, 'item');
        if (Object.keys(out).length === 0) return deal;
        await updateItem(ctx.portal, EntityTypeId.deal, args.id, out, upstream(ctx));
        return await reloaded(ctx, args.id);
      }),
  }),
  moveDealStage: t.field({
    type: Deal,
    description:
      "Moves a deal to another stage of its funnel. A stage of another funnel is a ValidationError (a deal's funnel never changes), a missing deal a NotFoundError.",
    errors: { types: MUTATION_ERRORS },
    args: {
      id: t.arg.int({ required: true, description: 'The deal id.' }),
      stageId: t.arg.string({ required: true, description: "The target stage, e.g. `C1:WON`, in the deal's funnel." }),
    },
    resolve: (_root, args, ctx) =>
      asMutation(ctx, 'Deal', args.id, () => changeDeal(ctx, args.id, { stageId: args.stageId })),
  }),
  deleteDeal: t.field({
    type: DeletedDeal,
    description: 'Deletes a deal (crm.deal.delete; its company and contacts stay). A missing deal is a NotFoundError.',
    errors: { types: MUTATION_ERRORS },
    args: { id: t.arg.int({ required: true, description: 'The deal id.' }) },
    resolve: (_root, args, ctx) =>
      asMutation(ctx, 'Deal', args.id, async () => {
        await existing(ctx, DEAL, args.id, 'Deal');
        await deleteRecord(ctx.portal, DEAL, args.id, upstream(ctx));
        Deal.getDataloader(ctx).clear(args.id);
        return { bitrixId: args.id };
      }),
  }),
}));
