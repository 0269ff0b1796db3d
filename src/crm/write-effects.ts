// What a write command makes the read cache forget: what the same change would make it forget
// when the bus tells it (invalidationFor); everything when the method's reach cannot be named.
import type { Command } from '../upstream/batch.js';
import { invalidationFor, type CacheInvalidation } from './changes.js';
import { EntityTypeId } from './entity-types.js';
import { toInt } from './values.js';

const OLD_STYLE = /^crm\.(contact|company|deal|lead)\.(add|update|delete)$/i;
const ITEM = /^crm\.item\.(add|update|delete|batchimport)$/i;
/** Writes the cache holds nothing of (addresses and requisites are read fresh every time). */
const UNCACHED = /^crm\.(address|requisite)\./i;

export function invalidationsOf(command: Command): CacheInvalidation[] {
  const { method, params } = command;
  const old = OLD_STYLE.exec(method);
  const item = old ? null : ITEM.exec(method);
  if (!old && !item) return UNCACHED.test(method) ? [] : [{}];
  const entityTypeId = old
    ? EntityTypeId[old[1].toLowerCase() as 'contact' | 'company' | 'deal' | 'lead']
    : toInt(params.entityTypeId);
  const action = (old ? old[2] : item![1]).toLowerCase();
  if (!entityTypeId) return [{}];
  const change = action === 'batchimport' ? 'add' : (action as 'add' | 'update' | 'delete');
  return [invalidationFor(entityTypeId, change, toInt(params.id ?? params.ID) ?? undefined)];
}
