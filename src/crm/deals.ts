// Deals (old-style crm.deal.list/get/add/delete): normalised records and list filters. A deal belongs to
// one company (COMPANY_ID) and has a primary contact (CONTACT_ID); the seed's getDealsByCompany
// filtered on `COMPANY_IDS`, a field deals do not have.
import { listFilter, type OldEntity, OldRecord } from './records.js';
import { EntityTypeId } from './entity-types.js';
import { toAmount, toId, toInt, toText } from './values.js';

export class DealRecord extends OldRecord {
  readonly title: string | null = toText(this.raw.TITLE);
  readonly categoryId: number = toInt(this.raw.CATEGORY_ID) ?? 0;
  readonly stageId: string | null = toText(this.raw.STAGE_ID);
  readonly opportunity: number | null = toAmount(this.raw.OPPORTUNITY);
  readonly currencyId: string | null = toText(this.raw.CURRENCY_ID);
  readonly companyId: number | null = toId(this.raw.COMPANY_ID);
  readonly contactId: number | null = toId(this.raw.CONTACT_ID);
}

export const DEAL: OldEntity<DealRecord> = {
  prefix: 'crm.deal',
  entityTypeId: EntityTypeId.deal,
  select: ['*', 'UF_*'],
  normalise: (row) => new DealRecord(row),
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
