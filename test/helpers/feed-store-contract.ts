// What every FeedStore must do (src/crm/feed-store.ts): the same checks run against the memory
// store (test/unit/feed-store.test.ts) and the Redis store (test/redis-feed-store.test.ts).
import { expect, it } from 'vitest';
import type { FeedStore } from '../../src/crm/feed-store.js';

/** `fresh()` gives an empty store that keeps at most 3 deletions. */
export function feedStoreContract(fresh: () => Promise<FeedStore>): void {
  it('keeps a watermark per type', async () => {
    const store = await fresh();
    expect(await store.position(128)).toBeNull();
    await store.setPosition(128, { time: '2026-11-30T16:00:00+03:00', id: 7, caughtUp: false });
    await store.setPosition(3, { time: '2026-11-30T16:00:01+03:00', id: 0, caughtUp: true });
    expect(await store.position(128)).toEqual({ time: '2026-11-30T16:00:00+03:00', id: 7, caughtUp: false });
    expect(await store.position(3)).toEqual({ time: '2026-11-30T16:00:01+03:00', id: 0, caughtUp: true });
  });

  it('knows ids only once a type was listed whole, and logs a deletion of a known id once', async () => {
    const store = await fresh();
    await store.addKnownIds(3, [1, 2]);
    expect(await store.knownIds(3)).toBeNull(); // never listed whole: nothing to compare with
    await store.setKnownIds(3, [1, 2, 3]);
    await store.addKnownIds(3, [4]);
    expect([...(await store.knownIds(3))!].sort()).toEqual([1, 2, 3, 4]);
    const first = await store.recordDeletions(3, [2, 9], 1_000);
    expect(first.map((d) => [d.entityTypeId, d.id, d.at])).toEqual([[3, 2, 1_000]]); // 9 was never known
    expect(await store.recordDeletions(3, [2], 2_000)).toEqual([]); // an event and a scan: once
    expect([...(await store.knownIds(3))!].sort()).toEqual([1, 3, 4]);
    // A type never listed logs what it is told (an event's deletion).
    expect((await store.recordDeletions(4, [5], 3_000)).map((d) => d.id)).toEqual([5]);
  });

  it('replays deletions after a seq, in order, and drops the oldest past its bound', async () => {
    const store = await fresh();
    await store.setKnownIds(128, [1, 2, 3, 4, 5]);
    const logged = await store.recordDeletions(128, [1, 2], 10);
    expect(logged[1].seq).toBeGreaterThan(logged[0].seq);
    expect((await store.deletionsAfter(logged[0].seq, 10)).map((d) => d.id)).toEqual([2]);
    expect(await store.deletionBounds()).toEqual({ head: logged[1].seq, oldest: logged[0].seq - 1 });
    await store.recordDeletions(128, [3, 4], 20);
    const { head, oldest } = await store.deletionBounds();
    // Kept: the last 3 (2, 3, 4); a cursor at 1's seq or before has lost 1.
    expect(oldest).toBe(logged[0].seq);
    expect((await store.deletionsAfter(oldest, 10)).map((d) => d.id)).toEqual([2, 3, 4]);
    expect((await store.deletionsAfter(head - 1, 10)).map((d) => d.id)).toEqual([4]);
  });
}
