// Configuration from the environment, validated at start. Error messages name the variable
// and never echo its value (BITRIX_WEBHOOK_URL and the OAuth values are secrets).
import { z } from 'zod';
import { parseWebhookUrl, type OAuthConfig, type WebhookAuthConfig } from './upstream/credentials.js';
import { PLANS, type RateLimitPlan } from './upstream/bucket.js';
import { parseApiKeys, type ApiKey } from './gateway/use-api-keys.js';
import { parseCorsOrigins } from './gateway/cors.js';
import { DEFAULT_LIMITS, type AbuseLimits, type RateLimit } from './gateway/use-limits.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: int(0, 65535).default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BITRIX_WEBHOOK_URL: z.string().optional(),
  BITRIX_OAUTH_CLIENT_ENDPOINT: z.string().url().optional(),
  BITRIX_OAUTH_ACCESS_TOKEN: z.string().optional(),
  BITRIX_OAUTH_REFRESH_TOKEN: z.string().optional(),
  BITRIX_OAUTH_CLIENT_ID: z.string().optional(),
  BITRIX_OAUTH_CLIENT_SECRET: z.string().optional(),
  BITRIX_OAUTH_TOKEN_URL: z.string().url().optional(),
  BITRIX_PLAN: z.enum(['standard', 'enterprise', 'custom']).default('standard'),
  BITRIX_RATE_PER_SECOND: z.coerce.number().positive().optional(),
  BITRIX_RATE_BUCKET: int(1, 10_000).optional(),
  BITRIX_TIMEOUT_MS: int(1_000, 60_000).default(30_000),
  BITRIX_OPERATING_LIMIT_SECONDS: int(1, 100_000).default(480),
  /** Shared state for several replicas (redis://host:port/db). */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  /** With REDIS_URL: how long a bulk job whose gateway stopped waits before another resumes it. */
  BULK_JOB_LEASE_MS: int(1_000, 600_000).default(30_000),
  /** How often the change feed reads what changed (the events that were lost); 0 turns it off. */
  CHANGE_FEED_INTERVAL_MS: int(0, 30_000)
    .refine((ms) => ms === 0 || ms >= 1_000, 'must be 0 (off) or between 1000 and 30000')
    .default(10_000),
  /** How often the change feed lists every id to find deletions no event told. */
  CHANGE_FEED_DELETION_SCAN_MS: int(10_000, 86_400_000).default(300_000),
  /** Without REDIS_URL: where the change feed keeps its watermarks and deletion log. */
  CHANGE_FEED_FILE: z.string().min(1).default('.data/change-feed.json'),
  /** How long the read cache keeps a record or a list page at most; 0 turns the cache off. */
  READ_CACHE_TTL_MS: int(0, 3_600_000).default(60_000),
  READ_CACHE_MAX_ENTRIES: int(100, 10_000_000).default(50_000),
  /** The outgoing webhook's application token: enables POST /bitrix/events. */
  BITRIX_EVENTS_TOKEN: z.string().min(8).optional(),
  METADATA_TTL_MS: int(0, 86_400_000).default(300_000),
  // The names file that pins generated names (npm run schema -- --lock writes it).
  SCHEMA_NAMES_FILE: z.string().min(1).default('bitrix24-names.json'),
  // How often the schema follows the portal's metadata (0: only on the portal's events).
  SCHEMA_REFRESH_MS: int(0, 86_400_000).default(300_000),
  MAX_PAGE_SIZE: int(1, 2_500).default(2_500),
  REQUEST_DEADLINE_MS: int(1_000, 600_000).default(30_000),
  /** A client must send its request headers within this time, and its whole request within
   * HTTP_REQUEST_TIMEOUT_MS: connections that drip bytes are closed (408). */
  HTTP_HEADERS_TIMEOUT_MS: int(1_000, 120_000).default(10_000),
  HTTP_REQUEST_TIMEOUT_MS: int(1_000, 600_000).default(30_000),
  GRAPHIQL: bool.optional(),
  /** Gateway auth (README "Authentication"): `name:read+write:sha256hex`, comma-separated. */
  GATEWAY_API_KEYS: z.string().optional(),
  /** `off` runs a real portal without API keys (must be said explicitly). */
  GATEWAY_AUTH: z.enum(['on', 'off']).optional(),
  /** Per-caller request rate (README "Limits"); RATE_LIMIT_PER_SECOND=0 turns it off. */
  RATE_LIMIT_PER_SECOND: z.coerce.number().min(0).max(100_000).default(20),
  RATE_LIMIT_BURST: int(1, 100_000).default(60),
  /** Origins allowed to call the gateway from a browser: comma-separated, or `*`. None by default. */
  CORS_ORIGINS: z.string().optional(),
  /** Behind our own reverse proxy: rate-limit open access by the first X-Forwarded-For address. */
  TRUST_PROXY: bool.optional(),
  MAX_DEPTH: int(1, 100).default(DEFAULT_LIMITS.maxDepth),
  MAX_ALIASES: int(0, 1_000).default(DEFAULT_LIMITS.maxAliases),
  MAX_TOKENS: int(10, 100_000).default(DEFAULT_LIMITS.maxTokens),
  MAX_DIRECTIVES: int(0, 1_000).default(DEFAULT_LIMITS.maxDirectives),
  MAX_COMPLEXITY: int(1, 100_000_000).default(DEFAULT_LIMITS.maxComplexity),
  MAX_BODY_BYTES: int(1_024, 100 * 1024 * 1024).default(DEFAULT_LIMITS.maxBodyBytes),
  /** Introspection; default: on except in production. */
  INTROSPECTION: bool.optional(),
  /** persisted-documents.json from the consumers' codegen (hash → document). */
  PERSISTED_OPERATIONS: z.string().min(1).optional(),
  PERSISTED_OPERATIONS_ONLY: bool.optional(),
  /** OpenTelemetry: traces are exported to <endpoint>/v1/traces when set. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('bitrix24-graphql'),
});

export type Env = z.infer<typeof schema>;

export interface Config {
  env: Env['NODE_ENV'];
  port: number;
  host: string;
  logLevel: Env['LOG_LEVEL'];
  /** The portal: a webhook or an OAuth application. */
  bitrix: WebhookAuthConfig | Omit<OAuthConfig, 'onTokens'>;
  plan: RateLimitPlan;
  eventsToken: string | undefined;
  redisUrl: string | undefined;
  /** A bulk job's lease (see BULK_JOB_LEASE_MS). */
  bulkJobLeaseMs: number;
  changeFeed: { intervalMs: number; deletionScanMs: number; file: string };
  /** The read cache: TTL (0: off) and size. */
  readCache: { ttlMs: number; maxEntries: number };
  /** Per-method execution budget over 10 minutes (cloud: 480 s). */
  operatingLimitSeconds: number;
  timeoutMs: number;
  metadataTtlMs: number;
  /** The typed schema: its names file and how often it follows the portal's metadata. */
  schema: { namesFile: string; refreshMs: number };
  maxPageSize: number;
  deadlineMs: number;
  http: { headersTimeoutMs: number; requestTimeoutMs: number };
  graphiql: boolean;
  security: {
    /** Empty: open access (the demo, or GATEWAY_AUTH=off). */
    apiKeys: ApiKey[];
    /** GATEWAY_AUTH=off: open access to a real portal, decided explicitly. */
    authOff: boolean;
    rateLimit: RateLimit | null;
    trustProxy: boolean;
    /** Browser origins allowed cross-origin (CORS); empty: none. */
    corsOrigins: string[];
    limits: AbuseLimits;
    introspection: boolean;
    /** "Did you mean …" in validation errors (hidden in production). */
    suggestions: boolean;
    persisted: { path: string; only: boolean } | null;
  };
  otel: { endpoint: string; serviceName: string } | null;
}

