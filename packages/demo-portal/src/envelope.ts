// Success/error envelopes and the `time` object, serialized the way the PHP portal does.
// bitrix24-api.md §2.1–2.3, §2.6.
import type { ApiError } from './types.js';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** The per-call timing pieces; `operating*` only on the top-level envelope (§2.2: inner batch
 * `result_time` entries carry only start/finish/duration/processing/date_*). */
export interface CallTime {
  start: number;
  finish: number;
  duration: number;
  processing: number;
  date_start: string;
  date_finish: string;
  operating_reset_at?: number;
  operating?: number;
}

export interface SuccessBody {
  result: unknown;
  total?: number;
  next?: number;
  time: CallTime;
}

export interface ErrorBody {
  error: string | number;
  error_description: string;
}

/** PHP json_encode escapes `/` as `\/` (§2.6). A `/` can only occur inside JSON strings, so a
 * global replace on the serialized text is exact. */
export function phpJson(value: unknown): string {
  return JSON.stringify(value).replace(/\//g, '\\/');
}

const OFFSET_RE = /^([+-])(\d{2}):(\d{2})$/;

export function assertUtcOffset(offset: string): void {
  if (!OFFSET_RE.test(offset)) throw new Error(`utcOffset must look like +03:00, got ${offset}`);
}

function offsetMinutes(offset: string): number {
  const m = OFFSET_RE.exec(offset);
  if (!m) return 0;
  const sign = m[1] === '-' ? -1 : 1;
  return sign * (Number(m[2]) * 60 + Number(m[3]));
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** `2025-09-09T16:31:11+03:00`: ISO 8601 in the portal's offset, no fraction (§2.2, §2.6). */
export function isoWithOffset(ms: number, offset: string): string {
  const d = new Date(ms + offsetMinutes(offset) * 60_000);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${offset}`
  );
}

/** Builds the `time` object from wall-clock ms and processing seconds. */
export function callTime(
  startMs: number,
  finishMs: number,
  processingSeconds: number,
  offset: string,
  operating?: { operating: number; resetAt: number },
): CallTime {
  const t: CallTime = {
    start: startMs / 1000,
    finish: finishMs / 1000,
    duration: (finishMs - startMs) / 1000,
    processing: processingSeconds,
    date_start: isoWithOffset(startMs, offset),
    date_finish: isoWithOffset(finishMs, offset),
  };
  if (operating) {
    t.operating_reset_at = operating.resetAt;
    t.operating = operating.operating;
  }
  return t;
}

/** `total` only when the method returned one, `next` only when defined (§2.1). */
export function successBody(
  result: unknown,
  total: number | undefined,
  next: number | undefined,
  time: CallTime,
): SuccessBody {
  const body: SuccessBody = { result } as SuccessBody;
  if (total !== undefined) body.total = total;
  if (next !== undefined) body.next = next;
  body.time = time;
  return body;
}

/** No `time` in error bodies (§2.3, measured). */
export function errorBody(err: Pick<ApiError, 'code' | 'description'>): ErrorBody {
  return { error: err.code, error_description: err.description };
}
