// One portal = one transport, one limiter, one scheduler, one metadata cache, shared by every
// GraphQL request. This is the object the rest of the gateway talks to.
import type { Logger } from 'pino';
import type { AuthConfig } from './credentials.js';
import type { Command, CommandResult } from './batch.js';
import { CircuitBreaker, type BreakerOptions } from './breaker.js';
import { LeakyBucket, type PortalLimiter, type RateLimitPlan } from './bucket.js';
import { OperatingBudget, type OperatingOptions } from './operating-budget.js';
import { MetadataCache, type MetadataCacheOptions } from './metadata-cache.js';
import { readByIds, readKeysetPage, type KeysetPage, type ListMethod } from './paging.js';
import { PortalScheduler, type SubmitOptions } from './scheduler.js';
import type { BitrixError } from './errors.js';
import { BitrixTransport, type TransportOptions } from './transport.js';

export interface PortalOptions {
  auth: AuthConfig;
  plan: RateLimitPlan;
  transport?: TransportOptions;
  metadata?: MetadataCacheOptions;
  logger?: Logger;
  maxAttempts?: number;
  baseBackoffMs?: number;
  operating?: OperatingOptions;
  breaker?: BreakerOptions;
  /** How long a readiness answer is reused, so probes do not spend the rate budget. */
  readinessCacheMs?: number;
  /** A shared limiter (Redis) instead of the in-process bucket. */
  limiter?: PortalLimiter;
  /** A shared operating budget (Redis) instead of the in-process one. */
  budget?: OperatingBudget;
  /** A lock across replicas for `serialize` (Redis); in-process only when absent. */
  lock?: <T>(name: string, fn: () => Promise<T>) => Promise<T>;
}

export class BitrixPortal {
  readonly transport: BitrixTransport;
  readonly limiter: PortalLimiter;
  readonly scheduler: PortalScheduler;
  readonly metadata: MetadataCache;

  constructor(options: PortalOptions) {
    this.transport = new BitrixTransport(options.auth, { ...options.transport, logger: options.logger });
    this.limiter = options.limiter ?? new LeakyBucket(options.plan);
    this.scheduler = new PortalScheduler(this.transport, this.limiter, {
      logger: options.logger,
      maxAttempts: options.maxAttempts,
      baseBackoffMs: options.baseBackoffMs,
      budget: options.budget ?? new OperatingBudget(options.operating),
      breaker: new CircuitBreaker(options.breaker),
    });
    this.metadata = new MetadataCache(options.metadata);
    this.readinessCacheMs = options.readinessCacheMs ?? 5_000;
    this.lock = options.lock;
  }

  private readonly lock: PortalOptions['lock'];

  private readonly readinessCacheMs: number;
  private readiness: { at: number; ok: Promise<boolean> } | null = null;

  /** Is the portal answering? False while the circuit is open; otherwise a recent answer
   * counts, else one cheap probe (user.current) whose result is reused for a few seconds. */
  reachable(): Promise<boolean> {
    if (this.scheduler.breaker.state === 'open') return Promise.resolve(false);
    const now = Date.now();
    if (now - this.transport.lastAnswerAt < this.readinessCacheMs) return Promise.resolve(true);
    if (!this.readiness || now - this.readiness.at >= this.readinessCacheMs) {
      this.readiness = {
        at: now,
        ok: this.read('user.current', {}, { deadline: now + 3_000 }).then(
          () => true,
          () => false,
        ),
      };
    }
    return this.readiness.ok;
  }

  /** A read command through the scheduler (batched, deduplicated, retried). */
  read(method: string, params: Record<string, unknown>, options: SubmitOptions = {}): Promise<CommandResult> {
    return this.scheduler.submit({ method, params }, options);
  }

  /** A write command: sent alone, never deduplicated, never blindly re-sent. */
  write(method: string, params: Record<string, unknown>, options: SubmitOptions = {}): Promise<CommandResult> {
    return this.afterWrites(
      [{ method, params }],
      this.scheduler.submit({ method, params }, { ...options, write: true }),
    );
  }

  /** Up to 50 independent writes in one batch, each with its own outcome (see
   * scheduler.submitWrites): the path of bulk imports. */
  writeTogether(commands: Command[], options: SubmitOptions = {}): Promise<(CommandResult | BitrixError)[]> {
    return this.afterWrites(commands, this.scheduler.submitWrites(commands, { ...options, write: true }));
  }

  private readonly writeListeners: ((commands: readonly Command[]) => void)[] = [];

  /** Calls `listener` when writes have been answered (or failed: they may have acted), before
   * the writer goes on: the read cache forgets what they touched. */
  onWrites(listener: (commands: readonly Command[]) => void): void {
    this.writeListeners.push(listener);
  }

  private afterWrites<T>(commands: readonly Command[], sent: Promise<T>): Promise<T> {
    if (!this.writeListeners.length) return sent;
    return sent.finally(() => {
      for (const listener of this.writeListeners) listener(commands);
    });
  }

  /** Rows by id, one command per 50 ids (see paging.readByIds). */
  byIds(
    method: string,
    ids: readonly number[],
    params: (ids: number[]) => Record<string, unknown>,
    rowsPath: readonly string[],
    options: SubmitOptions = {},
  ) {
    return readByIds(this.scheduler, method, ids, params, rowsPath, options);
  }

  chain(commands: Command[], options: SubmitOptions = {}) {
    return this.scheduler.submitChain(commands, options);
  }

  page<Row>(
    list: ListMethod,
    base: Record<string, unknown>,
    filter: Record<string, unknown>,
    afterId: number,
    first: number,
    options: SubmitOptions = {},
  ): Promise<KeysetPage<Row>> {
    return readKeysetPage<Row>(this.scheduler, list, base, filter, afterId, first, options);
  }

  private readonly exclusive = new Map<string, Promise<unknown>>();

  /** Runs `fn` after every earlier call with the same key has finished. Idempotent creates use
   * it so two concurrent requests with one key cannot both miss the lookup and both create. */
  serialize<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.exclusive.get(key) ?? Promise.resolve();
    const locked = this.lock ? () => this.lock!(key, fn) : fn;
    const run = previous.then(locked, locked);
    const tail = run.catch(() => undefined);
    this.exclusive.set(key, tail);
    void tail.then(() => {
      if (this.exclusive.get(key) === tail) this.exclusive.delete(key);
    });
    return run;
  }

  /** Secrets to redact from anything that leaves the process. */
  secrets(): string[] {
    return this.transport.secrets();
  }

  async close(): Promise<void> {
    this.scheduler.close();
    await this.transport.close();
  }
}
