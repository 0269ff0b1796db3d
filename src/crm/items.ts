// Smart-process items (crm.item.*): normalised records, lookups by id, filters, writes.
import { BitrixError } from '../upstream/errors.js';
import type { ListMethod } from '../upstream/paging.js';
import type { BitrixPortal } from '../upstream/portal.js';
import type { SubmitOptions } from '../upstream/scheduler.js';
import { asRecord, toDate, toInt, toIntList, toText } from './values.js';
import { cacheOf, submitOnly, type ReadOptions } from './record-cache.js';

export interface ItemRecord {
  id: number;
  entityTypeId: number;
  title: string | null;
  categoryId: number | null;
  stageId: string | null;
  assignedById: number | null;
  contactIds: number[];
  companyId: number | null;
  opportunity: number | null;
  currencyId: string | null;
  createdTime: string | null;
  updatedTime: string | null;
  xmlId: string | null;
  /** Every field as crm.item returned it (camelCase keys), for custom fields. */
  raw: Record<string, unknown>;
}

export const ITEM_LIST: ListMethod = { method: 'crm.item.list', idKey: 'id', rowsPath: ['items'] };

export function toItem(row: Record<string, unknown>, entityTypeId: number): ItemRecord {
  const contactIds = toIntList(row.contactIds);
  const primary = toInt(row.contactId);
  if (primary && !contactIds.includes(primary)) contactIds.unshift(primary);
  return {
    id: toInt(row.id) ?? 0,
    entityTypeId: toInt(row.entityTypeId) ?? entityTypeId,
    title: toText(row.title),
    categoryId: toInt(row.categoryId),
    stageId: toText(row.stageId),
    assignedById: toInt(row.assignedById),
    contactIds,
    companyId: toInt(row.companyId) || null,
    opportunity: row.opportunity === null || row.opportunity === undefined ? null : Number(row.opportunity),
    currencyId: toText(row.currencyId),
    createdTime: toDate(row.createdTime),
    updatedTime: toDate(row.updatedTime),
    xmlId: toText(row.xmlId),
    raw: row,
  };
}

/** Items by id for one entity type, in storage order: one crm.item.list command per 50 ids (`@id` filter). */
export async function itemsByIds(
  portal: BitrixPortal,
  entityTypeId: number,
  ids: readonly number[],
  options: ReadOptions = {},
): Promise<ItemRecord[]> {
  const fetch = (wanted: readonly number[]) =>
    portal.byIds(
      'crm.item.list',
      wanted,
      (chunk) => ({
        entityTypeId,
        select: options.select ?? ['*'],
        filter: { '@id': chunk },
        order: { id: 'ASC' },
        start: -1,
      }),
      ['items'],
      submitOnly(options),
    );
  const cache = cacheOf(options);
  const normalise = (row: Record<string, unknown>) => toItem(row, entityTypeId);
  if (!cache) return (await fetch(ids)).map(normalise);
  return cache.records(entityTypeId, ids, options.select, (row) => toInt(row.id) ?? 0, fetch, normalise);
}

export async function itemById(
  portal: BitrixPortal,
  entityTypeId: number,
  id: number,
  options: SubmitOptions = {},
): Promise<ItemRecord | null> {
  return (await itemsByIds(portal, entityTypeId, [id], options)).find((item) => item.id === id) ?? null;
}

export interface ItemFilter {
  categoryId?: number | null;
  stageId?: string | null;
  assignedById?: number | null;
  contactId?: number | null;
  companyId?: number | null;
  /** Title substring, matched literally. */
  search?: string | null;
  /** Equality on fields already resolved to their camelCase names and converted values. */
  fields?: Record<string, unknown>;
}

