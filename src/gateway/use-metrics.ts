// Prometheus metrics on GET /metrics (prom-client, one registry per gateway so tests and several
// gateways in one process do not collide). GraphQL side: operations and latency by operation
// name, errors by code. Upstream side: HTTP requests and commands per batch (from the
// scheduler's onSend), retries, limiter and budget waits, de-duplicated commands, metadata cache
// hits and misses, circuit state. Change feed and read cache: changes reconciliation found, deletions
// the scan found, cache hits, misses and invalidations. When API keys are configured /metrics
// needs one too.
import type { Plugin } from 'graphql-yoga';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BitrixPortal } from '../upstream/portal.js';
import type { SchedulerStats } from '../upstream/scheduler.js';
import type { FeedStats } from '../crm/change-feed.js';
import type { CacheStats } from '../crm/record-cache.js';
import { findKey, presentedKey, type ApiKey } from './use-api-keys.js';
import type { RequestState } from './request-state.js';

export interface Metrics {
  registry: Registry;
  /** Records one finished GraphQL request. */
  observe(state: RequestState): void;
  plugin: Plugin;
}

/** Operation names come from clients: keep label values plain and their number bounded. */
const MAX_OPERATION_NAMES = 200;

export function createMetrics(options: {
  portal: BitrixPortal;
  keys: readonly ApiKey[];
  endpoint?: string;
  feed?: FeedStats;
  cache?: CacheStats | null;
}): Metrics {
  const { portal } = options;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const operations = new Counter({
    name: 'graphql_operations_total',
    help: 'GraphQL requests by operation name, type and outcome (ok: no errors).',
    labelNames: ['operation_name', 'operation_type', 'outcome'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'graphql_operation_duration_seconds',
    help: 'Time from request received to response ready, by operation name.',
    labelNames: ['operation_name', 'operation_type'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'graphql_errors_total',
    help: 'Errors sent to clients, by extensions.code.',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const upstreamRequests = new Counter({
    name: 'bitrix_http_requests_total',
    help: 'HTTP requests sent to the portal, by kind (batch or single command).',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const batchFill = new Histogram({
    name: 'bitrix_batch_commands',
    help: 'Commands carried per upstream HTTP request (a batch holds at most 50).',
    buckets: [1, 2, 5, 10, 20, 30, 40, 50],
    registers: [registry],
  });
  const previous = portal.scheduler.onSend;
  portal.scheduler.onSend = (info) => {
    previous?.(info);
    upstreamRequests.inc({ kind: info.batch ? 'batch' : 'single' });
    batchFill.observe(info.commands);
  };

  // Cumulative scheduler and cache counters, read at scrape time.
  const fromStats = (name: string, help: string, read: () => number) => {
    let last = 0;
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        const now = read();
        if (now > last) this.inc(now - last);
        last = now;
      },
    });
  };
  const stat = (key: keyof SchedulerStats) => () => portal.scheduler.stats[key];
  fromStats('bitrix_commands_total', 'REST commands sent to the portal.', stat('commands'));
  fromStats('bitrix_retries_total', 'Upstream attempts repeated after a transient failure.', stat('retries'));
  fromStats(
    'bitrix_limiter_waits_total',
    'Times a request waited for the portal rate-limit bucket.',
    stat('limiterWaits'),
  );
  fromStats('bitrix_budget_waits_total', 'Times a request waited for a method operating budget.', stat('budgetWaits'));
  fromStats(
    'bitrix_deduplicated_commands_total',
    'Identical concurrent reads answered by one command.',
    stat('deduplicated'),
  );
  fromStats('bitrix_failed_fast_total', 'Commands refused at once while the circuit was open.', stat('failedFast'));
  fromStats('bitrix_metadata_cache_hits_total', 'Metadata served from the cache.', () => portal.metadata.hits);
  fromStats('bitrix_metadata_cache_misses_total', 'Metadata that had to be fetched.', () => portal.metadata.misses);
  fromStats('bitrix_circuit_opened_total', 'Times the circuit breaker opened.', () => portal.scheduler.breaker.opened);
  const { feed, cache } = options;
  if (feed) {
    fromStats('change_feed_rounds_total', 'Reconciliation rounds run by this replica.', () => feed.reconciliations);
    fromStats(
      'change_feed_reconciled_total',
      'Changes reconciliation published that no event had brought (lost events).',
      () => feed.reconciled,
    );
    fromStats('change_feed_events_total', 'Outgoing-webhook events read and published.', () => feed.eventsPublished);
    fromStats('change_feed_deletions_found_total', 'Deletions the deletion scan found.', () => feed.deletionsFound);
  }
  if (cache) {
    fromStats('read_cache_record_hits_total', 'Records served from the read cache.', () => cache.recordHits);
    fromStats('read_cache_record_misses_total', 'Records the read cache did not hold.', () => cache.recordMisses);
    fromStats('read_cache_list_hits_total', 'List pages and counts served from the read cache.', () => cache.listHits);
    fromStats('read_cache_list_misses_total', 'List pages and counts read from the portal.', () => cache.listMisses);
    fromStats('read_cache_invalidations_total', 'Changes that made the read cache forget.', () => cache.invalidations);
  }
  new Gauge({
    name: 'bitrix_circuit_state',
    help: 'Circuit breaker state: 1 for the current state.',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      for (const state of ['closed', 'half-open', 'open'] as const)
        this.set({ state }, portal.scheduler.breaker.state === state ? 1 : 0);
    },
  });

  const names = new Set<string>();
  const label = (name: string | undefined) => {
    if (!name) return 'anonymous';
    if (names.has(name)) return name;
    if (names.size >= MAX_OPERATION_NAMES) return 'other';
    names.add(name);
    return name;
  };

  const endpoint = options.endpoint ?? '/metrics';
  return {
    registry,
    observe(state) {
      const labels = { operation_name: label(state.operationName), operation_type: state.operationType ?? 'unknown' };
      operations.inc({ ...labels, outcome: state.codes.length ? 'error' : 'ok' });
      duration.observe(labels, (performance.now() - state.startedAt) / 1000);
      for (const code of state.codes) errors.inc({ code });
    },
    plugin: {
      async onRequest({ request, url, endResponse, fetchAPI }) {
        if (url.pathname !== endpoint || request.method !== 'GET') return;
        if (options.keys.length && !findKey(options.keys, presentedKey(request))) {
          endResponse(
            new fetchAPI.Response('an API key is required\n', {
              status: 401,
              headers: { 'WWW-Authenticate': 'Bearer realm="bitrix24-graphql"' },
            }),
          );
          return;
        }
        endResponse(
          new fetchAPI.Response(await registry.metrics(), {
            status: 200,
            headers: { 'content-type': registry.contentType },
          }),
        );
      },
    },
  };
}
