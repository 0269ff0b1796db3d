// OperatingBudget with a fake epoch clock: use in the window, allowance, waits, 429 blocks, shared use.
import { describe, expect, it } from 'vitest';
import { OperatingBudget, type OperatingOptions } from '../../src/upstream/operating-budget.js';

const T0 = 1_700_000_000_000;
const M = 'crm.item.list';

function budget(options: OperatingOptions = {}) {
  const clock = { t: T0 };
  return { b: new OperatingBudget(options, () => clock.t), clock };
}

describe('OperatingBudget', () => {
  it('knows nothing of an unseen method: unlimited and allowed now', () => {
    const { b } = budget();
    b.observe(M, undefined);
    expect(b.allowance(M)).toBe(Infinity);
    expect(b.msUntilAllowed(M)).toBe(0);
    expect(b.used(M)).toBe(0);
  });

  it('sizes the allowance as floor(room / average processing), room = 480 - 24 margin - used', () => {
    const { b } = budget();
    b.observe(M, { operating: 400, operating_reset_at: T0 / 1000 + 60 });
    expect(b.allowance(M)).toBe(Infinity); // no processing seen yet: no average
    b.observe(M, { processing: 4 });
    expect(b.used(M)).toBe(404);
    expect(b.allowance(M)).toBe(13); // floor(52 / 4)
  });

  it('averages processing as 0.8 old + 0.2 new and reports each one to onObserve', () => {
    const { b } = budget();
    const seen: [string, number][] = [];
    b.onObserve = (method, s) => seen.push([method, s]);
    b.observe(M, { processing: 10 });
    b.observe(M, { processing: 5 }); // avg 9, used 15
    expect(b.allowance(M)).toBe(49); // floor(441 / 9)
    expect(seen).toEqual([
      [M, 10],
      [M, 5],
    ]);
  });

  it('the margin defaults to max(5 s, 5% of the limit)', () => {
    const { b } = budget({ limitSeconds: 60 });
    b.observe(M, { operating: 54, processing: 1 });
    expect(b.allowance(M)).toBe(1);
    b.observe(M, { operating: 55 });
    expect(b.allowance(M)).toBe(0);
  });

  it('at the limit it allows nothing until operating_reset_at (+1 s), then forgets the reported base', () => {
    const { b, clock } = budget();
    b.observe(M, { operating: 460, operating_reset_at: T0 / 1000 + 30, processing: 2 });
    expect(b.allowance(M)).toBe(0);
    expect(b.msUntilAllowed(M)).toBe(31_000);
    clock.t = T0 + 30_000;
    expect(b.used(M)).toBe(0);
    expect(b.allowance(M)).toBe(228); // floor(456 / 2)
  });

  it('a direct answer replaces the batch processing counted since the last one', () => {
    const { b } = budget();
    b.observe(M, { processing: 100 });
    b.observe(M, { processing: 50 });
    expect(b.used(M)).toBe(150);
    b.observe(M, { operating: 20 });
    expect(b.used(M)).toBe(20);
  });

  it('batch processing leaves the window after windowSeconds', () => {
    const { b, clock } = budget({ limitSeconds: 100, windowSeconds: 60, marginSeconds: 0 });
    b.observe(M, { processing: 100 });
    clock.t = T0 + 10_000;
    expect(b.allowance(M)).toBe(0);
    expect(b.msUntilAllowed(M)).toBe(51_000); // expires at T0 + 60 s, plus 1 s
    clock.t = T0 + 59_999;
    expect(b.used(M)).toBe(100);
    clock.t = T0 + 60_000;
    expect(b.used(M)).toBe(0);
    expect(b.allowance(M)).toBe(1);
  });

  it('an import observes thousands of commands: they are summed per second and leave with the oldest of their second', () => {
    const { b, clock } = budget({ limitSeconds: 1_000, windowSeconds: 60, marginSeconds: 0 });
    for (let i = 0; i < 10_000; i++) {
      clock.t = T0 + i * 5; // 200 commands a second for 50 s
      b.observe(M, { processing: 0.01 });
    }
    expect(b.used(M)).toBeCloseTo(100, 6);
    clock.t = T0 + 60_000; // the first second's commands (observed from T0) have left
    expect(b.used(M)).toBeCloseTo(98, 6);
    clock.t = T0 + 108_999; // the last second's entry began at T0 + 49,000: still in
    expect(b.used(M)).toBeCloseTo(2, 6);
    clock.t = T0 + 109_000;
    expect(b.used(M)).toBeCloseTo(0, 6);
  });

  it('a 429 without a known reset blocks the method for 60 s', () => {
    const { b, clock } = budget();
    b.onBlocked(M);
    expect(b.allowance(M)).toBe(0);
    expect(b.msUntilAllowed(M)).toBe(61_000);
    clock.t = T0 + 60_000;
    expect(b.allowance(M)).toBe(Infinity);
  });

  it('a 429 with a future operating_reset_at blocks until that time', () => {
    const { b, clock } = budget();
    b.observe(M, { operating: 100, operating_reset_at: T0 / 1000 + 200 });
    b.onBlocked(M);
    expect(b.msUntilAllowed(M)).toBe(201_000);
    clock.t = T0 + 199_999;
    expect(b.allowance(M)).toBe(0);
    clock.t = T0 + 200_000;
    expect(b.allowance(M)).toBe(Infinity);
  });

  it('a 429 arriving after a stale operating_reset_at blocks the method for a minute', () => {
    const { b, clock } = budget();
    b.observe(M, { operating: 470, operating_reset_at: T0 / 1000 + 30 });
    clock.t = T0 + 40_000;
    b.onBlocked(M);
    expect(b.allowance(M)).toBe(0);
    expect(b.msUntilAllowed(M)).toBe(61_000); // a minute, +1 s as after every block
    clock.t = T0 + 100_000;
    expect(b.allowance(M)).toBe(Infinity);
  });

  it("counts the other replicas' use when it is larger than ours", () => {
    const { b } = budget();
    b.observe(M, { processing: 6 });
    b.setShared(M, 3);
    expect(b.used(M)).toBe(6);
    b.setShared(M, 450);
    expect(b.used(M)).toBe(450);
    expect(b.allowance(M)).toBe(1); // room 6, avg 6
  });

  it('a method only other replicas used up is refused and looked at again in 1 s', () => {
    const { b } = budget();
    b.setShared(M, 100);
    expect(b.allowance(M)).toBe(Infinity);
    b.setShared(M, 456);
    expect(b.allowance(M)).toBe(0);
    expect(b.msUntilAllowed(M)).toBe(1_000);
  });
});
