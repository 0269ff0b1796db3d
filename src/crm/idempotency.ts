// Idempotent creates, one way for every entity: the key lives on the record itself, with a hash of
// the input, so any replica finds it and a create whose answer was lost is found, not repeated.
// - old-style records (contacts, companies, leads, deals): ORIGINATOR_ID = bitrix24-graphql and
//   ORIGIN_ID = key, ORIGIN_VERSION = input hash where the entity has ORIGIN_VERSION; otherwise
//   ORIGIN_ID = b24gql:<hash of key>:<input hash>, found by prefix (hex: no LIKE wildcard in it);
// - smart-process cards: xmlId = b24gql:<hash of key>:<input hash>, found the same way.
// Keys compare exactly; the same key with another input is refused. Creates with one key run one
// at a time (in process, and across replicas with the shared lock).
import { createHash } from 'node:crypto';
import { chunks } from '../lib/chunks.js';
import { stableJson } from '../lib/stable-json.js';
import type { BitrixPortal } from '../upstream/portal.js';
import type { SubmitOptions } from '../upstream/scheduler.js';
import { FieldInputError } from './fields.js';
import { addRecord, type OldEntity } from './records.js';
import { toInt, toText } from './values.js';
import { addItem, getItem, type ItemRecord } from './items.js';

/** ORIGINATOR_ID of every record this gateway creates with an idempotency key. */
export const ORIGINATOR = 'bitrix24-graphql';

const MAX_KEY = 200;

/** A short, stable hash of a create's input (what a replay must match). */
export function inputHash(input: unknown): string {
  return createHash('sha256')
    .update(stableJson(input ?? null))
    .digest('hex')
    .slice(0, 16);
}

/** Hashes earlier versions of the gateway stored (contacts: 32 hex digits; companies and leads:
 * 16 base64url characters), still accepted as "the same input" so that a retry across an
 * upgrade is not refused. */
function legacyHashes(input: unknown): string[] {
  const digest = createHash('sha256').update(stableJson(input ?? null));
  const copy = digest.copy();
  return [digest.digest('hex').slice(0, 32), copy.digest('base64url').slice(0, 16)];
}

function keyPrefix(key: string): string {
  return `b24gql:${createHash('sha256').update(key).digest('hex').slice(0, 24)}:`;
}

interface Found<T> {
  value: T;
  /** Created from the same input (a replay), or from another one (a misused key). */
  same: boolean;
}

/** Runs `add` once per key: an earlier create with the key is returned instead, and after a
 * failed `add` (an answer lost, so the outcome is unknown) the key is looked up again: found,
 * it was created. */
async function once<T>(
  portal: BitrixPortal,
  lock: string,
  key: string,
  find: () => Promise<Found<T> | null>,
  add: () => Promise<T>,
): Promise<{ value: T; created: boolean }> {
  if (key.length === 0 || key.length > MAX_KEY)
    throw new FieldInputError('idempotencyKey', `an idempotency key has 1 to ${MAX_KEY} characters`);
  return portal.serialize(lock, async () => {
    const earlier = await find();
    if (earlier) {
      if (!earlier.same)
        throw new FieldInputError('idempotencyKey', 'this idempotency key was already used with a different input');
      return { value: earlier.value, created: false };
    }
    try {
      return { value: await add(), created: true };
    } catch (error) {
      const again = await find().catch(() => null);
      if (again?.same) return { value: again.value, created: true };
      throw error;
    }
  });
}

