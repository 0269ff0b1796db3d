// POST /bitrix/events: the outgoing-webhook receiver (bitrix24-api.md §9.3). Bitrix posts
// form-encoded events carrying only ids and `auth[application_token]`. We bound the body, verify
// the token in constant time, fetch the fresh record ONCE through the scheduler (however many
// subscribers and identical events there are), and publish it on the bus. An event carries no
// data, so a replayed one can only make us read the record again and publish its current state.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import qs from 'qs';
import type { Logger } from 'pino';
import { contactsByIds } from '../crm/contacts.js';
import { itemsByIds, type ItemRecord } from '../crm/items.js';
import type { BitrixPortal } from '../upstream/portal.js';
import { ErrorCode } from '../schema/error-codes.js';
import { jsonError } from './respond.js';
import type { ChangeAction, CrmChange, EventHub } from '../crm/changes.js';

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
  coalescing?: Partial<Coalescing>;
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

/** Identical events (same record, same action) that arrive together share one fetch. The fetch
 * starts once no identical event came for `quietMs` (at most `maxWaitMs` after the first), so it
 * sees every change those events announced; an event arriving after it started waits for the
 * next one. A flood of one event thus costs one read per record per `maxWaitMs` at most. */
export interface Coalescing {
  /** @default 50 */
  quietMs: number;
  /** @default 1000 */
  maxWaitMs: number;
}

function coalescer<T>({ quietMs: QUIET_MS, maxWaitMs: MAX_WAIT_MS }: Coalescing) {
  const open = new Map<string, { result: Promise<T>; firstAt: number; timer: NodeJS.Timeout; start: () => void }>();
  return (key: string, run: () => Promise<T>): { result: Promise<T>; leader: boolean } => {
    const joined = open.get(key);
    if (joined) {
      clearTimeout(joined.timer);
      joined.timer = setTimeout(joined.start, Math.max(0, Math.min(QUIET_MS, joined.firstAt + MAX_WAIT_MS - Date.now())));
      return { result: joined.result, leader: false };
    }
    let start!: () => void;
    const result = new Promise<void>((resolve) => (start = resolve)).then(() => {
      open.delete(key);
      return run();
    });
    open.set(key, { result, firstAt: Date.now(), timer: setTimeout(start, QUIET_MS), start });
    return { result, leader: true };
  };
}

/** The body as text, or null as soon as it passes `limit` bytes (the rest is never read). */
async function readCapped(request: Request, limit: number): Promise<string | null> {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function useBitrixEvents(options: ReceiverOptions): Plugin {
  const path = options.path ?? '/bitrix/events';
  const stageMemory = options.stages ?? memoryStageMemory();
  const fetchOnce = coalescer<CrmChange>({ quietMs: 50, maxWaitMs: 1_000, ...options.coalescing });
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  // Refusals close the connection: an unread body is not drained for a client that sent junk.
  const refuse = (status: number, code: ErrorCode, message: string) => jsonError(status, code, message, status === 413 ? { connection: 'close' } : {});
  const receive = async (request: Request): Promise<Response> => {
    if (request.method !== 'POST') return refuse(405, ErrorCode.METHOD_NOT_ALLOWED, 'POST only');
    // Bitrix posts a small form; the size is checked before reading, and again while reading
    // (a body without Content-Length, or one that lies about it).
    if (Number(request.headers.get('content-length') ?? 0) > MAX_BODY) return refuse(413, ErrorCode.REQUEST_ENTITY_TOO_LARGE, 'event too large');
    if (!/^application\/x-www-form-urlencoded\b/i.test(request.headers.get('content-type') ?? '')) {
      return refuse(415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'events are form-encoded (application/x-www-form-urlencoded)');
    }
    const text = await readCapped(request, MAX_BODY);
    if (text === null) return refuse(413, ErrorCode.REQUEST_ENTITY_TOO_LARGE, 'event too large');
    // The token travels inside the form: it is checked first, before anything else is looked at.
    const body = qs.parse(text, { depth: 5, parameterLimit: 200 }) as Record<string, unknown>;
    const token = (body.auth as Record<string, unknown> | undefined)?.application_token;
    if (typeof token !== 'string' || !sameToken(token, options.applicationToken!)) {
      options.logger.warn('event refused: wrong application token');
      return refuse(401, ErrorCode.UNAUTHENTICATED, 'invalid application token');
    }
    const event = parseEvent(body);
    if (!event) return json(200, { ignored: true });
    const { result, leader } = fetchOnce(`${event.entityTypeId}:${event.id}:${event.action}`, () => freshChange(options.portal, event, stageMemory));
    try {
      const change = await result;
      if (!leader) return json(200, { published: true, coalesced: true });
      options.hub.publish(change);
      options.logger.info({ event: String(body.event), entityTypeId: event.entityTypeId, id: event.id, moved: change.moved }, 'event published');
      return json(200, { published: true });
    } catch (error) {
      if (leader) options.logger.warn({ err: error, entityTypeId: event.entityTypeId, id: event.id }, 'event not published: fetch failed');
      return refuse(503, ErrorCode.UPSTREAM_UNAVAILABLE, 'could not fetch the changed record');
    }
  };
  return {
    async onRequest({ request, url, endResponse }) {
      if (url.pathname !== path) return;
      if (!options.applicationToken) return endResponse(refuse(404, ErrorCode.NOT_FOUND, 'event receiver not configured'));
      try {
        endResponse(await receive(request));
      } catch (error) {
        // Never a stack trace: a broken stream or an unexpected failure is logged, not echoed.
        options.logger.error({ err: error }, 'event receiver failed');
        endResponse(refuse(500, ErrorCode.INTERNAL_SERVER_ERROR, 'the event could not be processed'));
      }
    },
  };
}
