// Shared cache for portal metadata (field descriptors, types, funnels, stages, dictionaries,
// departments): fresh for `ttlMs`, then served stale for up to `staleMs` while one background
// refresh runs, so requests rarely wait on metadata and never stampede the portal for it.
import { LRUCache } from 'lru-cache';
import type { CostMeter } from './scheduler.js';

interface Entry {
  value: unknown;
  fetchedAt: number;
}

export interface MetadataCacheOptions {
  ttlMs?: number;
  staleMs?: number;
  max?: number;
  /** A second level shared by replicas (Redis). */
  remote?: {
    get(key: string): Promise<Entry | null>;
    set(key: string, entry: Entry, ttlMs: number): Promise<void>;
  };
}

export class MetadataCache {
  private readonly entries: LRUCache<string, Entry>;
  private readonly loading = new Map<string, Promise<unknown>>();
  private readonly ttlMs: number;
  private readonly staleMs: number;
  hits = 0;
  misses = 0;

  private readonly remote: MetadataCacheOptions['remote'];

  constructor(
    options: MetadataCacheOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.remote = options.remote;
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.staleMs = options.staleMs ?? 60 * 60_000;
    this.entries = new LRUCache({ max: options.max ?? 2_000 });
  }

  /** Returns the cached value for `key`, loading it with `load` when absent or too old. */
  async get<T>(key: string, load: () => Promise<T>, meter?: CostMeter): Promise<T> {
    const entry = this.entries.get(key);
    if (entry) {
      const age = this.now() - entry.fetchedAt;
      if (age < this.ttlMs + this.staleMs) {
        this.hits++;
        if (meter) meter.cacheHits++;
        if (age >= this.ttlMs) void this.refresh(key, load).catch(() => undefined); // keep serving stale
        return entry.value as T;
      }
    }
    this.misses++;
    return this.refresh(key, load);
  }

  /** Stores a value fetched along with another one (e.g. stage lists with their funnels). */
  prime(key: string, value: unknown): void {
    this.entries.set(key, { value, fetchedAt: this.now() });
  }

  private refresh<T>(key: string, load: () => Promise<T>): Promise<T> {
    let pending = this.loading.get(key) as Promise<T> | undefined;
    if (!pending) {
      pending = this.loadThrough(key, load)
        .then((entry) => {
          this.entries.set(key, entry);
          return entry.value as T;
        })
        .finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }

  /** Another replica's fresh copy when there is one; else the portal, shared for the others. */
  private async loadThrough<T>(key: string, load: () => Promise<T>): Promise<Entry> {
    if (this.remote) {
      const shared = await this.remote.get(key);
      if (shared && this.now() - shared.fetchedAt < this.ttlMs) return shared;
    }
    const entry = { value: await load(), fetchedAt: this.now() };
    if (this.remote) await this.remote.set(key, entry, this.ttlMs + this.staleMs);
    return entry;
  }

  /** Drops every entry whose key starts with `prefix` (all when omitted). */
  invalidate(prefix = ''): void {
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
  }
}
