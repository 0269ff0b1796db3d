// Bulk writes on smart-process cards: create (or import), update, stage move and delete of up to
// 10,000 cards per call. Every item is checked first, against the metadata and the portal
// (custom fields, funnels and stages, linked contacts, company and employees, the cards to
// change); one bad item refuses the call before anything is sent.
import type { BulkItem, BulkOperation } from '../../crm/bulk.js';
import { COMPANY } from '../../crm/companies.js';
import { CONTACT } from '../../crm/contacts.js';
import { itemsByIds, type ItemRecord } from '../../crm/items.js';
import { checkPlacement } from '../../crm/placement.js';
import { recordsByIds } from '../../crm/records.js';
import { employeesByIds } from '../../crm/users.js';
import { builder } from '../builder.js';
import { upstream, type Context } from '../context.js';
import { BulkCreateMode, BulkWritePayload, checkBulkSize, duplicateKeys, runBulkWrite, type Invalid } from './bulk.js';
import { asMutation, MUTATION_ERRORS, NotFoundError, typedError, ValidationError } from './errors.js';
import { fields } from './field.js';
import { smartProcessArg } from './spa-type.js';
import { BulkSpaCardInput, SpaCardInput, toItemFields, type CardInput } from './spa-card-mutations.js';

const SpaCardChangeInput = builder.inputType('SpaCardChangeInput', {
  description: 'One card of a bulk update.',
  fields: (t) => ({
    id: t.int({ required: true, description: 'The card id.' }),
    input: t.field({ type: SpaCardInput, required: true, description: 'The fields to change.' }),
  }),
});

const SpaCardMoveInput = builder.inputType('SpaCardMoveInput', {
  description: 'One card of a bulk stage move.',
  fields: (t) => ({
    id: t.int({ required: true, description: 'The card id.' }),
    stageId: t.string({ required: true, description: "The new stage, in the card's funnel." }),
  }),
});

/** A card to create, as the bulk mutation takes it. */
type NewCard = CardInput & {
  idempotencyKey?: string | null;
  createdAt?: Date | null;
  updatedAt?: Date | null;
  createdById?: number | null;
  updatedById?: number | null;
};

/** A checked item, or its refusal. */
type Checked = { item: BulkItem; refs: Refs } | Invalid;

interface Refs {
  contactIds?: readonly number[] | null;
  companyId?: number | null;
  employees: [field: string, id: number | null | undefined][];
}

/** Runs `check` on every item and the reference checks on all of them at once. */
async function checkAll<T>(
  ctx: Context,
  list: readonly T[],
  check: (value: T, index: number) => Promise<Checked>,
  keys: (string | null | undefined)[] = [],
): Promise<{ items: BulkItem[]; invalid: Invalid[] }> {
  checkBulkSize(list.length);
  const invalid = duplicateKeys(keys);
  const refused = new Set(invalid.map((i) => i.index));
  const checked: { item: BulkItem; refs: Refs }[] = [];
  await Promise.all(
    list.map(async (value, index) => {
      if (refused.has(index)) return;
      try {
        const result = await check(value, index);
        if ('error' in result) invalid.push(result);
        else checked.push(result);
      } catch (error) {
        invalid.push({ index, error: typedError(error, ctx.portal.secrets(), 'SpaCard') });
      }
    }),
  );
  invalid.push(...(await missingReferences(ctx, checked)));
  checked.sort((a, b) => a.item.index - b.item.index);
  return { items: checked.map((c) => c.item), invalid };
}

/** Linked contacts, companies and employees that do not exist: one by-ids read per kind for the
 * whole list (50 ids per command). */
