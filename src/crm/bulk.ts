// Bulk writes: many independent writes of one entity type in as few HTTP requests as the portal
// allows (50 commands per batch; crm.item.batchImport carries 20 records per command), paced by
// the scheduler like any other work (the portal's bucket, each method's operating budget), each
// item with its own outcome in input order. Keyed creates are looked up first, 50 keys per
// command, so a rerun creates nothing twice; a write whose answer was lost is looked up again by
// its key. No GraphQL here: validation and typing are the schema's.
import type { Command, CommandResult } from '../upstream/batch.js';
import { BitrixError } from '../upstream/errors.js';
import type { BitrixPortal } from '../upstream/portal.js';
import { MAX_BATCH, type SubmitOptions } from '../upstream/scheduler.js';
import { FieldInputError } from './fields.js';
import { itemKeys, recordKeys, type BulkKeys } from './idempotency.js';
import type { OldEntity } from './records.js';
import { chunks } from '../lib/chunks.js';
import { asRecord, toInt } from './values.js';

export type BulkOperation = 'create' | 'import' | 'update' | 'delete';

/** One prepared write: portal fields already converted and checked. */
export interface BulkItem {
  /** Position in the caller's list. */
  index: number;
  /** The record to change (update, delete). */
  id?: number;
  /** Portal fields (create, import, update). */
  fields?: Record<string, unknown>;
  /** Idempotency key (create, import) and what it is bound to. */
  key?: string | null;
  input?: unknown;
}

export interface BulkOutcome {
  index: number;
  /** The record written (null when the write failed). */
  id: number | null;
  /** False when a keyed create found the record an earlier create made. */
  created: boolean;
  error: Error | null;
}

/** Where the writes go: which commands carry which items, and how a result reads per item. */
export interface BulkTarget {
  /** Items per command (20 for crm.item.batchImport, otherwise 1). */
  perCommand: number;
  command(items: readonly BulkItem[]): Command;
  /** One id or error per item of the command. */
  read(result: CommandResult, items: readonly BulkItem[]): (number | BitrixError)[];
  /** How keyed creates are stamped and found (creates and imports). */
  keys?: BulkKeys;
}

/** crm.item.batchImport takes at most 20 records per call (crm-item-batch-import.md). */
export const IMPORT_PER_COMMAND = 20;

/** Smart-process cards (and any crm.item type) through crm.item.*. */
export function itemTarget(entityTypeId: number, operation: BulkOperation): BulkTarget {
  const keys = itemKeys(entityTypeId);
  switch (operation) {
    case 'create':
      return {
        perCommand: 1,
        keys,
        command: ([item]) => ({ method: 'crm.item.add', params: { entityTypeId, fields: stamped(keys, item) } }),
        read: (result) => [toInt(asRecord(asRecord(result.result).item).id) ?? 0],
      };
    case 'import':
      return {
        perCommand: IMPORT_PER_COMMAND,
        keys,
        command: (items) => ({
          method: 'crm.item.batchImport',
          params: { entityTypeId, data: items.map((item) => stamped(keys, item)) },
        }),
        read: (result, items) => {
          const rows = asRecord(result.result).items;
          return items.map((_, i) => {
            const row = asRecord(Array.isArray(rows) ? rows[i] : undefined);
            const id = toInt(asRecord(row.item).id);
            if (id) return id;
            return new BitrixError({
              code: String(row.error ?? 'IMPORT_FAILED'),
              description: String(row.error_description ?? 'the portal did not import this record'),
              method: 'crm.item.batchImport',
              httpStatus: 400,
            });
          });
        },
      };
    case 'update':
      return {
        perCommand: 1,
        command: ([item]) => ({
          method: 'crm.item.update',
          params: { entityTypeId, id: item.id, fields: item.fields },
        }),
        read: (_result, [item]) => [item.id!],
      };
    case 'delete':
      return {
        perCommand: 1,
        command: ([item]) => ({ method: 'crm.item.delete', params: { entityTypeId, id: item.id } }),
        read: (_result, [item]) => [item.id!],
      };
  }
}

/** Contacts, companies, deals and leads through their own crm.<entity>.* methods. */
export function recordTarget(
  entity: OldEntity<unknown>,
  operation: Exclude<BulkOperation, 'import'>,
  hasOriginVersion: boolean,
): BulkTarget {
  const keys = recordKeys(entity, hasOriginVersion);
  switch (operation) {
    case 'create':
      return {
        perCommand: 1,
        keys,
        command: ([item]) => ({ method: `${entity.prefix}.add`, params: { fields: stamped(keys, item) } }),
        read: (result) => [toInt(result.result) ?? 0],
      };
    case 'update':
      return {
        perCommand: 1,
        command: ([item]) => ({ method: `${entity.prefix}.update`, params: { id: item.id, fields: item.fields } }),
        read: (_result, [item]) => [item.id!],
      };
    case 'delete':
      return {
        perCommand: 1,
        command: ([item]) => ({ method: `${entity.prefix}.delete`, params: { id: item.id } }),
        read: (_result, [item]) => [item.id!],
      };
  }
}

function stamped(keys: BulkKeys, item: BulkItem): Record<string, unknown> {
  return item.key ? { ...item.fields, ...keys.stamp(item.key, item.input) } : { ...item.fields };
}

export interface BulkRunOptions {
  /** Told about every settled item (progress). */
  onOutcomes?: (outcomes: readonly BulkOutcome[]) => void;
  /** Upstream options (a job runs without a request's deadline). */
  upstream?: SubmitOptions;
  /** Keyed writes whose answer was lost and whose record is not found are looked up again, and
   * sent once more when still missing, after this pause (jobs: see bulk-jobs.ts). */
  secondChanceMs?: number;
}

