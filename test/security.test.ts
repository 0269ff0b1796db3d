// The gateway's own protection, over real HTTP against the embedded portal: API keys and scopes,
// abuse limits (armor, complexity, body size, rate), production hardening, persisted operations.
// Every rejection has its stable extensions.code and nothing is sent upstream for it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertAuthDecision, loadConfig } from '../src/config.js';
import { hashKey, parseApiKeys } from '../src/gateway/use-api-keys.js';
import { loadPersistedDocuments } from '../src/gateway/use-persisted.js';
import { startStack, type Stack } from './helpers/stack.js';

const READ_KEY = 'rk_4f1d0c5e9b8a7d6c5b4a3f2e1d0c9b8a';
const WRITE_KEY = 'wk_0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d';
const KEYS = `reader:read:${hashKey(READ_KEY)},writer:read+write:${hashKey(WRITE_KEY)}`;
const EMPLOYEES = '{ employees(first: 2) { edges { node { fullName } } } }';
const PORTAL = { BITRIX_WEBHOOK_URL: 'https://acme.bitrix24.com/rest/7/abcdef/' };
const codes = (body: { errors?: { extensions?: { code?: string } }[] }) =>
  (body.errors ?? []).map((e) => e.extensions?.code);

describe('API keys', () => {
  let stack: Stack;
  const upstream = () => stack.portal.scheduler.stats.httpRequests;

  beforeAll(async () => {
    stack = await startStack({ gateway: { apiKeys: parseApiKeys(KEYS) } });
  });
  afterAll(() => stack.close());

  it('no key: 401 UNAUTHENTICATED with a WWW-Authenticate challenge, nothing sent upstream', async () => {
    const before = upstream();
    const res = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: EMPLOYEES }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const body = await res.json();
    expect(codes(body)).toEqual(['UNAUTHENTICATED']);
    expect(body.data).toBeUndefined();
    expect(upstream()).toBe(before);
  });

  it('an unknown key, a malformed header or a key of the wrong case: 401', async () => {
    const tries: Record<string, string>[] = [
      { authorization: 'Bearer nope' },
      { 'x-api-key': 'nope' },
      { authorization: `Basic ${READ_KEY}` },
      { 'x-api-key': READ_KEY.toUpperCase() },
    ];
    for (const headers of tries) {
      const res = await stack.gql(EMPLOYEES, undefined, headers);
      expect(res.status).toBe(401);
      expect(codes(res.body)).toEqual(['UNAUTHENTICATED']);
    }
  });

  it('a key works as Authorization: Bearer and as x-api-key', async () => {
    const tries: Record<string, string>[] = [
      { authorization: `Bearer ${READ_KEY}` },
      { 'x-api-key': READ_KEY },
      { authorization: `bearer ${WRITE_KEY}` },
    ];
    for (const headers of tries) {
      const res = await stack.gql(EMPLOYEES, undefined, headers);
      expect(res.status).toBe(200);
      expect(res.body.data.employees.edges).toHaveLength(2);
    }
  });

  it('a read-only key calling a mutation: 403 FORBIDDEN, typed, nothing sent upstream', async () => {
    const before = upstream();
    const res = await stack.gql('mutation Drop { deleteLead(id: 1) { __typename } }', undefined, {
      'x-api-key': READ_KEY,
    });
    expect(res.status).toBe(403);
    expect(codes(res.body)).toEqual(['FORBIDDEN']);
    expect(res.body.errors[0].message).toContain('reader');
    expect(res.body.errors[0].message).toContain('write');
    expect(upstream()).toBe(before);
  });

  it('the operation chosen by operationName decides the scope', async () => {
    const doc =
      'query Q { employees(first: 1) { edges { node { id } } } } mutation M { deleteLead(id: 1) { __typename } }';
    const asQuery = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': READ_KEY },
      body: JSON.stringify({ query: doc, operationName: 'Q' }),
    });
    expect(asQuery.status).toBe(200);
    const asMutation = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': READ_KEY },
      body: JSON.stringify({ query: doc, operationName: 'M' }),
    });
    expect(asMutation.status).toBe(403);
  });

  it('a write key runs the mutation (it reaches the portal)', async () => {
    const before = upstream();
    const res = await stack.gql('mutation { deleteLead(id: 999999) { __typename } }', undefined, {
      authorization: `Bearer ${WRITE_KEY}`,
    });
    expect(res.status).toBe(200);
    expect(codes(res.body)).not.toContain('FORBIDDEN');
    expect(res.body.data.deleteLead.__typename).toBe('NotFoundError');
    expect(upstream()).toBeGreaterThan(before);
  });

  it('/metrics needs a key; /health and /ready stay open for probes', async () => {
    const base = stack.url.replace('/graphql', '');
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    expect((await fetch(`${base}/metrics`, { headers: { 'x-api-key': 'nope' } })).status).toBe(401);
    expect((await fetch(`${base}/metrics`, { headers: { 'x-api-key': READ_KEY } })).status).toBe(200);
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect((await fetch(`${base}/ready`)).status).toBe(200);
  });
});

