// HTTP front of the emulated portal: routing, auth, body parsing, limits, faults and
// envelopes around the method table of PortalState (bitrix24-api.md §1–§4).
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

import { runBatch } from './batch.js';
import type { CommandOutcome } from './batch.js';
import { handleControl } from './control.js';
import type { ControlApi } from './control.js';
import { bump } from './counters.js';
import type { PortalCounters } from './counters.js';
import { JSON_CONTENT_TYPE, callTime, errorBody, phpJson, successBody } from './envelope.js';
import type { FaultInjector } from './faults.js';
import type { LeakyBucket, OperatingBudget } from './limits.js';
import type { OAuthServer } from './oauth.js';
import { parsePhpQuery } from './phpquery.js';
import { ApiError } from './types.js';
import type { FaultKind, MethodResult, Params, PortalState } from './types.js';

/** Bodies above this get 413 (the real cloud's limit is not documented; 8 MB is generous). */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface FrontDeps {
  state: PortalState;
  userId: number;
  secret: string;
  utcOffset: string;
  counters: PortalCounters;
  bucket: LeakyBucket;
  operating: OperatingBudget;
  faults: FaultInjector;
  oauth: OAuthServer | null;
  latencyMs(): number;
  control: ControlApi;
  onInternalError?: (err: unknown, method: string) => void;
  /** Sees every command the portal runs, with its parameters (tests: what a client asked for). */
  onCommand?: (method: string, params: Params) => void;
}

const INTERNAL = (): ApiError => new ApiError('INTERNAL_SERVER_ERROR', 'Internal server error', 500);
const METHOD_NOT_FOUND = (): ApiError => new ApiError('ERROR_METHOD_NOT_FOUND', 'Method not found!', 404);
const QUERY_LIMIT = (): ApiError => new ApiError('QUERY_LIMIT_EXCEEDED', 'Too many requests', 503);

export function createRequestHandler(d: FrontDeps): RequestListener {
  return (req, res) => {
    handle(d, req, res).catch((err: unknown) => {
      // A client that hung up mid-body is not a portal bug.
      if (req.destroyed && !req.complete) return void res.destroy();
      // Last resort: never let a bug take the server down.
      d.onInternalError?.(err, '');
      if (!res.headersSent) writeJson(res, 500, errorBody(INTERNAL()));
      else res.destroy();
    });
  };
}

async function handle(d: FrontDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const startMs = Date.now();
  const url = new URL(req.url ?? '/', 'http://portal.invalid');
  const path = url.pathname;
  if (path.startsWith('/_emulator/')) return handleControl(d.control, d.secret, req, res, path);
  if (path === '/oauth/token' || path === '/oauth/token/') return handleOAuthToken(d, req, res, url);
  if (path === '/rest' || path.startsWith('/rest/')) return handleRest(d, req, res, url, startMs);
  return send(d, res, 404, { error: 'NOT_FOUND', error_description: 'Not found' });
}

// ---------------------------------------------------------------- /rest/...

type Route =
  | { kind: 'webhook'; uid: string; secret: string; method: string }
  | { kind: 'oauth'; method: string }
  | { kind: 'unknown' };

/** §1.1: `/rest/{uid}/{code}/{method}[.json][/]` or `/rest/{method}[.json][/]` + `auth`. A
 * webhook URL without the user segment (`/rest/{code}/{method}`) is an unknown method. */
function route(path: string): Route {
  const segments = path.slice('/rest/'.length).split('/');
  if (segments[segments.length - 1] === '') segments.pop(); // trailing slash (b24phpsdk posts to `{method}/`)
  let decoded: string[];
  try {
    decoded = segments.map((s) => decodeURIComponent(s));
  } catch {
    return { kind: 'unknown' };
  }
  if (decoded.length === 3) return { kind: 'webhook', uid: decoded[0], secret: decoded[1], method: decoded[2] };
  if (decoded.length === 1 && decoded[0] !== '') return { kind: 'oauth', method: decoded[0] };
  return { kind: 'unknown' };
}

