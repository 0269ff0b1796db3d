// Bulk writes as jobs: a bulk call runs here, in the background, whether it ends within the
// request (the answer then carries every outcome) or not (the answer carries the job, whose
// progress can be read and followed). With a durable store (Redis), a job survives a restart:
// the next gateway to start claims it and runs what has no outcome yet, safely, because every
// create of a job carries an idempotency key (the item's own, or one derived from the job).
import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { BitrixError } from '../upstream/errors.js';
import type { BitrixPortal } from '../upstream/portal.js';
import { itemTarget, recordTarget, runBulk, type BulkItem, type BulkOperation, type BulkOutcome } from './bulk.js';
import { COMPANY } from './companies.js';
import { CONTACT } from './contacts.js';
import { DEAL } from './deals.js';
import { LEAD } from './leads.js';
import type { OldEntity } from './records.js';

const RECORDS: Record<string, OldEntity<unknown>> = {
  contact: CONTACT,
  company: COMPANY,
  deal: DEAL,
  lead: LEAD,
};

/** What a job writes to: crm.item.* cards of a type, or one old-style entity. */
export type BulkTargetSpec =
  | { kind: 'item'; entityTypeId: number; operation: BulkOperation }
  | {
      kind: 'record';
      entity: 'contact' | 'company' | 'deal' | 'lead';
      operation: Exclude<BulkOperation, 'import'>;
      hasOriginVersion: boolean;
    };

export interface BulkJobSpec {
  target: BulkTargetSpec;
  items: BulkItem[];
}

export type JobStatus = 'RUNNING' | 'DONE' | 'INTERRUPTED';

/** A failure as stored: plain JSON, made and read back by the caller (the schema types it). */
export type StoredFailure = Record<string, unknown>;

export interface StoredOutcome {
  index: number;
  id: number | null;
  created: boolean;
  failure: StoredFailure | null;
}

export interface BulkJob {
  id: string;
  target: BulkTargetSpec;
  status: JobStatus;
  total: number;
  done: number;
  failed: number;
  /** Epoch ms. */
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
  /** Survives a restart of this gateway (kept in Redis). */
  durable: boolean;
}

/** Where jobs live: in this process, or in Redis (replication/redis-jobs.ts). */
export interface JobStore {
  readonly durable: boolean;
  create(job: BulkJob, spec: BulkJobSpec): Promise<boolean>;
  get(id: string): Promise<BulkJob | null>;
  spec(id: string): Promise<BulkJobSpec | null>;
  /** Outcomes by item index, `count` of them from `from` (null: not settled yet). */
  outcomes(id: string, from: number, count: number): Promise<(StoredOutcome | null)[]>;
  /** Records settled outcomes and the job's new counters. */
  record(job: BulkJob, outcomes: readonly StoredOutcome[]): Promise<void>;
  /** A finished job runs again for `spec`'s items: their outcomes are cleared. */
  reopen(job: BulkJob, spec: BulkJobSpec): Promise<void>;
  /** Jobs not finished (to resume after a restart). */
  unfinished(): Promise<string[]>;
  /** Runs `fn` while holding the job (one runner across replicas); false when another holds it. */
  hold(id: string, fn: () => Promise<void>): Promise<boolean>;
}

export class MemoryJobStore implements JobStore {
  readonly durable = false;
  private readonly jobs = new Map<string, { job: BulkJob; spec: BulkJobSpec; outcomes: (StoredOutcome | null)[] }>();
  private readonly held = new Set<string>();

  /** Finished jobs (their outcomes, not their items) are kept this long, and at most this many:
   * memory stays bounded however many imports run. */
  constructor(
    private readonly keepMs = 24 * 3600_000,
    private readonly keepFinished = 100,
  ) {}

  async create(job: BulkJob, spec: BulkJobSpec): Promise<boolean> {
    this.forgetOld();
    if (this.jobs.has(job.id)) return false;
    this.jobs.set(job.id, { job: { ...job }, spec, outcomes: new Array(spec.items.length).fill(null) });
    return true;
  }

  async get(id: string): Promise<BulkJob | null> {
    const entry = this.jobs.get(id);
    return entry ? { ...entry.job } : null;
  }

  async spec(id: string): Promise<BulkJobSpec | null> {
    return this.jobs.get(id)?.spec ?? null;
  }