/** Runs the writes; resolves with one outcome per item, in input order. Never rejects for an
 * item's failure: that is the item's outcome. */
export async function runBulk(
  portal: BitrixPortal,
  target: BulkTarget,
  items: readonly BulkItem[],
  options: BulkRunOptions = {},
): Promise<BulkOutcome[]> {
  const outcomes = new Map<number, BulkOutcome>();
  const settle = (list: BulkOutcome[]) => {
    for (const o of list) outcomes.set(o.index, o);
    if (list.length) options.onOutcomes?.(list);
  };
  const upstream = options.upstream ?? {};
  let toSend = items;
  const keyed = target.keys ? items.filter((item) => item.key) : [];
  if (target.keys && keyed.length) {
    const found = await findKeys(portal, target.keys, keyed, upstream);
    if (found instanceof Error) {
      settle(items.map((item) => failed(item, found)));
      return ordered(items, outcomes);
    }
    const earlier: BulkOutcome[] = [];
    toSend = items.filter((item) => {
      const hit = item.key ? found.get(item.key) : undefined;
      if (!hit) return true;
      earlier.push(
        hit.same
          ? { index: item.index, id: hit.value, created: false, error: null }
          : failed(
              item,
              new FieldInputError('idempotencyKey', 'this idempotency key was already used with a different input'),
            ),
      );
      return false;
    });
    settle(earlier);
  }
  const send = (list: readonly BulkItem[]) => sendAll(portal, target, list, upstream, settle);
  let lost = await send(toSend);
  if (lost.length && target.keys) {
    const keys = target.keys;
    const recover = async (list: readonly BulkItem[]) => {
      const { found, missing } = await foundByKey(portal, keys, list, upstream);
      settle(found);
      return missing;
    };
    lost = await recover(lost);
    // Still not found: the portal most likely never ran them (a connection reset before the
    // request was read). After a pause that outlasts any write still running, look once more,
    // and send what is still missing once more; the keys keep that from making anything twice.
    if (lost.length && options.secondChanceMs !== undefined) {
      await new Promise((resolve) => setTimeout(resolve, options.secondChanceMs));
      lost = await recover(lost);
      if (lost.length) lost = await recover(await send(lost));
    }
    settle(lost.map((item) => failed(item, unknownOutcome())));
  }
  return ordered(items, outcomes);
}

/** Sends the items (each batch of 50 commands as it may go) and settles every outcome except
 * the keyed writes whose answer was lost, which it returns. */
async function sendAll(
  portal: BitrixPortal,
  target: BulkTarget,
  items: readonly BulkItem[],
  upstream: SubmitOptions,
  settle: (list: BulkOutcome[]) => void,
): Promise<BulkItem[]> {
  const commands = chunks(items, target.perCommand).map((part) => ({ command: target.command(part), items: part }));
  const lost: BulkItem[] = [];
  await Promise.all(
    chunks(commands, MAX_BATCH).map(async (group) => {
      const results = await portal.writeTogether(
        group.map((g) => g.command),
        upstream,
      );
      const done: BulkOutcome[] = [];
      results.forEach((result, i) => {
        const { items: part } = group[i];
        const perItem = result instanceof BitrixError ? part.map(() => result) : target.read(result, part);
        part.forEach((item, j) => {
          const outcome = perItem[j];
          if (outcome instanceof BitrixError && outcome.errorClass === 'outcome-unknown' && item.key) lost.push(item);
          else done.push(outcome instanceof BitrixError ? failed(item, outcome) : ok(item, outcome));
        });
      });
      settle(done);
    }),
  );
  return lost;
}

/** Writes whose answer was lost, looked up by key: the found ones were made. */
async function foundByKey(
  portal: BitrixPortal,
  keys: BulkKeys,
  lost: readonly BulkItem[],
  upstream: SubmitOptions,
): Promise<{ found: BulkOutcome[]; missing: BulkItem[] }> {
  const hits = await findKeys(portal, keys, lost, upstream);
  const found: BulkOutcome[] = [];
  const missing: BulkItem[] = [];
  for (const item of lost) {
    const hit = hits instanceof Error ? undefined : hits.get(item.key!);
    if (hit?.same) found.push({ index: item.index, id: hit.value, created: true, error: null });
    else missing.push(item);
  }
  return { found, missing };
}

function unknownOutcome(): BitrixError {
  return new BitrixError({
    code: 'OUTCOME_UNKNOWN',
    description: 'the answer was lost and the record was not found by its key: submit it again with the same key',
    method: 'bulk',
    errorClass: 'outcome-unknown',
    ambiguous: true,
  });
}

async function findKeys(portal: BitrixPortal, keys: BulkKeys, items: readonly BulkItem[], upstream: SubmitOptions) {
  try {
    return await keys.find(
      portal,
      items.map((item) => ({ key: item.key!, input: item.input })),
      upstream,
    );
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

function ok(item: BulkItem, id: number): BulkOutcome {
  return { index: item.index, id, created: item.id === undefined, error: null };
}

function failed(item: BulkItem, error: Error): BulkOutcome {
  return { index: item.index, id: item.id ?? null, created: false, error };
}

function ordered(items: readonly BulkItem[], outcomes: Map<number, BulkOutcome>): BulkOutcome[] {
  return items.map((item) => outcomes.get(item.index)!);
}
