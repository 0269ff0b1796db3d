// One HTTP client per portal: a pooled undici connection, JSON POSTs, explicit timeouts, and
// envelope parsing into results or typed BitrixErrors. The only place that touches the wire.
import { Pool, errors as undiciErrors } from 'undici';
import type { Logger } from 'pino';
import { OAuthSession, parseWebhookUrl, type AuthConfig, type Endpoint } from './credentials.js';
import { BitrixError, redact } from './errors.js';
import { PortalClock } from './portal-clock.js';

/** The `time` object of a success envelope (bitrix24-api.md §2.2). */
export interface BitrixTime {
  start?: number;
  finish?: number;
  duration?: number;
  processing?: number;
  operating?: number;
  operating_reset_at?: number;
  date_start?: string;
  date_finish?: string;
}

/** A parsed success envelope. */
export interface BitrixResponse {
  result: unknown;
  total?: number;
  next?: number;
  time?: BitrixTime;
}

export interface TransportOptions {
  connectTimeoutMs?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  /** Parallel connections to the portal. The rate limit, not sockets, is the bottleneck. */
  connections?: number;
  userAgent?: string;
  logger?: Logger;
}

export interface CallOptions {
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 30_000; // the portal itself kills requests at 60 s

export class BitrixTransport {
  private readonly pool: Pool;
  private readonly endpoint: Endpoint;
  private readonly oauth: OAuthSession | null;
  private readonly staticSecrets: string[];
  private readonly logger: Logger | undefined;
  private readonly userAgent: string;
  /** HTTP requests sent, including failed ones. */
  requestCount = 0;
  /** When the portal last answered with an envelope (success or error), epoch ms. */
  lastAnswerAt = 0;
  /** The portal's clock, from every envelope's `time`. */
  readonly clock = new PortalClock();
  /** A name for logs and metrics that contains no secret. */
  readonly portalName: string;

