// PHP-compatible parsing of query strings and form bodies (what `parse_str` gives the real
// portal): nested keys `filter[>ID]=5`, `select[]=ID`, `fields[PHONE][0][VALUE]=1`.
// bitrix24-api.md §1.2: the server receives PHP arrays built by http_build_query.
import qs from 'qs';

import type { Params } from './types.js';

const QS_OPTIONS: qs.IParseOptions = {
  // PHP's max_input_nesting_level is 64; qs defaults to 5 and would flatten deeper keys.
  depth: 64,
  // High enough for `select[]` lists of any realistic size (qs ≥ 6.14 also caps pushes).
  arrayLimit: 100_000,
  parameterLimit: 100_000,
  parseArrays: true,
  allowDots: false,
  // PHP: `a=1&a=2` → a = "2" (last wins); qs would combine into an array.
  duplicates: 'last',
  // Keep holes so that `a[0]=x&a[2]=y` can become {"0":"x","2":"y"} as in PHP (see below).
  allowSparse: true,
};

/** Parses `a[b]=1&c[]=2` the way PHP's parse_str does. Every leaf is a string. */
export function parsePhpQuery(query: string): Params {
  if (query.startsWith('?')) query = query.slice(1);
  if (query === '') return {};
  const parsed = qs.parse(query, QS_OPTIONS) as Record<string, unknown>;
  return normalize(parsed) as Params;
}

/** qs builds arrays from numeric keys; PHP only yields a JSON list when the keys are 0..n-1.
 * A sparse array (`a[0]=x&a[2]=y`) becomes an object keyed by the defined indices. */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) {
    let dense = true;
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) {
        dense = false;
        break;
      }
    }
    if (dense) return value.map(normalize);
    const obj: Record<string, unknown> = {};
    value.forEach((v, i) => {
      obj[String(i)] = normalize(v);
    });
    return obj;
  }
  if (value !== null && typeof value === 'object') {
    const obj: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) obj[k] = normalize(v);
    return obj;
  }
  return value;
}
