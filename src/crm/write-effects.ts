// What a write command makes the read cache forget: the record it changed and the lists of its
// type (an add: the lists only); everything when its reach cannot be named (a deleted contact or
// company leaves the records bound to it changed without a change of their own; an unknown
// method may touch anything).
import type { Command } from '../upstream/batch.js';
import type { CacheInvalidation } from './changes.js';
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
  if (action === 'delete' && (entityTypeId === EntityTypeId.contact || entityTypeId === EntityTypeId.company))
    return [{}];
  if (action === 'add' || action === 'batchimport') return [{ entityTypeId, listsOnly: true }];
  const id = toInt(params.id ?? params.ID);
  return [id ? { entityTypeId, id } : { entityTypeId }];
}
