// Companies (old-style crm.company.*): normalised records, list filters and write fields.
import { communications, type Communication, type OldEntity } from './records.js';
import { EntityTypeId } from './entity-types.js';
import { toDate, toInt, toText } from './values.js';

export interface CompanyRecord {
  id: number;
  title: string | null;
  /** COMPANY_TYPE dictionary code, e.g. CUSTOMER. */
  companyType: string | null;
  industry: string | null;
  assignedById: number | null;
  createdAt: string | null;
  updatedAt: string | null;
  phones: Communication[];
  emails: Communication[];
  /** Every field as crm.company returned it (UPPER_CASE keys), for custom fields. */
  raw: Record<string, unknown>;
}

export function toCompany(row: Record<string, unknown>): CompanyRecord {
  return {
    id: toInt(row.ID) ?? 0,
    title: toText(row.TITLE),
    companyType: toText(row.COMPANY_TYPE),
    industry: toText(row.INDUSTRY),
    assignedById: toInt(row.ASSIGNED_BY_ID),
    createdAt: toDate(row.DATE_CREATE),
    updatedAt: toDate(row.DATE_MODIFY),
    phones: communications(row.PHONE),
    emails: communications(row.EMAIL),
    raw: row,
  };
}

export const COMPANY: OldEntity<CompanyRecord> = {
  prefix: 'crm.company',
  entityTypeId: EntityTypeId.company,
  select: ['*', 'UF_*', 'PHONE', 'EMAIL'],
  normalise: toCompany,
};

export interface CompanyFilter {
  /** Title substring, matched literally. */
  search?: string | null;
  assignedById?: number | null;
  companyType?: string | null;
  /** Equality on fields already resolved to UPPER_CASE names and converted values. */
  fields?: Record<string, unknown>;
}

/** The crm.company.list filter. Operators only ever come from here: user text is a value,
 * so a leading `>`, `!`, `%` or `=` in it is just a character. */
export function companyFilter(filter: CompanyFilter = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (filter.search) out['%TITLE'] = filter.search;
  if (filter.assignedById != null) out['=ASSIGNED_BY_ID'] = filter.assignedById;
  if (filter.companyType) out['=COMPANY_TYPE'] = filter.companyType;
  for (const [name, value] of Object.entries(filter.fields ?? {})) out[`=${name}`] = value;
  return out;
}