async function missingReferences(ctx: Context, checked: readonly { item: BulkItem; refs: Refs }[]): Promise<Invalid[]> {
  const contactIds = new Set(checked.flatMap((c) => c.refs.contactIds ?? []));
  const companyIds = new Set(checked.flatMap((c) => (c.refs.companyId ? [c.refs.companyId] : [])));
  const userIds = new Set(checked.flatMap((c) => c.refs.employees.flatMap(([, id]) => (id ? [id] : []))));
  const [contacts, companies, users] = await Promise.all([
    contactIds.size ? recordsByIds(ctx.portal, CONTACT, [...contactIds], upstream(ctx)) : [],
    companyIds.size ? recordsByIds(ctx.portal, COMPANY, [...companyIds], upstream(ctx)) : [],
    userIds.size ? employeesByIds(ctx.portal, [...userIds], upstream(ctx)) : [],
  ]);
  const has = {
    contact: new Set(contacts.map((r) => r.id)),
    company: new Set(companies.map((r) => r.id)),
    user: new Set(users.map((r) => r.id)),
  };
  const out: Invalid[] = [];
  for (const { item, refs } of checked) {
    const missingContact = refs.contactIds?.find((id) => !has.contact.has(id));
    const missingUser = refs.employees.find(([, id]) => id && !has.user.has(id));
    const error =
      missingContact !== undefined
        ? new ValidationError(`there is no contact with id ${missingContact}`, 'contactIds')
        : refs.companyId && !has.company.has(refs.companyId)
          ? new ValidationError(`there is no company with id ${refs.companyId}`, 'companyId')
          : missingUser
            ? new ValidationError(`there is no user with id ${missingUser[1]}`, missingUser[0])
            : null;
    if (error) out.push({ index: item.index, error });
  }
  return out;
}

/** The cards a bulk update, move or delete names, read at once (NotFound for each missing one). */
async function currentCards(
  ctx: Context,
  entityTypeId: number,
  ids: readonly number[],
): Promise<Map<number, ItemRecord>> {
  const cards = await itemsByIds(ctx.portal, entityTypeId, ids, { ...upstream(ctx), fresh: true });
  return new Map(cards.map((card) => [card.id, card]));
}

function notFound(entityTypeId: number, id: number, index: number): Invalid {
  return { index, error: new NotFoundError(`SpaCard ${entityTypeId}:${id} does not exist`, 'SpaCard', id) };
}

const HISTORY: [keyof NewCard, string][] = [
  ['createdAt', 'createdTime'],
  ['updatedAt', 'updatedTime'],
  ['createdById', 'createdBy'],
  ['updatedById', 'updatedBy'],
];

