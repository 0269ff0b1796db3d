// What the change feed must remember across restarts: per type, how far reconciliation has read
// and which ids it knows (to tell a deletion); and the log of deletions the `changes` cursor
// replays (the portal keeps no trace of a deleted record). In memory, optionally written to a
// small local file; shared in Redis with replication (src/replication/redis-feed.ts).
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ChangePosition } from './change-scan.js';

/** A deletion the gateway learnt of (an event, or the deletion scan). */
export interface Deletion {
  /** Its place in the log: increasing, never reused. */
  seq: number;
  entityTypeId: number;
  id: number;
  /** When the gateway learnt of it, by the portal's clock (epoch ms). */
  at: number;
}

/** Reconciliation's watermark: the last row read, and whether it had read everything then (a
 * round cut short goes on exactly from there; a caught-up one re-reads a short overlap). */
export interface FeedPosition extends ChangePosition {
  caughtUp?: boolean;
}

export interface FeedStore {
  /** Survives a restart (a file or Redis). */
  readonly durable: boolean;
  position(entityTypeId: number): Promise<FeedPosition | null>;
  setPosition(entityTypeId: number, position: FeedPosition): Promise<void>;
  /** The ids known to exist; null when this type was never listed whole. */
  knownIds(entityTypeId: number): Promise<Set<number> | null>;
  /** Sets the whole list (after a deletion scan). */
  setKnownIds(entityTypeId: number, ids: Iterable<number>): Promise<void>;
  addKnownIds(entityTypeId: number, ids: readonly number[]): Promise<void>;
  /** Appends deletions of ids still known, forgets those ids, and returns what was appended
   * (an id already forgotten is not deleted twice). */
  recordDeletions(entityTypeId: number, ids: readonly number[], at: number): Promise<Deletion[]>;
  /** Deletions after `seq`, oldest first. */
  deletionsAfter(seq: number, limit: number): Promise<Deletion[]>;
  /** The last seq given (0 for none) and the oldest still kept (a cursor older than that has
   * lost deletions). */
  deletionBounds(): Promise<{ head: number; oldest: number }>;
}

interface Snapshot {
  /** The portal the state is about (its host): a file of another portal is not read. */
  portal?: string;
  positions: Record<string, FeedPosition>;
  known: Record<string, number[]>;
  seq: number;
  deletions: Deletion[];
}

export interface MemoryFeedStoreOptions {
  /** Write the state to this file (atomically, at most every `flushMs`) and read it at start. */
  file?: string;
  /** @default 1000 */
  flushMs?: number;
  /** Deletions kept for cursors (the oldest are dropped first). @default 100000 */
  maxDeletions?: number;
  /** A write of the file failed (the state stays in memory; the next change writes again). */
  onWriteError?: (error: unknown) => void;
  /** The portal this state is about (its host). A file about another portal is set aside:
   * its ids would all look deleted. */
  portal?: string;
  /** The file was about another portal (`found`): the feed starts afresh. */
  onForeignFile?: (found: string | undefined) => void;
}

export class MemoryFeedStore implements FeedStore {
  readonly durable: boolean;
  private readonly positions = new Map<number, FeedPosition>();
  private readonly known = new Map<number, Set<number>>();
  private deletions: Deletion[] = [];
  private seq = 0;
  private dropped = 0;
  private flushTimer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  /** In memory; with `file`, use `open` (it reads what the file kept). */
  constructor(private readonly options: MemoryFeedStoreOptions = {}) {
    this.durable = Boolean(options.file);
  }

  static async open(options: MemoryFeedStoreOptions = {}): Promise<MemoryFeedStore> {
    const store = new MemoryFeedStore(options);
    if (options.file) await store.load(options.file);
    return store;
  }

  private async load(file: string): Promise<void> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const snapshot = JSON.parse(text) as Snapshot;
    if (this.options.portal && snapshot.portal !== this.options.portal) {
      this.options.onForeignFile?.(snapshot.portal);
      return;
    }
    for (const [type, position] of Object.entries(snapshot.positions)) this.positions.set(Number(type), position);
    for (const [type, ids] of Object.entries(snapshot.known)) this.known.set(Number(type), new Set(ids));
    this.seq = snapshot.seq;
    this.deletions = snapshot.deletions;
    this.dropped = this.deletions[0] ? this.deletions[0].seq - 1 : this.seq;
  }

  async position(entityTypeId: number) {
    return this.positions.get(entityTypeId) ?? null;
  }

  async setPosition(entityTypeId: number, position: FeedPosition) {
    this.positions.set(entityTypeId, position);
    this.changed();
  }

  async knownIds(entityTypeId: number) {
    const ids = this.known.get(entityTypeId);
    return ids ? new Set(ids) : null;
  }

  async setKnownIds(entityTypeId: number, ids: Iterable<number>) {
    this.known.set(entityTypeId, new Set(ids));
    this.changed();
  }

  async addKnownIds(entityTypeId: number, ids: readonly number[]) {
    const known = this.known.get(entityTypeId);
    if (!known) return; // never listed whole: the first deletion scan lists it
    for (const id of ids) known.add(id);
    this.changed();
  }

  async recordDeletions(entityTypeId: number, ids: readonly number[], at: number) {
    const known = this.known.get(entityTypeId);
    const added: Deletion[] = [];
    for (const id of ids) {
      if (known && !known.delete(id)) continue;
      added.push({ seq: ++this.seq, entityTypeId, id, at });
    }
    this.deletions.push(...added);
    const max = this.options.maxDeletions ?? 100_000;
    if (this.deletions.length > max) {
      const cut = this.deletions.length - max;
      this.dropped = this.deletions[cut - 1].seq;
      this.deletions = this.deletions.slice(cut);
    }
    if (added.length) this.changed();
    return added;
  }

  async deletionsAfter(seq: number, limit: number) {
    // Seqs increase along the array: binary search for the first one after `seq`.
    let lo = 0;
    let hi = this.deletions.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.deletions[mid].seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    return this.deletions.slice(lo, lo + limit);
  }

  async deletionBounds() {
    return { head: this.seq, oldest: this.dropped };
  }

  /** Writes what is pending now (shutdown, tests). */
  async flush(): Promise<void> {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = null;
      await this.write();
    }
    await this.writing;
  }

  private changed(): void {
    if (!this.options.file || this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      void this.write();
    }, this.options.flushMs ?? 1_000);
    this.flushTimer.unref();
  }

  private write(): Promise<void> {
    const file = this.options.file!;
    const snapshot: Snapshot = {
      portal: this.options.portal,
      positions: Object.fromEntries(this.positions),
      known: Object.fromEntries([...this.known].map(([type, ids]) => [type, [...ids]])),
      seq: this.seq,
      deletions: this.deletions,
    };
    // One write at a time; a temporary file renamed over the old one, so a crash leaves either.
    this.writing = this.writing
      .then(async () => {
        await mkdir(dirname(file), { recursive: true });
        await writeFile(`${file}.tmp`, JSON.stringify(snapshot));
        await rename(`${file}.tmp`, file);
      })
      .catch((error: unknown) => this.options.onWriteError?.(error));
    return this.writing;
  }
}