describe('API key configuration', () => {
  it('hash-key prints the same SHA-256 as sha256sum', () => {
    const out = spawnSync('node_modules/.bin/tsx', ['scripts/hash-key.ts', 'abc'], { encoding: 'utf8' });
    expect(out.stdout.trim()).toBe(createHash('sha256').update('abc').digest('hex'));
    const fresh = spawnSync('node_modules/.bin/tsx', ['scripts/hash-key.ts'], { encoding: 'utf8' });
    const [, key] = fresh.stdout.match(/key:\s+(\S+)/) ?? [];
    const [, hash] = fresh.stdout.match(/hash:\s+(\S+)/) ?? [];
    expect(key!.length).toBeGreaterThanOrEqual(40);
    expect(hashKey(key!)).toBe(hash);
  });

  it('parses name:scopes:hash and names the bad entry without echoing it', () => {
    const keys = parseApiKeys(KEYS);
    expect(keys.map((k) => [k.name, [...k.scopes]])).toEqual([
      ['reader', ['read']],
      ['writer', ['read', 'write']],
    ]);
    const secretish = 'f'.repeat(63);
    for (const bad of [
      `a:read:${secretish}`,
      `a:admin:${hashKey('x')}`,
      `a:read`,
      `a b:read:${hashKey('x')}`,
      `a:read:${hashKey('x')},a:write:${hashKey('y')}`,
    ]) {
      let message = '';
      try {
        loadConfig({ ...PORTAL, GATEWAY_API_KEYS: bad });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain('GATEWAY_API_KEYS');
      expect(message).not.toContain(secretish);
    }
  });

  it('a portal without keys refuses to start unless GATEWAY_AUTH=off (npm start says it for the demo)', () => {
    const portal = PORTAL;
    expect(() => assertAuthDecision(loadConfig(portal))).toThrow(/GATEWAY_AUTH=off/);
    expect(() => assertAuthDecision(loadConfig({ ...portal, GATEWAY_AUTH: 'off' }))).not.toThrow();
    expect(() => assertAuthDecision(loadConfig({ ...portal, GATEWAY_API_KEYS: KEYS }))).not.toThrow();
    expect(() => loadConfig({ ...portal, GATEWAY_AUTH: 'off', GATEWAY_API_KEYS: KEYS })).toThrow(/GATEWAY_AUTH/);
  });

  it('production turns introspection, suggestions and GraphiQL off unless asked', () => {
    const prod = loadConfig({ ...PORTAL, NODE_ENV: 'production' });
    expect([prod.graphiql, prod.security.introspection, prod.security.suggestions]).toEqual([false, false, false]);
    expect(loadConfig({ ...PORTAL, NODE_ENV: 'production', GRAPHIQL: 'true' }).graphiql).toBe(true);
    const dev = loadConfig(PORTAL);
    expect([dev.graphiql, dev.security.introspection, dev.security.suggestions]).toEqual([true, true, true]);
  });
});

describe('abuse limits (defaults)', () => {
  let stack: Stack;
  const upstream = () => stack.portal.scheduler.stats.httpRequests;

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  async function rejected(query: string, code: string, variables?: Record<string, unknown>) {
    const before = upstream();
    const res = await stack.gql(query, variables);
    expect(res.status).toBe(400);
    expect(codes(res.body)).toContain(code);
    expect(upstream()).toBe(before);
    return res;
  }

  it('depth over 12 (fragments flattened): QUERY_TOO_DEEP', async () => {
    const deep =
      '{ companies(first: 1) { edges { node { contacts(first: 1) { edges { node { company { contacts(first: 1) { edges { node { company { contacts(first: 1) { edges { node { id } } } } } } } } } } } } } } }';
    await rejected(deep, 'QUERY_TOO_DEEP');
    // Fragments do not hide depth.
    await rejected(
      'query { companies(first: 1) { ...A } } fragment A on CompanyConnection { edges { node { contacts(first: 1) { ...B } } } } fragment B on ContactConnection { edges { node { company { contacts(first: 1) { edges { node { company { contacts(first: 1) { edges { node { id } } } } } } } } } } }',
      'QUERY_TOO_DEEP',
    );
  });

  it('more than 15 aliases: TOO_MANY_ALIASES', async () => {
    const aliases = Array.from({ length: 16 }, (_, i) => `e${i}: employees(first: 1) { totalCount }`).join(' ');
    await rejected(`{ ${aliases} }`, 'TOO_MANY_ALIASES');
  });

  it('more than 20 directives: TOO_MANY_DIRECTIVES', async () => {
    await rejected(
      `{ ${Array.from({ length: 21 }, () => '__typename @skip(if: false)').join(' ')} }`,
      'TOO_MANY_DIRECTIVES',
    );
  });

  it('more than 2,000 tokens: TOO_MANY_TOKENS (refused while parsing)', async () => {
    await rejected(`{ ${'__typename '.repeat(2_100)}}`, 'TOO_MANY_TOKENS');
  });

  it('complexity follows `first`: nested pages over the limit are QUERY_TOO_COMPLEX, with variables too', async () => {
    await rejected(
      '{ companies(first: 2500) { edges { node { contacts(first: 2500) { edges { node { id fullName } } } } } } }',
      'QUERY_TOO_COMPLEX',
    );
    const doc =
      'query Nested($n: Int) { companies(first: $n) { edges { node { contacts(first: $n) { edges { node { id } } } } } } }';
    // The same document is checked per request (validation is cached per document, complexity is not).
    expect((await stack.gql(doc, { n: 2 })).status).toBe(200);
    const res = await rejected(doc, 'QUERY_TOO_COMPLEX', { n: 2500 });
    expect(res.body.errors[0].message).toMatch(/complexity \d+ exceeds the limit of 50000/);
    expect((await stack.gql(doc, { n: 2 })).status).toBe(200);
    // One big page with a few fields is fine.
    expect((await stack.gql('{ employees(first: 2500) { edges { node { id fullName } } } }')).status).toBe(200);
  });

  it('`first` above the cap is refused by the connection itself', async () => {
    const res = await stack.gql('{ employees(first: 2501) { edges { node { id } } } }');
    expect(codes(res.body)).toEqual(['BAD_USER_INPUT']);
  });

  it('a body over 256 kB: 413 REQUEST_ENTITY_TOO_LARGE', async () => {
    const res = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(300_000) } }),
    });
    expect(res.status).toBe(413);
    expect(codes(await res.json())).toEqual(['REQUEST_ENTITY_TOO_LARGE']);
  });

  it('development keeps introspection and suggestions', async () => {
    expect((await stack.gql('{ __schema { queryType { name } } }')).body.data.__schema.queryType.name).toBe('Query');
    const res = await stack.gql('{ employees(first: 1) { edges { node { fullNam } } } }');
    expect(res.body.errors[0].message).toMatch(/Did you mean/);
  });
});

