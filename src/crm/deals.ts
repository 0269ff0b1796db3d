// Deals (old-style crm.deal.list/get): normalised records and list filters. A deal belongs to
// one company (COMPANY_ID) and has a primary contact (CONTACT_ID); the seed's getDealsByCompany
// filtered on `COMPANY_IDS`, a field deals do not have.
import { listFilter, type OldEntity, type OldRecordBase } from './records.js';
import { EntityTypeId } from './entity-types.js';
import { toAmount, toDate, toId, toInt, toText } from './values.js';

export interface DealRecord extends OldRecordBase {
  title: string | null;
  categoryId: number;
  stageId: string | null;
  opportunity: number | null;
  currencyId: string | null;
  companyId: number | null;
  contactId: number | null;
}

export function toDeal(row: Record<string, unknown>): DealRecord {
  return {
    id: toInt(row.ID) ?? 0,
    assignedById: toId(row.ASSIGNED_BY_ID),
    createdAt: toDate(row.DATE_CREATE),
    updatedAt: toDate(row.DATE_MODIFY),
    raw: row,
    title: toText(row.TITLE),
    categoryId: toInt(row.CATEGORY_ID) ?? 0,
    stageId: toText(row.STAGE_ID),
    opportunity: toAmount(row.OPPORTUNITY),
    currencyId: toText(row.CURRENCY_ID),
    companyId: toId(row.COMPANY_ID),
    contactId: toId(row.CONTACT_ID),
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
  return listFilter(
    {
      '=COMPANY_ID': filter.companyId,
      '=CONTACT_ID': filter.contactId,
      '=CATEGORY_ID': filter.categoryId,
      '=STAGE_ID': filter.stageId,
      '=ASSIGNED_BY_ID': filter.assignedById,
      '%TITLE': filter.search,
    },
    filter.fields,
  );
}
