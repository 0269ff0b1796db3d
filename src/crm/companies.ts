// Companies (old-style crm.company.*): normalised records, list filters and write fields.
import { communications, listFilter, type Communication, type OldEntity, type OldRecordBase } from './records.js';
import { EntityTypeId } from './entity-types.js';
import { toDate, toId, toInt, toText } from './values.js';

export interface CompanyRecord extends OldRecordBase {
  title: string | null;
  /** COMPANY_TYPE dictionary code, e.g. CUSTOMER. */
  companyType: string | null;
  industry: string | null;
  phones: Communication[];
  emails: Communication[];
}

export function toCompany(row: Record<string, unknown>): CompanyRecord {
  return {
    id: toInt(row.ID) ?? 0,
    assignedById: toId(row.ASSIGNED_BY_ID),
    createdAt: toDate(row.DATE_CREATE),
    updatedAt: toDate(row.DATE_MODIFY),
    raw: row,
    title: toText(row.TITLE),
    companyType: toText(row.COMPANY_TYPE),
    industry: toText(row.INDUSTRY),
    phones: communications(row.PHONE),
    emails: communications(row.EMAIL),
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
  return listFilter(
    { '%TITLE': filter.search, '=ASSIGNED_BY_ID': filter.assignedById, '=COMPANY_TYPE': filter.companyType },
    filter.fields,
  );
}
