// CRM metadata: smart-process types, funnels (categories), stages and dictionaries. All cached
// in the portal's metadata cache; every list is read completely (no silent 50-row cut).
import { BitrixError } from '../upstream/errors.js';
import { ref, template } from '../upstream/batch.js';
import { readKeysetPage } from '../upstream/paging.js';
import type { BitrixPortal } from '../upstream/portal.js';
import type { SubmitOptions } from '../upstream/scheduler.js';
import { EntityTypeId, isSmartProcessId } from './entity-types.js';
import { asRecord, readAllByOffset, rowsAt, toFlag, toInt, toText } from './values.js';

export type StageSemantics = 'PROCESS' | 'SUCCESS' | 'FAILURE';

export interface StageRecord {
  id: number;
  statusId: string;
  name: string;
  sort: number;
  color: string | null;
  semantics: StageSemantics;
  entityTypeId: number;
  categoryId: number | null;
}

export interface CategoryRecord {
  id: number;
  entityTypeId: number;
  name: string;
  sort: number;
  isDefault: boolean;
}

/** The switches of a smart-process type that the gateway reads (crm.type fields, `Y`/`N`). */
export const SPA_FLAGS = [
  'isCategoriesEnabled',
  'isStagesEnabled',
  'isClientEnabled',
  'isMycompanyEnabled',
  'isLinkWithProductsEnabled',
  'isBeginCloseDatesEnabled',
  'isObserversEnabled',
  'isAutomationEnabled',
] as const;

export type SpaFlag = (typeof SPA_FLAGS)[number];

export interface SpaTypeRecord {
  id: number;
  entityTypeId: number;
  title: string;
  code: string | null;
  flags: Record<SpaFlag, boolean>;
  raw: Record<string, unknown>;
}

/** Dictionary (crm.status ENTITY_ID) holding the stages of a funnel. */
export function stageDictionary(entityTypeId: number, categoryId: number | null): string {
  if (entityTypeId === EntityTypeId.lead) return 'STATUS';
  if (entityTypeId === EntityTypeId.deal) return categoryId ? `DEAL_STAGE_${categoryId}` : 'DEAL_STAGE';
  if (entityTypeId === EntityTypeId.invoice) return `SMART_INVOICE_STAGE_${categoryId ?? 0}`;
  return `DYNAMIC_${entityTypeId}_STAGE_${categoryId ?? 0}`;
}

function semanticsOf(row: Record<string, unknown>): StageSemantics {
  // SPA rows: SEMANTICS null/'S'/'F'; lead and deal rows also carry EXTRA.SEMANTICS (§7.9).
  const extra = toText(asRecord(row.EXTRA).SEMANTICS)?.toLowerCase();
  if (extra === 'success') return 'SUCCESS';
  if (extra === 'failure' || extra === 'apology') return 'FAILURE';
  const s = toText(row.SEMANTICS);
  if (s === 'S') return 'SUCCESS';
  if (s === 'F') return 'FAILURE';
  return 'PROCESS';
}

export function dictionary(
  portal: BitrixPortal,
  entityId: string,
  options: SubmitOptions = {},
): Promise<Record<string, unknown>[]> {
  return portal.metadata.get(
    `status:${entityId}`,
    () =>
      readAllByOffset(
        portal,
        'crm.status.list',
        { filter: { ENTITY_ID: entityId }, order: { SORT: 'ASC' } },
        [],
        options,
      ),
    options.meter,
  );
}

function toCategory(row: Record<string, unknown>, entityTypeId: number): CategoryRecord {
  return {
    id: toInt(row.id) ?? 0,
    entityTypeId,
    name: toText(row.name) ?? '',
    sort: toInt(row.sort) ?? 0,
    isDefault: toFlag(row.isDefault),
  };
}

/** Funnels whose stage dictionaries are named `<prefix><category id>`: smart processes and
 * new invoices. Their stages can be fetched in the same batch as the funnels. */
function dictionaryPrefix(entityTypeId: number): string | null {
  if (entityTypeId === EntityTypeId.invoice) return 'SMART_INVOICE_STAGE_';
  return isSmartProcessId(entityTypeId) ? `DYNAMIC_${entityTypeId}_STAGE_` : null;
}

/** Funnels read together with the stage lists of the first few of them, in ONE request: each
 * crm.status.list filters on `DYNAMIC_<e>_STAGE_` + `$result[funnels][categories][i][id]`.
 * The docs show references only as whole values (batch.md); the portal's engine replaces them
 * inside strings too (CRestUtil::processBatchElement). Should a portal not do so, the filter
 * would be the literal text and match nothing: so a stage list is kept only when it is not empty
 * and every row belongs to the expected dictionary; otherwise it is read on its own later. */
const FUNNELS_WITH_STAGES = 10;

