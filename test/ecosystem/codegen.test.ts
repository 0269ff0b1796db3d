// Generated clients: codegen.ts turns schema.graphql and the operations of examples/consumer
// into a typed client (client preset, string documents, persisted-document hashes). The
// committed output must be what codegen produces now (a stale client fails here), the manifest's
// ids must be the sha256 of their documents, and the consumer must work against the gateway.
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import config from '../../codegen.js';
import {
  CreateCard,
  CreateOnboarding,
  ListCards,
  ListEmployees,
  UrgentOnboardings,
} from '../../examples/consumer/src/operations.js';
import { data, startStack, type Stack } from '../helpers/stack.js';

const ROOT = resolve(import.meta.dirname, '../..');
const GENERATED = join(ROOT, 'examples/consumer/src/gql');

describe('codegen output', () => {
  it('is up to date with schema.graphql and the consumer operations (run `npm run codegen` when this fails)', async () => {
    const outputs = await generate(
      { ...config, cwd: ROOT, silent: true, verbose: false } as Parameters<typeof generate>[0],
      false,
    );
    const produced = new Map<string, string>(
      outputs.map((o: { filename: string; content: string }) => [
        relative(GENERATED, resolve(ROOT, o.filename)),
        o.content,
      ]),
    );
    expect([...produced.keys()].sort()).toEqual(readdirSync(GENERATED).sort());
    for (const [file, content] of produced) {
      expect(readFileSync(join(GENERATED, file), 'utf8'), `examples/consumer/src/gql/${file} is stale`).toBe(content);
    }
  }, 30_000);

  it('persisted-documents.json maps sha256 ids to the documents, one per operation', () => {
    const manifest: Record<string, string> = JSON.parse(
      readFileSync(join(GENERATED, 'persisted-documents.json'), 'utf8'),
    );
    for (const [id, document] of Object.entries(manifest)) {
      expect(id).toBe(`sha256:${createHash('sha256').update(document).digest('hex')}`);
    }
    const ids = [ListEmployees, ListCards, CreateCard, UrgentOnboardings, CreateOnboarding].map(
      (doc) => doc.__meta__?.hash,
    );
    expect(new Set(ids).size).toBe(5);
    expect(Object.keys(manifest).sort()).toEqual([...ids].sort());
    expect(manifest[CreateCard.__meta__!.hash]).toMatch(/^mutation CreateCard\b/);
  });
});

describe('examples/consumer against the gateway on the embedded portal', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('lists employees and cards, creates a card idempotently, and prints what the API holds', async () => {
    const key = 'consumer-test-0001';
    const run = await runConsumer({ GATEWAY_URL: stack.url, IDEMPOTENCY_KEY: key, CREATE_CARD: '1' });
    expect(run.code, run.stderr).toBe(0);
    const steps = Object.fromEntries(
      run.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line))
        .map((step) => [step.step, step]),
    );

    const truth = await stack.gql(`{
      employees(first: 2500) { totalCount edges { node { bitrixId fullName } } }
      spaCards(entityTypeId: 128, first: 3) { edges { node { bitrixId title stage { name semantics } contact { fullName } } } }
    }`);
    const { employees, spaCards } = data(truth);
    expect(steps.employees.count).toBe(employees.totalCount);
    expect(steps.employees.first.map((e: { id: number; name: string }) => [e.id, e.name])).toEqual(
      employees.edges.slice(0, 3).map((e: any) => [e.node.bitrixId, e.node.fullName]),
    );
    expect(steps.cards.entityTypeId).toBe(128);
    expect(steps.cards.count).toBeGreaterThan(0);
    expect(steps.cards.first).toEqual(
      spaCards.edges.map((e: any) =>
        expect.objectContaining({
          id: e.node.bitrixId,
          title: e.node.title,
          stage: `${e.node.stage.name} (${e.node.stage.semantics})`,
          contact: e.node.contact?.fullName ?? null,
        }),
      ),
    );

    // The created card is really there, once, under the consumer's title.
    expect(steps.created.retriedSameCard).toBe(true);
    const created = await stack.gql(`{ spaCard(entityTypeId: 128, id: ${steps.created.card.id}) { title }
      spaCards(entityTypeId: 128, first: 2500, filter: { search: "Consumer example" }) { totalCount } }`);
    expect(created.body.data.spaCard.title).toBe(`Consumer example ${key.slice(0, 8)}`);
    expect(created.body.data.spaCards.totalCount).toBe(1);
    expect(steps.cards.total + 1).toBe(
      (await stack.gql('{ spaCards(entityTypeId: 128) { totalCount } }')).body.data.spaCards.totalCount,
    );
  }, 30_000);

  it('reports a typed error with its code and exits 1 when the gateway refuses', async () => {
    const run = await runConsumer({ GATEWAY_URL: stack.url, SPA_ENTITY_TYPE_ID: '-5' });
    expect(run.code).toBe(1);
    const error = JSON.parse(run.stderr.trim().split('\n').at(-1)!);
    expect(error.codes.length).toBeGreaterThan(0);
    expect(error.codes).not.toContain('INTERNAL_SERVER_ERROR');
  }, 30_000);
});

describe('examples/consumer without a gateway', () => {
  it('says it cannot reach the gateway and exits 1, and creates nothing unless asked', async () => {
    const closed = await new Promise<number>((done) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => done(port));
      });
    });
    const url = `http://127.0.0.1:${closed}/graphql`;
    const run = await runConsumer({ GATEWAY_URL: url });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`cannot reach the gateway at ${url} (ECONNREFUSED)`);
  }, 30_000);
});

function runConsumer(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/consumer/src/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 20_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}
