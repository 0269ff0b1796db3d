// Batch loader for smart-process cards. Keys are `entityTypeId:id`; one crm.item.list command
// per type and 50 ids, all in the scheduler's next batch.
import { isSmartProcessId } from '../../crm/metadata.js';
import { itemsByIds, type ItemRecord } from '../../crm/items.js';
import { upstream, type Context } from '../context.js';

export function cardKey(entityTypeId: number, id: number): string {
  return `${entityTypeId}:${id}`;
}

export function parseCardKey(key: string): { entityTypeId: number; id: number } | null {
  const match = /^(\d+):(\d+)$/.exec(key);
  // A card key names a smart process: never a deal or contact read as a card.
  return match && isSmartProcessId(Number(match[1])) ? { entityTypeId: Number(match[1]), id: Number(match[2]) } : null;
}

export async function loadCards(keys: readonly string[], ctx: Context): Promise<(ItemRecord | null)[]> {
  const byType = new Map<number, number[]>();
  for (const key of keys) {
    const parsed = parseCardKey(key);
    if (!parsed) continue;
    const ids = byType.get(parsed.entityTypeId) ?? [];
    ids.push(parsed.id);
    byType.set(parsed.entityTypeId, ids);
  }
  const found = new Map<string, ItemRecord>();
  await Promise.all(
    [...byType].map(async ([entityTypeId, ids]) => {
      for (const [id, item] of await itemsByIds(ctx.portal, entityTypeId, ids, upstream(ctx))) found.set(cardKey(entityTypeId, id), item);
    }),
  );
  return keys.map((key) => found.get(key) ?? null);
}
