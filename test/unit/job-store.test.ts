// MemoryJobStore: jobs without Redis, bounded however many imports run.
import { describe, expect, it } from 'vitest';
import { MemoryJobStore, type BulkJob, type BulkJobSpec } from '../../src/crm/bulk-jobs.js';

const target = { kind: 'item', entityTypeId: 128, operation: 'create' } as const;

function job(id: string, finishedAt: number | null = null): BulkJob {
  return {
    id,
    target,
    status: finishedAt === null ? 'RUNNING' : 'DONE',
    total: 2,
    done: finishedAt === null ? 0 : 2,
    failed: 0,
    createdAt: 0,
    updatedAt: 0,
    finishedAt,
    durable: false,
  };
}

const spec: BulkJobSpec = {
  target,
  items: [
    { index: 0, fields: { title: 'a' } },
    { index: 1, fields: { title: 'b' } },
  ],
};

describe('MemoryJobStore', () => {
  it('one job per id; outcomes by index; a finished job keeps its outcomes but not its items', async () => {
    const store = new MemoryJobStore();
    expect(await store.create(job('a'), spec)).toBe(true);
    expect(await store.create(job('a'), spec)).toBe(false);
    expect(await store.outcomes('a', 0, 2)).toEqual([null, null]);
    const outcome = { index: 1, id: 7, created: true, failure: null };
    await store.record(job('a'), [outcome]);
    expect(await store.outcomes('a', 0, 2)).toEqual([null, outcome]);
    expect((await store.spec('a'))?.items).toHaveLength(2);
    expect(await store.unfinished()).toEqual(['a']);
    await store.record(job('a', Date.now()), []);
    expect((await store.spec('a'))?.items).toEqual([]);
    expect(await store.unfinished()).toEqual([]);
    expect((await store.get('a'))?.status).toBe('DONE');
  });

  it('keeps at most keepFinished finished jobs (the newest), and none older than keepMs; running jobs stay', async () => {
    const store = new MemoryJobStore(60_000, 3);
    const now = Date.now();
    for (let i = 0; i < 5; i++) {
      await store.create(job(`done${i}`), spec);
      await store.record(job(`done${i}`, now - 1_000 + i), []);
    }
    await store.create(job('old'), spec);
    await store.record(job('old', now - 120_000), []);
    await store.create(job('running'), spec);
    const kept = await Promise.all(
      ['done0', 'done1', 'done2', 'done3', 'done4', 'old', 'running'].map((id) => store.get(id)),
    );
    // Pruned when the next job is created: the 3 newest finished stay; 'old' is past keepMs.
    expect(kept.map((j) => j?.id ?? null)).toEqual([null, null, 'done2', 'done3', 'done4', null, 'running']);
  });

  it('forgets a finished job older than keepMs even when few are kept', async () => {
    const store = new MemoryJobStore(60_000, 10);
    await store.create(job('old'), spec);
    await store.record(job('old', Date.now() - 60_001), []);
    await store.create(job('recent'), spec);
    await store.record(job('recent', Date.now()), []);
    await store.create(job('next'), spec);
    expect(await store.get('old')).toBeNull();
    expect(await store.get('recent')).not.toBeNull();
  });
});