describe('production hardening', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ gateway: { introspection: false, suggestions: false, graphiql: false } });
  });
  afterAll(() => stack.close());

  it('introspection is refused with INTROSPECTION_DISABLED; __typename still works', async () => {
    for (const query of ['{ __schema { types { name } } }', '{ __type(name: "Query") { name } }']) {
      const res = await stack.gql(query);
      expect(res.status).toBe(400);
      expect(codes(res.body)).toEqual(['INTROSPECTION_DISABLED']);
    }
    expect((await stack.gql('{ __typename }')).body.data.__typename).toBe('Query');
  });

  it('validation errors do not suggest field names', async () => {
    const res = await stack.gql('{ employees(first: 1) { edges { node { fullNam } } } }');
    expect(codes(res.body)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(res.text).not.toMatch(/Did you mean|fullName/);
  });

  it('GraphiQL is off', async () => {
    const res = await fetch(stack.url, { headers: { accept: 'text/html' } });
    expect(await res.text()).not.toContain('GraphiQL');
  });
});

describe('rate limit', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ gateway: { apiKeys: parseApiKeys(KEYS), rateLimit: { perSecond: 0.5, burst: 3 } } });
  });
  afterAll(() => stack.close());

  it('a key past its burst gets 429 RATE_LIMITED with Retry-After; another key is unaffected', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await stack.gql('{ __typename }', undefined, { 'x-api-key': READ_KEY })).status);
    expect(statuses).toEqual([200, 200, 200]);
    const res = await fetch(stack.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
        'x-api-key': READ_KEY,
      },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(codes(await res.json())).toEqual(['RATE_LIMITED']);
    expect((await stack.gql('{ __typename }', undefined, { 'x-api-key': WRITE_KEY })).status).toBe(200);
  });

  it('open access is limited per client address', async () => {
    const open = await startStack({ gateway: { rateLimit: { perSecond: 0.5, burst: 2 } } });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await open.gql('{ __typename }')).status);
      expect(statuses).toEqual([200, 200, 429]);
    } finally {
      await open.close();
    }
  });
});

