// Fault injection (FaultConfig in types.ts): decides, per HTTP request, whether to misbehave.
// Randomness comes from a seeded PRNG so a benchmark or test run is reproducible.
import type { FaultConfig, FaultKind } from './types.js';
import { rng } from './util.js';

export const DEFAULT_SLOW_MS = 3000;

const KINDS: readonly FaultKind[] = ['http500', 'http503', 'slow', 'drop', 'dropAfterCommit', 'truncate'];

export function validateFaultConfig(input: unknown): FaultConfig | null {
  if (input === null || input === undefined) return null;
  if (typeof input !== 'object') throw new Error('fault config must be an object or null');
  const c = input as Partial<FaultConfig>;
  if (typeof c.rate !== 'number' || !(c.rate >= 0 && c.rate <= 1))
    throw new Error('fault rate must be a number in 0..1');
  if (!Array.isArray(c.kinds) || c.kinds.length === 0 || c.kinds.some((k) => !KINDS.includes(k))) {
    throw new Error(`fault kinds must be a non-empty list of ${KINDS.join(', ')}`);
  }
  if (c.methods !== undefined && (!Array.isArray(c.methods) || c.methods.some((m) => typeof m !== 'string'))) {
    throw new Error('fault methods must be a list of method names');
  }
  if (c.slowMs !== undefined && (typeof c.slowMs !== 'number' || c.slowMs < 0)) throw new Error('slowMs must be >= 0');
  return {
    rate: c.rate,
    kinds: [...c.kinds],
    methods: c.methods?.map((m) => m.toLowerCase()),
    slowMs: c.slowMs,
  };
}

export class FaultInjector {
  private config: FaultConfig | null = null;
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = rng(seed); // deterministic fault dice for a given seed
  }

  set(config: FaultConfig | null): void {
    this.config = validateFaultConfig(config);
  }

  get current(): FaultConfig | null {
    return this.config;
  }

  get slowMs(): number {
    return this.config?.slowMs ?? DEFAULT_SLOW_MS;
  }

  /** The fault for a request to `method` (lower-case, top-level), or null. */
  pick(method: string): FaultKind | null {
    const c = this.config;
    if (!c || c.rate <= 0) return null;
    if (c.methods && !c.methods.includes(method)) return null;
    if (this.random() >= c.rate) return null;
    return c.kinds[Math.floor(this.random() * c.kinds.length)] ?? null;
  }
}
