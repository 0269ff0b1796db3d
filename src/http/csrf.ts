// Cross-site request forgery: a browser sends form and text POSTs to any origin without a CORS
// preflight, and Yoga would run the mutation in them. GraphQL clients send JSON (which needs a
// preflight cross-site), so the GraphQL endpoint refuses "simple" POST bodies with 415.
import type { Plugin } from 'graphql-yoga';
import { ErrorCode } from '../errors.js';

const SIMPLE = /^(application\/x-www-form-urlencoded|multipart\/form-data|text\/plain)\b/i;

export function useNoSimplePosts(endpoint = '/graphql'): Plugin {
  return {
    onRequest({ request, url, endResponse }) {
      if (request.method !== 'POST' || url.pathname !== endpoint) return;
      const type = request.headers.get('content-type') ?? '';
      if (type && !SIMPLE.test(type)) return;
      endResponse(
        new Response(
          JSON.stringify({ errors: [{ message: 'POST a JSON body (Content-Type: application/json)', extensions: { code: ErrorCode.UNSUPPORTED_MEDIA_TYPE } }] }),
          { status: 415, headers: { 'content-type': 'application/json' } },
        ),
      );
    },
  };
}
