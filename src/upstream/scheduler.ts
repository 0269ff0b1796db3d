// The portal scheduler: one per portal, shared by every GraphQL request. Callers submit REST
// commands; the scheduler packs the commands of all concurrent requests into `batch` calls of
// at most 50, sends identical reads once, keeps chained commands together, waits on the
// limiter and the operating budget instead of provoking 503/429, retries reads within their
// deadline, fails fast while the portal is down, and hands every caller its own outcome.
// At low load a command leaves on the next turn of the event loop; under saturation commands
// pile up while the limiter waits, so every request that leaves is a full batch.
// (One file on purpose: the queue, packing, retries and cancellation share one state.)
import type { Logger } from 'pino';
import { stableJson } from '../lib/stable-json.js';
import {
  needsDirectCall,
  decodeBatch,
  encodeCommand,
  hasRefs,
  resolveRefs,
  type Command,
  type CommandResult,
} from './batch.js';
import { CircuitBreaker } from './breaker.js';
import { BitrixError, abortError, busyError, outcomeUnknown } from './errors.js';
import type { PortalLimiter } from './bucket.js';
import { OperatingBudget } from './operating-budget.js';
import type { BitrixTransport } from './transport.js';
import type { CostMeter } from './cost.js';

export { newMeter, type CostMeter } from './cost.js';

export const MAX_BATCH = 50;

export interface SubmitOptions {
  meter?: CostMeter;
  /** Cancels the command while it waits (the client left, or its deadline passed). */
  signal?: AbortSignal;
  /** Epoch ms after which waiting (for the limiter, the budget or a retry) is pointless. */
  deadline?: number;
  /** Writes are never deduplicated, never batched with others, and never re-sent after an
   * ambiguous failure. */
  write?: boolean;
  /** Must see the portal as it is now: never joins an identical read already in flight. */
  fresh?: boolean;
}

interface Waiter {
  resolve(value: CommandResult): void;
  reject(error: unknown): void;
  meter?: CostMeter;
  signal?: AbortSignal;
  deadline?: number;
  /** The command it waits for (set while its signal is watched). */
  item?: Pending;
}

interface Pending {
  command: Command;
  write: boolean;
  dedupeKey?: string;
  waiters: Waiter[];
  attempts: number;
  settled: boolean;
}

/** What must travel in one HTTP request: one command, or a chain with $result refs. */
interface Unit {
  items: Pending[];
  chained: boolean;
  /** Holds what a batch cannot carry (batch syntax as text, an empty list): travels alone, as a direct call. */
  literal?: boolean;
  /** Independent writes (submitWrites): travel together, apart from everything else, and may be
   * split when a method's operating allowance is smaller than the unit. */
  bulk?: boolean;
  /** When it was queued (ms), to bound how long a batch is held to fill. */
  at?: number;
}

/** A refused or unresolvable connection is tried this often, then reported: it rarely heals
 * within a request (a wrong host, a portal that is down), and a client should not wait
 * half a minute to hear so. Other transient failures keep the full retry budget. */
const CONNECT_ATTEMPTS = 3;

/** Past this share of the bucket, a batch that is not full waits up to FILL_HOLD_MS for more
 * commands: the burst's first requests leave at once (latency), the rest leave full (throughput). */
const FILL_PRESSURE = 0.3;
const FILL_HOLD_MS = 150;

/** How long an idle scheduler lets a batch gather before it leaves (see schedulePump). */
const DEFAULT_COALESCE_MS = 3;

/** Writes, and commands a batch cannot carry faithfully, travel alone (as direct calls). */
function travelsAlone(unit: Unit): boolean {
  return unit.items[0].write || unit.literal === true;
}

export interface SchedulerOptions {
  logger?: Logger;
  /** Batches in flight at once. The bucket is the real limit; this bounds memory and sockets. */
  maxInFlight?: number;
  /** Attempts for a read on a transient failure, within its deadline. */
  maxAttempts?: number;
  baseBackoffMs?: number;
  budget?: OperatingBudget;
  breaker?: CircuitBreaker;
  /** How long an idle scheduler holds a batch for more commands (ms). @default 3 */
  coalesceMs?: number;
}

export interface SchedulerStats {
  httpRequests: number;
  batches: number;
  commands: number;
  deduplicated: number;
  retries: number;
  limiterWaits: number;
  budgetWaits: number;
  failedFast: number;
}

