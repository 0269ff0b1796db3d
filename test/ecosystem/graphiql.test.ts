// GraphiQL in a real browser: Debian's headless Chromium, driven by playwright-core, opens the
// gateway's GraphiQL page (GET /graphql with Accept: text/html), types a query into the editor,
// runs it and reads the demo data in the result pane. The page must work offline: no request
// may leave loopback (Yoga's default page loads GraphiQL from a CDN; the gateway serves the
// inlined page of src/http/graphiql.ts). Screenshot: test-artifacts/graphiql.png.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`graphiql.test: SKIPPED, ${CHROMIUM} is missing (apt-get install -y chromium; .ci/run installs it)`);

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
    // Self-contained (src/http/graphiql.ts): no CDN script, stylesheet or worker.
    expect(html).not.toMatch(/https?:\/\/(unpkg\.com|cdn\.jsdelivr\.net)/);
    expect(html).toContain('YogaGraphiQL');

    // The names the result pane must show, straight from the API.
    const expected = await stack.gql(QUERY);
    const names: string[] = expected.body.data.employees.edges.map((e: { node: { fullName: string } }) => e.node.fullName);
    expect(names).toHaveLength(3);

    const page = await context!.newPage();
    const offLoopback: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.protocol.startsWith('http') && !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) offLoopback.push(request.url());
    });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    await page.goto(stack.url, { waitUntil: 'load', timeout: 20_000 });
    const editor = page.locator('.graphiql-query-editor .monaco-editor').first();
    await editor.waitFor({ state: 'visible', timeout: 20_000 });

    // Type the query: focus the editor, clear it, insert the text as a user would paste it.
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(QUERY);
    await expect.poll(() => editorText(page, '.graphiql-query-editor'), { timeout: 5_000 }).toContain('employees(first: 3)');

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
  const text = await page.locator(`${container} .view-lines`).first().innerText().catch(() => '');
  return text.replace(/\u00a0/g, ' ');
}
