// Normalising Bitrix's wire values: string ids, 'Y'/'N' flags, '' for empty dates, [] for empty
// objects. The rest of the gateway only ever sees numbers, booleans, null and ISO strings.
import type { BitrixPortal } from '../upstream/portal.js';
import type { SubmitOptions } from '../upstream/scheduler.js';

export function toInt(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? Math.trunc(n) : null;
}

/** A reference to another record: a positive id, or null (Bitrix writes 0 or '' for none). */
export function toId(value: unknown): number | null {
  const n = toInt(value);
  return n !== null && n > 0 ? n : null;
}

/** An amount: a number, or null when unset ('' or missing). */
export function toAmount(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

export function toFlag(value: unknown): boolean {
  return value === true || value === 'Y' || value === 'y' || value === 1 || value === '1' || value === 'true';
}

export function toText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const s = String(value);
  return s === '' ? null : s;
}

/** ISO datetime or null ('' and malformed values are null). */
export function toDate(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  return Number.isNaN(Date.parse(value)) ? null : value;
}

export function toIntList(value: unknown): number[] {
  if (!Array.isArray(value)) return [];
  return value.map(toInt).filter((n): n is number => n !== null);
}

/** PHP serialises an empty associative array as `[]`; treat it as an empty object. */
export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function rowsAt(result: unknown, path: readonly string[]): Record<string, unknown>[] {
  let value = result;
  for (const key of path) value = asRecord(value)[key];
  return Array.isArray(value) ? (value as Record<string, unknown>[]) : [];
}

/** Reads a small list method completely with `start` offsets: the first page, then every
 * remaining page in one batch (they are independent, so they can travel together). For
 * dictionaries and metadata only; entity lists use keyset paging. */
export async function readAllByOffset(
  portal: BitrixPortal,
  method: string,
  params: Record<string, unknown>,
  rowsPath: string[],
  options: SubmitOptions = {},
): Promise<Record<string, unknown>[]> {
  const first = await portal.read(method, { ...params, start: 0 }, options);
  const rows = rowsAt(first.result, rowsPath);
  const total = first.total ?? rows.length;
  if (first.next === undefined || total <= rows.length) return rows;
  const starts: number[] = [];
  for (let start = first.next; start < total; start += 50) starts.push(start);
  const rest = await Promise.all(starts.map((start) => portal.read(method, { ...params, start }, options)));
  for (const page of rest) rows.push(...rowsAt(page.result, rowsPath));
  return rows;
}
