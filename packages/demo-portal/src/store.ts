// In-memory tables. Rows stay sorted by ID (ids only grow, so inserts are appends) so that the
// keyset loop of §5 (`>ID` + order ID ASC + start=-1) is a binary search plus one page of work.
import type { Catalog } from './catalog.js';
import type { ChangeEvent, MetaEvent } from './types.js';
import type { Rec, Schema } from './schemas.js';

export class Table<R extends { ID: number }> {
  readonly rows: R[] = [];
  readonly byId = new Map<number, R>();
  private seq = 0;

  /** The id the next insert will get (ids are never reused). */
  nextIdPeek(): number {
    return this.seq + 1;
  }

  get size(): number {
    return this.rows.length;
  }

  insert(row: R): void {
    if (row.ID > this.seq) this.seq = row.ID;
    const last = this.rows[this.rows.length - 1];
    if (!last || last.ID < row.ID) this.rows.push(row);
    else this.rows.splice(this.lowerBound(row.ID), 0, row);
    this.byId.set(row.ID, row);
  }

  get(id: number): R | undefined {
    return this.byId.get(id);
  }

  remove(id: number): boolean {
    if (!this.byId.delete(id)) return false;
    const i = this.lowerBound(id);
    if (this.rows[i]?.ID === id) this.rows.splice(i, 1);
    return true;
  }

  /** Index of the first row with ID >= id. */
  lowerBound(id: number): number {
    let lo = 0;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.rows[mid].ID < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export interface UserRec {
  ID: number;
  ACTIVE: boolean;
  NAME: string;
  LAST_NAME: string;
  SECOND_NAME: string;
  EMAIL: string;
  LAST_LOGIN: number | null;
  DATE_REGISTER: number;
  IS_ONLINE: boolean;
  PERSONAL_GENDER: string;
  PERSONAL_BIRTHDAY: string | null;
  PERSONAL_MOBILE: string;
  WORK_PHONE: string;
  WORK_POSITION: string;
  UF_DEPARTMENT: number[];
  UF_PHONE_INNER: string;
  UF_EMPLOYMENT_DATE: string | null;
  USER_TYPE: 'employee' | 'extranet';
  TIME_ZONE: string;
}

export interface DeptRec {
  ID: number;
  NAME: string;
  SORT: number;
  PARENT: number | null;
  UF_HEAD: number | null;
}

export interface AddressRec {
  /** Internal sequence for stable ordering; addresses are keyed by (TYPE_ID, ENTITY_TYPE_ID, ENTITY_ID). */
  ID: number;
  TYPE_ID: number;
  ENTITY_TYPE_ID: number;
  ENTITY_ID: number;
  ADDRESS_1: string | null;
  ADDRESS_2: string | null;
  CITY: string | null;
  POSTAL_CODE: string | null;
  REGION: string | null;
  PROVINCE: string | null;
  COUNTRY: string | null;
  COUNTRY_CODE: string | null;
  LOC_ADDR_ID: number;
  ANCHOR_TYPE_ID: number;
  ANCHOR_ID: number;
}

/** A requisite (crm.requisite): details of a contact (3) or company (4); addresses hang on it. */
export interface RequisiteRec {
  ID: number;
  ENTITY_TYPE_ID: number;
  ENTITY_ID: number;
  PRESET_ID: number;
  NAME: string;
  ACTIVE: boolean;
  ADDRESS_ONLY: boolean;
  SORT: number;
}

/** A file kept in a `file` custom field (b_file): values hold its id. */
export interface FileRec {
  ID: number;
  NAME: string;
  SIZE: number;
}

export interface EntityStore {
  schema: Schema;
  table: Table<Rec>;
}

/** The portal's data: every method handler works on one Db. */
export interface Db {
  offset: string;
  seed: number;
  entities: Map<number, EntityStore>;
  users: Table<UserRec>;
  departments: Table<DeptRec>;
  addresses: Table<AddressRec>;
  requisites: Table<RequisiteRec>;
  /** Multi-field values get portal-wide ids, like b_crm_field_multi. */
  fmSeq: { value: number };
  emit(event: ChangeEvent): void;
  /** Smart-process types, funnels, stages and dictionaries (crm.type.add changes them). */
  catalog: Catalog;
  /** Files of `file` custom fields. */
  files: Table<FileRec>;
  /** Portal-wide ids of custom fields (b_user_field) and of enumeration items. */
  ufSeq: { field: number; enumItem: number };
  /** The portal's address once it listens: links to files are absolute, as on a portal. */
  links: { origin: string };
  /** Announces a metadata change (a custom field or a smart process added). */
  emitMeta(event: MetaEvent): void;
}
