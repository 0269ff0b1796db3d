// Start-up as the README runs it: no webhook → embedded demo portal; config validated without
// echoing secrets; health and readiness; orderly stop.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { start } from '../src/main.js';

describe('configuration', () => {
  it('names the variable and never echoes a malformed webhook secret', () => {
    const secret = 'sup3rSecretCode99';
    for (const url of [`ftp://portal.example/rest/1/${secret}/`, `http://portal.example/rest/1/${secret}/`, `https://portal.example/rest/${secret}/`]) {
      let message = '';
      try {
        loadConfig({ BITRIX_WEBHOOK_URL: url });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain('BITRIX_WEBHOOK_URL');
      expect(message).not.toContain(secret);
    }
  });

  it('rejects malformed values naming them', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ BITRIX_PLAN: 'custom' })).toThrow(/BITRIX_RATE_PER_SECOND/);
    expect(() => loadConfig({ BITRIX_OAUTH_CLIENT_ENDPOINT: 'https://p.example/rest/' })).toThrow(/BITRIX_OAUTH_ACCESS_TOKEN/);
  });

  it('accepts a local http portal and an https one', () => {
    expect(loadConfig({ BITRIX_WEBHOOK_URL: 'http://127.0.0.1:4100/rest/1/abcdef/' }).bitrix).toMatchObject({ kind: 'webhook' });
    expect(loadConfig({ BITRIX_WEBHOOK_URL: 'https://acme.bitrix24.com/rest/7/abcdef/' }).plan).toEqual({ drainPerSecond: 2, bucket: 50 });
    expect(loadConfig({ BITRIX_PLAN: 'enterprise' }).plan).toEqual({ drainPerSecond: 5, bucket: 250 });
  });
});

describe('start()', () => {
  it('serves the embedded demo portal, answers the README query, and stops cleanly', async () => {
    const config = { ...loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }) };
    const running = await start(config);
    try {
      const res = await fetch(running.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ employees(first: 5) { edges { node { fullName } } } }' }),
      });
      const body = await res.json();
      expect(body.data.employees.edges).toHaveLength(5);
      expect(body.extensions.bitrix.httpRequests).toBe(1); // development mode shows the cost
      const base = running.url.replace('/graphql', '');
      expect((await fetch(`${base}/health`)).status).toBe(200);
      expect((await fetch(`${base}/ready`)).status).toBe(200);
      const graphiql = await fetch(running.url, { headers: { accept: 'text/html' } });
      expect(await graphiql.text()).toContain('GraphiQL');
    } finally {
      await running.stop();
    }
    await expect(fetch(running.url)).rejects.toThrow();
  });
});
