// Writes on smart-process cards: create (idempotent), update, clear fields, move stage, delete
// with an explicit, safe cascade.
import { spaTypes } from '../../crm/metadata.js';
import { assertNoPlacementInFields, checkPlacement } from '../../crm/placement.js';
import { convertInput, type FieldSet } from '../../crm/fields.js';
import { bindingVerdict, type BindingVerdict } from '../../crm/bindings.js';
import { COMPANY } from '../../crm/companies.js';
import { CONTACT } from '../../crm/contacts.js';
import { createItemOnce } from '../../crm/idempotency.js';
import { deleteRecord } from '../../crm/records.js';
import { deleteItem, getItem, updateItem, type ItemRecord } from '../../crm/items.js';
import { upstream, type Context } from '../context.js';
import { builder, type InputFields } from '../builder.js';
import { asMutation, MUTATION_ERRORS, NotFoundError, ValidationError } from './errors.js';
import { fields } from './field.js';
import { SpaCard } from './spa-card.js';
import { smartProcessArg } from './spa-type.js';

export const SpaCardInput = builder.inputType('SpaCardInput', {
  description: 'Fields of a card. Omitted fields are left as they are.',
  fields: (t) => ({
    title: t.string({ description: 'The card title.' }),
    categoryId: t.int({
      description:
        "The card's funnel, for reference: it is chosen at create and cannot change (a different one is a ValidationError).",
    }),
    stageId: t.string({ description: "The stage, e.g. `DT128_7:NEW`; must belong to the card's funnel." }),
    assignedById: t.int({ description: 'The responsible employee.' }),
    contactIds: t.intList({ description: 'Linked contacts; the first is the primary one. Replaces the list.' }),
    companyId: t.int({ description: 'The linked company.' }),
    opportunity: t.float({ description: 'The amount (types with products).' }),
    currency: t.string({ description: 'ISO currency of the amount.' }),
    fields: t.field({
      type: 'JSONObject',
      description:
        'Custom fields by name (`ufCrm1_…` or `UF_CRM_1_…`); list values by label or id; money as "300|EUR" or {amount, currency}; booleans as true/false. Unknown names are refused.',
    }),
  }),
});

/** The fields of a new card, shared by the single create and the bulk one. */
function newCardFields(t: InputFields) {
  return {
    title: t.string({ description: 'The card title.' }),
    categoryId: t.int({ description: "The funnel; the type's default funnel when omitted." }),
    stageId: t.string({ description: "The first stage; the funnel's first stage when omitted." }),
    assignedById: t.int({ description: 'The responsible employee.' }),
    contactIds: t.intList({ description: 'Linked contacts; the first is the primary one.' }),
    companyId: t.int({ description: 'The linked company.' }),
    opportunity: t.float({ description: 'The amount (types with products).' }),
    currency: t.string({ description: 'ISO currency of the amount.' }),
    fields: t.field({ type: 'JSONObject', description: 'Custom fields, as in SpaCardInput.fields.' }),
    idempotencyKey: t.string({
      description:
        'Repeat a create safely: the same key never creates a second card, even when the first answer was lost. A reused key with a different input is a ValidationError. (The Idempotency-Key header works too.)',
    }),
  };
}

const CreateSpaCardInput = builder.inputType('CreateSpaCardInput', {
  description: 'A new card.',
  fields: (t) => newCardFields(t),
});

export const BulkSpaCardInput = builder.inputType('BulkSpaCardInput', {
  description: 'A new card of a bulk create. The history fields are kept only in IMPORT mode.',
  fields: (t) => ({
    ...newCardFields(t),
    createdAt: t.field({ type: 'DateTime', description: 'IMPORT only: when it was created in the source system.' }),
    updatedAt: t.field({ type: 'DateTime', description: 'IMPORT only: when it was last changed there.' }),
    createdById: t.int({ description: 'IMPORT only: the employee who created it.' }),
    updatedById: t.int({ description: 'IMPORT only: the employee who last changed it.' }),
  }),
});

