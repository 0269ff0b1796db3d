// Batch loader for contacts. DataLoader collects the ids of one resolver level; one
// crm.contact.list command per 50 ids (`@ID`, start -1) rides in the portal scheduler's next batch.
import { contactsByIds, type ContactRecord } from '../../crm/contacts.js';
import { upstream, type Context } from '../context.js';

export async function loadContacts(ids: readonly number[], ctx: Context): Promise<(ContactRecord | null)[]> {
  const found = await contactsByIds(ctx.portal, ids, upstream(ctx));
  return ids.map((id) => found.get(id) ?? null);
}
