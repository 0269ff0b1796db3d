// A circuit breaker for the portal: when HTTP requests keep failing (network, timeouts, 5xx),
// stop sending for a cool-down so callers fail fast with UPSTREAM_UNAVAILABLE instead of
// queueing behind a dead portal; then let one request probe, and close on success.

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** Consecutive failed HTTP requests that open the circuit. */
  failureThreshold?: number;
  /** First cool-down; doubles on each failed probe up to maxCooldownMs. */
  cooldownMs?: number;
  maxCooldownMs?: number;
}

export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private cooldown: number;
  private probing = false;
  state: BreakerState = 'closed';
  /** Times the circuit opened, for metrics. */
  opened = 0;

  constructor(
    private readonly options: BreakerOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.cooldown = options.cooldownMs ?? 2_000;
  }

  /** May a request be sent now? In half-open state only one probe at a time. */
  allow(): boolean {
    if (this.state === 'closed') return true;
    if (this.state === 'open' && this.now() - this.openedAt >= this.cooldown) this.state = 'half-open';
    if (this.state === 'half-open' && !this.probing) {
      this.probing = true;
      return true;
    }
    return false;
  }

  msUntilProbe(): number {
    return this.state === 'open' ? Math.max(0, this.openedAt + this.cooldown - this.now()) : 0;
  }

  success(): void {
    this.failures = 0;
    this.probing = false;
    this.state = 'closed';
    this.cooldown = this.options.cooldownMs ?? 2_000;
  }

  failure(): void {
    this.failures++;
    if (this.state === 'half-open') {
      this.probing = false;
      this.cooldown = Math.min(this.cooldown * 2, this.options.maxCooldownMs ?? 30_000);
      this.trip();
    } else if (this.state === 'closed' && this.failures >= (this.options.failureThreshold ?? 10)) {
      this.trip();
    }
  }

  private trip(): void {
    this.state = 'open';
    this.openedAt = this.now();
    this.opened++;
  }
}
