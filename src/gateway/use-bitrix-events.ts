// POST /bitrix/events: the outgoing-webhook receiver (bitrix24-api.md §9.3). Bitrix posts
// form-encoded events carrying only ids and `auth[application_token]`. We bound the body, verify
// the token in constant time, and hand the event to the change feed, which reads the fresh record
// ONCE through the scheduler (however many subscribers and identical events there are) and
// publishes it on the bus. An event carries no data, so a replayed one can only make us read the
// record again and publish its current state.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import qs from 'qs';
import type { Logger } from 'pino';
import { ErrorCode } from '../schema/error-codes.js';
import { jsonError } from './respond.js';
import { parseEvent, type CrmChange } from '../crm/changes.js';
import type { ChangeFeed } from '../crm/change-feed.js';

const MAX_BODY = 64 * 1024;

export interface ReceiverOptions {
  /** The outgoing webhook's application token; without one the endpoint answers 404. */
  applicationToken?: string;
  /** Reads, publishes and remembers each event's record. */
  feed: ChangeFeed;
  logger: Logger;
  path?: string;
  coalescing?: Partial<Coalescing>;
  /** A custom field or a smart process was added, changed or deleted: the schema follows. */
  onMetadataChange?: (event: string) => void;
}

/** Metadata events (userfieldconfig/events, crm.<entity>.userfield events, crm.type events). */
const METADATA_EVENT = /^ONCRM(TYPE|(LEAD|DEAL|CONTACT|COMPANY|TYPE)USERFIELD)(ADD|UPDATE|DELETE|SETENUMVALUES)$/;

function sameToken(given: string, expected: string): boolean {
  // Hash both so the comparison is constant-time whatever the lengths.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
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
      joined.timer = setTimeout(
        joined.start,
        Math.max(0, Math.min(QUIET_MS, joined.firstAt + MAX_WAIT_MS - Date.now())),
      );
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
  const fetchOnce = coalescer<CrmChange>({ quietMs: 50, maxWaitMs: 1_000, ...options.coalescing });
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  // Refusals close the connection: an unread body is not drained for a client that sent junk.
  const refuse = (status: number, code: ErrorCode, message: string) =>
    jsonError(status, code, message, status === 413 ? { connection: 'close' } : {});
  const receive = async (request: Request): Promise<Response> => {
    if (request.method !== 'POST') return refuse(405, ErrorCode.METHOD_NOT_ALLOWED, 'POST only');
    // Bitrix posts a small form; the size is checked before reading, and again while reading
    // (a body without Content-Length, or one that lies about it).
    if (Number(request.headers.get('content-length') ?? 0) > MAX_BODY)
      return refuse(413, ErrorCode.REQUEST_ENTITY_TOO_LARGE, 'event too large');
    if (!/^application\/x-www-form-urlencoded\b/i.test(request.headers.get('content-type') ?? '')) {
      return refuse(
        415,
        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        'events are form-encoded (application/x-www-form-urlencoded)',
      );
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
    const name = String(body.event ?? '').toUpperCase();
    if (METADATA_EVENT.test(name) && options.onMetadataChange) {
      options.logger.info({ event: name }, 'metadata event: the schema follows');
      options.onMetadataChange(name);
      return json(200, { schema: 'refreshing' });
    }
    const event = parseEvent(body);
    if (!event) return json(200, { ignored: true });
    const { result, leader } = fetchOnce(`${event.entityTypeId}:${event.id}:${event.action}`, () =>
      options.feed.onEvent(event),
    );
    try {
      const change = await result;
      if (!leader) return json(200, { published: true, coalesced: true });
      options.logger.info(
        {
          event: String(body.event),
          entityTypeId: event.entityTypeId,
          id: event.id,
          moved: change.kind === 'card' && change.moved,
        },
        'event published',
      );
      return json(200, { published: true });
    } catch (error) {
      if (leader)
        options.logger.warn(
          { err: error, entityTypeId: event.entityTypeId, id: event.id },
          'event not published: fetch failed',
        );
      return refuse(503, ErrorCode.UPSTREAM_UNAVAILABLE, 'could not fetch the changed record');
    }
  };
  return {
    async onRequest({ request, url, endResponse }) {
      if (url.pathname !== path) return;
      if (!options.applicationToken)
        return endResponse(refuse(404, ErrorCode.NOT_FOUND, 'event receiver not configured'));
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
