// Upstream select lists from the operation's selection (selection.ts): for cards, contacts,
// companies, deals and leads, the portal is asked only for the fields the query reads. `customFields` and `field` (by name), or a
// field not listed here, ask for everything: naming the custom fields would need their metadata
// before the read, one request more on a cold start, for little gain (they are most of a row).
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

const RECORD_DATES = { createdAt: ['DATE_CREATE'], updatedAt: ['DATE_MODIFY'] } as const;
const BY_NAME = { customFields: 'all', field: 'all' } as const;

const COMPANY: Record<string, readonly string[] | 'all'> = {
  id: ['ID'],
  bitrixId: ['ID'],
  title: ['TITLE'],
  companyType: ['COMPANY_TYPE'],
  industry: ['INDUSTRY'],
  phones: ['PHONE'],
  emails: ['EMAIL'],
  assignedBy: ['ASSIGNED_BY_ID'],
  contacts: [],
  deals: [],
  ...RECORD_DATES,
  ...BY_NAME,
};

const DEAL: Record<string, readonly string[] | 'all'> = {
  id: ['ID'],
  bitrixId: ['ID'],
  title: ['TITLE'],
  category: ['CATEGORY_ID'],
  categoryId: ['CATEGORY_ID'],
  stage: ['STAGE_ID', 'CATEGORY_ID'],
  stageId: ['STAGE_ID'],
  opportunity: ['OPPORTUNITY'],
  currency: ['CURRENCY_ID'],
  company: ['COMPANY_ID'],
  contact: ['CONTACT_ID'],
  assignedBy: ['ASSIGNED_BY_ID'],
  ...RECORD_DATES,
  ...BY_NAME,
};

const LEAD: Record<string, readonly string[] | 'all'> = {
  id: ['ID'],
  bitrixId: ['ID'],
  title: ['TITLE'],
  name: ['NAME'],
  secondName: ['SECOND_NAME'],
  lastName: ['LAST_NAME'],
  fullName: ['NAME', 'SECOND_NAME', 'LAST_NAME'],
  companyTitle: ['COMPANY_TITLE'],
  status: ['STATUS_ID'],
  statusId: ['STATUS_ID'],
  sourceId: ['SOURCE_ID'],
  opportunity: ['OPPORTUNITY'],
  currency: ['CURRENCY_ID'],
  company: ['COMPANY_ID'],
  contact: ['CONTACT_ID'],
  phones: ['PHONE'],
  emails: ['EMAIL'],
  assignedBy: ['ASSIGNED_BY_ID'],
  ...RECORD_DATES,
  ...BY_NAME,
};

/** What a request reads of companies, deals, leads: a select list, or undefined for the full one. */
export const companySelect = (ctx: Context) => upstreamSelect(ctx.selection?.get('Company'), COMPANY, ['ID']);
export const dealSelect = (ctx: Context) => upstreamSelect(ctx.selection?.get('Deal'), DEAL, ['ID']);
export const leadSelect = (ctx: Context) => upstreamSelect(ctx.selection?.get('Lead'), LEAD, ['ID']);

/** What a request reads of cards: a select list, or undefined for all. */
export function cardSelect(ctx: Context): string[] | undefined {
  return upstreamSelect(ctx.selection?.get('SpaCard'), CARD, ['id', 'entityTypeId']);
}

/** What a request reads of contacts: a select list, or undefined for the full one. */
export function contactSelect(ctx: Context): string[] | undefined {
  return upstreamSelect(ctx.selection?.get('Contact'), CONTACT, ['ID']);
}
