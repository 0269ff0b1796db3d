// Starts the embedded Bitrix24 portal: the HTTP front (server.ts) over the data side
// (PortalState from state.ts, or one given by the caller) on a loopback port.
import { createServer } from 'node:http';
import type { Socket } from 'node:net';

import { newCounters, zeroCounters } from './counters.js';
import type { PortalCounters } from './counters.js';
import { assertUtcOffset } from './envelope.js';
import { FaultInjector } from './faults.js';
import { LeakyBucket, OperatingBudget, operatingLimitConfig, rateLimitConfig } from './limits.js';
import { OAuthServer } from './oauth.js';
import type { OAuthTokenResponse } from './oauth.js';
import { EventDispatcher, type OutgoingWebhook } from './events.js';
import { createRequestHandler } from './server.js';
import { DEMO_SIZES } from './types.js';
import type { DemoSizes, FaultConfig, Portal, PortalOptions, PortalState } from './types.js';

export type { PortalCounters } from './counters.js';
export type { OAuthTokenResponse } from './oauth.js';

/** The demo webhook code (16 lower-case alphanumerics, like a real one). Not a secret: it only
 * opens the local emulator. */
export const DEFAULT_WEBHOOK_SECRET = 'demo4portal8code';

export interface StartPortalOptions extends PortalOptions {
  /** Use this data side instead of `createPortalState` (tests with a fake method table). */
  state?: PortalState;
  /** Called with unexpected handler exceptions (answered 500 INTERNAL_SERVER_ERROR). */
  onInternalError?: (err: unknown, method: string) => void;
  /** Sees every command the portal runs, with its parameters (tests: what a client asked for). */
  onCommand?: (method: string, params: Record<string, unknown>) => void;
  /** Deliver change events to this handler, as a configured outgoing webhook does. */
  outgoingWebhook?: OutgoingWebhook;
}

/** Emulator-only controls on top of the Portal contract. */
export interface PortalExtras {
  /** Live counters (zeroed in place by resetCounters), plus OAuth refreshes. */
  readonly counters: PortalCounters;
  /** `<origin>/_emulator/<secret>/` — the control API base (counters, reset, faults, limits). */
  readonly controlUrl: string;
  /** `<origin>/rest/` — the OAuth `client_endpoint`. */
  readonly restUrl: string;
  /** `<origin>/oauth/token/` — plays oauth.bitrix.info's token endpoint (only with `oauth`). */
  readonly oauthTokenUrl: string;
  /** Mints an access/refresh token pair for `userId` (default the webhook owner). Needs `oauth`. */
  issueOAuthTokens(userId?: number): OAuthTokenResponse;
  /** Makes every access token issued so far answer 401 expired_token. Needs `oauth`. */
  expireAccessTokens(): void;
  /** Changes the fixed latency added to every response. */
  setLatency(ms: number): void;
  /** Empties the leaky bucket and the operating-time windows (counters untouched). */
  resetLimiters(): void;
  /** Starts (or with null stops) delivering change events to a handler URL. */
  setOutgoingWebhook(config: OutgoingWebhook | null): void;
  /** Outgoing-webhook deliveries: counts, and a way to wait for those in flight. */
  readonly events: {
    readonly delivered: number;
    readonly failed: number;
    readonly lost: number;
    readonly lostEvents: readonly { entityTypeId: number; id: number; action: string; at: number }[];
    drain(): Promise<void>;
  };
}

export type EmulatorPortal = Portal & PortalExtras;

interface StateModule {
  createPortalState(opts: { seed: number; sizes: DemoSizes; utcOffset: string; userId: number }): PortalState;
}

/** Loaded lazily so the front works (with a given `state`) before/without the data side. */
async function loadState(opts: {
  seed: number;
  sizes: DemoSizes;
  utcOffset: string;
  userId: number;
}): Promise<PortalState> {
  const specifier = './state.js';
  const mod = (await import(specifier)) as StateModule;
  return mod.createPortalState(opts);
}

function resolveSizes(size: PortalOptions['size']): DemoSizes {
  if (size === undefined) return DEMO_SIZES.small;
  return typeof size === 'string' ? DEMO_SIZES[size] : size;
}

export async function startPortal(opts: StartPortalOptions = {}): Promise<EmulatorPortal> {
  const host = opts.host ?? '127.0.0.1';
  const userId = opts.userId ?? 1;
  const secret = opts.secret ?? DEFAULT_WEBHOOK_SECRET;
  const seed = opts.seed ?? 42;
  const utcOffset = opts.utcOffset ?? '+03:00';
  assertUtcOffset(utcOffset);
  let latencyMs = opts.latencyMs ?? 0;

  let origin = '';
  const state = opts.state ?? (await loadState({ seed, sizes: resolveSizes(opts.size), utcOffset, userId }));
  const events = new EventDispatcher(state, () => origin);
  if (opts.outgoingWebhook) events.configure(opts.outgoingWebhook);
  const counters = newCounters();
  const bucket = new LeakyBucket(rateLimitConfig(opts.rateLimit));
  const operating = new OperatingBudget(operatingLimitConfig(opts.operatingLimit));
  const faults = new FaultInjector(seed);

  const oauth = opts.oauth
    ? new OAuthServer(
        opts.oauth,
        () => origin,
        () => void counters.tokenRefreshes++,
      )
    : null;

  const setFaults = (config: FaultConfig | null): void => faults.set(config);
  const setRateLimit = (config: NonNullable<PortalOptions['rateLimit']>): void =>
    bucket.configure(rateLimitConfig(config));
  const setOperatingLimit = (config: NonNullable<PortalOptions['operatingLimit']>): void =>
    operating.configure(operatingLimitConfig(config));
  const resetCounters = (): void => zeroCounters(counters);
  const resetLimiters = (): void => {
    bucket.empty();
    operating.clear();
  };

  const handler = createRequestHandler({
    state,
    userId,
    secret,
    utcOffset,
    counters,
    bucket,
    operating,
    faults,
    oauth,
    latencyMs: () => latencyMs,
    onInternalError: opts.onInternalError,
    onCommand: opts.onCommand,
    control: {
      counters: () => counters,
      resetCounters,
      resetLimiters,
      setFaults,
      setRateLimit,
      setOperatingLimit,
      setOutgoingWebhook: (config) => events.configure(config),
      eventCounts: () => ({ delivered: events.delivered, failed: events.failed, lost: events.lost }),
    },
  });

  const server = createServer(handler);
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A client that sends garbage must not crash the process.
  server.on('clientError', (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('portal: unexpected server address');
  origin = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  state.setOrigin?.(origin);

  let closing: Promise<void> | null = null;
  const needOAuth = (): OAuthServer => {
    if (!oauth) throw new Error('portal: start it with the `oauth` option to use OAuth');
    return oauth;
  };

  return {
    origin,
    webhookUrl: `${origin}/rest/${userId}/${secret}/`,
    controlUrl: `${origin}/_emulator/${secret}/`,
    restUrl: `${origin}/rest/`,
    oauthTokenUrl: `${origin}/oauth/token/`,
    counters,
    state,
    resetCounters,
    resetLimiters,
    setFaults,
    setRateLimit,
    setOperatingLimit,
    setLatency: (ms: number) => {
      latencyMs = Math.max(0, ms);
    },
    issueOAuthTokens: (uid?: number) => needOAuth().issue(uid ?? userId),
    expireAccessTokens: () => needOAuth().expireAccessTokens(),
    setOutgoingWebhook: (config: OutgoingWebhook | null) => events.configure(config),
    events,
    close(): Promise<void> {
      // Graceful: stop accepting, then cut keep-alive and in-flight sockets.
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
