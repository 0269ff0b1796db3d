// CircuitBreaker with a fake clock: opening after N failures, cool-down doubling to the max, half-open probes.
import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type BreakerOptions } from '../../src/upstream/breaker.js';

function breaker(options: BreakerOptions = {}) {
  const clock = { t: 10_000 };
  const b = new CircuitBreaker(options, () => clock.t);
  const fail = (n: number) => Array.from({ length: n }, () => b.failure());
  return { b, clock, fail };
}

describe('CircuitBreaker', () => {
  it('stays closed below the threshold (default 10) and opens on the 10th consecutive failure', () => {
    const { b, fail } = breaker();
    fail(9);
    expect(b.state).toBe('closed');
    expect(b.allow()).toBe(true);
    fail(1);
    expect(b.state).toBe('open');
    expect(b.opened).toBe(1);
    expect(b.allow()).toBe(false);
  });

  it('a success resets the consecutive count', () => {
    const { b, fail } = breaker({ failureThreshold: 3 });
    fail(2);
    b.success();
    fail(2);
    expect(b.state).toBe('closed');
    fail(1);
    expect(b.state).toBe('open');
  });

  it('msUntilProbe counts down the cool-down (default 2 s); 0 when not open', () => {
    const { b, clock, fail } = breaker({ failureThreshold: 1 });
    expect(b.msUntilProbe()).toBe(0);
    fail(1);
    expect(b.msUntilProbe()).toBe(2_000);
    clock.t += 1_500;
    expect(b.msUntilProbe()).toBe(500);
    expect(b.allow()).toBe(false);
    clock.t += 600;
    expect(b.msUntilProbe()).toBe(0);
  });

  it('after the cool-down it goes half-open and lets exactly one probe through', () => {
    const { b, clock, fail } = breaker({ failureThreshold: 1, cooldownMs: 1_000 });
    fail(1);
    clock.t += 1_000;
    expect(b.allow()).toBe(true);
    expect(b.state).toBe('half-open');
    expect(b.allow()).toBe(false);
    expect(b.allow()).toBe(false);
  });

  it('a successful probe closes the circuit', () => {
    const { b, clock, fail } = breaker({ failureThreshold: 1, cooldownMs: 1_000 });
    fail(1);
    clock.t += 1_000;
    b.allow();
    b.success();
    expect(b.state).toBe('closed');
    expect(b.allow()).toBe(true);
    expect(b.allow()).toBe(true);
  });

  it('a failed probe re-opens with the cool-down doubled, capped at maxCooldownMs', () => {
    const { b, clock, fail } = breaker({ failureThreshold: 1, cooldownMs: 1_000, maxCooldownMs: 5_000 });
    fail(1);
    const cooldowns: number[] = [];
    for (let i = 0; i < 4; i++) {
      clock.t += 10_000;
      expect(b.allow()).toBe(true);
      b.failure();
      cooldowns.push(b.msUntilProbe());
    }
    expect(cooldowns).toEqual([2_000, 4_000, 5_000, 5_000]);
    expect(b.state).toBe('open');
    expect(b.opened).toBe(5);
  });

  it('success restores the initial cool-down', () => {
    const { b, clock, fail } = breaker({ failureThreshold: 1, cooldownMs: 1_000 });
    fail(1);
    clock.t += 1_000;
    b.allow();
    b.failure(); // cool-down now 2 s
    clock.t += 2_000;
    b.allow();
    b.success();
    fail(1);
    expect(b.msUntilProbe()).toBe(1_000);
  });

  it('defaults the maximum cool-down to 30 s', () => {
    const { b, clock, fail } = breaker({ failureThreshold: 1, cooldownMs: 20_000 });
    fail(1);
    clock.t += 20_000;
    b.allow();
    b.failure();
    expect(b.msUntilProbe()).toBe(30_000);
  });
});