/** Where the key of an old-style create is kept and how it is found. */
function originStamp(key: string, input: unknown, hasOriginVersion: boolean) {
  const hash = inputHash(input);
  const accepted = new Set([hash, ...legacyHashes(input)]);
  if (hasOriginVersion) {
    return {
      fields: { ORIGINATOR_ID: ORIGINATOR, ORIGIN_ID: key, ORIGIN_VERSION: hash },
      filter: { '=ORIGINATOR_ID': ORIGINATOR, '=ORIGIN_ID': key },
      select: ['ID', 'ORIGIN_ID', 'ORIGINATOR_ID', 'ORIGIN_VERSION'],
      // Filters may compare case-insensitively; the key is exact.
      matches: (row: Record<string, unknown>) =>
        toText(row.ORIGIN_ID) !== key ? 'none' : accepted.has(toText(row.ORIGIN_VERSION) ?? '') ? 'same' : 'different',
    };
  }
  const prefix = keyPrefix(key);
  return {
    fields: { ORIGINATOR_ID: ORIGINATOR, ORIGIN_ID: `${prefix}${hash}` },
    filter: { '=ORIGINATOR_ID': ORIGINATOR, '=%ORIGIN_ID': `${prefix}%` },
    // Only fields the entity has: leads and deals have no ORIGIN_VERSION (crm-lead-fields.md,
    // crm-deal-fields.md).
    select: ['ID', 'ORIGIN_ID', 'ORIGINATOR_ID'],
    matches: (row: Record<string, unknown>) => {
      const origin = toText(row.ORIGIN_ID) ?? '';
      if (!origin.startsWith(prefix)) return 'none';
      return accepted.has(origin.slice(prefix.length)) ? 'same' : 'different';
    },
  };
}

/** Creates an old-style record once per key (a plain add without one); its id. */
export async function createRecordOnce(
  portal: BitrixPortal,
  entity: OldEntity<unknown>,
  key: string | null | undefined,
  input: unknown,
  fields: Record<string, unknown>,
  hasOriginVersion: boolean,
  options: SubmitOptions = {},
): Promise<{ id: number; created: boolean }> {
  if (key === null || key === undefined) return { id: await addRecord(portal, entity, fields, options), created: true };
  const stamp = originStamp(key, input, hasOriginVersion);
  const find = async (): Promise<Found<number> | null> => {
    // A read-your-writes lookup: it must see a create whose answer was lost.
    const res = await portal.read(
      `${entity.prefix}.list`,
      { select: stamp.select, filter: stamp.filter, order: { ID: 'ASC' }, start: -1 },
      { ...options, fresh: true },
    );
    for (const row of Array.isArray(res.result) ? (res.result as Record<string, unknown>[]) : []) {
      const verdict = stamp.matches(row);
      if (verdict !== 'none') return { value: toInt(row.ID) ?? 0, same: verdict === 'same' };
    }
    return null;
  };
  const { value, created } = await once(portal, `${entity.prefix}:${key}`, key, find, () =>
    addRecord(portal, entity, { ...fields, ...stamp.fields }, options),
  );
  return { id: value, created };
}

/** Creates a smart-process card once per key (a plain add without one). */
export async function createItemOnce(
  portal: BitrixPortal,
  entityTypeId: number,
  key: string | null | undefined,
  input: unknown,
  fields: Record<string, unknown>,
  options: SubmitOptions = {},
): Promise<{ item: ItemRecord; created: boolean }> {
  if (key === null || key === undefined)
    return { item: await addItem(portal, entityTypeId, fields, options), created: true };
  const prefix = keyPrefix(key);
  const tag = `${prefix}${inputHash({ entityTypeId, input })}`;
  const find = async (): Promise<Found<ItemRecord> | null> => {
    const res = await portal.read(
      'crm.item.list',
      { entityTypeId, select: ['id', 'xmlId'], filter: { '=%xmlId': `${prefix}%` }, order: { id: 'ASC' }, start: -1 },
      { ...options, fresh: true },
    );
    const row = ((res.result as { items?: Record<string, unknown>[] } | null)?.items ?? [])[0];
    if (!row) return null;
    const item = await getItem(portal, entityTypeId, toInt(row.id) ?? 0, { ...options, fresh: true });
    return item ? { value: item, same: toText(row.xmlId) === tag } : null;
  };
  const { value, created } = await once(portal, prefix, key, find, () =>
    addItem(portal, entityTypeId, { ...fields, xmlId: tag }, options),
  );
  return { item: value, created };
}

