// GraphiQL that works offline: Yoga's default page loads its JS, CSS and Monaco workers from a
// CDN (unpkg), which a closed network or a strict CSP cannot reach. `@graphql-yoga/render-graphiql`
// inlines the same GraphiQL (same version line as graphql-yoga) into one self-contained page.
//
// Wiring (src/server.ts): `createYoga({ ..., renderGraphiQL })`.
import type { GraphiQLOptions } from 'graphql-yoga';

type Render = (opts?: GraphiQLOptions) => string;

let renderer: Promise<Render> | undefined;
const pages = new Map<string, string>();

/** Yoga's `renderGraphiQL` option. The ~9 MB bundle is loaded on the first GraphiQL request,
 * not at start-up (production usually has GraphiQL off), and each rendered page is kept. */
export async function renderGraphiQL(options: GraphiQLOptions = {}): Promise<string> {
  const key = JSON.stringify(options);
  const cached = pages.get(key);
  if (cached) return cached;
  renderer ??= import('@graphql-yoga/render-graphiql').then((m) => m.renderGraphiQL);
  const page = (await renderer)({ title: 'Bitrix24 GraphiQL', ...options });
  // Options come from config (fixed per server), so this holds a handful of pages at most.
  if (pages.size < 8) pages.set(key, page);
  return page;
}
