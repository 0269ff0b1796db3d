// Companies (old-style crm.company.*): normalised records, list filters and write fields.
import { communications, listFilter, type Communication, type OldEntity, OldRecord } from './records.js';
import { EntityTypeId } from './entity-types.js';
import { toText } from './values.js';

export class CompanyRecord extends OldRecord {
  readonly title: string | null = toText(this.raw.TITLE);
  /** COMPANY_TYPE dictionary code, e.g. CUSTOMER. */
  readonly companyType: string | null = toText(this.raw.COMPANY_TYPE);
  readonly industry: string | null = toText(this.raw.INDUSTRY);
  readonly phones: Communication[] = communications(this.raw.PHONE);
  readonly emails: Communication[] = communications(this.raw.EMAIL);
}

export const COMPANY: OldEntity<CompanyRecord> = {
  prefix: 'crm.company',
  entityTypeId: EntityTypeId.company,
  select: ['*', 'UF_*', 'PHONE', 'EMAIL'],
  normalise: (row) => new CompanyRecord(row),
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