async function funnelsWithStages(
  portal: BitrixPortal,
  entityTypeId: number,
  prefix: string,
  options: SubmitOptions,
): Promise<CategoryRecord[]> {
  const commands = [
    // `start` is not in the parameter table but in the page's own examples (crm-category-list.md).
    { method: 'crm.category.list', params: { entityTypeId, start: 0 } },
    ...Array.from({ length: FUNNELS_WITH_STAGES }, (_, i) => ({
      method: 'crm.status.list',
      params: { filter: { ENTITY_ID: template(prefix, ref(0, 'categories', i, 'id')) }, order: { SORT: 'ASC' } },
    })),
  ];
  const [list, ...stageLists] = await portal.chain(commands, options);
  if (list instanceof BitrixError) throw list;
  let rows = rowsAt(list.result, ['categories']);
  if (list.next !== undefined)
    rows = await readAllByOffset(portal, 'crm.category.list', { entityTypeId }, ['categories'], options);
  rows.slice(0, FUNNELS_WITH_STAGES).forEach((row, i) => {
    const stagesOf = stageLists[i];
    // Only answers for funnels that exist count; later commands had nothing to refer to.
    if (stagesOf instanceof BitrixError) return;
    const dictionary = `${prefix}${toInt(row.id)}`;
    const stageRows = rowsAt(stagesOf.result, []);
    if (stageRows.length > 0 && stageRows.every((stage) => stage.ENTITY_ID === dictionary))
      portal.metadata.prime(`status:${dictionary}`, stageRows);
  });
  return sortedCategories(rows, entityTypeId);
}

/** Funnel records in the portal's order (sort, then id). */
export function sortedCategories(rows: Record<string, unknown>[], entityTypeId: number): CategoryRecord[] {
  return rows.map((row) => toCategory(row, entityTypeId)).sort((a, b) => a.sort - b.sort || a.id - b.id);
}

export async function categories(
  portal: BitrixPortal,
  entityTypeId: number,
  options: SubmitOptions = {},
): Promise<CategoryRecord[]> {
  if (entityTypeId === EntityTypeId.lead) return []; // leads have no funnels
  return portal.metadata.get(
    `categories:${entityTypeId}`,
    async () => {
      try {
        const prefix = dictionaryPrefix(entityTypeId);
        if (prefix) return await funnelsWithStages(portal, entityTypeId, prefix, options);
        const rows = await readAllByOffset(portal, 'crm.category.list', { entityTypeId }, ['categories'], options);
        return sortedCategories(rows, entityTypeId);
      } catch (error) {
        // Types without funnels answer ENTITY_TYPE_NOT_SUPPORTED: they have no categories.
        if (error instanceof BitrixError && error.code === 'ENTITY_TYPE_NOT_SUPPORTED') return [];
        throw error;
      }
    },
    options.meter,
  );
}

/** Stages of one funnel, or of every funnel of the type when categoryId is null. */
export async function stages(
  portal: BitrixPortal,
  entityTypeId: number,
  categoryId: number | null,
  options: SubmitOptions = {},
): Promise<StageRecord[]> {
  let categoryIds: (number | null)[];
  // Funnels of smart processes arrive with their stage lists: wait for that one request rather
  // than asking for a stage list on its own.
  if (dictionaryPrefix(entityTypeId)) await categories(portal, entityTypeId, options);
  if (categoryId !== null) categoryIds = [categoryId];
  else if (entityTypeId === EntityTypeId.lead) categoryIds = [null];
  else categoryIds = (await categories(portal, entityTypeId, options)).map((c) => c.id);
  const lists = await Promise.all(
    categoryIds.map(async (cat) => {
      const rows = await dictionary(portal, stageDictionary(entityTypeId, cat), options);
      // Every card asks for its funnel's stages: map the cached rows once, not once per card.
      const known = stageRecords.get(rows);
      if (known) return known;
      const records = rows.map(
        (row): StageRecord => ({
          id: toInt(row.ID) ?? 0,
          statusId: toText(row.STATUS_ID) ?? '',
          name: toText(row.NAME) ?? '',
          sort: toInt(row.SORT) ?? 0,
          color: toText(row.COLOR) ?? toText(asRecord(row.EXTRA).COLOR),
          semantics: semanticsOf(row),
          entityTypeId,
          categoryId: cat ?? toInt(row.CATEGORY_ID),
        }),
      );
      stageRecords.set(rows, records);
      return records;
    }),
  );
  return lists.length === 1 ? lists[0] : lists.flat();
}

/** Stage records by the cached dictionary rows they were made from (gone with those rows). */
const stageRecords = new WeakMap<readonly Record<string, unknown>[], StageRecord[]>();

const TYPE_LIST = { method: 'crm.type.list', idKey: 'id', rowsPath: ['types'] } as const;

/** Every smart-process type (all pages, keyset). */
export function spaTypes(portal: BitrixPortal, options: SubmitOptions = {}): Promise<SpaTypeRecord[]> {
  return portal.metadata.get(
    'spaTypes',
    async () => {
      const all: SpaTypeRecord[] = [];
      let after = 0;
      for (;;) {
        const page = await readKeysetPage<Record<string, unknown>>(
          portal.scheduler,
          TYPE_LIST,
          {},
          {},
          after,
          2_500,
          options,
        );
        all.push(...page.rows.map(toSpaType));
        if (!page.hasNextPage || page.rows.length === 0) return all;
        after = all[all.length - 1].id;
      }
    },
    options.meter,
  );
}

export function toSpaType(row: Record<string, unknown>): SpaTypeRecord {
  const flags = Object.fromEntries(SPA_FLAGS.map((flag) => [flag, toFlag(row[flag])])) as Record<SpaFlag, boolean>;
  return {
    id: toInt(row.id) ?? 0,
    entityTypeId: toInt(row.entityTypeId) ?? 0,
    title: toText(row.title) ?? '',
    code: toText(row.code),
    flags,
    raw: row,
  };
}

export async function spaType(
  portal: BitrixPortal,
  entityTypeId: number,
  options: SubmitOptions = {},
): Promise<SpaTypeRecord | null> {
  return (await spaTypes(portal, options)).find((t) => t.entityTypeId === entityTypeId) ?? null;
}
