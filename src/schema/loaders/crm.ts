// Batch loaders for companies, deals and leads. DataLoader collects the ids of one resolver
// level; one `crm.X.list` command (`@ID` filter, `start: -1`) per 50 ids rides in the portal
// scheduler's next batch, next to the employee and contact lookups of the same level.
import { COMPANY, type CompanyRecord } from '../../crm/companies.js';
import { recordsByIds, type OldEntity } from '../../crm/records.js';
import { DEAL, type DealRecord } from '../../crm/deals.js';
import { LEAD, type LeadRecord } from '../../crm/leads.js';
import { upstream, type Context } from '../context.js';

async function load<R extends { id: number }>(entity: OldEntity<R>, ids: readonly number[], ctx: Context): Promise<(R | null)[]> {
  const found = await recordsByIds(ctx.portal, entity, ids, upstream(ctx));
  return ids.map((id) => found.get(id) ?? null);
}

export function loadCompanies(ids: readonly number[], ctx: Context): Promise<(CompanyRecord | null)[]> {
  return load(COMPANY, ids, ctx);
}

export function loadDeals(ids: readonly number[], ctx: Context): Promise<(DealRecord | null)[]> {
  return load(DEAL, ids, ctx);
}

export function loadLeads(ids: readonly number[], ctx: Context): Promise<(LeadRecord | null)[]> {
  return load(LEAD, ids, ctx);
}
