// Cross-site request forgery: a browser sends form and text POSTs to any origin without a CORS
// preflight, and Yoga would run the mutation in them. GraphQL clients send JSON (which needs a
// preflight cross-site), so a GraphQL POST must carry a JSON (or application/graphql) body;
// anything else is refused with 415 and a code. The check sits in the request-parse phase, so it
// applies to every request that reaches GraphQL, whatever its path looked like.
import type { Plugin } from 'graphql-yoga';
import { ErrorCode } from '../schema/error-codes.js';
import { jsonError } from './respond.js';

const ACCEPTED = new Set(['application/json', 'application/graphql+json', 'application/graphql']);

export function useJsonPostsOnly(): Plugin {
  return {
    onRequestParse({ request, requestParser, endResponse }) {
      if (request.method !== 'POST') return; // GET never runs a mutation (Yoga refuses it)
      const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
      if (requestParser && ACCEPTED.has(type)) return;
      endResponse(
        jsonError(415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'POST a JSON body (Content-Type: application/json)', {
          accept: 'application/json',
        }),
      );
    },
  };
}
