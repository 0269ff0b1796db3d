// The read cache's second tier in Redis (src/crm/record-cache.ts SharedRows): a record one replica
// read serves every other, for the cache's TTL at most, and every replica forgets it on every
// change it hears of. Best effort: while Redis is away (or slow) a read is a miss and a write is
// skipped, and the shared limits and locks are not told (their own calls decide degraded mode).
import type { Row } from '../crm/change-scan.js';
import type { SharedRows } from '../crm/record-cache.js';
import type { SharedState } from './redis-state.js';

interface Stored {
  row: Row;
  fields: string[] | null;
}

/** A cache call may not wait longer than this: past it, the portal is the faster source. */
const CALL_TIMEOUT_MS = 250;

export class RedisRows implements SharedRows {
  constructor(private readonly shared: SharedState) {}

  /** A cache call on its own: its failure is a miss here, and never marks the shared state
   * (limits, locks) as degraded the way SharedState.run does. */
  private async attempt<T>(call: (redis: SharedState['redis']) => Promise<T>, fallback: T): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        call(this.shared.redis),
        new Promise<T>((resolve) => {
          timer = setTimeout(() => resolve(fallback), CALL_TIMEOUT_MS);
        }),
      ]);
    } catch {
      return fallback;
    } finally {
      clearTimeout(timer);
    }
  }

  private key(name: string): string {
    return this.shared.key(`rows:${name}`);
  }

  async get(keys: readonly string[]): Promise<(Stored | null)[]> {
    if (!keys.length) return [];
    const texts = await this.attempt(
      (r) => r.mget(...keys.map((k) => this.key(k))),
      keys.map(() => null),
    );
    return texts.map((text) => (text ? (JSON.parse(text) as Stored) : null));
  }

  async set(entries: readonly { key: string; row: Row; fields: string[] | null }[], ttlMs: number): Promise<void> {
    if (!entries.length) return;
    await this.attempt(async (r) => {
      const tx = r.multi();
      for (const { key, row, fields } of entries)
        tx.set(this.key(key), JSON.stringify({ row, fields } satisfies Stored), 'PX', ttlMs);
      await tx.exec();
    }, undefined);
  }

  async delete(keys: readonly string[]): Promise<void> {
    if (!keys.length) return;
    await this.attempt(async (r) => void (await r.del(...keys.map((k) => this.key(k)))), undefined);
  }

  /** Rare (a deleted contact or company, a write of unknown reach): a SCAN of the rows' keys. */
  async clear(entityTypeId?: number): Promise<void> {
    const pattern = this.key(entityTypeId === undefined ? 'r:*' : `r:${entityTypeId}:*`);
    // Not under the call timeout: a long scan goes on in the background until it is done.
    try {
      let cursor = '0';
      do {
        const [next, keys] = await this.shared.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        if (keys.length) await this.shared.redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    } catch {
      // Redis away: the TTL bounds what is left.
    }
  }
}
