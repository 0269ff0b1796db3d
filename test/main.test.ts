// Start-up as the README runs it: `npm start` (the demo portal and the gateway over it), the
// gateway alone over a configured portal; config validated without echoing secrets; health and
// readiness; orderly stop.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { startPortal } from '@bitrix24-graphql/demo-portal';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { start } from '../src/main.js';

const PORTAL = { BITRIX_WEBHOOK_URL: 'https://acme.bitrix24.com/rest/7/abcdef/' };

describe('configuration', () => {
  it('names the variable and never echoes a malformed webhook secret', () => {
    const secret = 'sup3rSecretCode99';
    for (const url of [
      `ftp://portal.example/rest/1/${secret}/`,
      `http://portal.example/rest/1/${secret}/`,
      `https://portal.example/rest/${secret}/`,
    ]) {
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
    expect(() => loadConfig({ ...PORTAL, PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ ...PORTAL, BITRIX_PLAN: 'custom' })).toThrow(/BITRIX_RATE_PER_SECOND/);
    expect(() => loadConfig({ BITRIX_OAUTH_CLIENT_ENDPOINT: 'https://p.example/rest/' })).toThrow(
      /BITRIX_OAUTH_ACCESS_TOKEN/,
    );
  });

  it('the gateway never serves a demo by itself: without a portal it refuses to start, in any environment', () => {
    for (const env of [{}, { NODE_ENV: 'production' }, { NODE_ENV: 'development' }]) {
      expect(() => loadConfig(env)).toThrow(/no portal: set BITRIX_WEBHOOK_URL .*npm start/);
    }
  });

  it('GraphiQL and introspection go together: GRAPHIQL=true in production turns introspection on; INTROSPECTION=false contradicts it', () => {
    const portal = {
      BITRIX_WEBHOOK_URL: 'https://acme.bitrix24.com/rest/7/abcdef/',
      GATEWAY_AUTH: 'off',
      NODE_ENV: 'production',
    };
    expect(loadConfig(portal)).toMatchObject({ graphiql: false, security: { introspection: false } });
    expect(loadConfig({ ...portal, GRAPHIQL: 'true' })).toMatchObject({
      graphiql: true,
      security: { introspection: true },
    });
    expect(() => loadConfig({ ...portal, GRAPHIQL: 'true', INTROSPECTION: 'false' })).toThrow(
      /GRAPHIQL=true needs introspection/,
    );
  });

  it('accepts a local http portal and an https one', () => {
    expect(loadConfig({ BITRIX_WEBHOOK_URL: 'http://127.0.0.1:4100/rest/1/abcdef/' }).bitrix).toMatchObject({
      kind: 'webhook',
    });
    expect(loadConfig({ BITRIX_WEBHOOK_URL: 'https://acme.bitrix24.com/rest/7/abcdef/' }).plan).toEqual({
      drainPerSecond: 2,
      bucket: 50,
    });
    expect(loadConfig({ ...PORTAL, BITRIX_PLAN: 'enterprise' }).plan).toEqual({ drainPerSecond: 5, bucket: 250 });
  });
});

describe('npm start', () => {
  it('starts the demo portal and the gateway over it (GraphiQL, the README query), and stops on SIGTERM with exit 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], {
      env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    try {
      const until = Date.now() + 20_000;
      while (!/GraphiQL: (http\S+)/.test(output) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      const url = /GraphiQL: (http\S+)/.exec(output)?.[1];
      expect(url, output).toBeDefined();
      const res = await fetch(url!, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ employees(first: 5) { edges { node { fullName } } } }' }),
      });
      expect((await res.json()).data.employees.edges).toHaveLength(5);
      expect(await (await fetch(url!, { headers: { accept: 'text/html' } })).text()).toContain('GraphiQL');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited, output).toBe(0);
  }, 30_000);
});

describe('start()', () => {
  it('serves a configured portal, answers the README query, and stops cleanly', async () => {
    const demo = await startPortal({ size: 'small' });
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      BITRIX_WEBHOOK_URL: demo.webhookUrl,
      GATEWAY_AUTH: 'off',
      CHANGE_FEED_FILE: join(tmpdir(), `feed-${process.pid}-${Date.now()}.json`),
    });
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
      await demo.close();
    }
    await expect(fetch(running.url)).rejects.toThrow();
  });
});

