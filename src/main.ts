// Start-up: configuration, the portal client, the HTTP server, and an orderly shutdown on
// SIGTERM/SIGINT. The demo portal is not here: `npm start` (scripts/demo.ts) starts one and
// points this gateway at it; the production image has none.
import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import type { AuthConfig } from './upstream/credentials.js';
import { BitrixPortal } from './upstream/portal.js';
import { probePortal } from './upstream/probe.js';
import { ConfigValidationError, assertAuthDecision, loadConfig, type Config } from './config.js';
import { createLogger, registerSecrets } from './lib/logger.js';
import { connectReplication } from './replication/index.js';
import { loadPersistedDocuments, type PersistedOptions } from './gateway/use-persisted.js';
import { createGateway } from './gateway/yoga.js';
import { readNamesFile } from './schema/portal/names-file.js';
import { MemoryFeedStore } from './crm/feed-store.js';

export interface Running {
  url: string;
  server: Server;
  stop(): Promise<void>;
}

export async function start(config: Config, logger?: Logger): Promise<Running> {
  assertAuthDecision(config);
  const log = logger ?? createLogger(config.logLevel);
  const { bitrix, eventsToken } = config;
  const auth: AuthConfig = bitrix.kind === 'webhook' ? { kind: 'webhook', url: bitrix.url } : { ...bitrix };
  const portalName = auth.kind === 'webhook' ? new URL(auth.url).host : new URL(auth.clientEndpoint).host;
  const operating = { limitSeconds: config.operatingLimitSeconds };
  const replication = config.redisUrl
    ? connectReplication(config.redisUrl, portalName, config.plan, operating, log, config.bulkJobLeaseMs)
    : null;
  if (replication)
    log.info('REDIS_URL set: limits, metadata cache, idempotency locks and events are shared by all replicas');
  const portal = new BitrixPortal({
    auth,
    plan: config.plan,
    transport: { headersTimeoutMs: config.timeoutMs, bodyTimeoutMs: config.timeoutMs },
    metadata: { ttlMs: config.metadataTtlMs, remote: replication?.metadataRemote },
    operating,
    limiter: replication?.limiter,
    budget: replication?.budget,
    lock: replication?.lock,
    logger: log.child({ component: 'bitrix' }),
  });
  registerSecrets([...portal.secrets(), ...(eventsToken ? [eventsToken] : [])]);
  const probe = await probePortal(portal, portalName, log.child({ component: 'bitrix' }));
  const { security } = config;
  let persisted: PersistedOptions | undefined;
  if (security.persisted) {
    try {
      persisted = { documents: await loadPersistedDocuments(security.persisted.path), only: security.persisted.only };
    } catch (error) {
      await portal.close();
      throw new ConfigValidationError(`invalid configuration: ${(error as Error).message}`);
    }
    log.info({ operations: persisted.documents.size, only: persisted.only }, 'persisted operations loaded');
  }
  // Loaded only when asked for: without the variable no OpenTelemetry code is imported.
  const telemetry = config.otel
    ? (await import('./gateway/use-telemetry.js')).startTelemetry({ ...config.otel, logger: log })
    : null;
  const { changeFeed } = config;
  const feedStore =
    replication?.feed ??
    (await MemoryFeedStore.open({
      file: changeFeed.file,
      portal: portalName,
      onForeignFile: (found) =>
        log.warn(
          { file: changeFeed.file, found: found ?? null },
          'change feed: the state file is about another portal; starting afresh (it will be overwritten)',
        ),
      onWriteError: (error) =>
        log.error({ err: error, file: changeFeed.file }, 'change feed: cannot write its state file (kept in memory)'),
    }));
  const gateway = createGateway({
    portal,
    logger: log,
    limits: { maxPageSize: config.maxPageSize },
    deadlineMs: config.deadlineMs,
    graphiql: config.graphiql,
    dev: config.env === 'development',
    events: { applicationToken: eventsToken, hub: replication?.hub, stages: replication?.stages },
    cache: config.readCache.ttlMs > 0 ? { ...config.readCache, shared: replication?.rows } : false,
    feed: {
      store: feedStore,
      start: changeFeed.intervalMs > 0,
      intervalMs: changeFeed.intervalMs,
      deletionScanMs: changeFeed.deletionScanMs,
      // One replica runs the scans; its lease outlives two rounds.
      lead: replication ? () => replication.feed.lead(changeFeed.intervalMs * 3) : undefined,
    },
    // A stopped gateway's job is looked for twice per lease.
    bulk: { store: replication?.jobs, resumeEveryMs: config.bulkJobLeaseMs / 2 },
    apiKeys: security.apiKeys,
    abuse: security.limits,
    rateLimit: security.rateLimit,
    trustProxy: security.trustProxy,
    corsOrigins: security.corsOrigins,
    introspection: security.introspection,
    suggestions: security.suggestions,
    persisted,
    plugins: telemetry ? [telemetry.plugin] : [],
    typedSchema: { names: readNamesFile(config.schema.namesFile), refreshMs: config.schema.refreshMs },
  });
  // Served from the first request on: the schema generated from the portal's metadata (a portal
  // the probe could not reach is not waited for: the static schema serves until it answers).
  if (probe.ok) await gateway.schema?.ready;
  // Node checks these timeouts every connectionsCheckingInterval (30 s by default): checked each
  // second, a connection that drips its headers or body is closed close to its limit.
  const server = createServer(
    {
      headersTimeout: config.http.headersTimeoutMs,
      requestTimeout: config.http.requestTimeoutMs,
      connectionsCheckingInterval: 1_000,
    },
    gateway.yoga,
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}/graphql`;

  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      gateway.setShuttingDown(); // readiness answers 503 from now on
      gateway.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), 10_000);
      await closed;
      clearTimeout(force);
      await gateway.yoga.dispose();
      await gateway.feed.stop();
      if (feedStore instanceof MemoryFeedStore) await feedStore.flush();
      await portal.close();
      await replication?.close();
      await telemetry?.shutdown();
      log.info('stopped');
    })());
  return { url, server, stop };
}

/** Runs the gateway as a process: configuration from `env`, exit 2 on a bad one, stop on
 * SIGTERM/SIGINT (then `onStop`, and exit 0). */
export async function serve(env: NodeJS.ProcessEnv = process.env, onStop?: () => Promise<void>): Promise<Running> {
  let config: Config;
  try {
    registerSecrets([
      env.BITRIX_WEBHOOK_URL ?? '',
      env.BITRIX_OAUTH_CLIENT_SECRET ?? '',
      env.BITRIX_OAUTH_REFRESH_TOKEN ?? '',
      env.BITRIX_OAUTH_ACCESS_TOKEN ?? '',
    ]);
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger(config.logLevel);
  let running: Running;
  try {
    running = await start(config, log);
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  log.info({ graphiql: config.graphiql }, `gateway listening on ${running.url}`);
  if (config.graphiql) console.log(`GraphiQL: ${running.url}`);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      log.info({ signal }, 'shutting down');
      running
        .stop()
        .then(onStop)
        .then(
          () => process.exit(0),
          (error) => {
            log.error({ err: error }, 'shutdown failed');
            process.exit(1);
          },
        );
    });
  }
  return running;
}

// Run only when executed directly (tests import `start`).
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  void serve();
}