builder.mutationFields((t) => ({
  createSpaCards: t.field({
    type: BulkWritePayload,
    description:
      "Creates many cards (up to 10,000): 50 per upstream request (CREATE) or 1,000 (IMPORT), paced by the portal's limits. Each item can carry an idempotency key; `importKey` names the whole import, so submitting it again (after a timeout, a restart) creates nothing twice even for items without keys.",
    errors: { types: MUTATION_ERRORS },
    args: {
      entityTypeId: t.arg.int({ required: true, description: 'The smart-process type.' }),
      inputs: t.arg({ type: [BulkSpaCardInput], required: true, description: 'The new cards.' }),
      mode: t.arg({ type: BulkCreateMode, defaultValue: 'CREATE', description: 'CREATE (default) or IMPORT.' }),
      importKey: t.arg.string({ description: 'Names this import: the same key is the same job.' }),
    },
    resolve: (_root, args, ctx) =>
      asMutation(ctx, 'SpaCard', null, async () => {
        const entityTypeId = smartProcessArg(args.entityTypeId);
        const importing = args.mode === 'IMPORT';
        const set = await fields(ctx, entityTypeId);
        const inputs = args.inputs as NewCard[];
        const { items, invalid } = await checkAll(
          ctx,
          inputs,
          async (raw, index) => {
            const { idempotencyKey, createdAt, updatedAt, createdById, updatedById, ...input } = raw;
            const out = toItemFields(set, input);
            for (const [from, to] of HISTORY) {
              const value = raw[from];
              if (value == null) continue;
              if (!importing) throw new ValidationError(`${from} is kept only in IMPORT mode`, from);
              out[to] = value instanceof Date ? value.toISOString() : value;
            }
            await checkPlacement(ctx.portal, entityTypeId, null, input, upstream(ctx));
            return {
              item: { index, fields: out, key: idempotencyKey ?? null, input },
              refs: {
                contactIds: input.contactIds,
                companyId: input.companyId,
                employees: [
                  ['assignedById', input.assignedById],
                  ['createdById', createdById],
                  ['updatedById', updatedById],
                ],
              },
            };
          },
          inputs.map((i) => i.idempotencyKey),
        );
        const operation: BulkOperation = importing ? 'import' : 'create';
        return runBulkWrite(ctx, { kind: 'item', entityTypeId, operation }, items, invalid, args.importKey);
      }),
  }),
  updateSpaCards: t.field({
    type: BulkWritePayload,
    description: 'Changes many cards (up to 10,000), 50 per upstream request. Missing cards refuse the call.',
    errors: { types: MUTATION_ERRORS },
    args: {
      entityTypeId: t.arg.int({ required: true, description: 'The smart-process type.' }),
      changes: t.arg({ type: [SpaCardChangeInput], required: true, description: 'The cards and their changes.' }),
    },
    resolve: (_root, args, ctx) =>
      asMutation(ctx, 'SpaCard', null, async () => {
        const entityTypeId = smartProcessArg(args.entityTypeId);
        const set = await fields(ctx, entityTypeId);
        const cards = await currentCards(
          ctx,
          entityTypeId,
          args.changes.map((c) => c.id),
        );
        const { items, invalid } = await checkAll(ctx, args.changes, async ({ id, input }, index) => {
          const card = cards.get(id);
          if (!card) return notFound(entityTypeId, id, index);
          const out = toItemFields(set, input);
          await checkPlacement(ctx.portal, entityTypeId, card, input, upstream(ctx));
          return {
            item: { index, id, fields: out },
            refs: {
              contactIds: input.contactIds,
              companyId: input.companyId,
              employees: [['assignedById', input.assignedById]],
            },
          };
        });
        return runBulkWrite(ctx, { kind: 'item', entityTypeId, operation: 'update' }, items, invalid, null);
      }),
  }),
  moveSpaCards: t.field({
    type: BulkWritePayload,
    description:
      'Moves many cards to other stages of their funnels (up to 10,000), 50 per upstream request. A stage of another funnel, or a missing card, refuses the call.',
    errors: { types: MUTATION_ERRORS },
    args: {
      entityTypeId: t.arg.int({ required: true, description: 'The smart-process type.' }),
      moves: t.arg({ type: [SpaCardMoveInput], required: true, description: 'The cards and their new stages.' }),
    },
    resolve: (_root, args, ctx) =>
      asMutation(ctx, 'SpaCard', null, async () => {
        const entityTypeId = smartProcessArg(args.entityTypeId);
        const cards = await currentCards(
          ctx,
          entityTypeId,
          args.moves.map((m) => m.id),
        );
        const { items, invalid } = await checkAll(ctx, args.moves, async ({ id, stageId }, index) => {
          const card = cards.get(id);
          if (!card) return notFound(entityTypeId, id, index);
          await checkPlacement(ctx.portal, entityTypeId, card, { stageId }, upstream(ctx));
          return { item: { index, id, fields: { stageId } }, refs: { employees: [] } };
        });
        return runBulkWrite(ctx, { kind: 'item', entityTypeId, operation: 'update' }, items, invalid, null);
      }),
  }),
  deleteSpaCards: t.field({
    type: BulkWritePayload,
    description:
      'Deletes many cards (up to 10,000), 50 per upstream request; only the cards (no cascade). A missing card refuses the call: nothing is deleted on doubt.',
    errors: { types: MUTATION_ERRORS },
    args: {
      entityTypeId: t.arg.int({ required: true, description: 'The smart-process type.' }),
      ids: t.arg.intList({ required: true, description: 'The cards to delete.' }),
    },
    resolve: (_root, args, ctx) =>
      asMutation(ctx, 'SpaCard', null, async () => {
        const entityTypeId = smartProcessArg(args.entityTypeId);
        const cards = await currentCards(ctx, entityTypeId, args.ids);
        const { items, invalid } = await checkAll(ctx, args.ids, async (id, index) =>
          cards.has(id) ? { item: { index, id }, refs: { employees: [] } } : notFound(entityTypeId, id, index),
        );
        // The same card twice would fail the second delete: refused like a duplicate key.
        invalid.push(
          ...duplicateKeys(args.ids.map(String)).map((d) => ({
            ...d,
            error: new ValidationError(`card ${args.ids[d.index]} is listed twice`, 'ids'),
          })),
        );
        return runBulkWrite(ctx, { kind: 'item', entityTypeId, operation: 'delete' }, items, invalid, null);
      }),
  }),
}));
