// The change feed's memory in Redis, shared by the replicas: watermarks in a hash, known ids in a
// set per type, the deletion log in a sorted set scored by its seq (INCR gives the seqs), and the
// lease that lets one replica at a time run the scans.
import { randomUUID } from 'node:crypto';
import type { Deletion, FeedPosition, FeedStore } from '../crm/feed-store.js';
import type { SharedState } from './redis-state.js';

// Forgets the ids still known and logs them as deleted, atomically: two replicas that both see a
// deletion (an event and a scan) log it once. KEYS: known set, seq counter, log, dropped counter.
// ARGV: entityTypeId, at, max kept, '1' when the type was listed whole, ids... Returns the seqs
// given, one per id (0 = not logged: not known, so deleted already or never seen).
const RECORD = `
local known = ARGV[4] == '1'
local out = {}
for i = 5, #ARGV do
  local id = ARGV[i]
  if (not known) or redis.call('SREM', KEYS[1], id) == 1 then
    local seq = redis.call('INCR', KEYS[2])
    redis.call('ZADD', KEYS[3], seq, cjson.encode({seq = seq, entityTypeId = tonumber(ARGV[1]), id = tonumber(id), at = tonumber(ARGV[2])}))
    table.insert(out, seq)
  else
    table.insert(out, 0)
  end
end
local extra = redis.call('ZCARD', KEYS[3]) - tonumber(ARGV[3])
if extra > 0 then
  local cut = redis.call('ZRANGE', KEYS[3], extra - 1, extra - 1, 'WITHSCORES')
  redis.call('SET', KEYS[4], cut[2])
  redis.call('ZREMRANGEBYRANK', KEYS[3], 0, extra - 1)
end
return out`;

export class RedisFeedStore implements FeedStore {
  readonly durable = true;
  private readonly token = randomUUID();

  constructor(
    private readonly shared: SharedState,
    private readonly maxDeletions = 100_000,
  ) {}

  private key(name: string): string {
    return this.shared.key(`feed:${name}`);
  }

  /** The feed needs Redis to be right: without it a round fails and is tried again later. */
  private must<T>(call: (redis: SharedState['redis']) => Promise<T>): Promise<T> {
    return this.shared.run(call, () => {
      throw new Error('redis unreachable: the change feed store is unavailable');
    });
  }

  async position(entityTypeId: number): Promise<FeedPosition | null> {
    const text = await this.must((r) => r.hget(this.key('positions'), String(entityTypeId)));
    return text ? (JSON.parse(text) as FeedPosition) : null;
  }

  async setPosition(entityTypeId: number, position: FeedPosition): Promise<void> {
    await this.must((r) => r.hset(this.key('positions'), String(entityTypeId), JSON.stringify(position)));
  }

  async knownIds(entityTypeId: number): Promise<Set<number> | null> {
    const [exists, ids] = await this.must(async (r) => {
      const known = this.key(`known:${entityTypeId}`);
      const listed = await r.hget(this.key('listed'), String(entityTypeId));
      return [listed === '1', await r.smembers(known)] as const;
    });
    return exists ? new Set(ids.map(Number)) : null;
  }

  async setKnownIds(entityTypeId: number, ids: Iterable<number>): Promise<void> {
    const all = [...ids];
    await this.must(async (r) => {
      const known = this.key(`known:${entityTypeId}`);
      const next = `${known}:next`;
      const tx = r.multi().del(next);
      for (let i = 0; i < all.length; i += 10_000) tx.sadd(next, ...all.slice(i, i + 10_000));
      if (all.length) tx.rename(next, known);
      else tx.del(known);
      tx.hset(this.key('listed'), String(entityTypeId), '1');
      await tx.exec();
    });
  }

  async addKnownIds(entityTypeId: number, ids: readonly number[]): Promise<void> {
    if (!ids.length) return;
    await this.must(async (r) => {
      // Only for a type listed whole: before that, the first deletion scan lists it.
      if ((await r.hget(this.key('listed'), String(entityTypeId))) !== '1') return;
      await r.sadd(this.key(`known:${entityTypeId}`), ...ids);
    });
  }

  async recordDeletions(entityTypeId: number, ids: readonly number[], at: number): Promise<Deletion[]> {
    if (!ids.length) return [];
    const listed = await this.must((r) => r.hget(this.key('listed'), String(entityTypeId)));
    const seqs = (await this.must((r) =>
      r.eval(
        RECORD,
        4,
        this.key(`known:${entityTypeId}`),
        this.key('seq'),
        this.key('deletions'),
        this.key('dropped'),
        String(entityTypeId),
        String(at),
        String(this.maxDeletions),
        listed === '1' ? '1' : '0',
        ...ids.map(String),
      ),
    )) as number[];
    return ids.flatMap((id, i) => (seqs[i] ? [{ seq: seqs[i], entityTypeId, id, at }] : []));
  }

  async deletionsAfter(seq: number, limit: number): Promise<Deletion[]> {
    const entries = await this.must((r) =>
      r.zrangebyscore(this.key('deletions'), `(${seq}`, '+inf', 'LIMIT', 0, limit),
    );
    return entries.map((entry) => JSON.parse(entry) as Deletion);
  }

  async deletionBounds(): Promise<{ head: number; oldest: number }> {
    const [head, dropped] = await this.must((r) => r.mget(this.key('seq'), this.key('dropped')));
    return { head: Number(head ?? 0), oldest: Number(dropped ?? 0) };
  }

  /** The scans' lease: true while this replica holds it (taken or renewed for `ms`). */
  async lead(ms: number): Promise<boolean> {
    return this.shared.run(
      async (r) => {
        const key = this.key('lease');
        if ((await r.set(key, this.token, 'PX', ms, 'NX')) === 'OK') return true;
        if ((await r.get(key)) !== this.token) return false;
        await r.pexpire(key, ms);
        return true;
      },
      () => false,
    );
  }
}