export const CascadeMode = builder.enumType('CascadeMode', {
  description: 'What else a delete removes.',
  values: {
    NONE: { description: 'Only the card.' },
    ORPHANS: {
      description:
        'Also the linked contacts and company that nothing else binds (no card, deal, lead, estimate or invoice, and no company for a contact or contact for a company). A record whose bindings cannot all be checked is kept.',
    },
  } as const,
});

export type CardInput = {
  title?: string | null;
  categoryId?: number | null;
  stageId?: string | null;
  assignedById?: number | null;
  contactIds?: number[] | null;
  companyId?: number | null;
  opportunity?: number | null;
  currency?: string | null;
  fields?: Record<string, unknown> | null;
};

/** Input → crm.item fields; custom fields checked against the metadata. */
export function toItemFields(set: FieldSet, input: CardInput): Record<string, unknown> {
  const out: Record<string, unknown> = input.fields ? convertInput(set, input.fields, 'name') : {};
  assertNoPlacementInFields(out);
  if (input.title != null) out.title = input.title;
  if (input.categoryId != null) out.categoryId = input.categoryId;
  if (input.stageId != null) out.stageId = input.stageId;
  if (input.assignedById != null) out.assignedById = input.assignedById;
  if (input.contactIds != null) out.contactIds = input.contactIds;
  if (input.companyId != null) out.companyId = input.companyId;
  if (input.opportunity != null) out.opportunity = input.opportunity;
  if (input.currency != null) out.currencyId = input.currency.toUpperCase();
  return out;
}

async function existing(ctx: Context, entityTypeId: number, id: number): Promise<ItemRecord> {
  const card = await getItem(ctx.portal, entityTypeId, id, upstream(ctx));
  if (!card) throw new NotFoundError(`SpaCard ${entityTypeId}:${id} does not exist`, 'SpaCard', id);
  return card;
}

