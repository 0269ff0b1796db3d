// Everything the typed schema is generated from, read in ONE chained batch: the smart-process
// types, the field descriptors of contacts, companies, deals, leads and of the first smart
// processes (by `$result[types][types][i][entityTypeId]`), their funnels, and every status
// dictionary (their stages among them). What it read primes the metadata cache,
// so the first queries after a start read no metadata. A portal with more smart processes or
// dictionary rows than one answer holds costs more requests (read through the same cached
// functions the resolvers use).
import { ref, type Command, type CommandResult } from '../upstream/batch.js';
import { BitrixError } from '../upstream/errors.js';
import type { BitrixPortal } from '../upstream/portal.js';
import { MAX_BATCH, type SubmitOptions } from '../upstream/scheduler.js';
import { EntityTypeId } from './entity-types.js';
import { fieldsKey, fieldsOf, type FieldSet } from './fields.js';
import {
  categories,
  sortedCategories,
  spaTypes,
  stageDictionary,
  stages,
  toSpaType,
  type CategoryRecord,
  type StageRecord,
} from './metadata.js';
import { asRecord, rowsAt, toInt } from './values.js';

const STANDARD = [EntityTypeId.lead, EntityTypeId.deal, EntityTypeId.contact, EntityTypeId.company];

export interface MetadataSnapshot {
  types: Awaited<ReturnType<typeof spaTypes>>;
  fields: Map<number, FieldSet>;
  categories: Map<number, CategoryRecord[]>;
  stages: Map<number, StageRecord[]>;
}

/** Reads (and caches) the metadata of every entity type: one HTTP request for a portal of up to
 * 22 smart processes, one more per 25 beyond. */
export async function readMetadataSnapshot(
  portal: BitrixPortal,
  options: SubmitOptions = {},
): Promise<MetadataSnapshot> {
  const commands: Command[] = [
    // crm.type.list pages like every list: 50 types; `start` is documented on its page.
    { method: 'crm.type.list', params: { order: { id: 'ASC' }, start: 0 } },
    ...STANDARD.map((entityTypeId) => ({ method: 'crm.item.fields', params: { entityTypeId } })),
    // Every dictionary at once: crm-status-list.md documents `order` and `filter`, no paging
    // parameter (an answer that says `next` is not trusted to be whole: see below).
    { method: 'crm.status.list', params: { order: { SORT: 'ASC' } } },
  ];
  const fixed = commands.length;
  const perType = 2;
  const inBatch = Math.floor((MAX_BATCH - fixed) / perType);
  for (let i = 0; i < inBatch; i++) {
    const entityTypeId = ref(0, 'types', i, 'entityTypeId');
    commands.push({ method: 'crm.item.fields', params: { entityTypeId } });
    commands.push({ method: 'crm.category.list', params: { entityTypeId } });
  }
  const outcomes = await portal.chain(commands, options);
  const ok = (i: number): CommandResult | null => {
    const outcome = outcomes[i];
    return outcome instanceof BitrixError ? null : outcome;
  };
  const typesAnswer = ok(0);
  if (!typesAnswer) throw outcomes[0];
  // A portal with more than 50 types is read on through the cached function.
  const whole = typesAnswer.next === undefined;
  const types = whole ? rowsAt(typesAnswer.result, ['types']).map(toSpaType) : await spaTypes(portal, options);
  if (whole) portal.metadata.prime('spaTypes', types);

  STANDARD.forEach((entityTypeId, i) => {
    primeFields(entityTypeId, ok(1 + i));
  });

  // Dictionaries grouped by ENTITY_ID. An answer that is not whole primes nothing: stages() then
  // reads each dictionary it needs on its own.
  const statuses = ok(1 + STANDARD.length);
  const byDictionary = new Map<string, Record<string, unknown>[]>();
  const dictionariesWhole = statuses !== null && statuses.next === undefined;
  if (statuses && dictionariesWhole) {
    for (const row of rowsAt(statuses.result, [])) {
      const id = String(row.ENTITY_ID ?? '');
      byDictionary.set(id, [...(byDictionary.get(id) ?? []), row]);
    }
    for (const [id, rows] of byDictionary)
      portal.metadata.prime(
        `status:${id}`,
        rows.sort((a, b) => Number(a.SORT) - Number(b.SORT) || Number(a.ID) - Number(b.ID)),
      );
  }

  types.slice(0, inBatch).forEach((type, i) => {
    primeFields(type.entityTypeId, ok(fixed + i * perType));
    primeFunnels(type.entityTypeId, ok(fixed + i * perType + 1));
  });
  // Types the batch had no room for: their funnels read plainly, beside their fields (the
  // scheduler packs them 50 commands a request); the dictionaries are already in hand.
  await Promise.all(
    types.slice(inBatch).flatMap((type) => [
      fieldsOf(portal, type.entityTypeId, options),
      dictionariesWhole
        ? portal
            .read('crm.category.list', { entityTypeId: type.entityTypeId, start: 0 }, options)
            .then((answer) => primeFunnels(type.entityTypeId, answer))
            .catch(() => undefined) // read again, alone, by categories() below
        : undefined,
    ]),
  );

  // Funnels and stages are typed for smart processes only.
  const all = [...STANDARD, ...types.map((t) => t.entityTypeId)];
  const smart = types.map((t) => t.entityTypeId);
  const [fieldSets, funnelLists, stageLists] = await Promise.all([
    Promise.all(all.map((e) => fieldsOf(portal, e, options))),
    Promise.all(smart.map((e) => categories(portal, e, options))),
    Promise.all(smart.map((e) => stages(portal, e, null, options))),
  ]);
  return {
    types,
    fields: new Map(all.map((e, i) => [e, fieldSets[i]])),
    categories: new Map(smart.map((e, i) => [e, funnelLists[i]])),
    stages: new Map(smart.map((e, i) => [e, stageLists[i]])),
  };

  function primeFields(entityTypeId: number, answer: CommandResult | null) {
    if (answer) portal.metadata.prime(fieldsKey(entityTypeId), asRecord(asRecord(answer.result).fields));
  }

  /** A smart process's funnels, and an empty stage list for each funnel whose dictionary the
   * whole status list did not hold (it has no stages yet). */
  function primeFunnels(entityTypeId: number, answer: CommandResult | null) {
    if (!answer || answer.next !== undefined) return; // more than one page: read in full by categories()
    const rows = rowsAt(answer.result, ['categories']);
    portal.metadata.prime(`categories:${entityTypeId}`, sortedCategories(rows, entityTypeId));
    if (!dictionariesWhole) return;
    for (const funnel of rows) {
      const dictionary = stageDictionary(entityTypeId, toInt(funnel.id));
      if (!byDictionary.has(dictionary)) portal.metadata.prime(`status:${dictionary}`, []);
    }
  }
}