describe('persisted operations', () => {
  const query = 'query Staff { employees(first: 2) { edges { node { fullName } } } }';
  const hex = createHash('sha256').update(query).digest('hex');
  let manifest: string;

  beforeAll(() => {
    // The shape GraphQL Code Generator's client preset writes (sha256 ids are prefixed).
    manifest = join(mkdtempSync(join(tmpdir(), 'persisted-')), 'persisted-documents.json');
    writeFileSync(manifest, JSON.stringify({ [`sha256:${hex}`]: query }));
  });

  const post = (stack: Stack, body: unknown) =>
    fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify(body),
    }).then(async (res) => ({ status: res.status, body: await res.json() }));

  it('allow-list mode serves manifest operations by documentId or APQ hash, and nothing else', async () => {
    const stack = await startStack({
      gateway: { persisted: { documents: await loadPersistedDocuments(manifest), only: true } },
    });
    try {
      const byId = await post(stack, { documentId: `sha256:${hex}` });
      expect(byId.status).toBe(200);
      expect(byId.body.data.employees.edges).toHaveLength(2);
      const apq = await post(stack, { extensions: { persistedQuery: { version: 1, sha256Hash: hex } } });
      expect(apq.body.data.employees.edges).toHaveLength(2);

      const before = stack.portal.scheduler.stats.httpRequests;
      const arbitrary = await post(stack, { query });
      expect(arbitrary.status).toBe(400);
      expect(codes(arbitrary.body)).toEqual(['PERSISTED_QUERY_REQUIRED']);
      const unknown = await post(stack, { documentId: 'sha256:0000' });
      expect(unknown.status).toBe(400);
      expect(codes(unknown.body)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
      expect(stack.portal.scheduler.stats.httpRequests).toBe(before);
    } finally {
      await stack.close();
    }
  });

  it('mixed mode serves both persisted ids and arbitrary documents', async () => {
    const stack = await startStack({
      gateway: { persisted: { documents: await loadPersistedDocuments(manifest), only: false } },
    });
    try {
      expect((await post(stack, { documentId: `sha256:${hex}` })).body.data.employees.edges).toHaveLength(2);
      expect((await post(stack, { query: '{ __typename }' })).body.data.__typename).toBe('Query');
    } finally {
      await stack.close();
    }
  });

  it('a broken manifest names the variable', async () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'persisted-')), 'bad.json');
    writeFileSync(bad, JSON.stringify({ x: '{ nope' }));
    await expect(loadPersistedDocuments(bad)).rejects.toThrow(/PERSISTED_OPERATIONS/);
    await expect(loadPersistedDocuments(join(tmpdir(), 'missing-manifest.json'))).rejects.toThrow(
      /PERSISTED_OPERATIONS: cannot read/,
    );
  });
});

