// Leads (old-style crm.lead.*): normalised records and list filters.
import { communications, listFilter, type Communication, type OldEntity, OldRecord } from './records.js';
import { EntityTypeId } from './entity-types.js';
import { toAmount, toId, toText } from './values.js';

export class LeadRecord extends OldRecord {
  readonly title: string | null = toText(this.raw.TITLE);
  readonly name: string | null = toText(this.raw.NAME);
  readonly secondName: string | null = toText(this.raw.SECOND_NAME);
  readonly lastName: string | null = toText(this.raw.LAST_NAME);
  readonly companyTitle: string | null = toText(this.raw.COMPANY_TITLE);
  /** STATUS dictionary code, e.g. NEW, CONVERTED. */
  readonly statusId: string | null = toText(this.raw.STATUS_ID);
  readonly sourceId: string | null = toText(this.raw.SOURCE_ID);
  readonly opportunity: number | null = toAmount(this.raw.OPPORTUNITY);
  readonly currencyId: string | null = toText(this.raw.CURRENCY_ID);
  readonly companyId: number | null = toId(this.raw.COMPANY_ID);
  readonly contactId: number | null = toId(this.raw.CONTACT_ID);
  readonly phones: Communication[] = communications(this.raw.PHONE);
  readonly emails: Communication[] = communications(this.raw.EMAIL);
}

export const LEAD: OldEntity<LeadRecord> = {
  prefix: 'crm.lead',
  entityTypeId: EntityTypeId.lead,
  select: ['*', 'UF_*', 'PHONE', 'EMAIL'],
  normalise: (row) => new LeadRecord(row),
};

export interface LeadFilter {
  /** Title substring, matched literally. */
  search?: string | null;
  statusId?: string | null;
  assignedById?: number | null;
  fields?: Record<string, unknown>;
}

/** The crm.lead.list filter; operators only ever come from here. */
export function leadFilter(filter: LeadFilter = {}): Record<string, unknown> {
  return listFilter(
    { '%TITLE': filter.search, '=STATUS_ID': filter.statusId, '=ASSIGNED_BY_ID': filter.assignedById },
    filter.fields,
  );
}