export class PortalScheduler {
  private queue: Unit[] = [];
  private readonly inflightReads = new Map<string, Pending>();
  private inFlight = 0;
  private pumpScheduled = false;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = 0;
  private closed = false;
  readonly budget: OperatingBudget;
  readonly breaker: CircuitBreaker;
  readonly stats: SchedulerStats = {
    httpRequests: 0,
    batches: 0,
    commands: 0,
    deduplicated: 0,
    retries: 0,
    limiterWaits: 0,
    budgetWaits: 0,
    failedFast: 0,
  };
  /** Observers of every HTTP request sent (metrics). */
  onSend?: (info: { commands: number; batch: boolean }) => void;

  constructor(
    private readonly transport: BitrixTransport,
    private readonly limiter: PortalLimiter,
    private readonly options: SchedulerOptions = {},
  ) {
    this.budget = options.budget ?? new OperatingBudget();
    this.breaker = options.breaker ?? new CircuitBreaker();
  }

  /** Submits one command; resolves with its result or rejects with its own BitrixError. */
  submit(command: Command, options: SubmitOptions = {}): Promise<CommandResult> {
    return new Promise<CommandResult>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        meter: options.meter,
        signal: options.signal,
        deadline: options.deadline,
      };
      if (options.signal?.aborted) return reject(abortError(command.method));
      if (this.breaker.state === 'open' && this.breaker.msUntilProbe() > 0)
        return reject(this.circuitOpen(command.method));
      const write = options.write ?? false;
      const dedupeKey = write ? undefined : `${command.method}\u0000${stableJson(command.params)}`;
      const existing = dedupeKey && !options.fresh ? this.inflightReads.get(dedupeKey) : undefined;
      if (existing && !existing.settled) {
        existing.waiters.push(waiter);
        this.stats.deduplicated++;
        this.watchAbort(existing, waiter);
        return;
      }
      const pending: Pending = { command, write, dedupeKey, waiters: [waiter], attempts: 0, settled: false };
      if (dedupeKey && !options.fresh) this.inflightReads.set(dedupeKey, pending);
      this.watchAbort(pending, waiter);
      this.enqueue({ items: [pending], chained: false });
    });
  }

  /** Submits commands that reference each other with `ref(i, ...path)`; they travel in one
   * batch. Resolves with one outcome per command (a result or that command's error). */
  submitChain(commands: Command[], options: SubmitOptions = {}): Promise<(CommandResult | BitrixError)[]> {
    if (commands.length === 0) return Promise.resolve([]);
    if (commands.length > MAX_BATCH) throw new RangeError(`a chain holds at most ${MAX_BATCH} commands`);
    if (commands.some((command) => needsDirectCall(command.params))) return this.runStepwise(commands, options);
    const promises = commands.map((command) => this.submitPart(command, options));
    const items = promises.map((p) => p.item);
    if (options.signal?.aborted) for (const item of items) this.settle(item, abortError(item.command.method));
    else if (this.breaker.state === 'open' && this.breaker.msUntilProbe() > 0)
      for (const item of items) this.settle(item, this.circuitOpen(item.command.method));
    else this.enqueue({ items, chained: true });
    return Promise.all(promises.map((p) => p.promise));
  }

  /** Submits independent writes that may travel together in one batch (a bulk import): up to
   * 50 per HTTP request, never joined with reads or other writes. Each write settles on its own:
   * a result, its own error, or UPSTREAM_OUTCOME_UNKNOWN when the request's fate is unknown (then
   * none of them is re-sent). A write that the portal certainly did not run (rate limit,
   * operating limit) is retried alone. Resolves with one outcome per command. */
  submitWrites(commands: Command[], options: SubmitOptions = {}): Promise<(CommandResult | BitrixError)[]> {
    if (commands.length === 0) return Promise.resolve([]);
    if (commands.length > MAX_BATCH) throw new RangeError(`one write batch holds at most ${MAX_BATCH} commands`);
    // Text the portal would rewrite inside a batch travels alone, like any other such command.
    const direct = commands.filter((command) => needsDirectCall(command.params));
    const together = commands.filter((command) => !needsDirectCall(command.params));
    const parts = together.map((command) => this.submitPart(command, options, true));
    const alone = new Map(direct.map((command) => [command, this.submitPart(command, options, true)] as const));
    const start = (items: Pending[], unit: Omit<Unit, 'items'>) => {
      if (items.length === 0) return;
      if (options.signal?.aborted) for (const item of items) this.settle(item, abortError(item.command.method));
      else if (this.breaker.state === 'open' && this.breaker.msUntilProbe() > 0)
        for (const item of items) this.settle(item, this.circuitOpen(item.command.method));
      else this.enqueue({ items, ...unit });
    };
    start(
      parts.map((p) => p.item),
      { chained: false, bulk: true },
    );
    for (const part of alone.values()) start([part.item], { chained: false });
    const byCommand = new Map(together.map((command, i) => [command, parts[i]] as const));
    return Promise.all(commands.map((command) => (alone.get(command) ?? byCommand.get(command)!).promise));
  }

  /** A chain a batch cannot carry (text the portal would rewrite, an empty list) runs one
   * direct call at a time, its references resolved here from the earlier answers. A reference with nothing to
   * point at (a short page, a failed command) fails that command without sending it, as a
   * chain's later links are then meaningless. */
  private async runStepwise(commands: Command[], options: SubmitOptions): Promise<(CommandResult | BitrixError)[]> {
    const outcomes: (CommandResult | BitrixError)[] = [];
    for (const command of commands) {
      const params = resolveRefs(command.params, outcomes);
      if (!params) {
        outcomes.push(
          new BitrixError({
            code: 'UNRESOLVED_REFERENCE',
            description: 'an earlier command of the chain gave nothing to refer to',
            method: command.method,
          }),
        );
        continue;
      }
      try {
        outcomes.push(await this.submit({ method: command.method, params }, options));
      } catch (error) {
        if (!(error instanceof BitrixError)) throw error;
        outcomes.push(error);
      }
    }
    return outcomes;
  }

  private submitPart(command: Command, options: SubmitOptions, write = false) {
    let waiter!: Waiter;
    const promise = new Promise<CommandResult>((resolve, reject) => {
      waiter = { resolve, reject, meter: options.meter, signal: options.signal, deadline: options.deadline };
    }).catch((error: unknown) => (error instanceof BitrixError ? error : Promise.reject(error)));
    const item: Pending = { command, write, waiters: [waiter], attempts: 0, settled: false };
    this.watchAbort(item, waiter);
    return { item, promise };
  }

  private enqueue(unit: Unit): void {
    unit.at ??= Date.now();
    unit.literal ??= unit.items.some((item) => needsDirectCall(item.command.params));
    this.queue.push(unit);
    this.schedulePump();
  }

  private schedulePump(): void {
    if (this.pumpScheduled || this.closed) return;
    this.pumpScheduled = true;
    const run = () => {
      this.pumpScheduled = false;
      void this.pump();
    };
    // Idle (nothing in flight), a batch leaves `coalesceMs` after its first command: concurrent
    // GraphQL requests each arrive on their own turn of the event loop, and would otherwise each
    // spend one of the portal's requests. Busy, the commands gather while the batches in flight
    // travel; setImmediate is enough for every DataLoader of one resolver level (they dispatch in
    // microtasks).
    const linger = this.options.coalesceMs ?? DEFAULT_COALESCE_MS;
    if (linger > 0 && this.inFlight === 0 && !this.queue.some(travelsAlone)) setTimeout(run, linger);
    else setImmediate(run);
  }

  private wakeIn(ms: number): void {
    const at = Date.now() + ms;
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.pump();
    }, ms);
  }

  private pumping = false;
  private repump = false;

  /** Sends what the limiter, the breaker and the budgets allow. Not re-entrant: the limiter
   * may answer asynchronously (a shared bucket in Redis). */
  private async pump(): Promise<void> {
    if (this.pumping) {
      this.repump = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.repump = false;
        await this.pumpOnce();
      } while (this.repump && !this.closed);
    } finally {
      this.pumping = false;
    }
  }

  private async pumpOnce(): Promise<void> {
    while (this.queue.length > 0 && this.inFlight < (this.options.maxInFlight ?? 8)) {
      this.queue = this.queue.filter((unit) => unit.items.some((item) => !item.settled));
      if (this.queue.length === 0) return;
      if (this.breaker.state !== 'closed') {
        if (this.breaker.state === 'open' && this.breaker.msUntilProbe() > 0) {
          this.failAll(this.queue.splice(0), (m) => this.circuitOpen(m));
          return;
        }
        if (!this.breaker.allow()) return this.wakeIn(100); // a probe is in flight
        const probe = this.takeBatch();
        if (!probe) return this.breaker.success(); // nothing sendable; do not hold the probe slot
        void this.send(probe);
        return;
      }
      if (this.queued < MAX_BATCH && !travelsAlone(this.queue[0]) && (this.limiter.pressure?.() ?? 0) > FILL_PRESSURE) {
        const held = Date.now() - (this.queue[0].at ?? 0);
        if (held < FILL_HOLD_MS) return this.wakeIn(FILL_HOLD_MS - held);
      }
      const wait = await this.limiter.acquire();
      if (wait > 0) {
        this.stats.limiterWaits++;
        return this.wakeIn(wait);
      }
      const units = this.takeBatch();
      if (!units) {
        this.limiter.refund();
        return;
      }
      void this.send(units);
    }
  }

  /** Takes units in arrival order up to 50 commands, within each method's operating
   * allowance; writes travel alone. Units whose method is out of budget wait, or fail with
   * UPSTREAM_BUSY when their deadline would pass first. */
  private takeBatch(): Unit[] | null {
    const allowance = new Map<string, number>();
    const allowed = (unit: Unit) => {
      const need = new Map<string, number>();
      for (const item of unit.items) need.set(item.command.method, (need.get(item.command.method) ?? 0) + 1);
      for (const [method, n] of need) {
        if (!allowance.has(method)) allowance.set(method, this.budget.allowance(method));
        if (allowance.get(method)! < n) return false;
      }
      for (const [method, n] of need) allowance.set(method, allowance.get(method)! - n);
      return true;
    };
    const alone = travelsAlone;
    const taken: Unit[] = [];
    let size = 0;
    for (let i = 0; i < this.queue.length && size < MAX_BATCH; ) {
      const unit = this.queue[i];
      const fits = alone(unit) ? size === 0 : size + unit.items.length <= MAX_BATCH && !(taken[0] && alone(taken[0]));
      if (fits && unit.bulk && !this.fitBulk(unit, i)) {
        i++;
        continue;
      }
      if (fits && allowed(unit)) {
        taken.push(unit);
        size += unit.items.length;
        this.queue.splice(i, 1);
        if (alone(unit)) break;
      } else {
        i++;
      }
    }
    this.deferOutOfBudget();
    return taken.length ? taken : null;
  }

  /** Bulk writes of each method on their way (sent, not yet answered). */
  private readonly bulkInFlight = new Map<string, number>();

  /** May a bulk unit leave now? Its method's allowance counts the bulk writes still on their
   * way (their cost is not known yet), and a method whose cost was never seen has one batch on
   * its way at a time, so a large import learns the cost before it can overrun the budget. When
   * only part of the unit fits, that part leaves and the rest stays queued right after it. */
  private fitBulk(unit: Unit, index: number): boolean {
    const method = unit.items[0].command.method;
    const onTheWay = this.bulkInFlight.get(method) ?? 0;
    const allowance = this.budget.allowance(method);
    if (allowance === Infinity && !this.budget.known(method)) return onTheWay === 0;
    const room = allowance - onTheWay;
    if (room <= 0) return false;
    if (room < unit.items.length) {
      this.queue.splice(index + 1, 0, { ...unit, items: unit.items.slice(room) });
      unit.items = unit.items.slice(0, room);
    }
    return true;
  }

  private trackBulk(units: Unit[], delta: 1 | -1): void {
    for (const unit of units) {
      if (!unit.bulk) continue;
      const method = unit.items[0].command.method;
      const n = (this.bulkInFlight.get(method) ?? 0) + delta * unit.items.length;
      if (n > 0) this.bulkInFlight.set(method, n);
      else this.bulkInFlight.delete(method);
    }
  }

  /** Queued units whose method has no allowance: fail those that cannot wait, wake later for the rest. */
  private deferOutOfBudget(): void {
    let soonest = Infinity;
    const now = Date.now();
    // One answer per method and pass: a queued import holds thousands of commands of one method.
    const waitOf = new Map<string, number>();
    const methodWait = (method: string) => {
      const known = waitOf.get(method);
      if (known !== undefined) return known;
      const ms = this.budget.msUntilAllowed(method);
      waitOf.set(method, ms);
      return ms;
    };
    this.queue = this.queue.filter((unit) => {
      const waits = unit.bulk
        ? methodWait(unit.items[0].command.method)
        : Math.max(...unit.items.map((item) => methodWait(item.command.method)));
      if (waits === 0) return true;
      this.stats.budgetWaits++;
      const deadline = Math.min(...unit.items.flatMap((item) => item.waiters.map((w) => w.deadline ?? Infinity)));
      if (now + waits > deadline) {
        for (const item of unit.items) this.settle(item, busyError(item.command.method, waits));
        return false;
      }
      soonest = Math.min(soonest, waits);
      return true;
    });
    if (soonest < Infinity) this.wakeIn(soonest);
  }

  private async send(units: Unit[]): Promise<void> {
    const items = units.flatMap((u) => u.items);
    this.inFlight++;
    this.trackBulk(units, 1);
    this.stats.httpRequests++;
    this.stats.commands += items.length;
    this.charge(items);
    const direct = items.length === 1 && !hasRefs(items[0].command.params);
    this.onSend?.({ commands: items.length, batch: !direct });
    try {
      let outcomes: (CommandResult | BitrixError)[];
      try {
        if (direct) {
          const response = await this.transport.call(items[0].command.method, items[0].command.params);
          outcomes = [{ result: response.result, total: response.total, next: response.next, time: response.time }];
        } else {
          this.stats.batches++;
          const cmd: Record<string, string> = {};
          let base = 0;
          for (const unit of units) {
            const offset = base;
            for (const [i, item] of unit.items.entries())
              cmd[`c${offset + i}`] = encodeCommand(item.command, (index) => `c${offset + index}`);
            base += unit.items.length;
          }
          const keys = Object.keys(cmd);
          const response = await this.transport.call('batch', { halt: 0, cmd });
          outcomes = decodeBatch(
            keys,
            items.map((i) => i.command.method),
            response.result,
          );
        }
        this.breaker.success();
      } catch (error) {
        this.noteFailure(error);
        // A direct call's own error envelope (4xx) is that command's outcome, not an outage.
        if (
          direct &&
          error instanceof BitrixError &&
          error.httpStatus !== undefined &&
          error.httpStatus < 500 &&
          error.errorClass !== 'rate-limited'
        ) {
          outcomes = [error];
        } else {
          for (const unit of units) this.retryOrSettle(unit, error);
          return;
        }
      }
      const unitOf = new Map(units.flatMap((unit) => unit.items.map((item) => [item, unit] as const)));
      outcomes.forEach((outcome, i) => {
        const item = items[i];
        const unit = unitOf.get(item)!;
        if (!(outcome instanceof BitrixError)) {
          this.budget.observe(item.command.method, outcome.time);
          this.settle(item, outcome);
        } else if (unit.chained) {
          this.settle(item, outcome); // one failed link: the paging code decides what it means
        } else {
          // A bulk write's own error concerns only that write.
          this.retryOrSettle(unit.bulk ? { items: [item], chained: false, bulk: true } : unit, outcome);
        }
      });
    } finally {
      this.inFlight--;
      this.trackBulk(units, -1);
      if (this.queue.length > 0) this.schedulePump();
    }
  }

  private noteFailure(error: unknown): void {
    if (!(error instanceof BitrixError)) {
      this.breaker.failure();
      return;
    }
    if (error.errorClass === 'rate-limited') this.limiter.onRejected();
    if (
      ['network', 'upstream-failure'].includes(error.errorClass) ||
      (error.errorClass === 'timeout' && error.code !== 'ABORTED')
    )
      this.breaker.failure();
    else this.breaker.success(); // the portal answered: it is up
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

  /** Retries a unit within its deadline when that is safe, or settles it with the error. A
   * chain is retried whole (its references need every earlier command). */
  private retryOrSettle(unit: Unit, error: unknown): void {
    const live = unit.items.filter((i) => !i.settled);
    if (live.length === 0) return;
    const e = error instanceof BitrixError ? error : undefined;
    if (e?.errorClass === 'operating-limit') for (const i of live) this.budget.onBlocked(i.command.method);
    const first = live[0];
    const retryable =
      e !== undefined &&
      (e.transient || e.errorClass === 'operating-limit') &&
      // A write is re-sent only when the portal certainly did not execute it.
      (!first.write || (!e.ambiguous && (e.errorClass === 'rate-limited' || e.errorClass === 'operating-limit'))) &&
      first.attempts + 1 <
        Math.min(this.options.maxAttempts ?? 10, e.code === 'CONNECT_FAILED' ? CONNECT_ATTEMPTS : Infinity);
    const delay = Math.min(8_000, (this.options.baseBackoffMs ?? 250) * 2 ** first.attempts) * (0.5 + Math.random());
    const deadline = Math.min(...live.flatMap((i) => i.waiters.map((w) => w.deadline ?? Infinity)));
    if (!retryable || Date.now() + delay > deadline) {
      const final =
        first.write && e?.ambiguous ? outcomeUnknown(e) : error instanceof Error ? error : new Error(String(error));
      for (const i of live) this.settle(i, final);
      return;
    }
    for (const i of live) i.attempts++;
    this.stats.retries++;
    setTimeout(() => {
      if (unit.items.every((i) => i.settled)) return;
      this.enqueue(unit);
    }, delay).unref();
  }

  private failAll(units: Unit[], error: (method: string) => BitrixError): void {
    for (const unit of units) for (const item of unit.items) this.settle(item, error(item.command.method));
  }

  private settle(item: Pending, outcome: CommandResult | Error): void {
    if (item.settled) return;
    item.settled = true;
    if (item.dedupeKey && this.inflightReads.get(item.dedupeKey) === item) this.inflightReads.delete(item.dedupeKey);
    for (const waiter of item.waiters) {
      this.unwatch(waiter);
      if (outcome instanceof Error) waiter.reject(outcome);
      else waiter.resolve(outcome);
    }
  }

  /** Waiters per request signal: one abort listener per request, not one per command. The
   * listener and the entries go as soon as the last waiter of that signal settles, so a signal
   * that outlives its request never keeps results alive. */
  private readonly watched = new WeakMap<AbortSignal, { waiters: Set<Waiter>; onAbort: () => void }>();

  /** A cancelled waiter leaves; the command is dropped only when nobody else waits for it. */
  private watchAbort(item: Pending, waiter: Waiter): void {
    const signal = waiter.signal;
    if (!signal) return;
    waiter.item = item;
    let watch = this.watched.get(signal);
    if (!watch) {
      const waiters = new Set<Waiter>();
      const onAbort = () => {
        this.watched.delete(signal);
        for (const w of waiters) this.abandon(w);
        waiters.clear();
      };
      watch = { waiters, onAbort };
      this.watched.set(signal, watch);
      signal.addEventListener('abort', onAbort, { once: true });
    }
    watch.waiters.add(waiter);
  }

  /** The waiter no longer needs cancelling (settled or abandoned). */
  private unwatch(waiter: Waiter): void {
    const signal = waiter.signal;
    const watch = signal && this.watched.get(signal);
    if (!watch) return;
    watch.waiters.delete(waiter);
    if (watch.waiters.size === 0) {
      signal.removeEventListener('abort', watch.onAbort);
      this.watched.delete(signal);
    }
  }

  private abandon(waiter: Waiter): void {
    const item = waiter.item;
    if (!item || item.settled) return;
    item.waiters = item.waiters.filter((w) => w !== waiter);
    waiter.reject(abortError(item.command.method));
    if (item.waiters.length === 0) {
      item.settled = true;
      if (item.dedupeKey && this.inflightReads.get(item.dedupeKey) === item) this.inflightReads.delete(item.dedupeKey);
    }
  }

  private circuitOpen(method: string): BitrixError {
    this.stats.failedFast++;
    return new BitrixError({
      code: 'CIRCUIT_OPEN',
      description: 'the portal keeps failing; requests fail fast until it recovers',
      method,
      errorClass: 'network',
      retryAfter: Math.ceil(this.breaker.msUntilProbe() / 1000),
    });
  }

  /** Pending commands, for readiness and metrics. */
  get queued(): number {
    return this.queue.reduce((n, u) => n + u.items.length, 0);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.failAll(this.queue.splice(0), abortError);
  }
}
