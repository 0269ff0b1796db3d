// Typed mutation errors (Pothos errors plugin): a mutation returns its changed object or one
// of these, so clients can branch on `__typename` instead of parsing messages.
import { BitrixError, redact } from '../../upstream/errors.js';
import { FieldInputError } from '../../crm/fields.js';
import type { Context } from '../context.js';
import { ErrorCode, fromBitrixError } from '../error-codes.js';
import { builder } from '../builder.js';

export class NotFoundError extends Error {
  override name = 'NotFoundError';
  constructor(
    message: string,
    readonly entity: string,
    readonly bitrixId: number | null = null,
  ) {
    super(message);
  }
}

export class ValidationError extends Error {
  override name = 'ValidationError';
  constructor(
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
  }
}

export class ForbiddenError extends Error {
  override name = 'ForbiddenError';
}

export class UpstreamError extends Error {
  override name = 'UpstreamError';
  constructor(
    message: string,
    readonly code: string,
    readonly bitrixCode: string | null,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export const ErrorInterface = builder.interfaceRef<Error>('Error').implement({
  description: 'A typed failure of a mutation.',
  fields: (t) => ({
    message: t.exposeString('message', { nullable: false, description: 'What went wrong, for people.' }),
  }),
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  description: 'The record to change does not exist (or is not visible to the webhook user).',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof NotFoundError,
  fields: (t) => ({
    entity: t.exposeString('entity', { nullable: false, description: 'The kind of record, e.g. Contact.' }),
    bitrixId: t.exposeInt('bitrixId', { description: 'The id that was not found.' }),
  }),
});

builder.objectType(ValidationError, {
  name: 'ValidationError',
  description: 'The input was refused; nothing was changed.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ValidationError,
  fields: (t) => ({
    field: t.exposeString('field', { description: 'The input field at fault, when one is.' }),
  }),
});

builder.objectType(ForbiddenError, {
  name: 'ForbiddenError',
  description: 'The portal (or the gateway) does not allow this change.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ForbiddenError,
  fields: () => ({}),
});

builder.objectType(UpstreamError, {
  name: 'UpstreamError',
  description:
    'The portal failed or was unreachable. `retryable` tells whether sending the same mutation again is safe and useful.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof UpstreamError,
  fields: (t) => ({
    code: t.exposeString('code', {
      nullable: false,
      description: 'The gateway error code (see README), e.g. UPSTREAM_UNAVAILABLE.',
    }),
    bitrixCode: t.exposeString('bitrixCode', { description: "The portal's own error code, when it sent one." }),
    retryable: t.exposeBoolean('retryable', {
      nullable: false,
      description: 'True when the portal certainly did not apply the change.',
    }),
  }),
});

/** The error types every mutation declares (`errors: { types: MUTATION_ERRORS }`); the result
 * union and success type they generate are described in schema/generated-docs.ts. */
export const MUTATION_ERRORS = [NotFoundError, ValidationError, ForbiddenError, UpstreamError];

/** Runs a mutation's work: whatever it throws leaves as a typed mutation error. */
export async function asMutation<T>(
  ctx: Context,
  entity: string,
  id: number | null,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw typedError(error, ctx.portal.secrets(), entity, id);
  }
}

/** Maps anything a mutation caught to a typed mutation error (anything else is returned as it
 * is, to be masked). Also types each item of a bulk write. */
export function typedError(
  error: unknown,
  secrets: readonly string[],
  entity: string,
  id: number | null = null,
): Error {
  if (
    error instanceof NotFoundError ||
    error instanceof ValidationError ||
    error instanceof ForbiddenError ||
    error instanceof UpstreamError
  )
    return error;
  if (error instanceof FieldInputError) return new ValidationError(error.message, error.field);
  if (error instanceof BitrixError) {
    const message = redact(error.message, secrets);
    if (error.errorClass === 'not-found')
      return new NotFoundError(`${entity} ${id ?? ''} does not exist`.replace('  ', ' '), entity, id);
    if (error.code.toUpperCase() === 'ACCESS_DENIED') return new ForbiddenError(message);
    if (error.errorClass === 'bad-request') return new ValidationError(message, null);
    const mapped = fromBitrixError(error, secrets);
    // Not retryable as is when the write may have run (UPSTREAM_OUTCOME_UNKNOWN): a create is
    // repeated safely only with the same idempotency key, which finds what the first one made.
    return new UpstreamError(
      message,
      String(mapped.extensions.code ?? ErrorCode.UPSTREAM_ERROR),
      error.code || null,
      !error.ambiguous,
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}