  constructor(auth: AuthConfig, options: TransportOptions = {}) {
    const timeout = options.headersTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (auth.kind === 'webhook') {
      const parsed = parseWebhookUrl(auth.url);
      this.endpoint = { origin: parsed.origin, basePath: parsed.basePath };
      this.staticSecrets = [parsed.secret];
      this.oauth = null;
    } else {
      const url = new URL(auth.clientEndpoint);
      this.endpoint = { origin: url.origin, basePath: url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/` };
      this.staticSecrets = [];
      this.oauth = new OAuthSession(auth, timeout);
    }
    this.portalName = new URL(this.endpoint.origin).host;
    this.logger = options.logger;
    this.userAgent = options.userAgent ?? 'bitrix24-graphql/0.1';
    this.pool = new Pool(this.endpoint.origin, {
      connections: options.connections ?? 16,
      connect: { timeout: options.connectTimeoutMs ?? 10_000 },
      headersTimeout: timeout,
      bodyTimeout: options.bodyTimeoutMs ?? DEFAULT_TIMEOUT_MS,
      keepAliveTimeout: 30_000,
      // A server's `Keep-Alive: timeout=N` is honoured with this margin: the socket is dropped
      // 2 s before the server would close it. With undici's 1 s, a busy process reused sockets
      // the portal was closing, and a write sent on one is lost with ECONNRESET (B7 measured
      // 1 in 50 batches at 2 requests/s over 16 sockets).
      keepAliveTimeoutThreshold: 2_000,
    });
  }

  /** Every secret this transport knows, for redaction by callers that format errors. */
  secrets(): string[] {
    return [...this.staticSecrets, ...(this.oauth?.secrets() ?? [])];
  }

  get oauthRefreshCount(): number {
    return this.oauth?.refreshCount ?? 0;
  }

  /** Calls one REST method. Resolves with the success envelope or rejects with a BitrixError. */
  async call(method: string, params: Record<string, unknown>, options: CallOptions = {}): Promise<BitrixResponse> {
    const token = this.oauth?.token;
    try {
      return await this.send(method, params, token, options);
    } catch (error) {
      // OAuth: refresh once on an expired token and repeat the same call (bitrix24-api.md §1.3).
      if (this.oauth && token && error instanceof BitrixError && isExpiredToken(error)) {
        await this.oauth.refresh(token);
        return this.send(method, params, this.oauth.token, options);
      }
      throw error;
    }
  }

  private async send(
    method: string,
    params: Record<string, unknown>,
    token: string | undefined,
    options: CallOptions,
  ): Promise<BitrixResponse> {
    const body = JSON.stringify(token ? { ...params, auth: token } : params);
    const started = performance.now();
    this.requestCount++;
    let statusCode: number;
    let text: string;
    try {
      const res = await this.pool.request({
        path: `${this.endpoint.basePath}${encodeURIComponent(method)}`,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          'user-agent': this.userAgent,
        },
        body,
        signal: options.signal,
      });
      statusCode = res.statusCode;
      text = await res.body.text();
    } catch (error) {
      const mapped = this.mapNetworkError(method, error, options.signal);
      this.log('warn', method, undefined, started, mapped);
      throw mapped;
    }
    const parsed = parseEnvelope(text);
    if (parsed) this.lastAnswerAt = Date.now();
    if (!parsed) {
      const error = new BitrixError({
        code: 'INVALID_RESPONSE',
        description: `the portal answered HTTP ${statusCode} with a body that is not a JSON envelope`,
        httpStatus: statusCode,
        method,
        errorClass: 'upstream-failure',
        // A 200 with a broken body may well have executed the method.
        ambiguous: statusCode < 300,
      });
      this.log('warn', method, statusCode, started, error);
      throw error;
    }
    if ('error' in parsed && parsed.error !== undefined && !('result' in parsed)) {
      const error = new BitrixError({
        code: String(parsed.error ?? ''),
        description: this.clean(String(parsed.error_description ?? '')),
        httpStatus: statusCode,
        method,
      });
      this.log('info', method, statusCode, started, error);
      throw error;
    }
    this.log('debug', method, statusCode, started);
    if (isObject(parsed.time)) this.clock.observe(parsed.time as BitrixTime);
    return {
      result: parsed.result,
      total: typeof parsed.total === 'number' ? parsed.total : undefined,
      next: typeof parsed.next === 'number' ? parsed.next : undefined,
      time: isObject(parsed.time) ? (parsed.time as BitrixTime) : undefined,
    };
  }

  private mapNetworkError(method: string, error: unknown, signal?: AbortSignal): BitrixError {
    const code = (error as { code?: string })?.code ?? '';
    const name = (error as { name?: string })?.name ?? '';
    if (error instanceof undiciErrors.ConnectTimeoutError || code === 'UND_ERR_CONNECT_TIMEOUT') {
      return new BitrixError({
        code: 'CONNECT_TIMEOUT',
        description: 'connecting to the portal timed out',
        method,
        errorClass: 'timeout',
      });
    }
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
      return new BitrixError({
        code: 'RESPONSE_TIMEOUT',
        description: 'the portal did not answer in time',
        method,
        errorClass: 'timeout',
        ambiguous: true,
      });
    }
    if (signal?.aborted || name === 'AbortError' || name === 'TimeoutError' || code === 'UND_ERR_ABORTED') {
      return new BitrixError({
        code: 'ABORTED',
        description: 'the call was cancelled (deadline or client gone)',
        method,
        errorClass: 'timeout',
        ambiguous: true,
      });
    }
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      return new BitrixError({
        code: 'CONNECT_FAILED',
        description: `cannot connect to the portal (${code})`,
        method,
        errorClass: 'network',
      });
    }
    return new BitrixError({
      code: 'CONNECTION_LOST',
      description: `the connection to the portal was lost (${code || name || 'unknown'})`,
      method,
      errorClass: 'network',
      ambiguous: true,
    });
  }

  private clean(text: string): string {
    return redact(text, this.secrets());
  }

  private log(
    level: 'debug' | 'info' | 'warn',
    method: string,
    status: number | undefined,
    started: number,
    error?: BitrixError,
  ): void {
    if (!this.logger) return;
    const ms = Math.round(performance.now() - started);
    const fields = {
      portal: this.portalName,
      method,
      status,
      ms,
      ...(error ? { code: error.code, errorClass: error.errorClass } : {}),
    };
    this.logger[level](fields, error ? 'bitrix call failed' : 'bitrix call');
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

function isExpiredToken(error: BitrixError): boolean {
  const code = error.code.toLowerCase();
  return error.httpStatus === 401 && (code === 'expired_token' || code === 'invalid_token');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseEnvelope(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    if (!isObject(value) || (!('result' in value) && !('error' in value))) return null;
    return value;
  } catch {
    return null;
  }
}
