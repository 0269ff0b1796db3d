// POST /bitrix/events: the outgoing-webhook receiver (bitrix24-api.md §9.3). Bitrix posts
// form-encoded events carrying only ids and `auth[application_token]`. We verify the token in
// constant time, fetch the fresh record ONCE through the scheduler (however many subscribers
// there are), and publish it on the bus.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import qs from 'qs';
import type { Logger } from 'pino';
import { contactsByIds } from '../bitrix/contacts.js';
import { itemsByIds, type ItemRecord } from '../bitrix/items.js';
import type { BitrixPortal } from '../bitrix/portal.js';
import type { ChangeAction, CrmChange, EventHub } from './hub.js';

const ENTITY: Record<string, number> = { LEAD: 1, DEAL: 2, CONTACT: 3, COMPANY: 4 };
const EVENT = /^ONCRM(LEAD|DEAL|CONTACT|COMPANY|DYNAMICITEM)(ADD|UPDATE|DELETE)(?:_\d+)?$/;
const MAX_BODY = 64 * 1024;

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

export interface ReceiverOptions {
  /** The outgoing webhook's application token; without one the endpoint answers 404. */
  applicationToken?: string;
  hub: EventHub;
  stages?: StageMemory;
  portal: BitrixPortal;
  logger: Logger;
  path?: string;
}

function sameToken(given: string, expected: string): boolean {
  // Hash both so the comparison is constant-time whatever the lengths.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
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
  const entityTypeId = match[1] === 'DYNAMICITEM' ? Number(fields.ENTITY_TYPE_ID) : ENTITY[match[1]];
  if (!Number.isInteger(entityTypeId) || entityTypeId <= 0) return null;
  return { entityTypeId, id, action: match[2].toLowerCase() as ChangeAction };
}

/** Fetches the record an event is about (a fresh read: it must not join a read started before
 * the change) and tells whether a card update was a stage move. */
export async function freshChange(portal: BitrixPortal, event: ParsedEvent, stages: StageMemory = memoryStageMemory()): Promise<CrmChange> {
  const base = { ...event, record: null, moved: false, at: Date.now() };
  if (event.action === 'delete') return base;
  const options = { fresh: true, deadline: Date.now() + 10_000 };
  if (event.entityTypeId === 3) {
    const record = (await contactsByIds(portal, [event.id], options)).get(event.id) ?? null;
    return { ...base, record: record as unknown as Record<string, unknown> | null };
  }
  if (event.entityTypeId >= 5) {
    const item: ItemRecord | null = (await itemsByIds(portal, event.entityTypeId, [event.id], options)).get(event.id) ?? null;
    let moved = false;
    if (item?.stageId) {
      const key = `${event.entityTypeId}:${event.id}`;
      const before = await stages.get(key);
      // Compare with the stage we saw last; for a card we have never seen, Bitrix's own stamp
      // tells: movedTime equals updatedTime when the last update changed the stage.
      moved = event.action === 'update' && (before !== undefined ? before !== item.stageId : item.raw.movedTime === item.updatedTime);
      await stages.set(key, item.stageId);
    }
    return { ...base, record: item as unknown as Record<string, unknown> | null, moved };
  }
  return base; // leads, deals, companies: published with their id (no subscription needs more yet)
}

export function useBitrixEvents(options: ReceiverOptions): Plugin {
  const path = options.path ?? '/bitrix/events';
  const stageMemory = options.stages ?? memoryStageMemory();
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  return {
    async onRequest({ request, url, endResponse }) {
      if (url.pathname !== path) return;
      if (!options.applicationToken) return endResponse(json(404, { error: 'event receiver not configured' }));
      if (request.method !== 'POST') return endResponse(json(405, { error: 'POST only' }));
      const text = await request.text();
      if (text.length > MAX_BODY) return endResponse(json(413, { error: 'event too large' }));
      const body = qs.parse(text, { depth: 5, parameterLimit: 200 }) as Record<string, unknown>;
      const token = String(((body.auth as Record<string, unknown> | undefined)?.application_token as string | undefined) ?? '');
      if (!sameToken(token, options.applicationToken)) {
        options.logger.warn({ event: String(body.event ?? '') }, 'event refused: wrong application token');
        return endResponse(json(401, { error: 'invalid application token' }));
      }
      const event = parseEvent(body);
      if (!event) return endResponse(json(200, { ignored: true }));
      try {
        const change = await freshChange(options.portal, event, stageMemory);
        options.hub.publish(change);
        options.logger.info({ event: body.event, entityTypeId: event.entityTypeId, id: event.id, moved: change.moved }, 'event published');
        return endResponse(json(200, { published: true }));
      } catch (error) {
        options.logger.warn({ err: error, entityTypeId: event.entityTypeId, id: event.id }, 'event not published: fetch failed');
        return endResponse(json(503, { error: 'could not fetch the changed record' }));
      }
    },
  };
}
