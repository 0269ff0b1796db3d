// Small helpers shared by the data side of the emulator: parameter access that tolerates the
// two spellings Bitrix accepts, value coercion for string-typed callers (form/query/batch), the
// portal clock's ISO rendering and a seeded PRNG for the demo data.
import { ApiError, type Params } from './types.js';

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A parameter by name in any letter case (`fields`/`FIELDS`, `id`/`ID`) — §1.2: old-style
 * methods accept either case; the exact rule is UNCONFIRMED, so the exact spelling wins and any
 * other case is the fallback. */
export function pget(params: Params, name: string): unknown {
  if (params[name] !== undefined) return params[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(params)) if (k.toLowerCase() === lower) return params[k];
  return undefined;
}

/** Lists arrive as JSON arrays, or from PHP-style keys as objects `{0: …, 1: …}`. */
export function asList(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (isObj(v)) return Object.values(v);
  if (v === undefined || v === null || v === '') return [];
  return [v];
}

/** Integer from a JSON number or a numeric string; null otherwise. */
export function toInt(v: unknown): number | null {
  if (typeof v === 'number') return Number.isInteger(v) ? v : null;
  if (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v)) return Number.parseInt(v, 10);
  return null;
}

export function toNum(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

/** 'Y'/'N', true/false, 1/0 and their string forms; null when none of these. */
export function toBool(v: unknown): boolean | null {
  if (v === true || v === 1) return true;
  if (v === false || v === 0) return false;
  if (typeof v === 'string') {
    const s = v.trim().toUpperCase();
    if (s === 'Y' || s === 'TRUE' || s === '1') return true;
    if (s === 'N' || s === 'FALSE' || s === '0' || s === '') return false;
  }
  return null;
}

/** Positive integer id or null (old-style "ID is not defined or invalid."). */
export function toId(v: unknown): number | null {
  const n = toInt(v);
  return n !== null && n > 0 ? n : null;
}

/** `start`: -1 disables COUNT (§5); anything unparsable is 0. */
export function toStart(v: unknown): number {
  const n = toInt(v);
  if (n === null) return 0;
  return n < 0 ? -1 : n;
}

// ---- time ----------------------------------------------------------------------------------

/** '+03:00' → 180 minutes. */
export function offsetMinutes(offset: string): number {
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(offset);
  if (!m) return 0;
  const v = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -v : v;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** ISO 8601 with the portal offset and no fraction (§2.6). */
export function isoDateTime(ms: number, offset: string): string {
  const d = new Date(ms + offsetMinutes(offset) * 60_000);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${offset}`
  );
}

/** Date-only values render as midnight in the portal TZ (§2.6). */
export function isoDate(ymd: string, offset: string): string {
  return `${ymd}T00:00:00${offset}`;
}

/** Midnight of a 'YYYY-MM-DD' in the portal TZ, as epoch ms (for comparisons). */
export function dateToMs(ymd: string, offset: string): number {
  return Date.parse(`${ymd}T00:00:00${offset}`);
}

/** Accepts ISO (with or without offset; none = portal TZ), 'YYYY-MM-DD', 'DD.MM.YYYY[ HH:MM[:SS]]'
 * and epoch numbers. Returns epoch ms or null when unparsable. */
export function parseDateTime(v: unknown, offset: string): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v < 1e11 ? v * 1000 : v;
  if (typeof v !== 'string') return null;
  const s = v.trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (!m) {
    const r = /^(\d{2})\.(\d{2})\.(\d{4})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(s);
    if (!r) return null;
    m = [r[0], r[3], r[2], r[1], r[4], r[5], r[6], undefined] as unknown as RegExpExecArray;
  }
  const [, y, mo, d, h = '00', mi = '00', sec = '00', tz] = m;
  const zone = tz === undefined ? offset : tz === 'Z' ? 'Z' : tz.length === 5 ? `${tz.slice(0, 3)}:${tz.slice(3)}` : tz;
  const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${sec}${zone}`);
  return Number.isNaN(ms) ? null : ms;
}

/** Date-only value 'YYYY-MM-DD' (the calendar day in the portal TZ) or null. */
export function parseDate(v: unknown, offset: string): string | null {
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v.trim())) return v.trim();
  const ms = parseDateTime(v, offset);
  if (ms === null) return null;
  return isoDateTime(ms, offset).slice(0, 10);
}

// ---- PRNG --------------------------------------------------------------------------------

/** mulberry32: tiny, fast, deterministic. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Independent stream per section so one section's size does not shift another's data. */
export function stream(seed: number, section: string): () => number {
  let h = 2166136261 ^ seed;
  for (let i = 0; i < section.length; i++) h = Math.imul(h ^ section.charCodeAt(i), 16777619);
  return rng(h >>> 0);
}

export function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)];
}

/** Old-style error envelope with the empty code (§2.5). */
export function oldError(description: string): ApiError {
  return new ApiError('', description, 400);
}

/** Digits only — phone matching ignores formatting and extensions (§6.7). */
export function phoneDigits(v: string): string {
  const main = v.split(/\s*(?:ext\.?|доб\.?|#|x)\s*\d*$/i)[0];
  return main.replace(/\D+/g, '');
}
