// The JSON error body every non-GraphQL refusal uses (404, 405, 413, 415, 401 on side
// endpoints): the GraphQL error shape, so clients read `errors[0].extensions.code` everywhere.
import type { ErrorCode } from '../schema/error-codes.js';

export function jsonError(
  status: number,
  code: ErrorCode,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}
