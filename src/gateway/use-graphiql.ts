// GraphiQL, served by the gateway itself: one self-contained page (no CDN: closed networks and
// strict CSPs work), opened on a working query of this API, compressed and cacheable. Yoga's
// default page loads its code from unpkg, is sent uncompressed (the inlined bundle is ~9 MB) and
// opens on a generic welcome text.
//
// Wiring (src/gateway/yoga.ts): `useGraphiQL({ endpoint, headers })` before Yoga's own handling, with
// Yoga's `graphiql` option off.
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Plugin } from 'graphql-yoga';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** What GraphiQL opens on: a query that works on any portal and shows what the gateway adds. */
export const DEFAULT_QUERY = `# Bitrix24 GraphQL: contacts, companies, deals, leads, smart-process cards, stages, employees.
# Run it with the ▶ button; open "Docs" for every type and field. Cost in extensions.bitrix.
{
  spaTypes { entityTypeId title }
  employees(first: 5) {
    totalCount
    edges { node { fullName position departments { name } } }
  }
  contacts(first: 5) {
    edges { node { fullName phones { value } type { name } company { title } } }
    pageInfo { hasNextPage endCursor }
  }
}
`;

export interface GraphiQLPageOptions {
  /** The GraphQL endpoint's path. */
  endpoint: string;
  /** Headers GraphiQL starts with, as a JSON text (e.g. a placeholder for the API key). */
  headers?: string;
}

interface Page {
  etag: string;
  plain: Buffer;
  br: Buffer;
  gzip: Buffer;
}

export function useGraphiQL(options: GraphiQLPageOptions): Plugin {
  let page: Promise<Page> | undefined;
  const build = async (): Promise<Page> => {
    // The bundle is loaded on the first GraphiQL request, not at start-up.
    const { renderGraphiQL } = await import('@graphql-yoga/render-graphiql');
    const html = renderGraphiQL({
      title: 'Bitrix24 GraphQL',
      endpoint: options.endpoint,
      defaultQuery: DEFAULT_QUERY,
      headers: options.headers,
      shouldPersistHeaders: false,
    });
    const plain = Buffer.from(html);
    const [br, gz] = await Promise.all([
      brotli(plain, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } }),
      gzipAsync(plain, { level: 9 }),
    ]);
    return { etag: `"${createHash('sha256').update(plain).digest('base64url').slice(0, 22)}"`, plain, br, gzip: gz };
  };
  return {
    async onRequest({ request, url, endResponse }) {
      if (
        request.method !== 'GET' ||
        url.pathname !== options.endpoint ||
        !request.headers.get('accept')?.includes('text/html')
      )
        return;
      page ??= build();
      const p = await page;
      // The page only changes with a new gateway version: revalidate with its ETag (cheap 304).
      const headers: Record<string, string> = {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'public, max-age=300, must-revalidate',
        etag: p.etag,
        vary: 'accept-encoding',
      };
      if (request.headers.get('if-none-match') === p.etag)
        return endResponse(new Response(null, { status: 304, headers }));
      const accepted = request.headers.get('accept-encoding') ?? '';
      const [body, encoding] = /\bbr\b/.test(accepted)
        ? [p.br, 'br']
        : /\bgzip\b/.test(accepted)
          ? [p.gzip, 'gzip']
          : [p.plain, undefined];
      if (encoding) headers['content-encoding'] = encoding;
      endResponse(new Response(new Uint8Array(body) as Uint8Array<ArrayBuffer>, { status: 200, headers }));
    },
  };
}
