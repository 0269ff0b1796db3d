// Writes on deals: updateDeal. Old-style crm.deal.update is deprecated (and absent from the
// embedded portal); crm.item.update with entityTypeId 2 is the documented way to change a deal.
import { COMPANY } from '../../crm/companies.js';
import { EntityTypeId } from '../../crm/entity-types.js';
import { assertNoPlacementInFields, checkPlacement } from '../../crm/placement.js';
import { recordById } from '../../crm/records.js';
import { DEAL, type DealRecord } from '../../crm/deals.js';
import { convertInput } from '../../crm/fields.js';
import { updateItem } from '../../crm/items.js';
import { upstream, type Context } from '../context.js';
import { builder } from '../builder.js';
import { checkEmployee, checkLinked, existing } from './crm-writes.js';
import { Deal } from './deal.js';
import { asMutation, MUTATION_ERRORS, NotFoundError, ValidationError } from './errors.js';
import { fields } from './field.js';

export const UpdateDealInput = builder.inputType('UpdateDealInput', {
  description: 'Changes to a deal. Omitted fields are left as they are.',
  fields: (t) => ({
    title: t.string({ description: 'Deal name (not blank).' }),
    stageId: t.string({
      description: "The new stage, e.g. `PREPARATION` or `C1:WON`; it must belong to the deal's funnel.",
    }),
    assignedById: t.int({ description: 'The responsible employee (must exist).' }),
    companyId: t.int({ description: 'The company of the deal (must exist; 0 unlinks it).' }),
    opportunity: t.float({ description: 'The amount.' }),
    currency: t.string({ description: 'ISO currency of the amount, e.g. BRL.' }),
    fields: t.field({
      type: 'JSONObject',
      description:
        'Custom (or other) fields by name, camelCase or UPPER_CASE, e.g. {"UF_CRM_1721244707107": 12.5}. Unknown names, read-only fields and bad values are a ValidationError naming the field; nothing is sent then.',
    }),
  }),
});

type DealInput = typeof UpdateDealInput.$inferInput;

/** Input → crm.item fields (camelCase), every reference checked. */
export async function dealFields(ctx: Context, deal: DealRecord, input: DealInput): Promise<Record<string, unknown>> {
  const set = await fields(ctx, EntityTypeId.deal);
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
    checkPlacement(ctx.portal, EntityTypeId.deal, deal, { stageId: input.stageId }, upstream(ctx)),
    input.assignedById != null ? checkEmployee(ctx, input.assignedById, 'assignedById') : undefined,
    input.companyId ? checkLinked(ctx, COMPANY, input.companyId, 'companyId', 'company') : undefined,
  ]);
  if (input.stageId != null) out.stageId = input.stageId;
  if (input.assignedById != null) out.assignedById = input.assignedById;
  if (input.companyId != null) out.companyId = input.companyId;
  return out;
}

builder.mutationFields((t) => ({
  updateDeal: t.field({
    type: Deal,
    description:
      'Changes fields of a deal (stage within its funnel, amount, company, employee, custom fields). A missing deal is a NotFoundError.',
    errors: { types: MUTATION_ERRORS },
    args: {
      id: t.arg.int({ required: true, description: 'The deal id.' }),
      input: t.arg({ type: UpdateDealInput, required: true, description: 'The changes.' }),
    },
    resolve: (_root, args, ctx) =>
      asMutation(ctx, 'Deal', args.id, async () => {
        const deal = await existing(ctx, DEAL, args.id, 'Deal');
        const out = await dealFields(ctx, deal, args.input);
        if (Object.keys(out).length === 0) return deal;
        await updateItem(ctx.portal, EntityTypeId.deal, args.id, out, upstream(ctx));
        const fresh = await recordById(ctx.portal, DEAL, args.id, upstream(ctx));
        if (!fresh) throw new NotFoundError(`Deal ${args.id} vanished right after the write`, 'Deal', args.id);
        Deal.getDataloader(ctx).clear(args.id).prime(args.id, fresh);
        return fresh;
      }),
  }),
}));
