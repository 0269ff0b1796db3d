// Phones and e-mails of contacts, companies and leads (crm_multifield): their syntax checked
// before anything is sent, and the update semantics of bitrix24-api.md §6.3 (entries with ID
// change, `{ID, DELETE:'Y'}` deletes, entries without ID add) behind set/add/update/remove.
import type { Communication } from './records.js';
import { FieldInputError } from './fields.js';

export type CommKind = 'PHONE' | 'EMAIL';

export const VALUE_TYPES: Record<CommKind, readonly string[]> = {
  PHONE: ['WORK', 'MOBILE', 'FAX', 'HOME', 'PAGER', 'MAILING', 'OTHER'],
  EMAIL: ['WORK', 'HOME', 'MAILING', 'OTHER'],
};

export interface CommInput {
  value: string;
  valueType?: string | null;
}

export interface CommChange {
  bitrixId: number;
  value?: string | null;
  valueType?: string | null;
}

/** One explicit operation on a contact's phones or e-mails. `set` replaces the whole list and
 * excludes the others; `add`, `update` and `remove`/`removeValues` touch single entries. */
export interface CommUpdate {
  set?: CommInput[] | null;
  add?: CommInput[] | null;
  update?: CommChange[] | null;
  remove?: number[] | null;
  removeValues?: string[] | null;
}

