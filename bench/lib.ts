// Shared pieces of `npm run bench`: the machine line, the in-process gateway over an emulator,
// a GraphQL client, child processes (optionally pinned to a core), CPU time from /proc, a TLS
// front for clients that only speak https, and small statistics. Loopback only.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { Writable } from 'node:stream';
import { BitrixPortal } from '../src/upstream/portal.js';
import { PLANS, type RateLimitPlan } from '../src/upstream/bucket.js';
import { createLogger } from '../src/lib/logger.js';
import { createGateway, type Gateway } from '../src/gateway/yoga.js';
import type { EmulatorPortal } from '@bitrix24-graphql/demo-portal';

export const ROOT = new URL('..', import.meta.url).pathname;

export interface Machine {
  date: string;
  cpu: string;
  cores: number;
  node: string;
}

export function machine(): Machine {
  return {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    node: process.version,
  };
}

export function machineLine(m: Machine): string {
  return `${m.date.slice(0, 19).replace('T', ' ')} UTC · ${m.cpu} · ${m.cores} cores · Node ${m.node}`;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export const median = (values: number[]) => percentile(values, 50);

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
}

export function ratio(a: number, b: number, digits = 1): string {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return 'n/a';
  return `${(a / b).toFixed(digits)}×`;
}

export interface GqlResult<T = any> {
  status: number;
  body: { data?: T; errors?: any[]; extensions?: any };
  ms: number;
}

/** One GraphQL POST; never throws for HTTP or GraphQL errors (they are counted by callers). */
export async function gql<T = any>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers?: Record<string, string>,
): Promise<GqlResult<T>> {
  const t0 = performance.now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const text = await res.text();
    let body: GqlResult['body'] = {};
    try {
      body = JSON.parse(text);
    } catch {
      body = { errors: [{ message: `unparseable body: ${text.slice(0, 200)}` }] };
    }
    return { status: res.status, body, ms: performance.now() - t0 };
  } catch (error) {
    return { status: 0, body: { errors: [{ message: String(error) }] }, ms: performance.now() - t0 };
  }
}

export interface InProcessGateway {
  url: string;
  portal: BitrixPortal;
  gateway: Gateway;
  close(): Promise<void>;
}

const nullSink = () =>
  new Writable({
    write(_chunk, _enc, done) {
      done();
    },
  });

/** A fresh gateway (its own BitrixPortal: empty metadata cache, empty limiter) in this process,
 * configured as in production except that the per-caller rate limit is off (every bench client
 * comes from 127.0.0.1). */
