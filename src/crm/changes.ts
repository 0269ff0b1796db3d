// CRM changes: what an outgoing-webhook event means (parseEvent), the record as it is after the
// change (freshChange, read once however many subscribers wait), and the bus that delivers it to
// every subscriber on every replica (in memory, or through Redis pub/sub).
import { Repeater, SlidingBuffer } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import type { BitrixPortal } from '../upstream/portal.js';
import { contactById, type ContactRecord } from './contacts.js';
import { EntityTypeId, isSmartProcessId } from './entity-types.js';
import { itemById, type ItemRecord } from './items.js';

export type ChangeAction = 'add' | 'update' | 'delete';

interface ChangeBase {
  entityTypeId: number;
  id: number;
  action: ChangeAction;
  /** When the gateway received the event (epoch ms). */
  at: number;
}

/** A change with the record as it is afterwards (null when deleted or no longer visible). */
export type CrmChange =
  | (ChangeBase & { kind: 'contact'; record: ContactRecord | null })
  /** `moved`: this update moved the card to another stage. */
  | (ChangeBase & { kind: 'card'; record: ItemRecord | null; moved: boolean })
  /** Leads, deals, companies: published with their id (no subscription needs more yet). */
  | (ChangeBase & { kind: 'other'; record: null });

/** What a cached read must forget: one record, every record of a type (no id), or everything
 * (no type: a change whose reach cannot be named). */
export interface CacheInvalidation {
  entityTypeId?: number;
  id?: number;
  /** A record was added: the lists of its type change, no record does. */
  listsOnly?: boolean;
}

/** What a cached read must forget when a record is added, changed or deleted: its type's lists,
 * and the record itself; everything when a contact or company is deleted (the records bound to it
 * change without a change of their own). */
export function invalidationFor(entityTypeId: number, action: ChangeAction, id?: number): CacheInvalidation {
  if (action === 'delete' && (entityTypeId === EntityTypeId.contact || entityTypeId === EntityTypeId.company))
    return {};
  if (action === 'add') return { entityTypeId, listsOnly: true };
  return id ? { entityTypeId, id } : { entityTypeId };
}

/** How many changes a subscriber may fall behind before the oldest are dropped (a burst, such
 * as a deletion scan's thousands, must never overflow a subscription). `changes` is the
 * exactly-once way to follow everything. */
export const SUBSCRIBER_BUFFER = 1_000;

/** The bus: an EventTarget (in memory, or Redis pub/sub with replication) carrying `crm`
 * changes and `invalidate` announcements as CustomEvents. */
export class EventHub {
  published = 0;

  constructor(private readonly target: EventTarget = new EventTarget()) {}

  publish(change: CrmChange): void {
    this.published++;
    this.target.dispatchEvent(new CustomEvent('crm', { detail: change }));
  }

  /** Tells every replica's cache to forget what a write of this gateway touched. */
  announce(invalidation: CacheInvalidation): void {
    this.target.dispatchEvent(new CustomEvent('invalidate', { detail: invalidation }));
  }

  /** Changes matching `accept`, as an async iterable for a subscription resolver; a subscriber
   * more than SUBSCRIBER_BUFFER changes behind loses the oldest. */
  subscribe<C extends CrmChange>(accept: (change: CrmChange) => change is C): AsyncIterable<C> {
    const target = this.target;
    return new Repeater<C>((push, stop) => {
      const onChange = (event: Event) => {
        const change = (event as CustomEvent<CrmChange>).detail;
        if (accept(change)) void push(change).catch(() => undefined);
      };
      target.addEventListener('crm', onChange);
      void stop.then(() => target.removeEventListener('crm', onChange));
    }, new SlidingBuffer(SUBSCRIBER_BUFFER));
  }

  /** Calls `listener`, synchronously, with what to forget for every change and every
   * announcement; returns a function that stops listening. */
  listen(listener: (invalidation: CacheInvalidation) => void): () => void {
    const onChange = (event: Event) => {
      const { entityTypeId, action, id } = (event as CustomEvent<CrmChange>).detail;
      listener(invalidationFor(entityTypeId, action, id));
    };
    const onAnnounce = (event: Event) => listener((event as CustomEvent<CacheInvalidation>).detail);
    this.target.addEventListener('crm', onChange);
    this.target.addEventListener('invalidate', onAnnounce);
    return () => {
      this.target.removeEventListener('crm', onChange);
      this.target.removeEventListener('invalidate', onAnnounce);
    };
  }
}

const EVENT = /^ONCRM(LEAD|DEAL|CONTACT|COMPANY|DYNAMICITEM)(ADD|UPDATE|DELETE)(?:_\d+)?$/;

/** Last known stage per card, to tell a move from another update (events carry no old values).
 * In memory by default; shared through Redis when replicas share the event stream. */
export interface StageMemory {
  get(key: string): Promise<string | undefined>;
  set(key: string, stageId: string): Promise<void>;
}

export function memoryStageMemory(max = 100_000): StageMemory {
  const map = new LRUCache<string, string>({ max });
  return {
    get: async (key) => map.get(key),
    set: async (key, stageId) => void map.set(key, stageId),
  };
}

export interface ParsedEvent {
  entityTypeId: number;
  id: number;
  action: ChangeAction;
}

export function parseEvent(body: Record<string, unknown>): ParsedEvent | null {
  const match = EVENT.exec(String(body.event ?? '').toUpperCase());
  const fields = ((body.data as Record<string, unknown> | undefined)?.FIELDS ?? {}) as Record<string, unknown>;
  const id = Number(fields.ID);
  if (!match || !Number.isInteger(id) || id <= 0) return null;
  const entityTypeId =
    match[1] === 'DYNAMICITEM'
      ? Number(fields.ENTITY_TYPE_ID)
      : EntityTypeId[match[1].toLowerCase() as 'lead' | 'deal' | 'contact' | 'company'];
  if (!Number.isInteger(entityTypeId) || entityTypeId <= 0) return null;
  return { entityTypeId, id, action: match[2].toLowerCase() as ChangeAction };
}

/** Fetches the record an event is about (a fresh read: it must not join a read started before
 * the change) and tells whether a card update was a stage move. */
export async function freshChange(
  portal: BitrixPortal,
  event: ParsedEvent,
  stages: StageMemory = memoryStageMemory(),
): Promise<CrmChange> {
  const base = { ...event, at: Date.now() };
  const options = { fresh: true, deadline: Date.now() + 10_000 };
  if (event.entityTypeId === EntityTypeId.contact) {
    const record = event.action === 'delete' ? null : await contactById(portal, event.id, options);
    return { ...base, kind: 'contact', record };
  }
  if (isSmartProcessId(event.entityTypeId)) {
    if (event.action === 'delete') return { ...base, kind: 'card', record: null, moved: false };
    const item = await itemById(portal, event.entityTypeId, event.id, options);
    let moved = false;
    if (item?.stageId) {
      const key = `${event.entityTypeId}:${event.id}`;
      const before = await stages.get(key);
      // Compare with the stage we saw last; for a card we have never seen, Bitrix's own stamp
      // tells: movedTime equals updatedTime when the last update changed the stage.
      moved =
        event.action === 'update' &&
        (before !== undefined ? before !== item.stageId : item.raw.movedTime === item.updatedTime);
      await stages.set(key, item.stageId);
    }
    return { ...base, kind: 'card', record: item, moved };
  }
  return { ...base, kind: 'other', record: null };
}
