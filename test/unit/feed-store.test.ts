// MemoryFeedStore: the FeedStore contract, and a file that survives a restart.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryFeedStore } from '../../src/crm/feed-store.js';
import { feedStoreContract } from '../helpers/feed-store-contract.js';

describe('MemoryFeedStore', () => {
  feedStoreContract(async () => new MemoryFeedStore({ maxDeletions: 3 }));

  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('writes its state to a file, atomically, and reads it back at start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'feed-store-'));
    dirs.push(dir);
    const file = join(dir, 'nested', 'feed.json');
    const store = await MemoryFeedStore.open({ file, flushMs: 10_000 });
    expect(store.durable).toBe(true);
    await store.setPosition(128, { time: '2026-11-30T16:00:00+03:00', id: 7 });
    await store.setKnownIds(128, [1, 2, 3]);
    await store.recordDeletions(128, [2], 5);
    await store.flush();
    expect(JSON.parse(await readFile(file, 'utf8')).seq).toBe(1);
    const again = await MemoryFeedStore.open({ file });
    expect(await again.position(128)).toEqual({ time: '2026-11-30T16:00:00+03:00', id: 7 });
    expect([...(await again.knownIds(128))!]).toEqual([1, 3]);
    expect(await again.deletionsAfter(0, 10)).toEqual([{ seq: 1, entityTypeId: 128, id: 2, at: 5 }]);
    expect(await again.deletionBounds()).toEqual({ head: 1, oldest: 0 });
  });

  it('sets aside a file about another portal: its ids would all look deleted', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'feed-store-'));
    dirs.push(dir);
    const file = join(dir, 'feed.json');
    const first = await MemoryFeedStore.open({ file, portal: 'a.bitrix24.com' });
    await first.setKnownIds(128, [1, 2, 3]);
    await first.flush();
    const foreign: (string | undefined)[] = [];
    const other = await MemoryFeedStore.open({ file, portal: 'b.bitrix24.com', onForeignFile: (p) => foreign.push(p) });
    expect(foreign).toEqual(['a.bitrix24.com']);
    expect(await other.knownIds(128)).toBeNull();
    const same = await MemoryFeedStore.open({ file, portal: 'a.bitrix24.com' });
    expect([...(await same.knownIds(128))!]).toEqual([1, 2, 3]);
  });

  it('a file it cannot write is reported, not thrown: the state stays in memory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'feed-store-'));
    dirs.push(dir);
    await writeFile(join(dir, 'taken'), 'a file, not a directory');
    const errors: unknown[] = [];
    // (`open` would refuse at start: a state file it cannot read is an error, not a fresh start.)
    const store = new MemoryFeedStore({ file: join(dir, 'taken', 'feed.json'), onWriteError: (e) => errors.push(e) });
    await store.setPosition(3, { time: '2026-11-30T16:00:00+03:00', id: 1 });
    await store.flush();
    expect(errors).toHaveLength(1);
    expect(await store.position(3)).toEqual({ time: '2026-11-30T16:00:00+03:00', id: 1 });
  });
});