export class ConfigValidationError extends Error {
  override name = 'ConfigValidationError';
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    // Name the variables and the rule, never the values.
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigValidationError(`invalid configuration: ${problems.join('; ')}`);
  }
  const env = parsed.data;
  let bitrix: Config['bitrix'] | null = null;
  if (env.BITRIX_WEBHOOK_URL) {
    try {
      parseWebhookUrl(env.BITRIX_WEBHOOK_URL);
    } catch (error) {
      throw new ConfigValidationError(`invalid configuration: ${(error as Error).message}`);
    }
    bitrix = { kind: 'webhook', url: env.BITRIX_WEBHOOK_URL };
  } else if (env.BITRIX_OAUTH_CLIENT_ENDPOINT) {
    const missing = (
      [
        'BITRIX_OAUTH_ACCESS_TOKEN',
        'BITRIX_OAUTH_REFRESH_TOKEN',
        'BITRIX_OAUTH_CLIENT_ID',
        'BITRIX_OAUTH_CLIENT_SECRET',
      ] as const
    ).filter((key) => !env[key]);
    if (missing.length) throw new ConfigValidationError(`invalid configuration: OAuth needs ${missing.join(', ')}`);
    bitrix = {
      kind: 'oauth',
      clientEndpoint: env.BITRIX_OAUTH_CLIENT_ENDPOINT,
      accessToken: env.BITRIX_OAUTH_ACCESS_TOKEN!,
      refreshToken: env.BITRIX_OAUTH_REFRESH_TOKEN!,
      clientId: env.BITRIX_OAUTH_CLIENT_ID!,
      clientSecret: env.BITRIX_OAUTH_CLIENT_SECRET!,
      tokenUrl: env.BITRIX_OAUTH_TOKEN_URL,
    };
  }
  const base = env.BITRIX_PLAN === 'enterprise' ? PLANS.enterprise : PLANS.standard;
  if (env.BITRIX_PLAN === 'custom' && (!env.BITRIX_RATE_PER_SECOND || !env.BITRIX_RATE_BUCKET)) {
    throw new ConfigValidationError(
      'invalid configuration: BITRIX_PLAN=custom needs BITRIX_RATE_PER_SECOND and BITRIX_RATE_BUCKET',
    );
  }
  const security = securityConfig(env);
  // Checked last, so that a wrong value elsewhere is named first.
  if (!bitrix) {
    throw new ConfigValidationError(
      'invalid configuration: no portal: set BITRIX_WEBHOOK_URL (or the BITRIX_OAUTH_* variables); `npm start` runs the gateway over the demo portal instead',
    );
  }
  return {
    env: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    logLevel: env.LOG_LEVEL,
    bitrix,
    plan: {
      drainPerSecond: env.BITRIX_RATE_PER_SECOND ?? base.drainPerSecond,
      bucket: env.BITRIX_RATE_BUCKET ?? base.bucket,
    },
    eventsToken: env.BITRIX_EVENTS_TOKEN,
    redisUrl: env.REDIS_URL,
    bulkJobLeaseMs: env.BULK_JOB_LEASE_MS,
    readCache: { ttlMs: env.READ_CACHE_TTL_MS, maxEntries: env.READ_CACHE_MAX_ENTRIES },
    changeFeed: {
      intervalMs: env.CHANGE_FEED_INTERVAL_MS,
      deletionScanMs: env.CHANGE_FEED_DELETION_SCAN_MS,
      file: env.CHANGE_FEED_FILE,
    },
    operatingLimitSeconds: env.BITRIX_OPERATING_LIMIT_SECONDS,
    timeoutMs: env.BITRIX_TIMEOUT_MS,
    metadataTtlMs: env.METADATA_TTL_MS,
    schema: { namesFile: env.SCHEMA_NAMES_FILE, refreshMs: env.SCHEMA_REFRESH_MS },
    maxPageSize: env.MAX_PAGE_SIZE,
    deadlineMs: env.REQUEST_DEADLINE_MS,
    http: {
      headersTimeoutMs: Math.min(env.HTTP_HEADERS_TIMEOUT_MS, env.HTTP_REQUEST_TIMEOUT_MS),
      requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
    },
    graphiql: env.GRAPHIQL ?? env.NODE_ENV !== 'production',
    security,
    otel: env.OTEL_EXPORTER_OTLP_ENDPOINT
      ? { endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: env.OTEL_SERVICE_NAME }
      : null,
  };
}