  async outcomes(id: string, from: number, count: number): Promise<(StoredOutcome | null)[]> {
    return this.jobs.get(id)?.outcomes.slice(from, from + count) ?? [];
  }

  async record(job: BulkJob, outcomes: readonly StoredOutcome[]): Promise<void> {
    const entry = this.jobs.get(job.id);
    if (!entry) return;
    for (const o of outcomes) entry.outcomes[o.index] = o;
    entry.job = { ...job };
    // A finished job is answered from its outcomes; its items are not needed any more.
    if (job.status !== 'RUNNING') entry.spec = { target: entry.spec.target, items: [] };
  }

  async reopen(job: BulkJob, spec: BulkJobSpec): Promise<void> {
    const entry = this.jobs.get(job.id);
    if (!entry) return;
    entry.job = { ...job };
    entry.spec = spec;
    for (const item of spec.items) entry.outcomes[item.index] = null;
  }

  async unfinished(): Promise<string[]> {
    return [...this.jobs.values()].filter((e) => e.job.status === 'RUNNING').map((e) => e.job.id);
  }

  async hold(id: string, fn: () => Promise<void>): Promise<boolean> {
    if (this.held.has(id)) return false;
    this.held.add(id);
    try {
      await fn();
      return true;
    } finally {
      this.held.delete(id);
    }
  }

  private forgetOld(): void {
    const now = Date.now();
    const finished = [...this.jobs.values()]
      .filter(({ job }) => job.finishedAt !== null)
      .sort((a, b) => (b.job.finishedAt ?? 0) - (a.job.finishedAt ?? 0));
    finished.forEach(({ job }, i) => {
      if (i >= this.keepFinished || now - (job.finishedAt ?? now) > this.keepMs) this.jobs.delete(job.id);
    });
  }
}

export interface BulkJobsOptions {
  store?: JobStore;
  logger?: Logger;
  /** The pause before a lost write that was not found by its key is looked up and sent once
   * more (default 5 s: longer than any write still running on the portal). */
  secondChanceMs?: number;
  /** Turns an item's error into what is stored (the schema's typed error, as JSON). */
  describe: (error: Error, job: BulkJob) => StoredFailure;
}

/** A job's id from the caller's import key: the same key (with the same target) is the same job. */
export function jobIdOf(importKey: string | null | undefined, target: BulkTargetSpec): string {
  if (!importKey) return randomUUID();
  return createHash('sha256')
    .update(JSON.stringify([importKey, target]))
    .digest('hex')
    .slice(0, 32);
}

export class BulkJobs {
  readonly store: JobStore;
  private readonly running = new Map<string, Promise<void>>();
  private resuming = false;
  private readonly listeners = new Set<(job: BulkJob) => void>();

  constructor(
    private readonly portal: BitrixPortal,
    private readonly options: BulkJobsOptions,
  ) {
    this.store = options.store ?? new MemoryJobStore();
  }

