// The binding methods that list every contact of a company, deal or lead and every company of a
// contact (crm.company.contact.items.get, crm.contact.company.items.get,
// crm.deal.contact.items.get, crm.lead.contact.items.get): `{id}` → all bindings at once, as
// `[{CONTACT_ID|COMPANY_ID, SORT, ROLE_ID, IS_PRIMARY}]` (integers and `Y`/`N`, per the docs'
// examples), primary first. The binding lists live on the records: a contact's COMPANY_IDS, a
// deal's or lead's CONTACT_IDS.
import { ApiError, type MethodTable } from '../types.js';
import type { Db } from '../store.js';
import { pget, toId } from '../util.js';

type Binding = { SORT: number; ROLE_ID: number; IS_PRIMARY: 'Y' | 'N' } & Record<string, number | string>;

function bindings(key: 'CONTACT_ID' | 'COMPANY_ID', ids: number[]): Binding[] {
  return ids.map(
    (id, i) => ({ [key]: id, SORT: (i + 1) * 10, ROLE_ID: 0, IS_PRIMARY: i === 0 ? 'Y' : 'N' }) as Binding,
  );
}

/** `id` ≤ 0 or missing: the docs' error (empty code). A missing owner: "Not found." (the deal
 * page's text; the company and contact pages are silent, UNCONFIRMED). */
function owner(db: Db, entityTypeId: number, params: Record<string, unknown>) {
  const id = toId(pget(params, 'id'));
  if (id === null || id <= 0) throw new ApiError('', 'The parameter ownerEntityID is invalid or not defined.', 400);
  const rec = db.entities.get(entityTypeId)!.table.get(id);
  if (!rec) throw new ApiError('', 'Not found.', 400);
  return rec;
}

const idList = (v: unknown): number[] => (Array.isArray(v) ? v.map(Number).filter((n) => n > 0) : []);

export function bindingMethods(db: Db): MethodTable {
  const contactsOf = (entityTypeId: number) => (params: Record<string, unknown>) => ({
    result: bindings('CONTACT_ID', idList(owner(db, entityTypeId, params).CONTACT_IDS)),
  });
  return {
    'crm.contact.company.items.get': (params) => ({
      result: bindings('COMPANY_ID', idList(owner(db, 3, params).COMPANY_IDS)),
    }),
    'crm.company.contact.items.get': (params) => {
      const company = owner(db, 4, params);
      // Contacts hold the company bindings; the company's own primary contacts come first.
      const holders = db.entities.get(3)!.table.rows.filter((c) => idList(c.COMPANY_IDS).includes(company.ID));
      holders.sort(
        (a, b) =>
          Number(idList(b.COMPANY_IDS)[0] === company.ID) - Number(idList(a.COMPANY_IDS)[0] === company.ID) ||
          a.ID - b.ID,
      );
      return {
        result: bindings(
          'CONTACT_ID',
          holders.map((c) => c.ID),
        ),
      };
    },
    'crm.deal.contact.items.get': contactsOf(2),
    'crm.lead.contact.items.get': contactsOf(1),
  };
}
