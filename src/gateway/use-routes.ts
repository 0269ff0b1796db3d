// One path per endpoint. Yoga serves GraphQL on any URL that merely ends with `/graphql`
// (`/graphql/`, `//graphql`, `/x/graphql`, even `/health?a=/graphql`), so a check tied to one
// spelling of the path could be walked around (issue 10.6). Every other path is a 404 here,
// before any other plugin sees the request.
import type { Plugin } from 'graphql-yoga';
import { ErrorCode } from '../schema/error-codes.js';
import { jsonError } from './respond.js';

/** `graphql` first, then the other endpoints; `/` leads to the GraphQL endpoint (GraphiQL in a
 * browser, when it is on). */
export function useExactRoutes(graphql: string, others: readonly string[]): Plugin {
  const known = new Set([graphql, ...others]);
  const notFound = () =>
    jsonError(404, ErrorCode.NOT_FOUND, `no endpoint at this path (GraphQL is served at ${graphql})`);
  return {
    onRequest({ request, url, endResponse }) {
      if (known.has(url.pathname)) return;
      if (url.pathname === '/' && (request.method === 'GET' || request.method === 'HEAD')) {
        return endResponse(new Response(null, { status: 302, headers: { location: graphql } }));
      }
      endResponse(notFound());
    },
    // Yoga would still run GraphQL on `POST /health?x=/graphql` (the URL ends with it).
    onRequestParse({ url, endResponse }) {
      if (url.pathname !== graphql) endResponse(notFound());
    },
  };
}