async function handleRest(
  d: FrontDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  startMs: number,
): Promise<void> {
  const r = route(url.pathname);
  const body = await readBody(req);
  if (body === 'too-large') {
    return send(d, res, 413, {
      error: 'REQUEST_ENTITY_TOO_LARGE',
      error_description: `Request body exceeds ${MAX_BODY_BYTES} bytes`,
    });
  }
  if (r.kind === 'unknown') return sendError(d, res, METHOD_NOT_FOUND());

  // §1.1: `.json` is the default format; `.xml` switches the body to XML, which the emulator
  // does not produce — say so instead of silently answering JSON.
  let method = r.method.toLowerCase();
  if (method.endsWith('.xml')) {
    return sendError(
      d,
      res,
      new ApiError('INVALID_REQUEST', 'The .xml response format is not emulated; use .json', 400),
    );
  }
  if (method.endsWith('.json')) method = method.slice(0, -'.json'.length);

  let params: Params;
  try {
    params = await parseParams(url.search, body, req.headers['content-type']);
  } catch (err) {
    return sendError(d, res, err instanceof ApiError ? err : INTERNAL());
  }

  let userId: number;
  try {
    userId = authenticate(d, r, params);
  } catch (err) {
    return sendError(d, res, err as ApiError);
  }
  delete params.auth; // transport parameter, not the method's

  if (method !== 'batch' && !Object.hasOwn(d.state.methods, method)) return sendError(d, res, METHOD_NOT_FOUND());

  const c = d.counters;
  c.httpRequests++;
  bump(c.byMethod, method);

  // §3.1: +1 per HTTP request (a batch counts once); overflow → 503 QUERY_LIMIT_EXCEEDED.
  const taken = d.bucket.take();
  c.maxBucketLevel = Math.max(c.maxBucketLevel, taken.level);
  if (!taken.ok) {
    c.rateLimited++;
    return sendError(d, res, QUERY_LIMIT());
  }

  const fault = d.faults.pick(method);
  if (fault) bump(c.faults as Record<string, number>, fault);
  if (fault === 'http500') return sendError(d, res, INTERNAL());
  if (fault === 'http503') return sendError(d, res, QUERY_LIMIT());
  if (fault === 'drop') return void req.socket.destroy();
  if (fault === 'slow') await sleep(d.faults.slowMs);

  let status = 200;
  let payload: unknown;
  if (method === 'batch') {
    const t0 = performance.now();
    try {
      const mr = runBatch(params, (m, p) => runCommand(d, m, p, userId, true));
      const processing = (performance.now() - t0) / 1000;
      // §3.2: batch itself is not accounted in `operating`; its commands are.
      payload = envelope(d, mr, startMs, processing, 'batch');
    } catch (err) {
      const e = err instanceof ApiError ? err : reportInternal(d, err, 'batch');
      status = e.status;
      payload = errorBody(e);
    }
  } else {
    const out = runCommand(d, method, params, userId, false);
    if (out.error) {
      status = out.error.status;
      payload = errorBody(out.error);
    } else {
      payload = envelope(d, out.result as MethodResult, startMs, out.time?.processing ?? 0, method);
    }
  }

  if (fault === 'dropAfterCommit') return void req.socket.destroy();
  return send(d, res, status, payload, fault);
}

function envelope(d: FrontDeps, mr: MethodResult, startMs: number, processing: number, method: string): unknown {
  const time = callTime(startMs, Date.now(), processing, d.utcOffset, d.operating.snapshot(method));
  return successBody(mr.result, mr.total, mr.next, time);
}

function authenticate(d: FrontDeps, r: Exclude<Route, { kind: 'unknown' }>, params: Params): number {
  if (r.kind === 'webhook') {
    // §2.4: a wrong webhook secret on v2 measured as 401 INVALID_CREDENTIALS (docs: 403).
    if (r.uid !== String(d.userId) || r.secret !== d.secret) {
      throw new ApiError('INVALID_CREDENTIALS', 'Invalid request credentials', 401);
    }
    return d.userId;
  }
  const token = params.auth;
  if (typeof token !== 'string' || token === '') throw new ApiError('NO_AUTH_FOUND', 'Wrong authorization data', 401);
  // A portal without an OAuth app knows no tokens: the documented answer for a bad token.
  if (!d.oauth) throw new ApiError('NO_AUTH_FOUND', 'Wrong authorization data', 401);
  return d.oauth.authenticate(token);
}

/** One call of a method (top-level or inside a batch): operating budget, accounting, handler. */
function runCommand(d: FrontDeps, method: string, params: Params, userId: number, inBatch: boolean): CommandOutcome {
  if (!Object.hasOwn(d.state.methods, method)) return { error: METHOD_NOT_FOUND() };
  // §3.2: blocked while the method's accumulated time in the window exceeds the limit.
  if (d.operating.isBlocked(method)) {
    d.counters.operatingLimited++;
    return { error: new ApiError('OPERATION_TIME_LIMIT', 'Method is blocked due to operation time limit', 429) };
  }
  bump(d.counters.commandsByMethod, method);
  if (inBatch) d.counters.batchCommands++;
  d.onCommand?.(method, params);

  const handler = d.state.methods[method];
  const startMs = Date.now();
  const t0 = performance.now();
  let result: MethodResult | undefined;
  let error: ApiError | undefined;
  try {
    const r = handler(params, { userId, now: () => new Date(), inBatch });
    if (r === null || typeof r !== 'object' || typeof (r as { then?: unknown }).then === 'function') {
      throw new Error(`handler of ${method} returned ${r === null ? 'null' : typeof r}, not a MethodResult`);
    }
    result = r;
  } catch (err) {
    error = err instanceof ApiError ? err : reportInternal(d, err, method);
  }
  // `processing` is what the portal charges to the method's operating budget (§3.2), so the
  // simulated cost is reported as the processing time: a client can track budgets from it.
  const processing = d.operating.cost((performance.now() - t0) / 1000);
  d.operating.charge(method, processing);
  const time = callTime(startMs, Date.now(), processing, d.utcOffset);
  return error ? { error, time } : { result, time };
}