/** Keyed creates in bulk: the fields that stamp a record with its key, and one lookup for many
 * keys (so an import of 10,000 keyed records costs a few requests to check, not 10,000). The
 * stamps are the single creates' own, so a bulk rerun finds what single creates made and back. */
export interface BulkKeys {
  /** Fields written with the record. */
  stamp(key: string, input: unknown): Record<string, unknown>;
  /** The records created with these keys: key → id and whether the input was the same. */
  find(
    portal: BitrixPortal,
    wanted: readonly { key: string; input: unknown }[],
    options?: SubmitOptions,
  ): Promise<Map<string, Found<number>>>;
}

/** How many keys one lookup command carries (one list page of rows back). */
const KEYS_PER_LOOKUP = 50;

/** Smart-process cards: one crm.item.list per 50 keys, an OR of `=%xmlId` prefixes (the
 * `logic: OR` group and `=%` are documented for crm.item.list). */
export function itemKeys(entityTypeId: number): BulkKeys {
  const tag = (key: string, input: unknown) => `${keyPrefix(key)}${inputHash({ entityTypeId, input })}`;
  return {
    stamp: (key, input) => ({ xmlId: tag(key, input) }),
    async find(portal, wanted, options = {}) {
      const found = new Map<string, Found<number>>();
      await Promise.all(
        chunks(wanted, KEYS_PER_LOOKUP).map(async (part) => {
          const byPrefix = new Map(part.map((w) => [keyPrefix(w.key), w] as const));
          const any: Record<string, unknown> = { logic: 'OR' };
          part.forEach((w, i) => {
            any[String(i)] = { '=%xmlId': `${keyPrefix(w.key)}%` };
          });
          const res = await portal.read(
            'crm.item.list',
            { entityTypeId, select: ['id', 'xmlId'], filter: { '0': any }, order: { id: 'ASC' }, start: -1 },
            { ...options, fresh: true },
          );
          for (const row of (res.result as { items?: Record<string, unknown>[] } | null)?.items ?? []) {
            const xmlId = toText(row.xmlId) ?? '';
            const w = byPrefix.get(xmlId.slice(0, xmlId.lastIndexOf(':') + 1));
            if (!w || found.has(w.key)) continue;
            found.set(w.key, { value: toInt(row.id) ?? 0, same: xmlId === tag(w.key, w.input) });
          }
        }),
      );
      return found;
    },
  };
}

/** Old-style records: with ORIGIN_VERSION, one list per 50 keys (`@ORIGIN_ID`, the key itself);
 * without it (leads, deals) the key is a prefix of ORIGIN_ID, which old-style filters can only match one
 * at a time (they have no OR groups), so one list per key. */
export function recordKeys(entity: OldEntity<unknown>, hasOriginVersion: boolean): BulkKeys {
  return {
    stamp: (key, input) => originStamp(key, input, hasOriginVersion).fields,
    async find(portal, wanted, options = {}) {
      const found = new Map<string, Found<number>>();
      const lookups = hasOriginVersion
        ? chunks(wanted, KEYS_PER_LOOKUP).map((part) => ({
            part,
            filter: { '=ORIGINATOR_ID': ORIGINATOR, '@ORIGIN_ID': part.map((w) => w.key) },
          }))
        : wanted.map((w) => ({ part: [w], filter: originStamp(w.key, w.input, false).filter }));
      await Promise.all(
        lookups.map(async ({ part, filter }) => {
          const stamps = part.map((w) => originStamp(w.key, w.input, hasOriginVersion));
          const res = await portal.read(
            `${entity.prefix}.list`,
            { select: stamps[0].select, filter, order: { ID: 'ASC' }, start: -1 },
            { ...options, fresh: true },
          );
          for (const row of Array.isArray(res.result) ? (res.result as Record<string, unknown>[]) : []) {
            part.forEach((w, i) => {
              const verdict = stamps[i].matches(row);
              if (verdict !== 'none' && !found.has(w.key))
                found.set(w.key, { value: toInt(row.ID) ?? 0, same: verdict === 'same' });
            });
          }
        }),
      );
      return found;
    },
  };
}
