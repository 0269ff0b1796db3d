// Leads (old-style crm.lead.*): normalised records and list filters.
import { communications, listFilter, type Communication, type OldEntity, type OldRecordBase } from './records.js';
import { EntityTypeId } from './entity-types.js';
import { toAmount, toDate, toId, toInt, toText } from './values.js';

export interface LeadRecord extends OldRecordBase {
  title: string | null;
  name: string | null;
  secondName: string | null;
  lastName: string | null;
  companyTitle: string | null;
  /** STATUS dictionary code, e.g. NEW, CONVERTED. */
  statusId: string | null;
  sourceId: string | null;
  opportunity: number | null;
  currencyId: string | null;
  companyId: number | null;
  contactId: number | null;
  phones: Communication[];
  emails: Communication[];
}

export function toLead(row: Record<string, unknown>): LeadRecord {
  return {
    id: toInt(row.ID) ?? 0,
    assignedById: toId(row.ASSIGNED_BY_ID),
    createdAt: toDate(row.DATE_CREATE),
    updatedAt: toDate(row.DATE_MODIFY),
    raw: row,
    title: toText(row.TITLE),
    name: toText(row.NAME),
    secondName: toText(row.SECOND_NAME),
    lastName: toText(row.LAST_NAME),
    companyTitle: toText(row.COMPANY_TITLE),
    statusId: toText(row.STATUS_ID),
    sourceId: toText(row.SOURCE_ID),
    opportunity: toAmount(row.OPPORTUNITY),
    currencyId: toText(row.CURRENCY_ID),
    companyId: toId(row.COMPANY_ID),
    contactId: toId(row.CONTACT_ID),
    phones: communications(row.PHONE),
    emails: communications(row.EMAIL),
  };
}

export const LEAD: OldEntity<LeadRecord> = {
  prefix: 'crm.lead',
  entityTypeId: EntityTypeId.lead,
  select: ['*', 'UF_*', 'PHONE', 'EMAIL'],
  normalise: toLead,
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