describe('cross-site request forgery', () => {
  const mutation = 'mutation { deleteSpaCard(entityTypeId: 128, id: 1) { __typename } }';
  const FORMS: [string, string][] = [
    ['application/x-www-form-urlencoded', `query=${encodeURIComponent(mutation)}`],
    ['text/plain', JSON.stringify({ query: mutation })],
    [
      'multipart/form-data; boundary=x',
      `--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${JSON.stringify({ query: mutation })}\r\n--x--`,
    ],
  ];
  let s: Stack;
  beforeAll(async () => {
    s = await startStack();
  });
  afterAll(() => s.close());

  it('refuses form, text and multipart POSTs to /graphql (a browser sends them cross-site without preflight)', async () => {
    for (const [type, body] of FORMS) {
      const res = await fetch(s.url, { method: 'POST', headers: { 'content-type': type }, body });
      expect(res.status, type).toBe(415);
      expect((await res.json()).errors[0].extensions.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
    expect(s.emulator.counters.commandsByMethod['crm.item.delete']).toBeUndefined();
    const card = await s.gql('{ spaCard(entityTypeId: 128, id: 1) { bitrixId } }');
    expect(card.body.data.spaCard.bitrixId).toBe(1);
  });

  it('serves GraphQL at one exact path: /graphql/, //graphql, /graphql/., /x/graphql and /health?a=/graphql are 404 with a code', async () => {
    const origin = new URL(s.url).origin;
    for (const path of [
      '/graphql/',
      '//graphql',
      '/graphql/.',
      '/x/graphql',
      '/GRAPHQL',
      '/health?a=/graphql',
      '/metrics/graphql',
    ]) {
      for (const [type, body] of [
        ...FORMS,
        ['application/json', JSON.stringify({ query: mutation })] as [string, string],
      ]) {
        const res = await fetch(origin + path, { method: 'POST', headers: { 'content-type': type }, body });
        expect(res.status, `${path} ${type}`).toBe(404);
        expect((await res.json()).errors[0].extensions.code).toBe('NOT_FOUND');
      }
    }
    expect(s.emulator.counters.commandsByMethod['crm.item.delete']).toBeUndefined();
  });

  it('any other body type gets a 415 with a JSON body and a code (not an empty answer)', async () => {
    for (const type of ['application/xml', 'application/octet-stream', '']) {
      const res = await fetch(s.url, { method: 'POST', headers: type ? { 'content-type': type } : {}, body: '<q/>' });
      expect(res.status, type).toBe(415);
      expect((await res.json()).errors[0].extensions.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
  });

  it('GET / leads to the GraphQL endpoint', async () => {
    const res = await fetch(`${new URL(s.url).origin}/`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/graphql');
  });
});

describe('cross-origin access (CORS)', () => {
  const preflight = (url: string, origin: string) =>
    fetch(url, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
  const post = (url: string, origin: string) =>
    fetch(url, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });

  it('by default no origin, `null` included, is allowed, and credentials are never allowed', async () => {
    const s = await startStack();
    try {
      for (const origin of ['https://evil.example', 'null', 'http://localhost:3000']) {
        for (const res of [await preflight(s.url, origin), await post(s.url, origin)]) {
          expect(res.headers.get('access-control-allow-origin'), origin).toBeNull();
          expect(res.headers.get('access-control-allow-credentials')).toBeNull();
        }
      }
    } finally {
      await s.close();
    }
  });

  it('with CORS_ORIGINS only the listed origins get their own name back, without credentials', async () => {
    const origins = loadConfig({ ...PORTAL, CORS_ORIGINS: 'https://crm.example.com, http://localhost:5173' }).security
      .corsOrigins;
    expect(origins).toEqual(['https://crm.example.com', 'http://localhost:5173']);
    const s = await startStack({ gateway: { corsOrigins: origins } });
    try {
      for (const res of [
        await preflight(s.url, 'https://crm.example.com'),
        await post(s.url, 'https://crm.example.com'),
      ]) {
        expect(res.headers.get('access-control-allow-origin')).toBe('https://crm.example.com');
        expect(res.headers.get('access-control-allow-credentials')).toBeNull();
      }
      expect((await preflight(s.url, 'https://crm.example.com')).headers.get('access-control-allow-headers')).toMatch(
        /x-api-key/,
      );
      for (const origin of ['https://evil.example', 'null', 'https://crm.example.com.evil.example']) {
        expect((await post(s.url, origin)).headers.get('access-control-allow-origin'), origin).toBeNull();
      }
    } finally {
      await s.close();
    }
  });

  it('CORS_ORIGINS refuses what is not an origin', () => {
    for (const bad of [
      'crm.example.com',
      'https://crm.example.com/',
      'https://crm.example.com/app',
      'ftp://x.example',
      'null',
    ]) {
      expect(() => loadConfig({ ...PORTAL, CORS_ORIGINS: bad }), bad).toThrow(/CORS_ORIGINS/);
    }
  });
});
