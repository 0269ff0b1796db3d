// OpenTelemetry traces, only when OTEL_EXPORTER_OTLP_ENDPOINT is set: start-up imports this
// module lazily, so without the variable no OpenTelemetry code is loaded at all. Spans: one per
// GraphQL operation (@envelop/opentelemetry, resolvers, variables and results off: per-field
// spans cost more than the upstream calls they would describe, and variables may hold personal
// data) and one per upstream HTTP request (undici instrumentation, through diagnostics_channel).
// Exported over OTLP/HTTP to `<endpoint>/v1/traces`.
import { useOpenTelemetry } from '@envelop/opentelemetry';
import { trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';

export interface Telemetry {
  plugin: Plugin;
  /** Flushes pending spans and stops exporting. */
  shutdown(): Promise<void>;
}

export function startTelemetry(options: { endpoint: string; serviceName: string; logger: Logger }): Telemetry {
  const exporter = new OTLPTraceExporter({ url: `${options.endpoint.replace(/\/+$/, '')}/v1/traces` });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1_000 })],
  });
  provider.register();
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new UndiciInstrumentation({
        // A webhook URL carries its secret in the path (/rest/<user>/<secret>/<method>) and OAuth
        // calls may carry a token in the query: record the method's path only, no query.
        startSpanHook: (request) => {
          const path = publicPath(request.path);
          return { 'url.full': `${safeOrigin(String(request.origin))}${path}`, 'url.path': path, 'url.query': '' };
        },
      }),
    ],
  });
  options.logger.info({ endpoint: safeOrigin(options.endpoint) }, 'OpenTelemetry traces on');
  const plugin = useOpenTelemetry(
    { resolvers: false, variables: false, result: false, document: false },
    provider,
  ) as unknown as Plugin;
  return {
    plugin,
    async shutdown() {
      unregister();
      await provider.forceFlush().catch(() => undefined);
      await provider.shutdown().catch(() => undefined);
      trace.disable();
    },
  };
}

function publicPath(path: string): string {
  const bare = path.split('?')[0] ?? '';
  return bare.replace(/^\/rest\/[^/]+\/[^/]+\//, '/rest/***/');
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'invalid-url';
  }
}