builder.mutationFields((t) => ({
  createSpaCard: t.field({
    type: SpaCard,
    description: "Creates a card (the seed's createSpaCard, safe to retry with an idempotency key).",
    errors: { types: MUTATION_ERRORS },
    args: {
      entityTypeId: t.arg.int({ required: true, description: 'The smart-process type.' }),
      input: t.arg({ type: CreateSpaCardInput, required: true, description: 'The new card.' }),
    },
    resolve: (_root, args, ctx) =>
      asMutation(ctx, 'SpaCard', null, async () => {
        smartProcessArg(args.entityTypeId);
        const { idempotencyKey, ...input } = args.input;
        const key = idempotencyKey ?? ctx.idempotencyKey ?? null;
        const set = await fields(ctx, args.entityTypeId);
        const itemFields = toItemFields(set, input);
        await checkPlacement(ctx.portal, args.entityTypeId, null, input, upstream(ctx));
        return (await createItemOnce(ctx.portal, args.entityTypeId, key, input, itemFields, upstream(ctx))).item;
      }),
  }),
  updateSpaCard: t.field({
    type: SpaCard,
    description: "Changes fields of a card (the seed's updateSpaCardFields).",
    errors: { types: MUTATION_ERRORS },
    args: {
      entityTypeId: t.arg.int({ required: true, description: 'The smart-process type.' }),
      id: t.arg.int({ required: true, description: 'The card id.' }),
      input: t.arg({ type: SpaCardInput, required: true, description: 'The fields to change.' }),
    },
    resolve: (_root, args, ctx) =>
      asMutation(ctx, 'SpaCard', args.id, async () => {
        smartProcessArg(args.entityTypeId);
        const set = await fields(ctx, args.entityTypeId);
        const itemFields = toItemFields(set, args.input);
        const card = await existing(ctx, args.entityTypeId, args.id);
        await checkPlacement(ctx.portal, args.entityTypeId, card, args.input, upstream(ctx));
        return await updateItem(ctx.portal, args.entityTypeId, args.id, itemFields, upstream(ctx));
      }),
  }),
  clearSpaCardFields: t.field({
    type: SpaCard,
    description: "Empties the named fields of a card (the seed's clearSpaCardFields).",
    errors: { types: MUTATION_ERRORS },
    args: {
      entityTypeId: t.arg.int({ required: true, description: 'The smart-process type.' }),
      id: t.arg.int({ required: true, description: 'The card id.' }),
      fields: t.arg.stringList({ required: true, description: 'Field names, either spelling.' }),
    },
    resolve: (_root, args, ctx) =>
      asMutation(ctx, 'SpaCard', args.id, async () => {
        smartProcessArg(args.entityTypeId);
        if (args.fields.length === 0) throw new ValidationError('name at least one field to clear', 'fields');
        const set = await fields(ctx, args.entityTypeId);
        const cleared = convertInput(set, Object.fromEntries(args.fields.map((name) => [name, null])), 'name');
        await existing(ctx, args.entityTypeId, args.id);
        return await updateItem(ctx.portal, args.entityTypeId, args.id, cleared, upstream(ctx));
      }),
  }),
  moveSpaCardStage: t.field({
    type: SpaCard,
    description: 'Moves a card to another stage of its funnel. A stage of another funnel is a ValidationError.',
    errors: { types: MUTATION_ERRORS },
    args: {
      entityTypeId: t.arg.int({ required: true, description: 'The smart-process type.' }),
      id: t.arg.int({ required: true, description: 'The card id.' }),
      stageId: t.arg.string({ required: true, description: 'The target stage, e.g. `DT128_7:CLIENT`.' }),
    },
    resolve: (_root, args, ctx) =>
      asMutation(ctx, 'SpaCard', args.id, async () => {
        smartProcessArg(args.entityTypeId);
        const card = await existing(ctx, args.entityTypeId, args.id);
        await checkPlacement(ctx.portal, args.entityTypeId, card, { stageId: args.stageId }, upstream(ctx));
        return await updateItem(ctx.portal, args.entityTypeId, args.id, { stageId: args.stageId }, upstream(ctx));
      }),
  }),
  deleteSpaCard: t.field({
    type: DeletedSpaCard,
    description:
      'Deletes a card, and with cascade ORPHANS its contacts and company that nothing else links to (the seed also deleted shared ones).',
    errors: { types: MUTATION_ERRORS },
    args: {
      entityTypeId: t.arg.int({ required: true, description: 'The smart-process type.' }),
      id: t.arg.int({ required: true, description: 'The card id.' }),
      cascade: t.arg({ type: CascadeMode, defaultValue: 'NONE', description: 'What else to delete.' }),
    },
    resolve: (_root, args, ctx) =>
      asMutation(ctx, 'SpaCard', args.id, async () => {
        smartProcessArg(args.entityTypeId);
        const card = await existing(ctx, args.entityTypeId, args.id);
        await deleteItem(ctx.portal, args.entityTypeId, args.id, upstream(ctx));
        if (args.cascade !== 'ORPHANS') {
          const kept: KeptRecord[] = [
            ...card.contactIds.map((bitrixId) => ({
              entity: 'CONTACT' as const,
              bitrixId,
              reason: 'CASCADE_NONE' as const,
            })),
            ...(card.companyId
              ? [{ entity: 'COMPANY' as const, bitrixId: card.companyId, reason: 'CASCADE_NONE' as const }]
              : []),
          ];
          return {
            bitrixId: args.id,
            deletedContactIds: [],
            deletedCompanyId: null,
            keptContactIds: card.contactIds,
            keptCompanyId: card.companyId,
            kept,
          };
        }
        return { bitrixId: args.id, ...(await deleteOrphans(ctx, card)) };
      }),
  }),
}));

interface KeptRecord {
  entity: 'CONTACT' | 'COMPANY';
  bitrixId: number;
  reason: 'CASCADE_NONE' | 'STILL_LINKED' | 'NOT_VERIFIED';
}

interface DeletedRecord {
  bitrixId: number;
  deletedContactIds: number[];
  deletedCompanyId: number | null;
  keptContactIds: number[];
  keptCompanyId: number | null;
  kept: KeptRecord[];
}