  /** Called with a job's state whenever it progresses (subscriptions). */
  onProgress(listener: (job: BulkJob) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts a job (or finds the one this import key already started) and returns it. Creates
   * without a key get one derived from the job, so a resumed job creates nothing twice. */
  async start(spec: BulkJobSpec, importKey?: string | null): Promise<BulkJob> {
    const id = jobIdOf(importKey, spec.target);
    const items = keyed(id, spec);
    const now = Date.now();
    const job: BulkJob = {
      id,
      target: spec.target,
      status: 'RUNNING',
      total: items.length,
      done: 0,
      failed: 0,
      createdAt: now,
      updatedAt: now,
      finishedAt: null,
      durable: this.store.durable,
    };
    if (!(await this.store.create(job, { target: spec.target, items }))) return (await this.store.get(id)) ?? job;
    this.launch(id, async () => ({ job, items }), false);
    return job;
  }

  /** A finished job sent again: its failed items run once more (the others stay as they are),
   * with the same keys, so whatever the first attempt did make is found, not made twice. */
  async retryFailed(job: BulkJob, spec: BulkJobSpec): Promise<BulkJob> {
    const outcomes = await this.store.outcomes(job.id, 0, job.total);
    const again = keyed(job.id, spec).filter((item) => outcomes[item.index]?.failure);
    if (job.status !== 'DONE' || again.length === 0) return job;
    const reopened: BulkJob = {
      ...job,
      status: 'RUNNING',
      done: job.done - again.length,
      failed: job.failed - again.length,
      updatedAt: Date.now(),
      finishedAt: null,
    };
    await this.store.reopen(reopened, { target: job.target, items: again });
    this.launch(job.id, async () => ({ job: reopened, items: again }), false);
    return reopened;
  }

  /** Resolves when the job has finished or at `until` (epoch ms), with its state then. */
  async wait(id: string, until: number): Promise<BulkJob | null> {
    const run = this.running.get(id);
    if (run) {
      const left = until - Date.now();
      if (left > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([run, new Promise((resolve) => (timer = setTimeout(resolve, left)))]);
        clearTimeout(timer);
      }
    }
    return this.store.get(id);
  }

  /** Claims and finishes the jobs a stopped gateway left running (durable stores only). What
   * is left to do is read once the job is held, so it is never older than the lease. */
  async resume(): Promise<number> {
    if (!this.store.durable || this.resuming) return 0;
    this.resuming = true;
    try {
      let launched = 0;
      for (const id of await this.store.unfinished()) {
        if (this.running.has(id)) continue;
        this.launch(
          id,
          async () => {
            const [job, spec] = await Promise.all([this.store.get(id), this.store.spec(id)]);
            if (!job || !spec || job.status !== 'RUNNING') return null;
            const settled = await this.store.outcomes(id, 0, spec.items.length);
            return { job, items: spec.items.filter((item) => !settled[item.index]) };
          },
          true,
        );
        launched++;
      }
      return launched;
    } finally {
      this.resuming = false;
    }
  }

  /** Runs a job while holding it (one runner across replicas and in this process). */
  private launch(
    id: string,
    load: () => Promise<{ job: BulkJob; items: readonly BulkItem[] } | null>,
    resumed: boolean,
  ): void {
    if (this.running.has(id)) return;
    const run: Promise<void> = this.store
      .hold(id, async () => {
        const work = await load();
        if (work) await this.run(work.job, work.items, resumed);
      })
      .then((ran) => {
        if (!ran) this.options.logger?.info({ job: id }, 'bulk job: held by another gateway');
      })
      .catch((error: unknown) => {
        this.options.logger?.error({ job: id, err: error }, 'bulk job: stopped');
      })
      .finally(() => {
        if (this.running.get(id) === run) this.running.delete(id);
      });
    this.running.set(id, run);
  }

  private async run(job: BulkJob, items: readonly BulkItem[], resumed: boolean): Promise<void> {
    const target =
      job.target.kind === 'item'
        ? itemTarget(job.target.entityTypeId, job.target.operation)
        : recordTarget(RECORDS[job.target.entity], job.target.operation, job.target.hasOriginVersion);
    const deleting = job.target.operation === 'delete';
    let writes = Promise.resolve();
    const onOutcomes = (list: readonly BulkOutcome[]) => {
      const stored = list.map((o) => {
        // A delete resumed after a restart may find its record already gone: that is done.
        const gone =
          resumed && deleting && o.error && o.error instanceof BitrixError && o.error.errorClass === 'not-found';
        if (gone || !o.error) return { index: o.index, id: o.id, created: o.created, failure: null };
        job.failed++;
        return { index: o.index, id: o.id, created: o.created, failure: this.options.describe(o.error, job) };
      });
      job.done += list.length;
      job.updatedAt = Date.now();
      const snapshot = { ...job };
      // Outcomes are stored in the order they settle, one write at a time.
      writes = writes.then(() => this.store.record(snapshot, stored));
      this.emit(snapshot);
    };
    await runBulk(this.portal, target, items, { onOutcomes, secondChanceMs: this.options.secondChanceMs ?? 5_000 });
    job.status = 'DONE';
    job.finishedAt = Date.now();
    job.updatedAt = job.finishedAt;
    await writes;
    await this.store.record({ ...job }, []);
    this.emit({ ...job });
  }

  private emit(job: BulkJob): void {
    for (const listener of this.listeners) listener(job);
  }
}

/** A job's items, every create with a key: its own, or one derived from the job and its place. */
function keyed(id: string, spec: BulkJobSpec): BulkItem[] {
  if (!isCreate(spec.target)) return spec.items;
  return spec.items.map((item) => (item.key ? item : { ...item, key: `job:${id}:${item.index}` }));
}

function isCreate(target: BulkTargetSpec): boolean {
  return target.operation === 'create' || target.operation === 'import';
}
