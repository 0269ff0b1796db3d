// Configuration from the environment, validated at start. Error messages name the variable
// and never echo its value (BITRIX_WEBHOOK_URL and the OAuth values are secrets).
import { z } from 'zod';
import { parseWebhookUrl } from './bitrix/auth.js';
import { PLANS, type RateLimitPlan } from './bitrix/limiter.js';

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
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  /** The outgoing webhook's application token: enables POST /bitrix/events. */
  BITRIX_EVENTS_TOKEN: z.string().min(8).optional(),
  METADATA_TTL_MS: int(0, 86_400_000).default(300_000),
  MAX_PAGE_SIZE: int(1, 2_500).default(2_500),
  REQUEST_DEADLINE_MS: int(1_000, 600_000).default(30_000),
  GRAPHIQL: bool.optional(),
  /** Embedded demo portal: size and whether its rate limit is on. */
  DEMO_SIZE: z.enum(['small', 'large']).default('small'),
  DEMO_RATE_LIMIT: bool.optional(),
});

export type Env = z.infer<typeof schema>;

export interface Config {
  env: Env['NODE_ENV'];
  port: number;
  host: string;
  logLevel: Env['LOG_LEVEL'];
  /** null: no portal configured, start the embedded demo portal. */
  bitrix:
    | { kind: 'webhook'; url: string }
    | {
        kind: 'oauth';
        clientEndpoint: string;
        accessToken: string;
        refreshToken: string;
        clientId: string;
        clientSecret: string;
        tokenUrl?: string;
      }
    | null;
  plan: RateLimitPlan;
  eventsToken: string | undefined;
  redisUrl: string | undefined;
  /** Per-method execution budget over 10 minutes (cloud: 480 s). */
  operatingLimitSeconds: number;
  timeoutMs: number;
  metadataTtlMs: number;
  maxPageSize: number;
  deadlineMs: number;
  graphiql: boolean;
  demo: { size: 'small' | 'large'; rateLimit: boolean };
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
  let bitrix: Config['bitrix'] = null;
  if (env.BITRIX_WEBHOOK_URL) {
    try {
      parseWebhookUrl(env.BITRIX_WEBHOOK_URL);
    } catch (error) {
      throw new ConfigValidationError(`invalid configuration: ${(error as Error).message}`);
    }
    bitrix = { kind: 'webhook', url: env.BITRIX_WEBHOOK_URL };
  } else if (env.BITRIX_OAUTH_CLIENT_ENDPOINT) {
    const missing = (['BITRIX_OAUTH_ACCESS_TOKEN', 'BITRIX_OAUTH_REFRESH_TOKEN', 'BITRIX_OAUTH_CLIENT_ID', 'BITRIX_OAUTH_CLIENT_SECRET'] as const).filter(
      (key) => !env[key],
    );
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
    throw new ConfigValidationError('invalid configuration: BITRIX_PLAN=custom needs BITRIX_RATE_PER_SECOND and BITRIX_RATE_BUCKET');
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
    operatingLimitSeconds: env.BITRIX_OPERATING_LIMIT_SECONDS,
    timeoutMs: env.BITRIX_TIMEOUT_MS,
    metadataTtlMs: env.METADATA_TTL_MS,
    maxPageSize: env.MAX_PAGE_SIZE,
    deadlineMs: env.REQUEST_DEADLINE_MS,
    graphiql: env.GRAPHIQL ?? env.NODE_ENV !== 'production',
    demo: { size: env.DEMO_SIZE, rateLimit: env.DEMO_RATE_LIMIT ?? true },
  };
}