export async function startGateway(
  emulator: EmulatorPortal,
  options: { plan?: RateLimitPlan; deadlineMs?: number; maxBodyBytes?: number } = {},
): Promise<InProcessGateway> {
  const logger = createLogger('error', nullSink());
  const portal = new BitrixPortal({
    auth: { kind: 'webhook', url: emulator.webhookUrl },
    plan: options.plan ?? PLANS.standard,
    logger,
  });
  const gateway = createGateway({
    portal,
    logger,
    rateLimit: null,
    deadlineMs: options.deadlineMs,
    dev: false,
    abuse: options.maxBodyBytes ? { maxBodyBytes: options.maxBodyBytes } : undefined,
  });
  const server: Server = createServer(gateway.yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return {
    url,
    portal,
    gateway,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await gateway.yoga.dispose();
      await portal.close();
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createTcpServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Every child process still running, so a watchdog can end them. */
export const liveChildren = new Set<ChildProcess>();

export interface Child {
  proc: ChildProcess;
  /** The node process itself (not a wrapper): for /proc CPU time. */
  pid: number;
  stderr: string[];
  stop(): Promise<void>;
}

/** Starts `node --import tsx <script>` (one process, so its pid is the server's own), pinned to
 * `cpus` with taskset when given. */
export function spawnNode(
  script: string,
  env: Record<string, string>,
  options: { cpus?: string; nodeArgs?: string[]; onStdout?: (line: string) => void } = {},
): Child {
  const nodeArgs = [...(options.nodeArgs ?? []), '--import', 'tsx', script];
  const [cmd, args] = options.cpus
    ? ['taskset', ['-c', options.cpus, process.execPath, ...nodeArgs]]
    : [process.execPath, nodeArgs];
  const proc = spawn(cmd, args as string[], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  liveChildren.add(proc);
  proc.once('exit', () => liveChildren.delete(proc));
  const stderr: string[] = [];
  proc.stderr!.on('data', (d) => {
    stderr.push(String(d));
    if (stderr.length > 200) stderr.shift();
  });
  let buffered = '';
  proc.stdout!.on('data', (d) => {
    buffered += String(d);
    for (let i = buffered.indexOf('\n'); i >= 0; i = buffered.indexOf('\n')) {
      options.onStdout?.(buffered.slice(0, i));
      buffered = buffered.slice(i + 1);
    }
  });
  return {
    proc,
    pid: proc.pid!, // taskset execs node in place: same pid
    stderr,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        const force = setTimeout(() => proc.kill('SIGKILL'), 15_000);
        proc.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        proc.kill('SIGTERM');
      }),
  };
}

/** A gateway process (src/main.ts) over `webhookUrl` on `port`, as production runs it (open
 * access, no per-caller rate limit: every bench client is 127.0.0.1), started and answering
 * /health; `env` adds to or overrides its settings. */
export async function spawnGateway(
  webhookUrl: string,
  port: number,
  env: Record<string, string> = {},
): Promise<{ child: Child; url: string }> {
  const child = spawnNode('src/main.ts', {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    GATEWAY_AUTH: 'off',
    BITRIX_WEBHOOK_URL: webhookUrl,
    RATE_LIMIT_PER_SECOND: '0',
    ...env,
  });
  const base = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${base}/health`).catch(() => null))?.ok ?? false, `a gateway on ${port}`);
  return { child, url: `${base}/graphql` };
}

export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`${what} did not become ready within ${timeoutMs} ms`);
}

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK']).stdout?.toString().trim()) || 100;

/** User + system CPU time of a process, in ms (/proc/<pid>/stat). */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  } catch {
    return NaN;
  }
}

/** Pins every thread of this process to `cpus` (taskset); returns a function restoring the old mask. */
export function pinSelf(cpuList: string): () => void {
  const before = spawnSync('taskset', ['-p', String(process.pid)])
    .stdout?.toString()
    .trim()
    .split(':')
    .pop()
    ?.trim();
  const ok = spawnSync('taskset', ['-a', '-p', '-c', cpuList, String(process.pid)]).status === 0;
  return () => {
    if (ok && before) spawnSync('taskset', ['-a', '-p', before, String(process.pid)]);
  };
}

export function canPin(): boolean {
  return cpus().length >= 2 && spawnSync('taskset', ['-p', String(process.pid)]).status === 0;
}

export interface TlsFront {
  port: number;
  /** PEM of the self-signed certificate (for the client's trust store). */
  ca: string;
  close(): Promise<void>;
}

/** A TLS terminator on loopback in front of a plain-HTTP server: bytes are piped through
 * unchanged, so the emulator still counts every request. The certificate is a fresh self-signed
 * one for 127.0.0.1 (openssl). */
export async function startTlsFront(targetPort: number): Promise<TlsFront> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-tls-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  const r = spawnSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  ]);
  if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr?.toString()}`);
  const pem = { key: readFileSync(key), cert: readFileSync(cert) };
  rmSync(dir, { recursive: true, force: true });
  const sockets = new Set<Socket>();
  const server = createTlsServer(pem, (tlsSocket) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    tlsSocket.pipe(upstream).pipe(tlsSocket);
    const end = () => {
      tlsSocket.destroy();
      upstream.destroy();
    };
    tlsSocket.on('error', end);
    upstream.on('error', end);
    tlsSocket.on('close', end);
    upstream.on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    ca: pem.cert.toString(),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