function reportInternal(d: FrontDeps, err: unknown, method: string): ApiError {
  d.onInternalError?.(err, method);
  return INTERNAL();
}

// ---------------------------------------------------------------- bodies and parameters

async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    // Keep draining (and discarding) so the client gets the 413 instead of a reset socket.
    if (size > MAX_BODY_BYTES) tooLarge = true;
    else chunks.push(chunk);
  }
  return tooLarge ? 'too-large' : Buffer.concat(chunks);
}

/** Query string merged with the body, body winning (CRestUtil::getRequestData: array_replace). */
async function parseParams(search: string, body: Buffer, contentType: string | undefined): Promise<Params> {
  const query = parsePhpQuery(search);
  if (body.length === 0) return query;
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  let fromBody: Params;
  if (type === 'application/json') {
    fromBody = parseJsonBody(body);
  } else if (type === 'multipart/form-data') {
    fromBody = await parseMultipart(body, contentType as string);
  } else {
    fromBody = parsePhpQuery(body.toString('utf8'));
  }
  return { ...query, ...fromBody };
}

function parseJsonBody(body: Buffer): Params {
  const text = body.toString('utf8').trim();
  if (text === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The real server silently treats undecodable JSON as no parameters (getRequestData);
    // we answer 400 INVALID_REQUEST (documented as the "bad request" code) so client bugs show.
    throw new ApiError('INVALID_REQUEST', 'Malformed JSON body', 400);
  }
  // PHP json_decode(assoc) of a list gives positional params (0=…&1=…), as task.* methods use.
  if (Array.isArray(value)) return Object.fromEntries(value.map((v, i) => [String(i), v]));
  if (value === null || typeof value !== 'object')
    throw new ApiError('INVALID_REQUEST', 'JSON body must be an object', 400);
  return value as Params;
}

/** §1.2: multipart/form-data is accepted like a form; text fields only (files are not emulated). */
async function parseMultipart(body: Buffer, contentType: string): Promise<Params> {
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw new ApiError('INVALID_REQUEST', 'Malformed multipart body', 400);
  }
  const pairs = new URLSearchParams();
  for (const [k, v] of form.entries()) if (typeof v === 'string') pairs.append(k, v);
  return parsePhpQuery(pairs.toString());
}

// ---------------------------------------------------------------- /oauth/token/

async function handleOAuthToken(d: FrontDeps, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const body = await readBody(req);
  if (!d.oauth)
    return send(d, res, 404, { error: 'NOT_FOUND', error_description: 'OAuth is not enabled on this portal' });
  if (body === 'too-large')
    return send(d, res, 413, { error: 'invalid_request', error_description: 'Request too large' });
  let params: Params;
  try {
    params = await parseParams(url.search, body, req.headers['content-type']);
  } catch {
    return send(d, res, 400, { error: 'invalid_request', error_description: 'Malformed request' });
  }
  const out = d.oauth.token(params);
  return send(d, res, out.status, out.body);
}

// ---------------------------------------------------------------- responses

function sendError(d: FrontDeps, res: ServerResponse, err: ApiError): Promise<void> {
  return send(d, res, err.status, errorBody(err));
}

/** Writes a PHP-style JSON response after the configured latency; `truncate` cuts the body in
 * half while keeping the status and a matching Content-Length (the client sees broken JSON). */
async function send(
  d: FrontDeps,
  res: ServerResponse,
  status: number,
  body: unknown,
  fault?: FaultKind | null,
): Promise<void> {
  const latency = d.latencyMs();
  if (latency > 0) await sleep(latency);
  let buf = Buffer.from(phpJson(body), 'utf8');
  if (fault === 'truncate') buf = buf.subarray(0, Math.floor(buf.length / 2));
  writeJson(res, status, buf);
}

function writeJson(res: ServerResponse, status: number, body: Buffer | object): void {
  if (res.destroyed || res.headersSent) return;
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(phpJson(body), 'utf8');
  res.writeHead(status, {
    'Content-Type': JSON_CONTENT_TYPE,
    'Content-Length': buf.length,
    // CRestUtil::sendHeaders
    'Access-Control-Allow-Origin': '*',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(buf);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
