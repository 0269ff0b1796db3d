// LeakyBucket with a fake clock: capacity = bucket - headroom, exact levels, waits and draining.
import { describe, expect, it } from 'vitest';
import { LeakyBucket, PLANS } from '../../src/upstream/bucket.js';

function bucket(plan = PLANS.standard, headroom = 2) {
  const clock = { t: 1_000 };
  const b = new LeakyBucket(plan, headroom, () => clock.t);
  return { b, clock, fill: (n: number) => Array.from({ length: n }, () => b.tryAcquire()) };
}

describe('LeakyBucket', () => {
  it('hands out exactly bucket - headroom slots at once (50 - 2 = 48)', () => {
    const { b, fill } = bucket();
    expect(fill(48).every((ok) => ok)).toBe(true);
    expect(b.currentLevel()).toBe(48);
    expect(b.tryAcquire()).toBe(false);
    expect(b.currentLevel()).toBe(48);
  });

  it('acquire returns 0 while a slot is free, then the ms until one drains (1 request / 500 ms at 2/s)', () => {
    const { b, fill } = bucket();
    fill(47);
    expect(b.acquire()).toBe(0);
    expect(b.acquire()).toBe(500);
    expect(b.msUntilAvailable()).toBe(500);
  });

  it('drains drainPerSecond per second of elapsed clock time', () => {
    const { b, clock, fill } = bucket();
    fill(48);
    clock.t += 250;
    expect(b.currentLevel()).toBe(47.5);
    expect(b.msUntilAvailable()).toBe(250);
    clock.t += 250;
    expect(b.msUntilAvailable()).toBe(0);
    expect(b.tryAcquire()).toBe(true);
    clock.t += 60_000;
    expect(b.currentLevel()).toBe(0);
  });

  it('refund gives one slot back and never goes below 0', () => {
    const { b, fill } = bucket();
    fill(2);
    b.refund();
    expect(b.currentLevel()).toBe(1);
    b.refund();
    b.refund();
    expect(b.currentLevel()).toBe(0);
  });

  it('onRejected assumes the portal bucket is full (level = bucket, above our capacity)', () => {
    const { b, clock } = bucket();
    b.onRejected();
    expect(b.currentLevel()).toBe(50);
    expect(b.msUntilAvailable()).toBe(1_500); // (50 + 1 - 48) / 2 per s
    clock.t += 1_500;
    expect(b.acquire()).toBe(0);
    expect(b.currentLevel()).toBe(48);
  });

  it('pressure is level / capacity', () => {
    const { b, fill } = bucket(PLANS.enterprise, 50); // capacity 200
    fill(50);
    expect(b.pressure()).toBe(0.25);
    b.onRejected();
    expect(b.pressure()).toBe(1.25);
  });

  it('capacity is at least 1 when headroom swallows the bucket', () => {
    const { b } = bucket({ drainPerSecond: 4, bucket: 2 }, 5);
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false);
    expect(b.msUntilAvailable()).toBe(250);
  });
});
