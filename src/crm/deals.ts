// Deals (old-style crm.deal.list/get): normalised records and list filters. A deal belongs to
// one company (COMPANY_ID) and has a primary contact (CONTACT_ID); the seed's getDealsByCompany
// filtered on `COMPANY_IDS`, a field deals do not have.
import type { OldEntity } from './records.js';
import { EntityTypeId } from './entity-types.js';
import { toDate, toInt, toText } from './values.js';

export interface DealRecord {
  id: number;
  title: string | null;
  categoryId: number;
  stageId: string | null;
  opportunity: number | null;
  currencyId: string | null;
  companyId: number | null;
  contactId: number | null;
  assignedById: number | null;
  createdAt: string | null;
  updatedAt: string | null;
  /** Every field as crm.deal returned it (UPPER_CASE keys), for custom fields. */
  raw: Record<string, unknown>;
}

export function toDeal(row: Record<string, unknown>): DealRecord {
  const opportunity =
    row.OPPORTUNITY === null || row.OPPORTUNITY === undefined || row.OPPORTUNITY === ''
      ? null
      : Number(row.OPPORTUNITY);
  return {
    id: toInt(row.ID) ?? 0,
    title: toText(row.TITLE),
    categoryId: toInt(row.CATEGORY_ID) ?? 0,
    stageId: toText(row.STAGE_ID),
    opportunity: Number.isFinite(opportunity) ? opportunity : null,
    currencyId: toText(row.CURRENCY_ID),
    companyId: toInt(row.COMPANY_ID) || null,
    contactId: toInt(row.CONTACT_ID) || null,
    assignedById: toInt(row.ASSIGNED_BY_ID),
    createdAt: toDate(row.DATE_CREATE),
    updatedAt: toDate(row.DATE_MODIFY),
    raw: row,
  };
}

export const DEAL: OldEntity<DealRecord> = {
  prefix: 'crm.deal',
  entityTypeId: EntityTypeId.deal,
  select: ['*', 'UF_*'],
  normalise: toDeal,
};

export interface DealFilter {
  companyId?: number | null;
  contactId?: number | null;
  categoryId?: number | null;
  stageId?: string | null;
  assignedById?: number | null;
  /** Title substring, matched literally. */
  search?: string | null;
  fields?: Record<string, unknown>;
}

/** The crm.deal.list filter; operators only ever come from here. */
export function dealFilter(filter: DealFilter = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (filter.companyId != null) out['=COMPANY_ID'] = filter.companyId;
  if (filter.contactId != null) out['=CONTACT_ID'] = filter.contactId;
  if (filter.categoryId != null) out['=CATEGORY_ID'] = filter.categoryId;
  if (filter.stageId) out['=STAGE_ID'] = filter.stageId;
  if (filter.assignedById != null) out['=ASSIGNED_BY_ID'] = filter.assignedById;
  if (filter.search) out['%TITLE'] = filter.search;
  for (const [name, value] of Object.entries(filter.fields ?? {})) out[`=${name}`] = value;
  return out;
}
