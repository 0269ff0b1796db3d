// The `batch` method (bitrix24-api.md §4): up to 50 `"method?query"` commands run sequentially
// in one HTTP call, with `$result[cmd][path]` references to earlier commands' results.
// Reference semantics follow the real server's CRestUtil::processBatchElement
// (bitrix24-core-corp modules/rest/classes/general/rest_util.php), see `substitute`.
import type { CallTime, ErrorBody } from './envelope.js';
import { errorBody } from './envelope.js';
import { parsePhpQuery } from './phpquery.js';
import { ApiError } from './types.js';
import type { MethodResult, Params } from './types.js';

/** CRestUtil::BATCH_MAX_LENGTH. */
export const BATCH_MAX_LENGTH = 50;

export interface CommandOutcome {
  result?: MethodResult;
  error?: ApiError;
  /** Only for commands whose handler actually ran. */
  time?: CallTime;
}

/** Runs one inner command (method already lower-cased): method lookup, operating budget,
 * accounting and the handler call. Never throws. */
export type RunCommand = (method: string, params: Params) => CommandOutcome;

type Section = Array<[string, unknown]>;

/** The five maps `$…[cmd]` references can address (keys of $arResult in the PHP batch()). */
interface BatchState {
  result: Section;
  next: Section;
  total: Section;
  time: Section;
  error: Section;
}

export function runBatch(params: Params, run: RunCommand): MethodResult {
  // PHP batch() upper-cases the parameter names (array_change_key_case).
  const halt = parseHalt(paramCI(params, 'halt'));
  const cmd = paramCI(params, 'cmd');
  const commands: Section = Array.isArray(cmd)
    ? cmd.map((v, i) => [String(i), v])
    : cmd !== null && typeof cmd === 'object'
      ? Object.entries(cmd)
      : [];
  // Note: JS objects enumerate integer-like keys first, so for mixed keys such as
  // {"b":…, "1":…} the "1" command runs first (PHP keeps insertion order). Pure maps or lists
  // run in the order given.

  // The docs (§4) say commands beyond 50 "end with an error ERROR_BATCH_LENGTH_EXCEEDED" and
  // the system table gives it HTTP 400; whether only the extra keys or the whole call fail is
  // UNCONFIRMED. We fail the whole call with 400 before running anything: a client that sends
  // 51 commands has a bug and should see it loudly.
  if (commands.length > BATCH_MAX_LENGTH) {
    throw new ApiError('ERROR_BATCH_LENGTH_EXCEEDED', 'Max batch length exceeded', 400);
  }

  const state: BatchState = { result: [], next: [], total: [], time: [], error: [] };
  for (const [key, call] of commands) {
    const outcome = runOne(call, state, run);
    if (outcome.time) state.time.push([key, outcome.time]);
    if (outcome.error) {
      state.error.push([key, errorBody(outcome.error) satisfies ErrorBody]);
      if (halt) break;
      continue;
    }
    const r = outcome.result as MethodResult;
    state.result.push([key, r.result]);
    if (r.total !== undefined) state.total.push([key, r.total]);
    if (r.next !== undefined) state.next.push([key, r.next]);
  }

  return {
    result: {
      result: phpArray(state.result),
      result_error: phpArray(state.error),
      result_total: phpArray(state.total),
      result_next: phpArray(state.next),
      result_time: phpArray(state.time),
    },
  };
}

function runOne(call: unknown, state: BatchState, run: RunCommand): CommandOutcome {
  if (typeof call !== 'string') return { error: methodNotFound() };
  // parse_url: path before '?', query up to a '#'.
  const q = call.indexOf('?');
  const method = (q < 0 ? call : call.slice(0, q)).toLowerCase();
  let query = q < 0 ? '' : call.slice(q + 1);
  const hash = query.indexOf('#');
  if (hash >= 0) query = query.slice(0, hash);
  if (method === '') return { error: methodNotFound() };
  if (method === 'batch') {
    // §4: no nesting since rest 24.0.0.
    return { error: new ApiError('ERROR_BATCH_METHOD_NOT_ALLOWED', 'Method is not allowed for batch usage', 405) };
  }
  const params = substituteStructure(parsePhpQuery(query), state) as Params;
  return run(method, params);
}

