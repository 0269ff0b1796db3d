// Upstream select lists from the operation's selection (selection.ts): for cards and contacts, the
// portal is asked only for the fields the query reads. `customFields` and `field` (by name), or a
// field not listed here, ask for everything: naming the custom fields would need their metadata
// before the read, one request more on a cold start, for little gain (they are most of a row).
// Companies, deals and leads keep their full select for now.
import type { Context } from './context.js';
import { upstreamSelect } from './selection.js';

const CARD: Record<string, readonly string[] | 'all'> = {
  id: ['id'],
  bitrixId: ['id'],
  entityTypeId: [],
  spaType: [],
  title: ['title'],
  stage: ['stageId', 'categoryId'],
  category: ['categoryId'],
  assignedBy: ['assignedById'],
  opportunity: ['opportunity'],
  currency: ['currencyId'],
  contact: ['contactId', 'contactIds'],
  contacts: ['contactId', 'contactIds'],
  company: ['companyId'],
  createdAt: ['createdTime'],
  updatedAt: ['updatedTime'],
  customFields: 'all',
  field: 'all',
};

const CONTACT: Record<string, readonly string[] | 'all'> = {
  id: ['ID'],
  bitrixId: ['ID'],
  name: ['NAME'],
  secondName: ['SECOND_NAME'],
  lastName: ['LAST_NAME'],
  fullName: ['NAME', 'SECOND_NAME', 'LAST_NAME'],
  phones: ['PHONE'],
  emails: ['EMAIL'],
  type: ['TYPE_ID'],
  assignedBy: ['ASSIGNED_BY_ID'],
  company: ['COMPANY_ID'],
  addresses: [],
  companies: [],
  deals: [],
  spaCards: [],
  createdAt: ['DATE_CREATE'],
  updatedAt: ['DATE_MODIFY'],
  customFields: 'all',
  field: 'all',
};

/** What a request reads of cards: a select list, or undefined for all. */
export function cardSelect(ctx: Context): string[] | undefined {
  return upstreamSelect(ctx.selection?.get('SpaCard'), CARD, ['id', 'entityTypeId']);
}

/** What a request reads of contacts: a select list, or undefined for the full one. */
export function contactSelect(ctx: Context): string[] | undefined {
  return upstreamSelect(ctx.selection?.get('Contact'), CONTACT, ['ID']);
}
