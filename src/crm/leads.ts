// Leads (old-style crm.lead.*): normalised records and list filters.
import { communications, type Communication, type OldEntity } from './records.js';
import { EntityTypeId } from './entity-types.js';
import { toDate, toInt, toText } from './values.js';

export interface LeadRecord {
  id: number;
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
  assignedById: number | null;
  createdAt: string | null;
  updatedAt: string | null;
  phones: Communication[];
  emails: Communication[];
  raw: Record<string, unknown>;
}

export function toLead(row: Record<string, unknown>): LeadRecord {
  const opportunity =
    row.OPPORTUNITY === null || row.OPPORTUNITY === undefined || row.OPPORTUNITY === ''
      ? null
      : Number(row.OPPORTUNITY);
  return {
    id: toInt(row.ID) ?? 0,
    title: toText(row.TITLE),
    name: toText(row.NAME),
    secondName: toText(row.SECOND_NAME),
    lastName: toText(row.LAST_NAME),
    companyTitle: toText(row.COMPANY_TITLE),
    statusId: toText(row.STATUS_ID),
    sourceId: toText(row.SOURCE_ID),
    opportunity: Number.isFinite(opportunity) ? opportunity : null,
    currencyId: toText(row.CURRENCY_ID),
    companyId: toInt(row.COMPANY_ID) || null,
    contactId: toInt(row.CONTACT_ID) || null,
    assignedById: toInt(row.ASSIGNED_BY_ID),
    createdAt: toDate(row.DATE_CREATE),
    updatedAt: toDate(row.DATE_MODIFY),
    phones: communications(row.PHONE),
    emails: communications(row.EMAIL),
    raw: row,
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
  const out: Record<string, unknown> = {};
  if (filter.search) out['%TITLE'] = filter.search;
  if (filter.statusId) out['=STATUS_ID'] = filter.statusId;
  if (filter.assignedById != null) out['=ASSIGNED_BY_ID'] = filter.assignedById;
  for (const [name, value] of Object.entries(filter.fields ?? {})) out[`=${name}`] = value;
  return out;
}
