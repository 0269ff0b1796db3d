// Shared steps of the company, lead and deal mutations (old-style crm.company.* / crm.lead.*, and
// crm.deal.add / delete): custom fields checked against the metadata, references checked before
// anything is sent, existence checks, clears, and idempotent creates keyed by ORIGIN_ID.
import { dictionary } from '../../crm/metadata.js';
import { createRecordOnce } from '../../crm/idempotency.js';
import { oldKey, recordById, updateRecord, type OldEntity } from '../../crm/records.js';
import { multiFieldEntries, newEntries, type CommInput, type CommUpdate } from '../../crm/communications.js';
import type { Communication } from '../../crm/records.js';
import {
  assertNotReserved,
  convertInput,
  resolveField,
  type FieldDefinition,
  type FieldSet,
} from '../../crm/fields.js';
import { toText } from '../../crm/values.js';
import { builder } from '../builder.js';
import { upstream, type Context } from '../context.js';
import { NotFoundError, ValidationError } from './errors.js';
import { Employee } from './employee.js';
import { fields } from './field.js';

const MANAGED = /^(ORIGIN_ID|ORIGINATOR_ID|ORIGIN_VERSION|PHONE|EMAIL|WEB|IM|FM)$/;

/** `fields` JSON (either spelling) → old-style keys. Unknown names, read-only fields and bad
 * values are FieldInputErrors naming the field (ValidationError in the payload). */
export function customFields(
  set: FieldSet,
  entityTypeId: number,
  input: Record<string, unknown> | null | undefined,
): Record<string, unknown> {
  if (!input) return {};
  const converted = convertInput(set, input, 'name');
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(converted)) {
    const def = set.byName.get(name.toLowerCase())!;
    const key = oldKey(entityTypeId, def);
    if (MANAGED.test(key) || def.type === 'crm_multifield') {
      throw new ValidationError(
        `${key} cannot be set through \`fields\` (use phones/emails, or idempotencyKey for the origin)`,
        name,
      );
    }
    out[key] = value;
  }
  return out;
}

/** Fields that have a value on every record of an entity (its old-style key → why), so a clear
 * refuses them like a required field. */
export type AlwaysSet = Record<string, string>;

/** The names of fields to clear, checked: unknown, read-only, reserved, required, managed and
 * always-set names are refused. */
function clearable(
  set: FieldSet,
  entityTypeId: number,
  names: readonly string[],
  alwaysSet: AlwaysSet,
): FieldDefinition[] {
  return names.map((name) => {
    let def: FieldDefinition;
    try {
      def = resolveField(set, name);
    } catch {
      throw new ValidationError(`unknown field "${name}": it is not a field of this entity on the portal`, name);
    }
    const key = oldKey(entityTypeId, def);
    if (def.readOnly) throw new ValidationError(`field "${name}" is read-only`, name);
    assertNotReserved(def, name);
    if (def.required) throw new ValidationError(`field "${name}" is required and cannot be emptied`, name);
    if (MANAGED.test(key)) throw new ValidationError(`field "${name}" cannot be cleared here`, name);
    if (alwaysSet[key]) throw new ValidationError(`field "${name}" cannot be emptied: ${alwaysSet[key]}`, name);
    return def;
  });
}

/** The names of fields to clear → `{key: null}` (`[]` for a multiple field), keyed as the update
 * method takes them: old-style UPPER_CASE keys by default, crm.item's camelCase names with
 * `'item'`; see clearable. */
export function clearedFields(
  set: FieldSet,
  entityTypeId: number,
  names: readonly string[],
  alwaysSet: AlwaysSet = {},
  keys: 'old' | 'item' = 'old',
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const def of clearable(set, entityTypeId, names, alwaysSet))
    out[keys === 'item' ? def.name : oldKey(entityTypeId, def)] = def.multiple ? [] : null;
  return out;
}

