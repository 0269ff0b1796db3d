// Real processes for the tests that need them: a private redis-server, and gateways started
// from src/main.ts as their own processes (killed, restarted, several at once).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REDIS = '/usr/bin/redis-server';
export const hasRedis = existsSync(REDIS);

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function waitFor(check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('timed out waiting');
}

export function startRedis(port: number): ChildProcess {
  return spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
}

/** A private redis-server on a free port and a client connected to it; `stop` ends both. */
export async function privateRedis(): Promise<{ redis: Redis; stop(): Promise<void> }> {
  const port = await freePort();
  const server = startRedis(port);
  const redis = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined); // refused until the server is up
  await waitFor(async () => {
    await redis.connect().catch(() => undefined);
    return (await redis.ping()) === 'PONG';
  });
  return {
    redis,
    async stop() {
      await redis.quit();
      server.kill('SIGTERM');
    },
  };
}

export interface Replica {
  url: string;
  logs: string[];
  process: ChildProcess;
  gql(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<any>;
}

export async function startReplica(env: Record<string, string>): Promise<Replica> {
  const port = await freePort();
  const logs: string[] = [];
  // One process (node with the tsx loader, not the tsx wrapper), so a kill reaches the gateway.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
      GATEWAY_AUTH: 'off',
      REQUEST_DEADLINE_MS: '60000',
      // Without Redis, each replica keeps its change feed in a file of its own.
      CHANGE_FEED_FILE: join(tmpdir(), `replica-feed-${port}.json`),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => logs.push(String(d)));
  child.stderr!.on('data', (d) => logs.push(String(d)));
  const base = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${base}/health`)).ok);
  return {
    url: `${base}/graphql`,
    logs,
    process: child,
    async gql(query, variables, headers) {
      const res = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return res.json();
    },
  };
}
