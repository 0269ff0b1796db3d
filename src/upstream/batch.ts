// Encoding commands into a `batch` call and decoding its answer (bitrix24-api.md §4).
import qs from 'qs';
import { BitrixError } from './errors.js';

/** A reference to an earlier command of the same chain: `$result[<its key>][path...]`. */
export interface ResultRef {
  $ref: number;
  path: (string | number)[];
}

export function ref(index: number, ...path: (string | number)[]): ResultRef {
  return { $ref: index, path };
}

/** A string built around references, e.g. `DYNAMIC_128_STAGE_` + the first funnel's id; the
 * portal replaces each `$result[…]` inside the string (bitrix24-api.md §4). */
export interface RefTemplate {
  $template: (string | ResultRef)[];
}

export function template(...parts: (string | ResultRef)[]): RefTemplate {
  return { $template: parts };
}

function isTemplate(value: unknown): value is RefTemplate {
  return typeof value === 'object' && value !== null && '$template' in value;
}

/** One REST call: a method and its parameters (may hold ResultRefs when part of a chain). */
export interface Command {
  method: string;
  params: Record<string, unknown>;
}

/** What a command yields: its `result` plus `total`/`next` for lists. */
export interface CommandResult {
  result: unknown;
  total?: number;
  next?: number;
  /** The command's `result_time` (batch) or `time` (direct call). */
  time?: { processing?: number; operating?: number; operating_reset_at?: number };
}

function isRef(value: unknown): value is ResultRef {
  return typeof value === 'object' && value !== null && '$ref' in value;
}

function refText(value: ResultRef, keyOf: (index: number) => string): string {
  return `$result[${keyOf(value.$ref)}]${value.path.map((p) => `[${p}]`).join('')}`;
}

function substituteRefs(value: unknown, keyOf: (index: number) => string): unknown {
  if (isRef(value)) return refText(value, keyOf);
  if (isTemplate(value))
    return value.$template.map((part) => (typeof part === 'string' ? part : refText(part, keyOf))).join('');
  if (Array.isArray(value)) return value.map((v) => substituteRefs(v, keyOf));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteRefs(v, keyOf)]));
  }
  return value;
}

/** `method?query` in PHP http_build_query form. Booleans become Y/N as PHP methods expect;
 * null becomes an empty value (which clears a field). */
export function encodeCommand(command: Command, keyOf: (index: number) => string = (i) => `c${i}`): string {
  const params = substituteRefs(command.params, keyOf) as Record<string, unknown>;
  const query = qs.stringify(params, {
    arrayFormat: 'indices',
    // Keys are encoded too: operator prefixes such as `=%` would otherwise split the pair.
    filter: (_prefix, value) => (typeof value === 'boolean' ? (value ? 'Y' : 'N') : value === null ? '' : value),
  });
  return query ? `${command.method}?${query}` : command.method;
}

// The portal's batch engine rewrites every parameter value that mentions `$result`, `$next`,
// `$total`, `$time` or `$error` (any case) followed by a path (CRestUtil::processBatchElement,
// pattern `/\$(result|next|total|time|error)([^\s]*)/i`; bitrix24-api.md §12), and the docs
// give no escape. Text a user typed that matches must never travel inside a batch.
const BATCH_SYNTAX = /\$(result|next|total|time|error)/i;

/** Whether a batch cannot carry a command's parameters faithfully, so it must travel as a direct
 * (JSON) call: text the batch engine would rewrite (our own references are not text: they are
 * ResultRefs until encoded), or an empty list, which http_build_query drops without a trace (a
 * multiple field cleared with `[]` would stay as it was; an empty `@ID` filter would vanish and
 * match every row). */
export function needsDirectCall(params: unknown): boolean {
  if (typeof params === 'string') return BATCH_SYNTAX.test(params);
  if (isRef(params)) return false;
  if (isTemplate(params)) return params.$template.some((part) => typeof part === 'string' && BATCH_SYNTAX.test(part));
  if (Array.isArray(params)) return params.length === 0 || params.some(needsDirectCall);
  if (typeof params === 'object' && params !== null)
    return Object.entries(params).some(([k, v]) => BATCH_SYNTAX.test(k) || needsDirectCall(v));
  return false;
}

/** The parameters with every reference replaced by the value it points to in `outcomes` (what
 * the portal does inside a batch), or `undefined` when a reference points at a command that
 * failed or at a path its result does not have. Used to run a chain one command at a time. */
export function resolveRefs(
  params: Record<string, unknown>,
  outcomes: readonly (CommandResult | Error)[],
): Record<string, unknown> | undefined {
  let unresolved = false;
  const lookup = (r: ResultRef): unknown => {
    const outcome = outcomes[r.$ref];
    let value: unknown = outcome && !(outcome instanceof Error) ? outcome.result : undefined;
    for (const key of r.path)
      value =
        value !== null && typeof value === 'object' ? (value as Record<string | number, unknown>)[key] : undefined;
    if (value === undefined || value === null) unresolved = true;
    return value;
  };
  const walk = (value: unknown): unknown => {
    if (isRef(value)) return lookup(value);
    if (isTemplate(value))
      return value.$template.map((part) => (typeof part === 'string' ? part : String(lookup(part) ?? ''))).join('');
    if (Array.isArray(value)) return value.map(walk);
    if (typeof value === 'object' && value !== null)
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    return value;
  };
  const resolved = walk(params) as Record<string, unknown>;
  return unresolved ? undefined : resolved;
}

export function hasRefs(params: unknown): boolean {
  if (isRef(params) || isTemplate(params)) return true;
  if (Array.isArray(params)) return params.some(hasRefs);
  if (typeof params === 'object' && params !== null) return Object.values(params).some(hasRefs);
  return false;
}

type Section = Record<string, unknown> | unknown[];

function section(value: unknown, key: string): unknown {
  if (Array.isArray(value)) return undefined; // PHP's empty array `[]` for an empty section
  if (typeof value === 'object' && value !== null) return (value as Record<string, unknown>)[key];
  return undefined;
}

/** Splits a batch answer into one outcome per key: a CommandResult or a BitrixError. */
export function decodeBatch(keys: string[], methods: string[], batchResult: unknown): (CommandResult | BitrixError)[] {
  const body = (batchResult ?? {}) as Record<string, Section>;
  return keys.map((key, i) => {
    const error = section(body.result_error, key) as { error?: unknown; error_description?: unknown } | undefined;
    if (error) {
      return new BitrixError({
        code: String(error.error ?? ''),
        description: String(error.error_description ?? ''),
        method: methods[i],
      });
    }
    const result = section(body.result, key);
    if (result === undefined) {
      // halt=0 never skips a command; a missing key means the batch stopped early.
      return new BitrixError({
        code: 'BATCH_RESULT_MISSING',
        description: 'the batch answer has no result for this command',
        method: methods[i],
        errorClass: 'upstream-failure',
      });
    }
    const total = section(body.result_total, key);
    const next = section(body.result_next, key);
    const time = section(body.result_time, key) as CommandResult['time'];
    return {
      result,
      total: total === undefined ? undefined : Number(total),
      next: next === undefined ? undefined : Number(next),
      time,
    };
  });
}