/** A dictionary code given by code or by label → the code; otherwise a ValidationError. */
export async function dictionaryCode(ctx: Context, entityId: string, given: string, field: string): Promise<string> {
  const rows = await dictionary(ctx.portal, entityId, upstream(ctx));
  const wanted = given.trim().toLowerCase();
  const row =
    rows.find((r) => toText(r.STATUS_ID)?.toLowerCase() === wanted) ??
    rows.find((r) => toText(r.NAME)?.toLowerCase() === wanted);
  if (!row) {
    const options = rows.map((r) => toText(r.STATUS_ID)).join(', ');
    throw new ValidationError(`"${given}" is not a value of ${entityId} (${options})`, field);
  }
  return toText(row.STATUS_ID)!;
}

/** An employee id that must exist. */
export async function checkEmployee(ctx: Context, id: number, field: string): Promise<number> {
  const employee = id > 0 ? await Employee.getDataloader(ctx).load(id) : null;
  if (!employee) throw new ValidationError(`there is no user with id ${id}`, field);
  return id;
}

/** A record that must exist (a missing one is a NotFoundError, never an ambiguous portal text).
 * Read fresh: a write builds on it, so it must not join a read started before another write. */
export async function existing<R extends { id: number }>(
  ctx: Context,
  entity: OldEntity<R>,
  id: number,
  name: string,
): Promise<R> {
  const record = id > 0 ? await recordById(ctx.portal, entity, id, { ...upstream(ctx), fresh: true }) : null;
  if (!record) throw new NotFoundError(`${name} ${id} does not exist`, name, id);
  return record;
}

/** A read-modify-write of one record (its phones and e-mails are merged with the ones it has)
 * runs alone: in this process, and across replicas through the shared lock. Ten concurrent
 * "add this phone" updates then add it once. */
export function exclusiveRecord<T>(ctx: Context, entity: string, id: number, fn: () => Promise<T>): Promise<T> {
  return ctx.portal.serialize(`record:${entity}:${id}`, fn);
}

/** The portal fields an update of a company or lead sends: `scalars` turns the input's plain
 * fields into portal fields, phones and e-mails merge with the ones the record has. */
export async function changedRecordFields<
  R extends { phones: Communication[]; emails: Communication[] },
  I extends Record<string, unknown>,
>(
  set: FieldSet,
  current: R,
  input: I & { phones?: CommUpdate | null; emails?: CommUpdate | null },
  scalars: (set: FieldSet, plain: Omit<I, 'phones' | 'emails'>) => Promise<Record<string, unknown>>,
): Promise<Record<string, unknown>> {
  const { phones, emails, ...plain } = input;
  const out = await scalars(set, plain);
  if (phones) out.PHONE = multiFieldEntries('PHONE', current.phones, phones, 'phones');
  if (emails) out.EMAIL = multiFieldEntries('EMAIL', current.emails, emails, 'emails');
  for (const key of ['PHONE', 'EMAIL'])
    if (Array.isArray(out[key]) && (out[key] as unknown[]).length === 0) delete out[key];
  return out;
}

/** An update of a company or lead (see changedRecordFields), run as the one writer of the
 * record. Returns the record as it is after the write (or as it was, when nothing changes). */
export function updateOldRecord<
  R extends { id: number; phones: Communication[]; emails: Communication[] },
  I extends Record<string, unknown>,
>(
  ctx: Context,
  entity: OldEntity<R>,
  id: number,
  name: string,
  input: I & { phones?: CommUpdate | null; emails?: CommUpdate | null },
  scalars: (set: FieldSet, plain: Omit<I, 'phones' | 'emails'>) => Promise<Record<string, unknown>>,
  reloaded: () => Promise<R>,
): Promise<R> {
  return exclusiveRecord(ctx, entity.prefix, id, async () => {
    const [set, current] = await Promise.all([fields(ctx, entity.entityTypeId), existing(ctx, entity, id, name)]);
    const out = await changedRecordFields(set, current, input, scalars);
    if (Object.keys(out).length === 0) return current;
    await updateRecord(ctx.portal, entity, id, out, upstream(ctx));
    return reloaded();
  });
}

const MULTI: Record<string, 'PHONE' | 'EMAIL'> = { phones: 'PHONE', phone: 'PHONE', emails: 'EMAIL', email: 'EMAIL' };

/** Empties the named fields of a company or lead (old-style update): either spelling, and
 * `phones` / `emails` remove every phone / e-mail. Run as the one writer of the record. Returns
 * the record as it is after the write (or as it was, when nothing changes). */
