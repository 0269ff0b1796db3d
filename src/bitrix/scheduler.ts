// The portal scheduler: one per portal, shared by every GraphQL request. Callers submit REST
// commands; the scheduler packs the commands of all concurrent requests into `batch` calls of
// at most 50, sends identical reads once, keeps chained commands together, waits on the
// limiter instead of provoking 503s, and hands every caller its own result or error.
// At low load a command leaves on the next turn of the event loop; under saturation commands
// pile up while the limiter waits, so every request that leaves is a full batch.
import type { Logger } from 'pino';
import { decodeBatch, encodeCommand, hasRefs, type Command, type CommandResult } from './batch.js';
import { BitrixError } from './errors.js';
import type { LeakyBucket } from './limiter.js';
import type { BitrixTransport } from './transport.js';

export const MAX_BATCH = 50;

/** What one GraphQL request cost the portal; shown in `extensions.bitrix`. */
export interface CostMeter {
  httpRequests: number;
  commands: number;
  cacheHits: number;
}

export function newMeter(): CostMeter {
  return { httpRequests: 0, commands: 0, cacheHits: 0 };
}

export interface SubmitOptions {
  meter?: CostMeter;
  /** Cancels the command while it waits in the queue (the client left, or its deadline passed). */
  signal?: AbortSignal;
  /** Writes are never deduplicated, never batched with others, and never re-sent after an
   * ambiguous failure. */
  write?: boolean;
}

interface Waiter {
  resolve(value: CommandResult): void;
  reject(error: unknown): void;
  meter?: CostMeter;
  signal?: AbortSignal;
}

interface Pending {
  command: Command;
  write: boolean;
  dedupeKey?: string;
  waiters: Waiter[];
  attempts: number;
  settled: boolean;
}

/** A unit is what must travel in one HTTP request: one command, or a chain with $result refs. */
interface Unit {
  items: Pending[];
  chained: boolean;
}

export interface SchedulerOptions {
  logger?: Logger;
  /** Batches in flight at once. The bucket is the real limit; this bounds memory and sockets. */
  maxInFlight?: number;
  /** Attempts for a read on a transient failure (1 = no retry). */
  maxAttempts?: number;
  baseBackoffMs?: number;
}

export interface SchedulerStats {
  httpRequests: number;
  batches: number;
  commands: number;
  deduplicated: number;
  retries: number;
  limiterWaits: number;
}

export class PortalScheduler {
  private queue: Unit[] = [];
  private readonly inflightReads = new Map<string, Pending>();
  private inFlight = 0;
  private pumpScheduled = false;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  readonly stats: SchedulerStats = { httpRequests: 0, batches: 0, commands: 0, deduplicated: 0, retries: 0, limiterWaits: 0 };
  /** Observers of every HTTP request sent (metrics). */
  onSend?: (info: { commands: number; batch: boolean }) => void;

  constructor(
    private readonly transport: BitrixTransport,
    private readonly limiter: LeakyBucket,
    private readonly options: SchedulerOptions = {},
  ) {}

