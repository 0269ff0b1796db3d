// Bulk writes on smart-process cards: create (or import), update, stage move and delete of up to
// 10,000 cards per call. Every item is checked first, against the metadata and the portal
// (custom fields, funnels and stages, linked contacts, company and employees, the cards to
// change); one bad item refuses the call before anything is sent.
import type { BulkOperation } from '../../crm/bulk.js';
import { itemsByIds, type ItemRecord } from '../../crm/items.js';
import { checkPlacement } from '../../crm/placement.js';
import { builder } from '../builder.js';
import { upstream, type Context } from '../context.js';
import {
  BulkCreateMode,
  BulkWritePayload,
  changeInput,
  checkAll,
  listedTwice,
  missingRecord,
  runBulkWrite,
} from './bulk.js';
import { asMutation, MUTATION_ERRORS, ValidationError } from './errors.js';
import { fields } from './field.js';
import { smartProcessArg } from './spa-type.js';
import { BulkSpaCardInput, SpaCardInput, toItemFields, type CardInput } from './spa-card-mutations.js';

const SpaCardChangeInput = changeInput('SpaCard', SpaCardInput);

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

/** The cards a bulk update, move or delete names, read at once (NotFound for each missing one). */
async function currentCards(
  ctx: Context,
  entityTypeId: number,
  ids: readonly number[],
): Promise<Map<number, ItemRecord>> {
  const cards = await itemsByIds(ctx.portal, entityTypeId, ids, { ...upstream(ctx), fresh: true });
  return new Map(cards.map((card) => [card.id, card]));
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
        const operation: BulkOperation = importing ? 'import' : 'create';
        return runBulkWrite(ctx, { kind: 'item', entityTypeId, operation }, args.importKey, inputs.length, async () => {
          return checkAll(
            ctx,
            inputs,
            'SpaCard',
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
        });
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
        return runBulkWrite(
          ctx,
          { kind: 'item', entityTypeId, operation: 'update' },
          null,
          args.changes.length,
          async () => {
            return checkAll(ctx, args.changes, 'SpaCard', async ({ id, input }, index) => {
              const card = cards.get(id);
              if (!card) return missingRecord('SpaCard', id, index, `SpaCard ${entityTypeId}:${id}`);
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
          },
        );
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
        return runBulkWrite(
          ctx,
          { kind: 'item', entityTypeId, operation: 'update' },
          null,
          args.moves.length,
          async () => {
            return checkAll(ctx, args.moves, 'SpaCard', async ({ id, stageId }, index) => {
              const card = cards.get(id);
              if (!card) return missingRecord('SpaCard', id, index, `SpaCard ${entityTypeId}:${id}`);
              await checkPlacement(ctx.portal, entityTypeId, card, { stageId }, upstream(ctx));
              return { item: { index, id, fields: { stageId } }, refs: {} };
            });
          },
        );
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
        return runBulkWrite(
          ctx,
          { kind: 'item', entityTypeId, operation: 'delete' },
          null,
          args.ids.length,
          async () => {
            const { items, invalid } = await checkAll(ctx, args.ids, 'SpaCard', async (id, index) =>
              cards.has(id)
                ? { item: { index, id }, refs: {} }
                : missingRecord('SpaCard', id, index, `SpaCard ${entityTypeId}:${id}`),
            );
            invalid.push(...listedTwice(args.ids, 'SpaCard'));
            return { items, invalid };
          },
        );
      }),
  }),
}));
