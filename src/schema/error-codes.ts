// Every error a client can see carries a stable `extensions.code`. Upstream (Bitrix) errors are
// mapped by class; their texts are redacted of secrets; nothing is turned into a silent null.
import { GraphQLError } from 'graphql';
import { type BitrixError, redact, type BitrixErrorClass } from '../upstream/errors.js';

/** The stable codes, documented in the README. */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  VALIDATION_ERROR: 'VALIDATION_ERROR',
  NOT_FOUND: 'NOT_FOUND',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  UPSTREAM_RATE_LIMITED: 'UPSTREAM_RATE_LIMITED',
  UPSTREAM_BUSY: 'UPSTREAM_BUSY',
  UPSTREAM_AUTH: 'UPSTREAM_AUTH',
  UPSTREAM_BAD_REQUEST: 'UPSTREAM_BAD_REQUEST',
  UPSTREAM_ERROR: 'UPSTREAM_ERROR',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  UPSTREAM_TIMEOUT: 'UPSTREAM_TIMEOUT',
  /** A write was sent and its answer lost: it may have been executed. Retry with the same
   * idempotency key (a create) or read the record before repeating (an update). */
  UPSTREAM_OUTCOME_UNKNOWN: 'UPSTREAM_OUTCOME_UNKNOWN',
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  // Gateway protection (src/gateway/): rejected before anything is sent upstream.
  RATE_LIMITED: 'RATE_LIMITED',
  QUERY_TOO_DEEP: 'QUERY_TOO_DEEP',
  TOO_MANY_ALIASES: 'TOO_MANY_ALIASES',
  TOO_MANY_TOKENS: 'TOO_MANY_TOKENS',
  TOO_MANY_DIRECTIVES: 'TOO_MANY_DIRECTIVES',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  INTROSPECTION_DISABLED: 'INTROSPECTION_DISABLED',
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  PERSISTED_QUERY_REQUIRED: 'PERSISTED_QUERY_REQUIRED',
  // Emitted by Yoga itself for malformed HTTP requests; listed so the table is complete.
  BAD_REQUEST: 'BAD_REQUEST',
  REQUEST_ENTITY_TOO_LARGE: 'REQUEST_ENTITY_TOO_LARGE',
  /** A form or text POST to /graphql (CSRF protection: only JSON bodies run operations). */
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  /** A `changes` cursor older than the deletions the gateway keeps: sync again from the start. */
  CURSOR_EXPIRED: 'CURSOR_EXPIRED',
  /** A method an endpoint does not answer (POST /bitrix/events only). */
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const BY_CLASS: Record<BitrixErrorClass, ErrorCode> = {
  'rate-limited': ErrorCode.UPSTREAM_RATE_LIMITED,
  'operating-limit': ErrorCode.UPSTREAM_BUSY,
  auth: ErrorCode.UPSTREAM_AUTH,
  'not-found': ErrorCode.NOT_FOUND,
  'bad-request': ErrorCode.UPSTREAM_BAD_REQUEST,
  'upstream-failure': ErrorCode.UPSTREAM_ERROR,
  network: ErrorCode.UPSTREAM_UNAVAILABLE,
  timeout: ErrorCode.UPSTREAM_TIMEOUT,
  'outcome-unknown': ErrorCode.UPSTREAM_OUTCOME_UNKNOWN,
  unavailable: ErrorCode.UPSTREAM_UNAVAILABLE,
};

export function gatewayError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

/** A request-level rejection: an error with an HTTP status (and headers) for Yoga to answer with. */
export function requestError(
  code: ErrorCode,
  message: string,
  status: number,
  headers?: Record<string, string>,
): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status, ...(headers ? { headers } : {}) } } });
}

export function badInput(message: string, field?: string): GraphQLError {
  return gatewayError(ErrorCode.BAD_USER_INPUT, message, field ? { field } : {});
}

/** A BitrixError as a client-visible GraphQLError: code by class, the portal's own code and
 * method for diagnosis, and no secret. */
export function fromBitrixError(error: BitrixError, secrets: readonly string[]): GraphQLError {
  const code = error.code.toUpperCase() === 'ACCESS_DENIED' ? ErrorCode.FORBIDDEN : BY_CLASS[error.errorClass];
  return new GraphQLError(redact(error.message, secrets), {
    extensions: {
      code,
      bitrix: { code: error.code, method: error.method, ...(error.httpStatus ? { status: error.httpStatus } : {}) },
      ...(error.retryAfter !== undefined ? { retryAfter: error.retryAfter } : {}),
    },
  });
}