const PHONE_RE = /^\+?[\d\s().\-/]+?(?:\s*(?:ext\.?|x|#)\s*\d{1,6})?$/i;
const EMAIL_RE =
  /^[\p{L}\p{N}.!#$%&'*+/=?^_`{|}~-]+@[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?)+$/u;

function mainDigits(phone: string): string {
  return phone.replace(/\s*(?:ext\.?|x|#)\s*\d{1,6}$/i, '').replace(/\D/g, '');
}

/** The comparison key of a value: phone digits (extension ignored, as Bitrix matches), or the
 * lower-cased e-mail. */
export function normalise(kind: CommKind, value: string): string {
  return kind === 'PHONE' ? mainDigits(value.trim()) : value.trim().toLowerCase();
}

/** Throws a FieldInputError naming `field` when the value is not a phone / e-mail. */
export function checkValue(kind: CommKind, value: string, field: string): string {
  const v = value.trim();
  if (kind === 'PHONE') {
    const digits = mainDigits(v).length;
    if (!PHONE_RE.test(v) || digits < 5 || digits > 15) {
      throw new FieldInputError(
        field,
        `"${value}" is not a phone number (digits, spaces, + ( ) - . /, optionally "ext 12"; 5 to 15 digits)`,
      );
    }
  } else if (v.length > 254 || !EMAIL_RE.test(v)) {
    throw new FieldInputError(field, `"${value}" is not an e-mail address`);
  }
  return v;
}

function checkType(kind: CommKind, valueType: string | null | undefined, field: string): string {
  const type = (valueType ?? 'WORK').toUpperCase();
  if (!VALUE_TYPES[kind].includes(type)) {
    throw new FieldInputError(
      field,
      `${kind === 'PHONE' ? 'a phone' : 'an e-mail'} cannot have the type ${type} (${VALUE_TYPES[kind].join(', ')})`,
    );
  }
  return type;
}

/** Validated new entries (duplicates by normalised value dropped). */
export function newEntries(
  kind: CommKind,
  list: readonly CommInput[],
  field: string,
): { VALUE: string; VALUE_TYPE: string }[] {
  const seen = new Set<string>();
  const out: { VALUE: string; VALUE_TYPE: string }[] = [];
  list.forEach((entry, i) => {
    const value = checkValue(kind, entry.value, `${field}[${i}].value`);
    const type = checkType(kind, entry.valueType, `${field}[${i}].valueType`);
    const key = normalise(kind, value);
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ VALUE: value, VALUE_TYPE: type });
  });
  return out;
}

/** Checks the syntax of an update before anything is read or sent. */
export function checkUpdate(kind: CommKind, update: CommUpdate, field: string): void {
  const single = update.add?.length || update.update?.length || update.remove?.length || update.removeValues?.length;
  if (update.set && single)
    throw new FieldInputError(
      field,
      `\`${field}.set\` replaces the whole list: it cannot be combined with add, update or remove`,
    );
  if (update.set) newEntries(kind, update.set, `${field}.set`);
  if (update.add) newEntries(kind, update.add, `${field}.add`);
  update.update?.forEach((c, i) => {
    if (c.value != null) checkValue(kind, c.value, `${field}.update[${i}].value`);
    if (c.valueType != null) checkType(kind, c.valueType, `${field}.update[${i}].valueType`);
  });
}

/** The PHONE/EMAIL entries that turn `current` into what the update asks for (§6.3). */
export function multiFieldEntries(
  kind: CommKind,
  current: readonly Communication[],
  update: CommUpdate,
  field: string,
): Record<string, unknown>[] {
  checkUpdate(kind, update, field);
  const out: Record<string, unknown>[] = [];
  const byKey = new Map(current.map((c) => [normalise(kind, c.value), c]));
  if (update.set) {
    const kept = new Set<number>();
    for (const entry of newEntries(kind, update.set, `${field}.set`)) {
      const match = byKey.get(normalise(kind, entry.VALUE));
      if (match && !kept.has(match.id)) {
        kept.add(match.id);
        if (match.value !== entry.VALUE || match.valueType !== entry.VALUE_TYPE) out.push({ ID: match.id, ...entry });
      } else {
        out.push(entry);
      }
    }
    for (const c of current) if (!kept.has(c.id)) out.push({ ID: c.id, DELETE: 'Y' });
    return out;
  }
  const touched = new Set<number>();
  const touch = (id: number, at: string) => {
    if (!current.some((c) => c.id === id))
      throw new FieldInputError(at, `this contact has no ${kind === 'PHONE' ? 'phone' : 'e-mail'} entry with id ${id}`);
    if (touched.has(id)) throw new FieldInputError(at, `entry ${id} is changed twice in one update`);
    touched.add(id);
  };
  update.update?.forEach((c, i) => {
    touch(c.bitrixId, `${field}.update[${i}].bitrixId`);
    const was = current.find((e) => e.id === c.bitrixId)!;
    out.push({
      ID: c.bitrixId,
      VALUE: c.value?.trim() ?? was.value,
      VALUE_TYPE: c.valueType?.toUpperCase() ?? was.valueType,
    });
  });
  update.remove?.forEach((id, i) => {
    touch(id, `${field}.remove[${i}]`);
    out.push({ ID: id, DELETE: 'Y' });
  });
  // Removing a value the contact does not have is a no-op, so a retried update is harmless.
  for (const value of update.removeValues ?? []) {
    for (const c of current) {
      if (normalise(kind, c.value) !== normalise(kind, value) || touched.has(c.id)) continue;
      touched.add(c.id);
      out.push({ ID: c.id, DELETE: 'Y' });
    }
  }
  // Adding a value the contact already has does not duplicate it; adding one this update
  // removes is a contradiction.
  const removed = new Set(
    current
      .filter((c) => touched.has(c.id) && !update.update?.some((u) => u.bitrixId === c.id))
      .map((c) => normalise(kind, c.value)),
  );
  for (const value of update.removeValues ?? []) removed.add(normalise(kind, value));
  (update.add ?? []).forEach((entry, i) => {
    if (removed.has(normalise(kind, entry.value)))
      throw new FieldInputError(`${field}.add[${i}].value`, `"${entry.value}" is both added and removed in one update`);
  });
  const present = new Set(current.filter((c) => !touched.has(c.id)).map((c) => normalise(kind, c.value)));
  for (const entry of newEntries(kind, update.add ?? [], `${field}.add`)) {
    if (present.has(normalise(kind, entry.VALUE))) continue;
    present.add(normalise(kind, entry.VALUE));
    out.push(entry);
  }
  return out;
}
