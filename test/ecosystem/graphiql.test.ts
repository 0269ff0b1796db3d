// GraphiQL in a real browser: Debian's headless Chromium, driven by playwright-core, opens the
// gateway's GraphiQL page (GET /graphql with Accept: text/html), types a query into the editor,
// runs it and reads the demo data in the result pane. The page must work offline: no request
// may leave loopback (Yoga's default page loads GraphiQL from a CDN; the gateway serves the
// inlined page of src/gateway/use-graphiql.ts). Screenshot: test-artifacts/graphiql.png.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium)
  console.warn(`graphiql.test: SKIPPED, ${CHROMIUM} is missing (apt-get install -y chromium; .ci/run installs it)`);

// The flags known to work here as root, with a fresh profile per run (node-svc.md).
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const QUERY = '{ employees(first: 3) { edges { node { fullName } } } }';
const SCREENSHOT = join('test-artifacts', 'graphiql.png');

describe.skipIf(!haveChromium)('GraphiQL in headless Chromium', () => {
  let stack: Stack;
  let context: BrowserContext | undefined;
  let profile: string;

  beforeAll(async () => {
    stack = await startStack();
    profile = mkdtempSync(join(tmpdir(), 'graphiql-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1400, height: 900 },
      timeout: 20_000,
    });
  }, 30_000);

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await stack?.close();
  });

  it('serves an offline page, runs a typed query and shows demo data in the result pane', async () => {
    // What the gateway serves to a browser.
    const served = await fetch(stack.url, { headers: { accept: 'text/html' } });
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toContain('text/html');
    const html = await served.text();
    // Self-contained (src/gateway/use-graphiql.ts): no CDN script, stylesheet or worker.
    expect(html).not.toMatch(/https?:\/\/(unpkg\.com|cdn\.jsdelivr\.net)/);
    expect(html).toContain('YogaGraphiQL');

    // The names the result pane must show, straight from the API.
    const expected = await stack.gql(QUERY);
    const names: string[] = expected.body.data.employees.edges.map(
      (e: { node: { fullName: string } }) => e.node.fullName,
    );
    expect(names).toHaveLength(3);

    const page = await context!.newPage();
    const offLoopback: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.protocol.startsWith('http') && !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname))
        offLoopback.push(request.url());
    });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    await page.goto(stack.url, { waitUntil: 'load', timeout: 20_000 });
    const editor = page.locator('.graphiql-query-editor .monaco-editor').first();
    await editor.waitFor({ state: 'visible', timeout: 20_000 });
    // It opens on a working example of this API, not on a generic welcome text.
    await expect.poll(() => editorText(page, '.graphiql-query-editor'), { timeout: 10_000 }).toContain('spaTypes');

    // Type the query: focus the editor, clear it, insert the text as a user would paste it.
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(QUERY);
    await expect
      .poll(() => editorText(page, '.graphiql-query-editor'), { timeout: 5_000 })
      .toContain('employees(first: 3)');

    await page.locator('.graphiql-execute-button').click();
    await expect.poll(() => editorText(page, '.graphiql-response'), { timeout: 15_000 }).toContain(names[2]);
    const result = await editorText(page, '.graphiql-response');
    for (const name of names) expect(result).toContain(name);
    expect(result).toContain('"fullName"');
    expect(result).not.toContain('"errors"');

    mkdirSync('test-artifacts', { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    expect(existsSync(SCREENSHOT)).toBe(true);
    expect(offLoopback).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  }, 45_000);
});

/** The text a Monaco editor shows (its rendered lines, nbsp folded to spaces). */
async function editorText(page: import('playwright-core').Page, container: string): Promise<string> {
  const lines = page.locator(`${container} .view-lines`).first();
  // innerText, not textContent: the text as rendered, one line per editor line, as a user sees it.
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the point
  const text = await lines.innerText().catch(() => '');
  return text.replace(/\u00a0/g, ' ');
}

describe('the GraphiQL page over HTTP', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  const get = (headers: Record<string, string>) => fetch(stack.url, { headers: { accept: 'text/html', ...headers } });

  it('is compressed (br, gzip), cacheable with an ETag (304 on revalidation), and opens on an example', async () => {
    const { request } = await import('node:http');
    // Raw bytes (fetch would decompress): the compressed page is a small share of the plain one.
    const raw = (encoding: string) =>
      new Promise<{ length: number; encoding?: string; etag?: string; cache?: string }>((done, fail) => {
        const req = request(stack.url, { headers: { accept: 'text/html', 'accept-encoding': encoding } }, (res) => {
          let length = 0;
          res.on('data', (chunk: Buffer) => (length += chunk.length));
          res.on('end', () =>
            done({
              length,
              encoding: res.headers['content-encoding'],
              etag: res.headers.etag,
              cache: res.headers['cache-control'],
            }),
          );
        });
        req.on('error', fail);
        req.end();
      });
    const [plain, br, gzip] = [await raw('identity'), await raw('gzip, deflate, br'), await raw('gzip')];
    expect([br.encoding, gzip.encoding, plain.encoding]).toEqual(['br', 'gzip', undefined]);
    expect(br.length).toBeLessThan(plain.length / 4);
    expect(gzip.length).toBeLessThan(plain.length / 3);
    expect(plain.cache).toMatch(/max-age=\d+/);
    expect(plain.etag).toMatch(/^".+"$/);
    const again = await get({ 'if-none-match': plain.etag! });
    expect(again.status).toBe(304);
    const html = await (await get({})).text();
    expect(html).toContain('spaTypes { entityTypeId title }');
  });

  it('with API keys it starts with a header for the key, and the key loads the schema', async () => {
    const { hashKey, parseApiKeys } = await import('../../src/gateway/use-api-keys.js');
    const keyed = await startStack({
      gateway: { apiKeys: parseApiKeys(`viewer:read:${hashKey('rk_graphiql_0123456789')}`) },
    });
    try {
      const html = await (await fetch(keyed.url, { headers: { accept: 'text/html' } })).text();
      expect(html).toContain('x-api-key');
      const introspect = (headers: Record<string, string>) =>
        fetch(keyed.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ query: '{ __schema { queryType { name } } }' }),
        });
      expect((await introspect({})).status).toBe(401);
      expect(
        (await (await introspect({ 'x-api-key': 'rk_graphiql_0123456789' })).json()).data.__schema.queryType.name,
      ).toBe('Query');
    } finally {
      await keyed.close();
    }
  });
});
