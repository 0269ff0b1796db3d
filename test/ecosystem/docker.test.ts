// Deployment: no Docker engine runs here, so the image's commands run directly. The build
// stage's `npm run build`, then the runtime stage's `node dist/main.js` (NODE_ENV=production,
// pointed at a demo portal this test starts: the image holds none), probed by the image's own HEALTHCHECK command, asked
// a GraphQL query, and stopped with SIGTERM (what tini forwards): it must exit 0 promptly. The
// built code may import production dependencies only (the image has `npm ci --omit=dev`).
// The Dockerfile itself is checked statically.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WEBHOOK_SECRET, startPortal, type EmulatorPortal } from '@bitrix24-graphql/demo-portal';

const ROOT = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

// ---------------------------------------------------------------------------------------------
// The Dockerfile, parsed into stages of instructions (continuation lines joined).

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  from: string;
  name?: string;
  steps: Instruction[];
}

function parseDockerfile(text: string): Stage[] {
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, op, args = ''] = /^(\S+)\s*(.*)$/.exec(line)!;
    const instruction = { op: op.toUpperCase(), args: args.replace(/\s+/g, ' ') };
    if (instruction.op === 'FROM') {
      const [, image, name] = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i.exec(instruction.args)!;
      stages.push({ from: image, name, steps: [] });
    } else if (stages.length) stages.at(-1)!.steps.push(instruction);
  }
  return stages;
}

const stages = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const runtime = stages.at(-1)!;
const ops = (stage: Stage, op: string) => stage.steps.filter((s) => s.op === op).map((s) => s.args);
const healthcheck = ops(runtime, 'HEALTHCHECK')[0] ?? '';
/** The exec-form command of the HEALTHCHECK (`CMD [...]`). */
const healthcheckCommand: string[] = JSON.parse(/\bCMD\s+(\[.*\])\s*$/.exec(healthcheck)?.[1] ?? '[]');

describe('Dockerfile (static)', () => {
  it('is multi-stage: dev dependencies and the compiler stay out of the runtime image', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const build = stages.find((s) => ops(s, 'RUN').some((r) => /npm run build/.test(r)));
    expect(build?.name, 'a named stage runs `npm run build`').toBeTruthy();
    expect(build).not.toBe(runtime);
    expect(ops(runtime, 'RUN').join('\n')).not.toMatch(/npm (ci|install)(?![^\n]*--omit=dev)|npm run build|\btsc\b/);
    expect(ops(runtime, 'COPY').some((c) => c.includes(`--from=${build!.name}`) && /\bdist\b/.test(c))).toBe(true);
  });

  it('installs production dependencies only (`npm ci --omit=dev`) into the runtime node_modules', () => {
    const deps = stages.find((s) => ops(s, 'RUN').some((r) => /npm ci\b.*--omit=dev/.test(r)));
    expect(deps, 'a stage runs `npm ci --omit=dev`').toBeTruthy();
    const nodeModules = ops(runtime, 'COPY').filter((c) => /node_modules/.test(c));
    expect(nodeModules.length).toBe(1);
    expect(deps === runtime || nodeModules[0].includes(`--from=${deps!.name}`)).toBe(true);
  });

  it('runs as the non-root `node` user, with NODE_ENV=production and the app files read-only to it', () => {
    const users = ops(runtime, 'USER');
    expect(users.at(-1)).toBe('node');
    const userAt = runtime.steps.findIndex((s) => s.op === 'USER');
    const cmdAt = runtime.steps.findIndex((s) => s.op === 'CMD');
    expect(userAt).toBeLessThan(cmdAt);
    expect(ops(runtime, 'ENV').join(' ')).toMatch(/NODE_ENV=production/);
    for (const copy of ops(runtime, 'COPY')) expect(copy).toMatch(/--chown=root:root/);
  });

  it('has a HEALTHCHECK on /health that needs no curl (slim images have none)', () => {
    expect(healthcheck).toMatch(/--interval=\S+/);
    expect(healthcheck).toMatch(/--timeout=\S+/);
    expect(healthcheckCommand[0]).toBe('node');
    expect(healthcheckCommand.join(' ')).toMatch(/\/health\b/);
  });

  it('runs Node behind an init (tini) so SIGTERM reaches it, and starts the built entry point without npm', () => {
    expect(ops(runtime, 'RUN').join('\n')).toMatch(/apt-get install[^\n]*\btini\b/);
    const entrypoint: string[] = JSON.parse(ops(runtime, 'ENTRYPOINT').at(-1) ?? '[]');
    expect(entrypoint[0]).toMatch(/(^|\/)tini$/);
    expect(entrypoint).toContain('--');
    const cmd: string[] = JSON.parse(ops(runtime, 'CMD').at(-1) ?? '[]');
    expect(cmd[0]).toBe('node');
    expect(cmd.at(-1)).toBe('dist/main.js');
    expect(ops(runtime, 'STOPSIGNAL')).toEqual(['SIGTERM']);
  });

  it('bakes in no secrets (the portal is configured at run time)', () => {
    const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(text).not.toMatch(/^\s*(ARG|ENV)\b[^\n]*(BITRIX_WEBHOOK_URL|BITRIX_OAUTH|API_KEY|SECRET)/im);
  });
});