  /** Submits one command; resolves with its result or rejects with its own BitrixError. */
  submit(command: Command, options: SubmitOptions = {}): Promise<CommandResult> {
    return new Promise<CommandResult>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, meter: options.meter, signal: options.signal };
      if (options.signal?.aborted) return reject(abortError(command.method));
      const write = options.write ?? false;
      const dedupeKey = write ? undefined : `${command.method}\u0000${stableJson(command.params)}`;
      const existing = dedupeKey ? this.inflightReads.get(dedupeKey) : undefined;
      if (existing && !existing.settled) {
        existing.waiters.push(waiter);
        this.stats.deduplicated++;
        this.watchAbort(existing, waiter);
        return;
      }
      const pending: Pending = { command, write, dedupeKey, waiters: [waiter], attempts: 0, settled: false };
      if (dedupeKey) this.inflightReads.set(dedupeKey, pending);
      this.watchAbort(pending, waiter);
      this.enqueue({ items: [pending], chained: false });
    });
  }

  /** Submits commands that reference each other with `ref(i, ...path)`; they travel in one
   * batch. Resolves with one outcome per command (a result or that command's error). */
  submitChain(commands: Command[], options: SubmitOptions = {}): Promise<(CommandResult | BitrixError)[]> {
    if (commands.length === 0) return Promise.resolve([]);
    if (commands.length > MAX_BATCH) throw new RangeError(`a chain holds at most ${MAX_BATCH} commands`);
    const promises: Promise<CommandResult | BitrixError>[] = [];
    const items: Pending[] = commands.map((command) => {
      let waiter!: Waiter;
      promises.push(
        new Promise<CommandResult>((resolve, reject) => {
          waiter = { resolve, reject, meter: options.meter, signal: options.signal };
        }).catch((error: unknown) => (error instanceof BitrixError ? error : Promise.reject(error))),
      );
      return { command, write: false, waiters: [waiter], attempts: 0, settled: false };
    });
    if (options.signal?.aborted) {
      for (const item of items) this.settle(item, abortError(item.command.method));
    } else {
      for (const item of items) this.watchAbort(item, item.waiters[0]);
      this.enqueue({ items, chained: true });
    }
    return Promise.all(promises);
  }

  private enqueue(unit: Unit): void {
    this.queue.push(unit);
    this.schedulePump();
  }

  private schedulePump(): void {
    if (this.pumpScheduled || this.closed) return;
    this.pumpScheduled = true;
    // setImmediate: every DataLoader of the current resolver level dispatches in microtasks,
    // so by the next macrotask their commands are all here and leave together.
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0 && this.inFlight < (this.options.maxInFlight ?? 8)) {
      this.dropCancelled();
      if (this.queue.length === 0) return;
      if (!this.limiter.tryAcquire()) {
        this.stats.limiterWaits++;
        if (!this.timer) {
          this.timer = setTimeout(() => {
            this.timer = null;
            this.pump();
          }, this.limiter.msUntilAvailable());
        }
        return;
      }
      const units = this.takeBatch();
      void this.send(units);
    }
  }

  /** Takes units in arrival order until 50 commands; writes travel alone. */
  private takeBatch(): Unit[] {
    const first = this.queue.shift()!;
    if (first.items[0].write) return [first];
    const taken = [first];
    let size = first.items.length;
    for (let i = 0; i < this.queue.length && size < MAX_BATCH; ) {
      const unit = this.queue[i];
      if (!unit.items[0].write && size + unit.items.length <= MAX_BATCH) {
        taken.push(unit);
        size += unit.items.length;
        this.queue.splice(i, 1);
      } else {
        i++;
      }
    }
    return taken;
  }

  private dropCancelled(): void {
    this.queue = this.queue.filter((unit) => unit.items.some((item) => !item.settled));
  }

  private async send(units: Unit[]): Promise<void> {
    const items = units.flatMap((u) => u.items);
    this.inFlight++;
    this.stats.httpRequests++;
    this.stats.commands += items.length;
    this.charge(items);
    const direct = items.length === 1 && !hasRefs(items[0].command.params);
    this.onSend?.({ commands: items.length, batch: !direct });
    try {
      if (direct) {
        const item = items[0];
        try {
          const response = await this.transport.call(item.command.method, item.command.params);
          this.settle(item, { result: response.result, total: response.total, next: response.next });
        } catch (error) {
          this.fail(item, error);
        }
        return;
      }
      this.stats.batches++;
      const keys: string[] = [];
      const cmd: Record<string, string> = {};
      for (const unit of units) {
        const base = keys.length;
        unit.items.forEach((item, i) => {
          const key = `c${base + i}`;
          keys.push(key);
          cmd[key] = encodeCommand(item.command, (index) => `c${base + index}`);
        });
      }
      let outcomes: (CommandResult | BitrixError)[];
      try {
        const response = await this.transport.call('batch', { halt: 0, cmd });
        outcomes = decodeBatch(keys, items.map((i) => i.command.method), response.result);
      } catch (error) {
        for (const unit of units) {
          // A chain is retried whole, a single read alone; ambiguity only matters to writes.
          for (const item of unit.items) this.fail(item, error, unit.chained ? unit : undefined);
        }
        return;
      }
      outcomes.forEach((outcome, i) => this.settle(items[i], outcome));
    } finally {
      this.inFlight--;
      if (this.queue.length > 0) this.schedulePump();
    }
  }

  /** Counts the HTTP request once per GraphQL request riding in it, and each of its commands. */
  private charge(items: Pending[]): void {
    const meters = new Set<CostMeter>();
    for (const item of items) {
      for (const waiter of item.waiters) {
        if (!waiter.meter) continue;
        waiter.meter.commands++;
        meters.add(waiter.meter);
      }
    }
    for (const meter of meters) meter.httpRequests++;
  }

  private fail(item: Pending, error: unknown, chain?: Unit): void {
    if (item.settled) return;
    const bitrixError = error instanceof BitrixError ? error : undefined;
    if (bitrixError?.errorClass === 'rate-limited') this.limiter.onRejected();
    const retryable =
      bitrixError !== undefined &&
      bitrixError.transient &&
      // A write is re-sent only when the portal certainly did not execute it.
      (!item.write || (!bitrixError.ambiguous && bitrixError.errorClass !== 'upstream-failure')) &&
      item.attempts + 1 < (this.options.maxAttempts ?? 4);
    if (!retryable) {
      this.settle(item, error instanceof Error ? error : new Error(String(error)));
      return;
    }
    item.attempts++;
    if (chain && chain.items[0] !== item) return; // the chain's first item re-queues the whole chain
    this.stats.retries++;
    const base = this.options.baseBackoffMs ?? 250;
    const delay = Math.min(8_000, base * 2 ** (item.attempts - 1)) * (0.5 + Math.random());
    setTimeout(() => {
      const unit = chain ?? { items: [item], chained: false };
      if (unit.items.every((i) => i.settled)) return;
      this.enqueue(unit);
    }, delay).unref();
  }

  private settle(item: Pending, outcome: CommandResult | Error): void {
    if (item.settled) return;
    item.settled = true;
    if (item.dedupeKey && this.inflightReads.get(item.dedupeKey) === item) this.inflightReads.delete(item.dedupeKey);
    for (const waiter of item.waiters) {
      if (outcome instanceof Error) waiter.reject(outcome);
      else waiter.resolve(outcome);
    }
  }

  /** A cancelled waiter leaves; the command is dropped only when nobody else waits for it. */
  private watchAbort(item: Pending, waiter: Waiter): void {
    const signal = waiter.signal;
    if (!signal) return;
    signal.addEventListener(
      'abort',
      () => {
        if (item.settled) return;
        item.waiters = item.waiters.filter((w) => w !== waiter);
        waiter.reject(abortError(item.command.method));
        if (item.waiters.length === 0) {
          item.settled = true;
          if (item.dedupeKey && this.inflightReads.get(item.dedupeKey) === item) this.inflightReads.delete(item.dedupeKey);
        }
      },
      { once: true },
    );
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const unit of this.queue) for (const item of unit.items) this.settle(item, abortError(item.command.method));
    this.queue = [];
  }
}

function abortError(method: string): BitrixError {
  return new BitrixError({ code: 'ABORTED', description: 'the request was cancelled before it was sent', method, errorClass: 'timeout' });
}

/** JSON with sorted keys, so equal parameter objects give equal dedupe keys. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