/** Start-up refuses a real portal behind an open endpoint: that must be a decision
 * (GATEWAY_AUTH=off), not an accident. The embedded demo may run open. */
export function assertAuthDecision(config: Config): void {
  if (!config.security.apiKeys.length && !config.security.authOff) {
    throw new ConfigValidationError(
      'invalid configuration: a portal is configured but GATEWAY_API_KEYS is empty; set API keys, or GATEWAY_AUTH=off to serve it without authentication',
    );
  }
}

function securityConfig(env: Env): Config['security'] {
  let apiKeys: ApiKey[];
  let corsOrigins: string[];
  try {
    apiKeys = parseApiKeys(env.GATEWAY_API_KEYS);
    corsOrigins = parseCorsOrigins(env.CORS_ORIGINS);
  } catch (error) {
    throw new ConfigValidationError(`invalid configuration: ${(error as Error).message}`);
  }
  if (env.GATEWAY_AUTH === 'off' && apiKeys.length) {
    throw new ConfigValidationError('invalid configuration: GATEWAY_AUTH=off contradicts GATEWAY_API_KEYS; remove one');
  }
  if (env.GATEWAY_AUTH === 'on' && !apiKeys.length) {
    throw new ConfigValidationError('invalid configuration: GATEWAY_AUTH=on needs GATEWAY_API_KEYS');
  }
  if (env.GRAPHIQL && env.INTROSPECTION === false) {
    throw new ConfigValidationError(
      'invalid configuration: GRAPHIQL=true needs introspection (it loads the schema that way); INTROSPECTION=false contradicts it',
    );
  }
  if (env.PERSISTED_OPERATIONS_ONLY && !env.PERSISTED_OPERATIONS) {
    throw new ConfigValidationError(
      'invalid configuration: PERSISTED_OPERATIONS_ONLY needs PERSISTED_OPERATIONS (the manifest path)',
    );
  }
  const production = env.NODE_ENV === 'production';
  return {
    apiKeys,
    authOff: env.GATEWAY_AUTH === 'off',
    rateLimit:
      env.RATE_LIMIT_PER_SECOND > 0 ? { perSecond: env.RATE_LIMIT_PER_SECOND, burst: env.RATE_LIMIT_BURST } : null,
    trustProxy: env.TRUST_PROXY ?? false,
    corsOrigins,
    limits: {
      maxDepth: env.MAX_DEPTH,
      maxAliases: env.MAX_ALIASES,
      maxTokens: env.MAX_TOKENS,
      maxDirectives: env.MAX_DIRECTIVES,
      maxComplexity: env.MAX_COMPLEXITY,
      maxBodyBytes: env.MAX_BODY_BYTES,
    },
    // GraphiQL loads the schema by introspection: asking for one means the other.
    introspection: env.INTROSPECTION ?? env.GRAPHIQL ?? !production,
    suggestions: !production,
    persisted: env.PERSISTED_OPERATIONS
      ? { path: env.PERSISTED_OPERATIONS, only: env.PERSISTED_OPERATIONS_ONLY ?? false }
      : null,
  };
}