describe('slow clients', () => {
  it('a connection that drips its headers, or its body, is closed at the configured limit', async () => {
    const demo = await startPortal({ size: 'small' });
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      HTTP_HEADERS_TIMEOUT_MS: '1000',
      HTTP_REQUEST_TIMEOUT_MS: '2000',
      BITRIX_WEBHOOK_URL: demo.webhookUrl,
      GATEWAY_AUTH: 'off',
      CHANGE_FEED_FILE: join(tmpdir(), `feed-${process.pid}-${Date.now()}.json`),
    });
    const running = await start(config);
    const { port } = new URL(running.url);
    const { connect } = await import('node:net');
    const drip = (parts: string[]) =>
      new Promise<{ closed: boolean; answer: string }>((resolve) => {
        const socket = connect(Number(port), '127.0.0.1');
        let answer = '';
        let i = 0;
        const timer = setInterval(() => i < parts.length && socket.write(parts[i++]), 300);
        socket.on('data', (d) => (answer += String(d)));
        socket.on('close', () => {
          clearInterval(timer);
          resolve({ closed: true, answer });
        });
        setTimeout(() => {
          clearInterval(timer);
          socket.destroy();
          resolve({ closed: false, answer });
        }, 8_000);
      });
    try {
      const headers = drip([
        'POST /graphql HTTP/1.1\r\n',
        'Host: x\r\n',
        ...Array.from({ length: 40 }, (_, n) => `X-Drip-${n}: y\r\n`),
      ]);
      const body = drip([
        'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n',
        ...Array.from({ length: 40 }, () => ' '),
      ]);
      for (const result of await Promise.all([headers, body])) {
        expect(result.closed).toBe(true);
        expect(result.answer).toMatch(/^HTTP\/1\.1 408|^$/);
      }
    } finally {
      await running.stop();
      await demo.close();
    }
  });
});

describe('an unreachable portal', () => {
  it('is reported at start (host, no secret), and the first query fails fast with a code', async () => {
    const { createServer } = await import('node:net');
    const closed = await new Promise<number>((done) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => done(port));
      });
    });
    const secret = 'n0tThereSecret42';
    const lines: string[] = [];
    const { Writable } = await import('node:stream');
    const { createLogger } = await import('../src/lib/logger.js');
    const logger = createLogger(
      'info',
      new Writable({
        write: (chunk, _e, done) => {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      BITRIX_WEBHOOK_URL: `http://127.0.0.1:${closed}/rest/1/${secret}/`,
      GATEWAY_AUTH: 'off',
      CHANGE_FEED_FILE: join(tmpdir(), `feed-${process.pid}-${Date.now()}.json`),
    });
    const running = await start(config, logger);
    try {
      const report = lines.find((l) => l.includes('portal check failed'));
      expect(report).toMatch(/refused the connection/);
      expect(report).toContain(`127.0.0.1:${closed}`);
      const res = await fetch(running.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ contactTypes { name } }' }),
      });
      const body = await res.json();
      // CIRCUIT_OPEN when the schema's build at start met the refusals first and opened the breaker.
      expect(body.errors[0].extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
      expect(['CONNECT_FAILED', 'CIRCUIT_OPEN']).toContain(body.errors[0].extensions.bitrix.code);
      expect(lines.join('')).not.toContain(secret);
    } finally {
      await running.stop();
    }
  });

  it('a refused connection is tried 3 times, not 10: the answer comes in seconds', async () => {
    const { BitrixPortal } = await import('../src/upstream/portal.js');
    const portal = new BitrixPortal({
      auth: { kind: 'webhook', url: 'http://127.0.0.1:1/rest/1/abc123def/' },
      plan: { drainPerSecond: 100, bucket: 100 },
    });
    try {
      await expect(portal.read('user.current', {}, { deadline: Date.now() + 60_000 })).rejects.toMatchObject({
        code: 'CONNECT_FAILED',
      });
      expect(portal.scheduler.stats.retries).toBe(2);
    } finally {
      await portal.close();
    }
  });
});