function methodNotFound(): ApiError {
  return new ApiError('ERROR_METHOD_NOT_FOUND', 'Method not found!', 404);
}

function paramCI(params: Params, name: string): unknown {
  for (const [k, v] of Object.entries(params)) if (k.toLowerCase() === name) return v;
  return undefined;
}

/** §4: `halt` is true/false or 1/0. PHP's `(bool)` cast would also make the string "false"
 * true; we take the documented meaning instead, and accept 'Y'/'N' like other Bitrix flags. */
export function parseHalt(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return ['1', 'true', 'y', 'yes'].includes(v.trim().toLowerCase());
  return false;
}

/** PHP json_encode of an array: a list when the keys are 0..n-1 in order, else an object;
 * empty is `[]` (§2.6: empty batch sections are `[]`). */
export function phpArray(entries: Section): unknown {
  if (entries.every(([k], i) => k === String(i))) return entries.map(([, v]) => v);
  return Object.fromEntries(entries);
}

// ---------------------------------------------------------------- $result[...] references

function substituteStructure(value: unknown, state: BatchState): unknown {
  // processBatchStructure also runs keys through processBatchElement, but with an empty key
  // pattern (a PHP quirk that resolves to nothing useful); keys are left untouched here.
  if (Array.isArray(value)) return value.map((v) => substituteStructure(v, state));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substituteStructure(v, state);
    return out;
  }
  return typeof value === 'string' ? substitute(value, state) : value;
}

// processBatchElement: "/\$(result|next|total|time|error)([^\s]*)/i". The path runs to the next
// whitespace, so in "$result[a][ID],x" the ",x" is part of the match and is replaced too.
const REF_RE = /\$(result|next|total|time|error)([^\s]*)/gi;
const PATH_RE = /\[([^\]]+)\]/g;

/**
 * Mirrors CRestUtil::processBatchElement:
 * - A value that is exactly one reference is replaced by the raw value (array/object kept).
 * - Otherwise every reference is string-replaced: scalars as PHP would print them (true → "1",
 *   false/null → ""), arrays/objects as "Array" (PHP 7's array-to-string; PHP 8 would throw).
 * - Path walking stops at the first missing (or null — PHP isset) key and uses the value
 *   reached so far: `$result[a][missing]` yields the whole result of `a`, and a reference to a
 *   command that failed or has not run yields the whole `result` map of the earlier commands.
 * - A reference without any `[...]` path is left as literal text.
 */
function substitute(value: string, state: BatchState): unknown {
  const matches = [...value.matchAll(REF_RE)];
  let out: unknown = value;
  for (const m of matches) {
    const path = [...m[2].matchAll(PATH_RE)].map((p) => p[1]);
    if (path.length === 0) continue;
    let r: unknown = sectionObject(state[m[1].toLowerCase() as keyof BatchState]);
    for (const key of path) {
      const next = child(r, key);
      if (next === undefined || next === null) break;
      r = next;
    }
    if (m[0] === out) {
      out = r;
    } else if (typeof out === 'string') {
      out = out.split(m[0]).join(phpToString(r));
    }
  }
  return out;
}

function sectionObject(section: Section): Record<string, unknown> {
  return Object.fromEntries(section);
}

function child(r: unknown, key: string): unknown {
  if (Array.isArray(r)) return /^\d+$/.test(key) ? r[Number(key)] : undefined;
  if (r !== null && typeof r === 'object')
    return Object.hasOwn(r, key) ? (r as Record<string, unknown>)[key] : undefined;
  return undefined;
}

function phpToString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (v === true) return '1';
  if (v === false || v === null || v === undefined) return '';
  return 'Array';
}
