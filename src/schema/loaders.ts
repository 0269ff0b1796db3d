// DataLoader options of every loadable type. DataLoader gathers the ids one resolver level asks
// for, at most 50 at a time (`maxBatchSize`: one Bitrix list page, so one command per batch);
// the domain reads them with one `@ID` list command per batch, all riding in the scheduler's
// next HTTP batch; `sort` puts the rows back in key order (an id with no row becomes null).
import { CONTACT } from '../crm/contacts.js';
import { COMPANY } from '../crm/companies.js';
import { DEAL } from '../crm/deals.js';
import { isSmartProcessId } from '../crm/entity-types.js';
import { itemsByIds, type ItemRecord } from '../crm/items.js';
import { LEAD } from '../crm/leads.js';
import { IDS_PER_READ, recordsByIds, type OldEntity } from '../crm/records.js';
import { departments, employeesByIds } from '../crm/users.js';
import { upstream, type Context } from './context.js';
import { cardSelect, companySelect, contactSelect, dealSelect, leadSelect } from './selects.js';

function byId<K, R>(load: (keys: K[], ctx: Context) => Promise<R[]>, key: (record: R) => K) {
  return { load, sort: key, loaderOptions: { maxBatchSize: IDS_PER_READ } };
}

function records<R extends { id: number }>(
  entity: OldEntity<R>,
  select: (ctx: Context) => string[] | undefined = () => undefined,
) {
  return byId(
    async (ids: number[], ctx: Context) =>
      recordsByIds(ctx.portal, entity, ids, { ...upstream(ctx), select: select(ctx) }),
    (r) => r.id,
  );
}

export const contactLoader = records(CONTACT, contactSelect);
export const companyLoader = records(COMPANY, companySelect);
export const dealLoader = records(DEAL, dealSelect);
export const leadLoader = records(LEAD, leadSelect);

export const employeeLoader = byId(
  (ids: number[], ctx: Context) => employeesByIds(ctx.portal, ids, upstream(ctx)),
  (e) => e.id,
);

/** Departments come from the metadata cache: one department.get for the whole tree. */
export const departmentLoader = byId(
  (_ids: number[], ctx: Context) => departments(ctx.portal, upstream(ctx)),
  (d) => d.id,
);

/** A card's key names its type and id (`entityTypeId:id`): card ids are unique per type only. */
export function cardKey(entityTypeId: number, id: number): string {
  return `${entityTypeId}:${id}`;
}

export function parseCardKey(key: string): { entityTypeId: number; id: number } | null {
  const match = /^(\d+):(\d+)$/.exec(key);
  // A card key names a smart process: never a deal or contact read as a card.
  return match && isSmartProcessId(Number(match[1])) ? { entityTypeId: Number(match[1]), id: Number(match[2]) } : null;
}

/** Cards of several types: one crm.item.list per type, all in the same batch. */
async function loadCards(keys: string[], ctx: Context): Promise<ItemRecord[]> {
  const idsByType = new Map<number, number[]>();
  for (const parsed of keys.map(parseCardKey)) {
    if (parsed) idsByType.set(parsed.entityTypeId, [...(idsByType.get(parsed.entityTypeId) ?? []), parsed.id]);
  }
  const perType = await Promise.all(
    [...idsByType].map(async ([entityTypeId, ids]) =>
      itemsByIds(ctx.portal, entityTypeId, ids, { ...upstream(ctx), select: cardSelect(ctx) }),
    ),
  );
  return perType.flat();
}

export const cardLoader = byId(loadCards, (card) => cardKey(card.entityTypeId, card.id));
