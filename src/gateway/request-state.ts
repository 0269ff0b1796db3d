// What the gateway's HTTP plugins learn about one request, shared between their hooks (auth,
// limits, logging, metrics). Keyed by the Request object, which Yoga passes unchanged to every
// hook and into the GraphQL context, so nothing has to be added to the resolver Context.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { CostMeter } from '../upstream/scheduler.js';

export type Scope = 'read' | 'write';

/** Who is calling: an API key (by name, never by value), or anyone when the gateway is open. */
export interface Caller {
  name: string;
  scopes: ReadonlySet<Scope>;
  /** Rate-limit bucket: `key:<name>`, or `ip:<address>` when the gateway is open. */
  bucket: string;
}

export interface RequestState {
  id: string;
  startedAt: number;
  caller?: Caller;
  operationName?: string;
  operationType?: string;
  meter?: CostMeter;
  /** extensions.code of every error in the response. */
  codes: string[];
}

const states = new WeakMap<Request, RequestState>();

/** The state of `request`, created on first use (the first hook to see the request). */
export function stateOf(request: Request): RequestState {
  let state = states.get(request);
  if (!state) {
    state = { id: requestId(request.headers.get('x-request-id')), startedAt: performance.now(), codes: [] };
    states.set(request, state);
  }
  return state;
}

/** A client-sent id is kept when it is short and plain (it ends up in logs); else a new one. */
function requestId(sent: string | null): string {
  return sent && /^[\w.:-]{1,128}$/.test(sent) ? sent : randomUUID();
}

/** The peer address; with `trustProxy` the first X-Forwarded-For entry (set by our own proxy). */
export function clientAddress(request: Request, serverContext: unknown, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = request.headers.get('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  const req = (serverContext as { req?: IncomingMessage } | undefined)?.req;
  return req?.socket?.remoteAddress ?? 'unknown';
}
