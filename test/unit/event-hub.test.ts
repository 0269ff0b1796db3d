// The bus survives bursts: thousands of changes published at once (a deletion scan after a long
// outage) reach the cache's listener synchronously, and a subscriber that falls behind loses the
// oldest instead of crashing the process (the pub/sub repeater's 1,024 pending calls used to throw
// from an event listener: an uncaught exception).
import { describe, expect, it } from 'vitest';
import { EventHub, SUBSCRIBER_BUFFER, type CrmChange } from '../../src/crm/changes.js';

const change = (id: number): CrmChange => ({
  entityTypeId: 128,
  id,
  action: 'delete',
  at: 0,
  kind: 'card',
  record: null,
  moved: false,
});

describe('EventHub', () => {
  it('takes a burst of 5,000 changes: listeners see all, a slow subscriber the newest 1,000', async () => {
    const hub = new EventHub();
    const forgotten: number[] = [];
    const stop = hub.listen((i) => forgotten.push(i.id!));
    const iterator = hub.subscribe((_): _ is CrmChange => true)[Symbol.asyncIterator]();
    const first = iterator.next(); // the subscription is open
    for (let id = 1; id <= 5_000; id++) hub.publish(change(id));
    expect(forgotten).toHaveLength(5_000);
    expect((await first).value.id).toBe(1);
    const rest: number[] = [];
    for (let n = 0; n < SUBSCRIBER_BUFFER; n++) rest.push((await iterator.next()).value.id);
    expect(rest.at(-1)).toBe(5_000);
    expect(rest[0]).toBe(5_000 - SUBSCRIBER_BUFFER + 1);
    await iterator.return?.();
    stop();
    hub.publish(change(6_000));
    expect(forgotten).toHaveLength(5_000);
  });
});
