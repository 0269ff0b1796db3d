// Typed errors for everything that can go wrong talking to a Bitrix24 portal.
// Each error has a class (what the caller should do about it) and never carries a secret:
// messages are built from the method name and the portal's own code/description, redacted.

export type BitrixErrorClass =
  | 'rate-limited' // 503 QUERY_LIMIT_EXCEEDED: retry after the bucket drains
  | 'operating-limit' // 429 OPERATION_TIME_LIMIT: the method is blocked until its window rolls
  | 'auth' // credentials, scope or permission problems
  | 'not-found' // the entity does not exist
  | 'bad-request' // the portal refused the parameters
  | 'upstream-failure' // 5xx, or a body that is not a JSON envelope
  | 'network' // connection refused/reset/dropped
  | 'timeout' // connect/headers/body timeout or the request's deadline
  | 'outcome-unknown' // a write was sent and its answer lost: it may or may not have been executed
  | 'unavailable'; // the gateway cannot do this safely right now (a shared lock is unreachable)

export interface BitrixErrorInit {
  code: string;
  description: string;
  httpStatus?: number;
  method: string;
  errorClass?: BitrixErrorClass;
  /** True when the portal may have executed the call although we got no answer
   * (a write must not be blindly re-sent). */
  ambiguous?: boolean;
  /** Seconds after which a retry makes sense, when known. */
  retryAfter?: number;
}

export class BitrixError extends Error {
  readonly code: string;
  readonly description: string;
  readonly httpStatus: number | undefined;
  readonly method: string;
  readonly errorClass: BitrixErrorClass;
  readonly ambiguous: boolean;
  readonly retryAfter: number | undefined;

  constructor(init: BitrixErrorInit) {
    const errorClass = init.errorClass ?? classify(init.code, init.description, init.httpStatus);
    super(`Bitrix24 ${init.method}: ${init.code || 'ERROR'}${init.description ? ` - ${init.description}` : ''}`);
    this.name = 'BitrixError';
    this.code = init.code;
    this.description = init.description;
    this.httpStatus = init.httpStatus;
    this.method = init.method;
    this.errorClass = errorClass;
    this.ambiguous = init.ambiguous ?? false;
    this.retryAfter = init.retryAfter;
  }

  /** Whether repeating the same read can succeed (writes additionally need !ambiguous). */
  get transient(): boolean {
    return (
      this.errorClass === 'rate-limited' ||
      this.errorClass === 'upstream-failure' ||
      this.errorClass === 'network' ||
      this.errorClass === 'timeout'
    );
  }
}

const AUTH_CODES = new Set([
  'NO_AUTH_FOUND',
  'INVALID_CREDENTIALS',
  'EXPIRED_TOKEN',
  'INVALID_TOKEN',
  'INSUFFICIENT_SCOPE',
  'ACCESS_DENIED',
  'USER_ACCESS_ERROR',
  'ALLOWED_ONLY_INTRANET_USER',
  'WRONG_AUTH_TYPE',
  'INVALID_REQUEST',
  'INVALID_GRANT',
  'INVALID_CLIENT',
  'PAYMENT_REQUIRED',
]);

// Old-style CRM methods answer "not found" with an empty code and a text (bitrix24-api.md §2.5).
const NOT_FOUND_TEXT = /(^|\s)(not found|is not found)\.?$/i;

export function classify(code: string, description: string, httpStatus?: number): BitrixErrorClass {
  const upper = code.toUpperCase();
  if (upper === 'QUERY_LIMIT_EXCEEDED') return 'rate-limited';
  if (upper === 'OPERATION_TIME_LIMIT' || httpStatus === 429) return 'operating-limit';
  if (AUTH_CODES.has(upper) || httpStatus === 401 || httpStatus === 403) return 'auth';
  if (upper === 'ERROR_METHOD_NOT_FOUND') return 'bad-request';
  if (upper === 'NOT_FOUND' || ((upper === '' || upper === 'ERROR_CORE') && NOT_FOUND_TEXT.test(description))) {
    return 'not-found';
  }
  if (
    upper === 'OVERLOAD_LIMIT' ||
    upper === 'INTERNAL_SERVER_ERROR' ||
    upper === 'ERROR_UNEXPECTED_ANSWER' ||
    upper === 'PORTAL_DELETED'
  ) {
    return 'upstream-failure';
  }
  // A 503 without a known code is most likely the limiter answering in another form (a proxy's
  // page): backing off as if rate-limited is the safe reading. Other 5xx are the portal's fault.
  if (httpStatus === 503) return 'rate-limited';
  if (httpStatus !== undefined && httpStatus >= 500) return 'upstream-failure';
  // Anything else (a 400, or a 404 page with no REST envelope: a wrong method path) is ours to
  // fix, never retried; the start-up probe reports a wrong portal address before any request.
  return 'bad-request';
}

/** Replaces every occurrence of the given secrets in a text. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('***');
  }
  return out;
}

/** A command cancelled before its answer arrived (deadline passed, or the client left). */
export function abortError(method: string): BitrixError {
  return new BitrixError({
    code: 'ABORTED',
    description: 'the request was cancelled before its answer arrived (deadline or client gone)',
    method,
    errorClass: 'timeout',
  });
}

/** A write whose answer was lost: the portal may have executed it. Never re-sent by us; the
 * caller retries with the same idempotency key, which finds the record if it was created. */
export function outcomeUnknown(cause: BitrixError): BitrixError {
  return new BitrixError({
    code: cause.code,
    description: `the answer to ${cause.method} was lost (${cause.description}); it may have been executed: retry with the same idempotency key`,
    httpStatus: cause.httpStatus,
    method: cause.method,
    errorClass: 'outcome-unknown',
    ambiguous: true,
  });
}

/** The cross-replica lock a write needs is unreachable (Redis down): refused before anything is
 * sent, so the caller can retry safely. */
export function lockUnavailable(name: string): BitrixError {
  return new BitrixError({
    code: 'LOCK_UNAVAILABLE',
    description: 'the lock shared by the gateway replicas is unreachable; nothing was sent, retry shortly',
    method: name,
    errorClass: 'unavailable',
    retryAfter: 1,
  });
}

export function busyError(method: string, waitMs: number): BitrixError {
  const retryAfter = Math.ceil(waitMs / 1000);
  return new BitrixError({
    code: 'OPERATION_TIME_LIMIT',
    description: `${method} is at its operating-time budget on the portal; retry in ${retryAfter} s`,
    method,
    errorClass: 'operating-limit',
    retryAfter,
  });
}
