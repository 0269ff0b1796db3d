// Yoga and its plugins: per-request context (cost meter, deadline, limits), error codes and
// masking, the visible-cost extension, liveness and readiness. The production surface lives in
// src/gateway/ (auth, abuse limits, persisted operations, metrics, request logs) and is composed
// here; plugin order matters where hooks share a phase (noted below).
import { initContextCache } from '@pothos/core';
import { GraphQLError, type ExecutionResult } from 'graphql';
import { createYoga, useReadinessCheck, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { BitrixError, redact } from '../upstream/errors.js';
import type { BitrixPortal } from '../upstream/portal.js';
import { newMeter } from '../upstream/scheduler.js';
import type { Context, RequestLimits } from '../schema/context.js';
import { ErrorCode, fromBitrixError, gatewayError } from '../schema/error-codes.js';
import { EventHub } from '../crm/changes.js';
import { BulkJobs, type JobStore } from '../crm/bulk-jobs.js';
import { ChangeFeed, type ChangeFeedOptions } from '../crm/change-feed.js';
import { MemoryFeedStore } from '../crm/feed-store.js';
import type { RecordCache, RecordCacheOptions } from '../crm/record-cache.js';
import { readCache } from './use-read-cache.js';
import { useSelection } from './use-selection.js';
import { describeFailure } from '../schema/types/bulk.js';
import { useJsonPostsOnly } from './use-json-posts.js';
import { corsPolicy } from './cors.js';
import { requestDeadlines } from './use-request-deadline.js';
import type { StageMemory } from '../crm/changes.js';
import { useBitrixEvents, type Coalescing } from './use-bitrix-events.js';
import { useAuth, type ApiKey } from './use-api-keys.js';
import { useGraphiQL } from './use-graphiql.js';
import {
  DEFAULT_LIMITS,
  useArmor,
  useComplexityLimit,
  useProductionHardening,
  useRateLimit,
  type AbuseLimits,
  type RateLimit,
} from './use-limits.js';
import { useRequestLog } from './use-request-log.js';
import { createMetrics, type Metrics } from './use-metrics.js';
import { usePersisted, type PersistedOptions } from './use-persisted.js';
import { useExactRoutes } from './use-routes.js';
import { stateOf } from './request-state.js';
import { schema as staticSchema } from '../schema/index.js';
import { LiveSchema } from '../schema/portal/live-schema.js';
import type { NamesFile } from '../schema/portal/names-file.js';
import { useJit } from './use-jit.js';

export interface GatewayOptions {
  portal: BitrixPortal;
  logger: Logger;
  limits?: Partial<RequestLimits>;
  deadlineMs?: number;
  graphiql?: boolean;
  /** Development: always show `extensions.bitrix` and keep error details. */
  dev?: boolean;
  /** The event bus (in memory by default) and the outgoing webhook's application token. */
  events?: { hub?: EventHub; applicationToken?: string; stages?: StageMemory; coalescing?: Partial<Coalescing> };
  /** The change feed: where it keeps its watermarks (in memory by default), and its timing.
   * Reconciliation runs only when `start` is true (main.ts: unless CHANGE_FEED_INTERVAL_MS=0). */
  feed?: Partial<Omit<ChangeFeedOptions, 'portal' | 'hub' | 'logger' | 'stages'>> & { start?: boolean };
  /** The read cache (records and list pages, invalidated by the change feed and by writes);
   * false turns it off. */
  cache?: RecordCacheOptions | false;
  /** Where bulk jobs are kept (in memory by default; Redis with replication), and how often a
   * gateway looks for jobs a stopped one left unfinished (durable stores only). */
  bulk?: { store?: JobStore; resumeEveryMs?: number; secondChanceMs?: number };
  /** API keys (stored hashed). None: open access, with a warning at start. */
  apiKeys?: readonly ApiKey[];
  /** Depth, aliases, tokens, directives, complexity, body size (src/gateway/use-limits.ts defaults). */
  abuse?: Partial<AbuseLimits>;
  /** Requests per caller; null turns the limit off. Default 20/s, burst 60. */
  rateLimit?: RateLimit | null;
  /** Rate-limit open access by the first X-Forwarded-For address (behind our own proxy). */
  trustProxy?: boolean;
  /** Introspection and "Did you mean …" suggestions (both off in production). Default on. */
  introspection?: boolean;
  suggestions?: boolean;
  persisted?: PersistedOptions;
  /** Origins whose pages may call the gateway from a browser (exact `scheme://host[:port]`, or
   * `*`). None: no cross-origin access. */
  corsOrigins?: readonly string[];
  /** More Yoga plugins (OpenTelemetry), run before the gateway's own. */
  plugins?: Plugin[];
  /** The schema generated from the portal's metadata (typed smart processes, custom fields,
   * filters); false serves only the static, generic schema. */
  typedSchema?: { names?: NamesFile; refreshMs?: number } | false;
}

export interface Gateway {
  yoga: YogaServerInstance<Record<string, never>, Context>;
  /** Readiness is false while shutting down. */
  setShuttingDown(): void;
  events: EventHub;
  /** The change feed (reconciliation, deletion scan, deletion log). */
  feed: ChangeFeed;
  /** The read cache (null when off). */
  cache: RecordCache | null;
  /** Bulk jobs this gateway runs and reports. */
  bulk: BulkJobs;
  metrics: Metrics;
  /** The schema served, following the portal's metadata (null: the static schema only). */
  schema: LiveSchema | null;
  /** Stops looking for unfinished jobs. */
  close(): void;
}

type YogaContext = Context & { request: Request };

const GRAPHQL_PATH = '/graphql';
const EVENTS_PATH = '/bitrix/events';

export function createGateway(options: GatewayOptions): Gateway {
  const { portal, logger } = options;
  const secrets = () => portal.secrets();
  const limits: RequestLimits = { maxPageSize: 2_500, defaultPageSize: 50, ...options.limits };
  let shuttingDown = false;
  const hub = options.events?.hub ?? new EventHub();
  const feed = new ChangeFeed({
    store: new MemoryFeedStore(),
    ...options.feed,
    portal,
    hub,
    logger,
    stages: options.events?.stages,
  });
  if (options.feed?.start) feed.start();
  const reads = options.cache === false ? null : readCache(portal, hub, options.cache);
  const bulk = new BulkJobs(portal, {
    store: options.bulk?.store,
    secondChanceMs: options.bulk?.secondChanceMs,
    logger,
    describe: (error, job) => describeFailure(error, job, portal.secrets()),
  });
  const resuming = bulk.store.durable ? resumeJobs(bulk, logger, options.bulk?.resumeEveryMs ?? 30_000) : null;
  const deadlineMs = options.deadlineMs ?? 30_000;
  const apiKeys = options.apiKeys ?? [];
  const abuse: AbuseLimits = { ...DEFAULT_LIMITS, ...options.abuse };
  const rateLimit = options.rateLimit === undefined ? { perSecond: 20, burst: 60 } : options.rateLimit;
  const metrics = createMetrics({ portal, keys: apiKeys, feed: feed.stats, cache: reads?.cache.stats });
  const deadlines = requestDeadlines(deadlineMs);
  if (!apiKeys.length)
    logger.warn('no GATEWAY_API_KEYS: the GraphQL endpoint is open to anyone who can reach it (read and write)');

  const live =
    options.typedSchema === false
      ? null
      : new LiveSchema(portal, staticSchema, { ...options.typedSchema, logger: logger.child({ component: 'schema' }) });
  const yoga = createYoga<Record<string, never>, Context>({
    // The first requests wait for the first build; later ones take the schema of the moment.
    schema: live ? () => (live.model ? live.current : live.ready.then(() => live.current)) : staticSchema,
    graphqlEndpoint: GRAPHQL_PATH,
    cors: corsPolicy(options.corsOrigins ?? []),
    // GraphiQL is served by useGraphiQL (compressed, cached, opened on an example).
    graphiql: false,
    landingPage: false,
    multipart: false,
    logging: false,
    maxRequestBodySize: abuse.maxBodyBytes,
    // documentId: persisted operations (GraphQL over HTTP's field for them).
    extraParamNames: options.persisted ? ['documentId'] : undefined,
    context: ({ request, res }: { request: Request; res?: ServerResponse }): Context => {
      // The meter is shared with the request log, which reads it when the answer leaves.
      const meter = newMeter();
      stateOf(request).meter = meter;
      return {
        ...initContextCache(),
        portal,
        meter,
        // The request's deadline and the client going away both cancel queued upstream work.
        ...deadlines.open(request, res),
        events: hub,
        feed,
        cache: reads?.forRequest(request, meter),
        bulk,
        limits,
        idempotencyKey: request.headers.get('idempotency-key') ?? undefined,
      };
    },
    maskedErrors: {
      maskError: (error, message) => {
        const masked = maskError(error, message, secrets());
        // The client sees "Unexpected error."; operators need the cause (the logger scrubs secrets).
        if ((masked as GraphQLError).extensions?.code === ErrorCode.INTERNAL_SERVER_ERROR)
          logger.error({ err: error }, 'unexpected error (masked)');
        return masked;
      },
    },
    plugins: [
      // First: sees every request and response (request id, clock, error codes, log line).
      useRequestLog({ logger, onDone: (state) => metrics.observe(state) }),
      useExactRoutes(GRAPHQL_PATH, ['/health', '/ready', '/metrics', EVENTS_PATH]),
      ...((options.graphiql ?? true)
        ? [
            useGraphiQL({
              endpoint: GRAPHQL_PATH,
              headers: apiKeys.length
                ? JSON.stringify({ 'x-api-key': 'paste an API key (read scope) here' }, null, 2)
                : undefined,
            }),
          ]
        : []),
      metrics.plugin,
      deadlines.plugin,
      ...(options.plugins ?? []),
      useErrorCodes(),
      useJsonPostsOnly(),
      // Auth, then the rate limit (whose bucket is the caller), both before the body is read.
      useAuth({ keys: apiKeys, trustProxy: options.trustProxy ?? false }),
      ...(rateLimit ? [useRateLimit(rateLimit)] : []),
      ...(options.persisted ? [usePersisted(options.persisted)] : []),
      useArmor(abuse),
      ...useProductionHardening({
        introspection: options.introspection ?? true,
        suggestions: options.suggestions ?? true,
      }),
      useComplexityLimit(abuse.maxComplexity),
      useBitrixEvents({
        path: EVENTS_PATH,
        applicationToken: options.events?.applicationToken,
        feed,
        coalescing: options.events?.coalescing,
        logger,
        onMetadataChange: live ? () => void live.metadataChanged() : undefined,
      }),
      ...(reads ? [reads.plugin] : []),
      useSelection(),
      // Queries run compiled (graphql-jit): the hot path of dashboards.
      useJit(),
      useVisibleCost(options.dev ?? false),
      useReadinessCheck({
        endpoint: '/ready',
        // Not ready while draining or while the portal is failing; never leaks details.
        check: async () => !shuttingDown && (await portal.reachable()),
      }),
    ],
  });

  logger.debug('gateway created');
  return {
    yoga,
    setShuttingDown: () => {
      shuttingDown = true;
    },
    events: hub,
    feed,
    cache: reads?.cache ?? null,
    bulk,
    metrics,
    schema: live,
    close: () => {
      void feed.stop();
      reads?.close();
      live?.close();
      // Jobs still running stop with the process: a durable one is resumed by the next gateway.
      if (resuming) clearInterval(resuming);
    },
  };
}

/** Picks up, now and then, the bulk jobs a stopped gateway left running. */
function resumeJobs(bulk: BulkJobs, logger: Logger, everyMs: number): NodeJS.Timeout {
  const look = () =>
    bulk
      .resume()
      .then((n) => {
        if (n) logger.info({ jobs: n }, 'bulk jobs resumed');
      })
      .catch((error: unknown) => logger.warn({ err: error }, 'bulk jobs: could not look for unfinished ones'));
  void look();
  const timer = setInterval(look, everyMs);
  timer.unref();
  return timer;
}

/** Maps thrown errors to client-visible ones: Bitrix errors by class, our own GraphQLErrors
 * as they are, anything else masked as INTERNAL_SERVER_ERROR. */
export function maskError(error: unknown, message: string, secrets: readonly string[]): Error {
  const original = error instanceof GraphQLError ? error.originalError : error;
  if (original instanceof BitrixError) {
    const mapped = fromBitrixError(original, secrets);
    return error instanceof GraphQLError
      ? new GraphQLError(mapped.message, { nodes: error.nodes, path: error.path, extensions: mapped.extensions })
      : mapped;
  }
  if (error instanceof GraphQLError && (!error.originalError || error.originalError instanceof GraphQLError)) {
    const code = error.extensions?.code ?? (error.originalError as GraphQLError | undefined)?.extensions?.code;
    // Yoga's JSON parser puts the parser's message, which quotes the start of the body, into
    // extensions.originalError: a key or token inside a broken body would come back. Keep only
    // its name: Yoga answers 400 (not 200) to application/json clients while it is present.
    const { originalError: quoted, ...extensions } = {
      ...error.extensions,
      ...(error.originalError as GraphQLError | undefined)?.extensions,
    };
    const cause =
      quoted && typeof quoted === 'object'
        ? { originalError: { name: String((quoted as { name?: unknown }).name ?? 'Error') } }
        : {};
    return new GraphQLError(redact(error.message, secrets), {
      nodes: error.nodes,
      path: error.path,
      extensions: { ...extensions, ...cause, code: code ?? ErrorCode.BAD_USER_INPUT },
    });
  }
  if (error instanceof GraphQLError) {
    return new GraphQLError(message, {
      nodes: error.nodes,
      path: error.path,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    });
  }
  return gatewayError(ErrorCode.INTERNAL_SERVER_ERROR, message);
}

/** Parse and validation errors get their codes too (Yoga leaves them without one). */
function useErrorCodes(): Plugin {
  const withCode = (errors: readonly Error[], code: ErrorCode) =>
    errors.map((e) =>
      !(e instanceof GraphQLError) || e.extensions?.code
        ? e
        : new GraphQLError(e.message, {
            nodes: e.nodes,
            source: e.source,
            positions: e.positions,
            extensions: { ...e.extensions, code },
          }),
    );
  return {
    onValidate() {
      return ({ valid, result, setResult }) => {
        if (!valid) setResult(withCode(result, ErrorCode.GRAPHQL_VALIDATION_FAILED));
      };
    },
    onParse() {
      return ({ result, replaceParseResult }) => {
        if (result instanceof GraphQLError && !result.extensions?.code) {
          replaceParseResult(
            new GraphQLError(result.message, {
              source: result.source,
              positions: result.positions,
              extensions: { ...result.extensions, code: ErrorCode.GRAPHQL_PARSE_FAILED },
            }),
          );
        }
      };
    },
  };
}

/** `extensions.bitrix` {httpRequests, commands, cacheHits} when the client sends
 * `x-bitrix-cost: 1` (always in development). */
function useVisibleCost(always: boolean): Plugin<YogaContext> {
  return {
    onExecute({ args }) {
      const ctx = args.contextValue as YogaContext;
      const wanted = always || ctx.request?.headers.get('x-bitrix-cost') === '1';
      if (!wanted) return;
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in (result as object)) return;
          const r = result as ExecutionResult;
          setResult({ ...r, extensions: { ...r.extensions, bitrix: { ...ctx.meter } } });
        },
      };
    },
  };
}