const KeptReason = builder.enumType('KeptReason', {
  description: 'Why a delete kept a linked record.',
  values: {
    CASCADE_NONE: { description: 'The cascade was NONE: linked records are never deleted.' },
    STILL_LINKED: {
      description: 'Something else still binds it (a card, deal, lead, estimate, invoice, company or contact).',
    },
    NOT_VERIFIED: {
      description:
        'Whether something else binds it could not be checked (a probe failed): it was kept rather than deleted on doubt.',
    },
  } as const,
});

const CrmEntityKind = builder.enumType('LinkedEntity', {
  description: 'The kind of a record linked to a card.',
  values: { CONTACT: { description: 'A contact.' }, COMPANY: { description: 'A company.' } } as const,
});

const KeptLink = builder.objectRef<KeptRecord>('KeptLink').implement({
  description: 'A linked record a delete kept, and why.',
  fields: (t) => ({
    entity: t.field({
      type: CrmEntityKind,
      nullable: false,
      description: 'Contact or company.',
      resolve: (k) => k.entity,
    }),
    bitrixId: t.exposeInt('bitrixId', { nullable: false, description: 'Its id.' }),
    reason: t.field({ type: KeptReason, nullable: false, description: 'Why it was kept.', resolve: (k) => k.reason }),
  }),
});

const DeletedSpaCard = builder.objectRef<DeletedRecord>('DeletedSpaCard').implement({
  description: 'What a delete removed and what it kept because something else links to it.',
  fields: (t) => ({
    bitrixId: t.exposeInt('bitrixId', { nullable: false, description: 'The deleted card.' }),
    deletedContactIds: t.exposeIntList('deletedContactIds', {
      nullable: false,
      description: 'Contacts deleted with it (ORPHANS).',
    }),
    deletedCompanyId: t.exposeInt('deletedCompanyId', { description: 'The company deleted with it (ORPHANS).' }),
    keptContactIds: t.exposeIntList('keptContactIds', {
      nullable: false,
      description: 'Linked contacts kept: still linked elsewhere, not verifiable, or cascade NONE.',
    }),
    keptCompanyId: t.exposeInt('keptCompanyId', { description: 'The linked company, kept.' }),
    kept: t.field({
      type: [KeptLink],
      nullable: { list: false, items: false },
      description: 'Every linked record kept, with the reason.',
      resolve: (d) => d.kept,
    }),
  }),
});

/** Deletes the card's contacts and company that nothing else binds; a record whose bindings
 * cannot all be checked is kept (never deleted on doubt). Contacts go one by one, each after
 * its own check. */
async function deleteOrphans(ctx: Context, card: ItemRecord): Promise<Omit<DeletedRecord, 'bitrixId'>> {
  const options = upstream(ctx);
  const types = await spaTypes(ctx.portal, options);
  const out: Omit<DeletedRecord, 'bitrixId'> = {
    deletedContactIds: [],
    deletedCompanyId: null,
    keptContactIds: [],
    keptCompanyId: null,
    kept: [],
  };
  const keep = (entity: KeptRecord['entity'], bitrixId: number, verdict: BindingVerdict) =>
    out.kept.push({ entity, bitrixId, reason: verdict === 'linked' ? 'STILL_LINKED' : 'NOT_VERIFIED' });
  for (const contactId of card.contactIds) {
    const verdict = await bindingVerdict(ctx.portal, 'contact', contactId, types, options);
    if (verdict !== 'free') {
      out.keptContactIds.push(contactId);
      keep('CONTACT', contactId, verdict);
      continue;
    }
    await deleteRecord(ctx.portal, CONTACT, contactId, options);
    out.deletedContactIds.push(contactId);
  }
  if (card.companyId) {
    // Checked after the contacts: a contact of this company that was kept still binds it.
    const verdict = await bindingVerdict(ctx.portal, 'company', card.companyId, types, options);
    if (verdict !== 'free') {
      out.keptCompanyId = card.companyId;
      keep('COMPANY', card.companyId, verdict);
    } else {
      await deleteRecord(ctx.portal, COMPANY, card.companyId, options);
      out.deletedCompanyId = card.companyId;
    }
  }
  return out;
}
