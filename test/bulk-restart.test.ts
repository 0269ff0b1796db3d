// A bulk job outlives its gateway: with Redis, a gateway process killed in the middle of an
// import leaves the job to the next one, which finishes it without writing any card twice; the
// same import sent again is the same job.
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type EmulatorPortal } from '@bitrix24-graphql/demo-portal';
import { freePort, hasRedis, startRedis, startReplica, waitFor, type Replica } from './helpers/processes.js';

const JOB = `job { id status done total failed durable }`;
const CREATE = `mutation($inputs: [BulkSpaCardInput!]!) {
  createSpaCards(entityTypeId: 128, inputs: $inputs, importKey: "restart-import") {
    __typename ... on CreateSpaCardsSuccess { data { ${JOB} } } } }`;

describe.skipIf(!hasRedis)('a bulk job and a gateway restart', () => {
  let emulator: EmulatorPortal;
  let redis: ChildProcess;
  let env: Record<string, string>;
  const replicas: Replica[] = [];

  beforeAll(async () => {
    // A slow, rate-limited portal, so the import is still running when its gateway dies.
    emulator = await startPortal({ size: 'small', rateLimit: { enabled: true, drainPerSecond: 4, bucket: 4 } });
    emulator.setLatency(150);
    const redisPort = await freePort();
    redis = startRedis(redisPort);
    await new Promise((r) => setTimeout(r, 300));
    env = {
      BITRIX_WEBHOOK_URL: emulator.webhookUrl,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      BITRIX_PLAN: 'custom',
      BITRIX_RATE_PER_SECOND: '4',
      BITRIX_RATE_BUCKET: '4',
      REQUEST_DEADLINE_MS: '2000',
      BULK_JOB_LEASE_MS: '2000',
      MAX_BODY_BYTES: String(1024 * 1024),
    };
  }, 30_000);

  afterAll(async () => {
    for (const r of replicas) r.process.kill('SIGKILL');
    redis?.kill('SIGTERM');
    await emulator?.close();
  });

  it('killed at about half, the next gateway finishes it: 1,000 cards, none twice', async () => {
    const inputs = Array.from({ length: 1_000 }, (_, i) => ({ title: `restart-${i}`, categoryId: 7 }));
    const count = async (replica: Replica) =>
      (await replica.gql('{ spaCards(entityTypeId: 128, first: 0, filter: { search: "restart-" }) { totalCount } }'))
        .data.spaCards.totalCount as number;

    const a = await startReplica(env);
    replicas.push(a);
    const started = (await a.gql(CREATE, { inputs })).data.createSpaCards.data.job;
    expect(started).toMatchObject({ status: 'RUNNING', total: 1_000, durable: true });
    const job = (replica: Replica) =>
      replica.gql(`query($id: ID!) { bulkJob(id: $id) { status done failed } }`, { id: started.id });
    await waitFor(async () => (await job(a)).data.bulkJob.done >= 400, 60_000);
    a.process.kill('SIGKILL');
    const cut = await new Promise<number>((resolve) => setTimeout(async () => resolve(await countDirect()), 300));
    expect(cut).toBeGreaterThanOrEqual(400);
    expect(cut).toBeLessThan(1_000);

    const b = await startReplica(env);
    replicas.push(b);
    await waitFor(async () => (await job(b)).data.bulkJob.status === 'DONE', 90_000);
    expect((await job(b)).data.bulkJob).toEqual({ status: 'DONE', done: 1_000, failed: 0 });
    expect(await count(b)).toBe(1_000);
    expect(b.logs.join('')).toContain('bulk jobs resumed');

    // Sent again: the same job, nothing written.
    const adds = emulator.counters.commandsByMethod['crm.item.add'];
    const again = (await b.gql(CREATE, { inputs })).data.createSpaCards.data.job;
    expect(again).toMatchObject({ id: started.id, status: 'DONE', done: 1_000 });
    expect(emulator.counters.commandsByMethod['crm.item.add']).toBe(adds);
    expect(await count(b)).toBe(1_000);
  }, 180_000);

  /** Cards titled restart-… as the portal holds them (no gateway in between). */
  async function countDirect(): Promise<number> {
    const res = await fetch(`${emulator.webhookUrl}crm.item.list.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ entityTypeId: 128, select: ['id'], filter: { '%title': 'restart-' }, start: 0 }),
    });
    return ((await res.json()) as { total: number }).total;
  }
});