// ---------------------------------------------------------------------------------------------
// The image's commands, run here.

describe('the image commands: build, start, health, query, SIGTERM', () => {
  // A private output folder inside the project (so Node finds node_modules and package.json's
  // "type": "module" as in /app), never the shared dist/.
  let work: string;
  let dist: string;
  let child: ChildProcess | undefined;
  let demo: EmulatorPortal | undefined;
  let output = '';

  beforeAll(async () => {
    mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
    work = mkdtempSync(join(ROOT, 'test-artifacts', 'image-'));
    dist = join(work, 'dist');
  }, 5_000);

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    if (work) rmSync(work, { recursive: true, force: true });
    await demo?.close();
  });

  it('`npm run build` compiles src/ to dist/ with main.js', async () => {
    await run('npm', ['run', 'build', '--', '--outDir', dist], { cwd: ROOT, timeout: 60_000 }).catch(
      (error: { stdout?: string; stderr?: string }) => {
        throw new Error(`npm run build failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
      },
    );
    expect(existsSync(join(dist, 'main.js'))).toBe(true);
    // The demo portal is its own package: nothing of it is compiled into the product.
    expect(walk(dist).filter((f) => /emulator|demo-portal/.test(f))).toEqual([]);
    expect(walk(dist).filter((f) => f.endsWith('.js') && readFileSync(f, 'utf8').includes('demo-portal'))).toEqual([]);
  }, 60_000);

  it('the built code imports production dependencies and Node built-ins only', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const allowed = new Set(Object.keys(pkg.dependencies ?? {}));
    const builtins = new Set(builtinModules);
    const offenders: string[] = [];
    for (const file of walk(dist).filter((f) => f.endsWith('.js'))) {
      const code = readFileSync(file, 'utf8');
      for (const [, spec] of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g)) {
        if (spec.startsWith('.') || spec.startsWith('node:') || builtins.has(spec)) continue;
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
        if (!allowed.has(name)) offenders.push(`${file.slice(dist.length + 1)} imports ${spec}`);
      }
    }
    expect(offenders, 'move these to "dependencies" or out of src/').toEqual([]);
  });

  it('`node dist/main.js` serves /health and GraphQL on PORT, passes the HEALTHCHECK, and exits 0 on SIGTERM', async () => {
    expect(existsSync(join(dist, 'main.js')), 'the build test ran first').toBe(true);
    const port = await freePort();
    demo = await startPortal({ size: 'small' });
    const env = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      BITRIX_WEBHOOK_URL: demo.webhookUrl,
      GATEWAY_AUTH: 'off',
    };
    child = spawn(process.execPath, ['--enable-source-maps', join(dist, 'main.js')], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((done) => child!.once('exit', (code) => done(code)));

    const base = `http://127.0.0.1:${port}`;
    const started = Date.now();
    let health = 0;
    while (Date.now() - started < 15_000 && child.exitCode === null) {
      health = await fetch(`${base}/health`).then(
        (r) => r.status,
        () => 0,
      );
      if (health === 200) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(health, output).toBe(200);

    // The image's HEALTHCHECK command, as Docker would run it inside the container.
    const [cmd, ...args] = healthcheckCommand;
    const probe = await run(cmd === 'node' ? process.execPath : cmd, args, { env, timeout: 5_000 }).then(
      () => 0,
      (e: { code?: number }) => e.code ?? 1,
    );
    expect(probe, output).toBe(0);

    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: '{ employees(first: 2) { edges { node { fullName } } } }' }),
    });
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.data.employees.edges).toHaveLength(2);
    expect(body.extensions?.bitrix).toBeUndefined(); // production: cost only on request

    const stopAt = Date.now();
    child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 5_000))]);
    expect(code, output).toBe(0);
    expect(Date.now() - stopAt).toBeLessThan(5_000);

    // Stopped: the HEALTHCHECK now fails, as Docker would see it.
    const after = await run(process.execPath, args, { env, timeout: 5_000 }).then(
      () => 0,
      (e: { code?: number }) => e.code ?? 1,
    );
    expect(after).not.toBe(0);

    // Production logs are JSON lines, and the demo portal's webhook secret is never in them.
    const lines = output.trim().split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    expect(output).not.toContain(DEFAULT_WEBHOOK_SECRET);
  }, 30_000);
});

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}