export function clearOldRecordFields<R extends { id: number; phones: Communication[]; emails: Communication[] }>(
  ctx: Context,
  entity: OldEntity<R>,
  id: number,
  name: string,
  names: readonly string[],
  alwaysSet: AlwaysSet,
  reloaded: () => Promise<R>,
): Promise<R> {
  if (names.length === 0) throw new ValidationError('name at least one field to clear', 'fields');
  const plain = names.filter((n) => !MULTI[n.toLowerCase()]);
  return exclusiveRecord(ctx, entity.prefix, id, async () => {
    const [set, current] = await Promise.all([fields(ctx, entity.entityTypeId), existing(ctx, entity, id, name)]);
    const out = clearedFields(set, entity.entityTypeId, plain, alwaysSet);
    for (const n of names) {
      const kind = MULTI[n.toLowerCase()];
      const list = kind === 'PHONE' ? current.phones : kind === 'EMAIL' ? current.emails : [];
      if (kind && list.length) out[kind] = list.map((c) => ({ ID: c.id, DELETE: 'Y' }));
    }
    if (Object.keys(out).length === 0) return current;
    await updateRecord(ctx.portal, entity, id, out, upstream(ctx));
    return reloaded();
  });
}

/** A linked record (company, contact) that must exist. */
export async function checkLinked(
  ctx: Context,
  entity: OldEntity<{ id: number }>,
  id: number,
  field: string,
  name: string,
): Promise<number> {
  if (!(await recordById(ctx.portal, entity, id, upstream(ctx))))
    throw new ValidationError(`there is no ${name} with id ${id}`, field);
  return id;
}

/** A new company or lead as the portal takes it: `scalars` turns the input's plain fields into
 * portal fields, phones and e-mails become new entries. `keyed` is what an idempotency key is
 * bound to (the input as given, without the key). */
export async function newRecordFields<I extends Record<string, unknown>>(
  set: FieldSet,
  input: I & { idempotencyKey?: string | null; phones?: CommInput[] | null; emails?: CommInput[] | null },
  scalars: (set: FieldSet, plain: Omit<I, 'idempotencyKey' | 'phones' | 'emails'>) => Promise<Record<string, unknown>>,
): Promise<{ fields: Record<string, unknown>; keyed: unknown }> {
  const { idempotencyKey, phones, emails, ...plain } = input;
  const out = await scalars(set, plain);
  if (phones?.length) out.PHONE = newEntries('PHONE', phones, 'phones');
  if (emails?.length) out.EMAIL = newEntries('EMAIL', emails, 'emails');
  return { fields: out, keyed: { phones, emails, ...plain } };
}

/** A create of a company or lead (see newRecordFields), once per idempotency key. Returns the
 * new id. */
export async function createOldRecord<R, I extends Record<string, unknown>>(
  ctx: Context,
  entity: OldEntity<R>,
  input: I & { idempotencyKey?: string | null; phones?: CommInput[] | null; emails?: CommInput[] | null },
  scalars: (set: FieldSet, plain: Omit<I, 'idempotencyKey' | 'phones' | 'emails'>) => Promise<Record<string, unknown>>,
): Promise<number> {
  const set = await fields(ctx, entity.entityTypeId);
  const { fields: out, keyed } = await newRecordFields(set, input, scalars);
  const key = input.idempotencyKey ?? ctx.idempotencyKey;
  return (await createRecordOnce(ctx.portal, entity, key, keyed, out, hasOriginVersion(set), upstream(ctx))).id;
}

/** Whether the entity keeps ORIGIN_VERSION (where a key's input hash is stored). */
export function hasOriginVersion(set: FieldSet): boolean {
  return set.byName.has('origin_version');
}

/** What a delete of a contact, company, deal or lead answers: the id the record had. */
export function deletedRecordType(name: string, noun: string) {
  return builder.objectRef<{ bitrixId: number }>(name).implement({
    description: `A deleted ${noun}.`,
    fields: (t) => ({
      bitrixId: t.exposeInt('bitrixId', { nullable: false, description: `The id the ${noun} had.` }),
    }),
  });
}
