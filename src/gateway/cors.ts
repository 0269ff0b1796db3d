// Cross-origin access (issue 10.7). Yoga's default reflects every origin, `null` included, with
// `Access-Control-Allow-Credentials: true`: any web page could run mutations through a visitor's
// browser on an open gateway and read the answers. Here no origin is allowed unless the operator
// lists it (CORS_ORIGINS); a listed origin gets exactly its own name back, never credentials
// (API keys travel in headers, not cookies). `*` allows any origin, still without credentials
// (Yoga answers it by echoing the origin, which without credentials means the same as `*`).
import type { CORSOptions } from 'graphql-yoga';

const ALLOWED_HEADERS = [
  'accept',
  'authorization',
  'content-type',
  'x-api-key',
  'idempotency-key',
  'x-request-id',
  'x-bitrix-cost',
];
const EXPOSED_HEADERS = ['x-request-id', 'retry-after'];

export function corsPolicy(origins: readonly string[]): (request: Request) => CORSOptions {
  const any = origins.includes('*');
  const listed = new Set(origins);
  const base = {
    methods: ['GET', 'POST'],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    credentials: false,
    maxAge: 600,
  };
  return (request) => {
    const origin = request.headers.get('origin');
    if (any) return { ...base, origin: '*' };
    if (!origin || origin === 'null' || !listed.has(origin)) return false;
    return { ...base, origin };
  };
}

/** CORS_ORIGINS: comma-separated `scheme://host[:port]` origins, or `*`. Throws on anything else. */
export function parseCorsOrigins(value: string | undefined): string[] {
  if (!value?.trim()) return [];
  return value.split(',').map((raw) => {
    const origin = raw.trim();
    if (origin === '*') return origin;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      throw new Error(`CORS_ORIGINS: "${origin}" is not an origin (scheme://host[:port])`);
    }
    if (!/^https?:$/.test(url.protocol) || url.origin !== origin)
      throw new Error(`CORS_ORIGINS: "${origin}" is not an origin (scheme://host[:port], no path or trailing slash)`);
    return origin;
  });
}
