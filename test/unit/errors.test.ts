// errors.ts: classify() for every error class, redact(), the error factories and BitrixError.transient.
import { describe, expect, it } from 'vitest';
import {
  BitrixError,
  busyError,
  classify,
  lockUnavailable,
  outcomeUnknown,
  redact,
  type BitrixErrorClass,
} from '../../src/upstream/errors.js';

describe('classify', () => {
  const cases: [string, string, number | undefined, BitrixErrorClass][] = [
    ['QUERY_LIMIT_EXCEEDED', 'Too many requests', 503, 'rate-limited'],
    ['query_limit_exceeded', '', undefined, 'rate-limited'],
    ['OPERATION_TIME_LIMIT', 'Method is blocked', 429, 'operating-limit'],
    ['', '', 429, 'operating-limit'],
    ['EXPIRED_TOKEN', 'The access token expired', 401, 'auth'],
    ['INSUFFICIENT_SCOPE', '', 200, 'auth'],
    ['access_denied', '', undefined, 'auth'],
    ['PAYMENT_REQUIRED', '', undefined, 'auth'],
    ['SOMETHING', '', 401, 'auth'],
    ['SOMETHING', '', 403, 'auth'],
    ['ERROR_METHOD_NOT_FOUND', 'Method not found', 404, 'bad-request'],
    ['NOT_FOUND', 'Not found', 400, 'not-found'],
    ['', 'Not found', 400, 'not-found'],
    ['', 'Deal is not found.', 400, 'not-found'],
    ['ERROR_CORE', 'Contact not found', 400, 'not-found'],
    ['ERROR_CORE', 'Not found: no such thing', 400, 'bad-request'],
    ['ERROR_ARGUMENT', 'Not found', 400, 'bad-request'],
    ['INTERNAL_SERVER_ERROR', '', 500, 'upstream-failure'],
    ['OVERLOAD_LIMIT', '', 503, 'upstream-failure'],
    ['PORTAL_DELETED', '', undefined, 'upstream-failure'],
    ['ERROR_UNEXPECTED_ANSWER', '', 200, 'upstream-failure'],
    ['', '', 503, 'rate-limited'],
    ['', '', 502, 'upstream-failure'],
    ['', '', 500, 'upstream-failure'],
    ['ERROR_ARGUMENT', 'bad id', 400, 'bad-request'],
    ['', '', undefined, 'bad-request'],
  ];
  it.each(cases)('(%j, %j, %j) is %s', (code, description, status, expected) => {
    expect(classify(code, description, status)).toBe(expected);
  });
});

describe('redact', () => {
  it('replaces every occurrence of each secret of 4+ characters with ***', () => {
    expect(redact('https://x.bitrix24.eu/rest/1/s3cr3t/crm.deal.get?k=s3cr3t&t=abc', ['s3cr3t', 'abc'])).toBe(
      'https://x.bitrix24.eu/rest/1/***/crm.deal.get?k=***&t=abc',
    );
    expect(redact('a.b*c', ['a.b*'])).toBe('***c');
  });
});

describe('BitrixError', () => {
  it('builds its message from method, code and description and classifies itself', () => {
    const e = new BitrixError({
      code: 'QUERY_LIMIT_EXCEEDED',
      description: 'Too many',
      httpStatus: 503,
      method: 'crm.deal.get',
    });
    expect([e.name, e.message, e.errorClass, e.ambiguous, e.transient]).toEqual([
      'BitrixError',
      'Bitrix24 crm.deal.get: QUERY_LIMIT_EXCEEDED - Too many',
      'rate-limited',
      false,
      true,
    ]);
    expect(new BitrixError({ code: '', description: '', method: 'm' }).message).toBe('Bitrix24 m: ERROR');
  });

  it('is transient only for rate-limited, upstream-failure, network and timeout', () => {
    const classes: BitrixErrorClass[] = [
      'rate-limited',
      'operating-limit',
      'auth',
      'not-found',
      'bad-request',
      'upstream-failure',
      'network',
      'timeout',
      'outcome-unknown',
      'unavailable',
    ];
    const transient = classes.filter(
      (errorClass) => new BitrixError({ code: 'X', description: '', method: 'm', errorClass }).transient,
    );
    expect(transient).toEqual(['rate-limited', 'upstream-failure', 'network', 'timeout']);
  });
});

describe('error factories', () => {
  it('outcomeUnknown keeps code, status and method, is ambiguous and not transient', () => {
    const cause = new BitrixError({
      code: 'ETIMEDOUT',
      description: 'headers timeout',
      httpStatus: 504,
      method: 'crm.deal.add',
      errorClass: 'timeout',
    });
    const e = outcomeUnknown(cause);
    expect([e.code, e.httpStatus, e.method, e.errorClass, e.ambiguous, e.transient]).toEqual([
      'ETIMEDOUT',
      504,
      'crm.deal.add',
      'outcome-unknown',
      true,
      false,
    ]);
    expect(e.description).toBe(
      'the answer to crm.deal.add was lost (headers timeout); it may have been executed: retry with the same idempotency key',
    );
  });

  it('lockUnavailable is LOCK_UNAVAILABLE, class unavailable, retry after 1 s', () => {
    const e = lockUnavailable('idem:contact');
    expect([e.code, e.method, e.errorClass, e.retryAfter, e.ambiguous]).toEqual([
      'LOCK_UNAVAILABLE',
      'idem:contact',
      'unavailable',
      1,
      false,
    ]);
  });

  it.each([
    [0, 0],
    [1, 1],
    [1_000, 1],
    [1_001, 2],
    [59_500, 60],
  ])('busyError rounds %i ms up to %i s', (waitMs, seconds) => {
    const e = busyError('crm.item.list', waitMs);
    expect([e.code, e.errorClass, e.retryAfter]).toEqual(['OPERATION_TIME_LIMIT', 'operating-limit', seconds]);
    expect(e.description).toBe(`crm.item.list is at its operating-time budget on the portal; retry in ${seconds} s`);
  });
});