/** The crm.item.list filter. Operators only ever come from here; user text is only a value. */
export function itemFilter(filter: ItemFilter): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (filter.categoryId != null) out['=categoryId'] = filter.categoryId;
  if (filter.stageId) out['=stageId'] = filter.stageId;
  if (filter.assignedById != null) out['=assignedById'] = filter.assignedById;
  // contactIds, not contactId: a contact may be a card's second or third client. (Filtering on
  // the multiple binding field is UNCONFIRMED on real portals, bitrix24-api.md §11; the
  // emulator matches when any bound contact is equal.)
  if (filter.contactId != null) out['=contactIds'] = filter.contactId;
  if (filter.companyId != null) out['=companyId'] = filter.companyId;
  // `%` (LIKE substring) takes the value literally: Bitrix escapes it; no operator can hide in it.
  if (filter.search) out['%title'] = filter.search;
  for (const [name, value] of Object.entries(filter.fields ?? {})) out[`=${name}`] = value;
  return out;
}

/** One page of cards in id order, keyset (up to 2,500 rows in one request); other orders:
 * ordered-pages.ts. */
export async function itemPage(
  portal: BitrixPortal,
  entityTypeId: number,
  filter: Record<string, unknown>,
  after: number,
  first: number,
  options: ReadOptions = {},
): Promise<{ rows: ItemRecord[]; hasNextPage: boolean }> {
  const cache = cacheOf(options);
  const select = options.select ?? ['*'];
  const load = () => readItemPage(portal, entityTypeId, select, filter, after, first, submitOnly(options));
  return cache ? cache.list(entityTypeId, { page: [filter, after, first, select] }, load) : load();
}

async function readItemPage(
  portal: BitrixPortal,
  entityTypeId: number,
  select: readonly string[],
  filter: Record<string, unknown>,
  after: number,
  first: number,
  options: SubmitOptions,
): Promise<{ rows: ItemRecord[]; hasNextPage: boolean }> {
  const page = await portal.page<Record<string, unknown>>(
    ITEM_LIST,
    { entityTypeId, select },
    filter,
    after,
    first,
    options,
  );
  return { rows: page.rows.map((row) => toItem(row, entityTypeId)), hasNextPage: page.hasNextPage };
}

export async function countItems(
  portal: BitrixPortal,
  entityTypeId: number,
  filter: Record<string, unknown>,
  options: ReadOptions = {},
): Promise<number> {
  const count = async () =>
    (await portal.read('crm.item.list', { entityTypeId, select: ['id'], filter, start: 0 }, options)).total ?? 0;
  const cache = cacheOf(options);
  return cache ? cache.list(entityTypeId, { count: filter }, count) : count();
}

function itemOf(result: unknown, entityTypeId: number): ItemRecord {
  return toItem(asRecord(asRecord(result).item), entityTypeId);
}

export async function addItem(
  portal: BitrixPortal,
  entityTypeId: number,
  fields: Record<string, unknown>,
  options: SubmitOptions = {},
): Promise<ItemRecord> {
  return itemOf((await portal.write('crm.item.add', { entityTypeId, fields }, options)).result, entityTypeId);
}

export async function updateItem(
  portal: BitrixPortal,
  entityTypeId: number,
  id: number,
  fields: Record<string, unknown>,
  options: SubmitOptions = {},
): Promise<ItemRecord> {
  return itemOf((await portal.write('crm.item.update', { entityTypeId, id, fields }, options)).result, entityTypeId);
}

export async function deleteItem(
  portal: BitrixPortal,
  entityTypeId: number,
  id: number,
  options: SubmitOptions = {},
): Promise<void> {
  await portal.write('crm.item.delete', { entityTypeId, id }, options);
}

/** One item or null (NOT_FOUND is an answer, not a failure). */
export async function getItem(
  portal: BitrixPortal,
  entityTypeId: number,
  id: number,
  options: SubmitOptions = {},
): Promise<ItemRecord | null> {
  try {
    return itemOf((await portal.read('crm.item.get', { entityTypeId, id }, options)).result, entityTypeId);
  } catch (error) {
    if (error instanceof BitrixError && error.errorClass === 'not-found') return null;
    throw error;
  }
}
