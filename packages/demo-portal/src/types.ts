// The embedded Bitrix24 portal's internal contract: how the HTTP front (server, batch, limits,
// faults) hands a parsed call to a method handler, and what a handler gives back.
// The emulator is the other side of the wire: nothing here is imported by src/upstream/ or src/crm/.

/** Parameters as PHP would see them. From JSON bodies values keep their JSON types; from
 * query strings, form bodies and batch `cmd` strings every leaf is a string (PHP-style nested
 * keys already expanded into objects/arrays). Handlers must accept both. */
export type Params = Record<string, unknown>;

/** A Bitrix error envelope `{error, error_description}` with its HTTP status. Thrown by handlers. */
export class ApiError extends Error {
  constructor(
    /** A number where the docs show one (e.g. `"error": 0` for crm.type.get, crm-type-get.md). */
    readonly code: string | number,
    readonly description: string,
    readonly status: number = 400,
  ) {
    super(`${code}: ${description}`);
    this.name = 'ApiError';
  }
}

/** What a method returns: `result`, plus `total`/`next` for list methods (top-level siblings). */
export interface MethodResult {
  result: unknown;
  total?: number;
  next?: number;
}

export interface MethodContext {
  /** Id of the user the call runs as (the webhook owner, or the OAuth token's user). */
  userId: number;
  /** The portal clock; ISO rendering uses the portal's UTC offset. */
  now(): Date;
  /** True when the call is one command of a `batch`. */
  inBatch: boolean;
}

export type MethodHandler = (params: Params, ctx: MethodContext) => MethodResult;

/** Lower-cased method name → handler. */
export type MethodTable = Record<string, MethodHandler>;

/** Demo-data sizes. `small` is for tests, `large` for benchmarks. */
export interface DemoSizes {
  users: number;
  companies: number;
  contacts: number;
  /** Cards per smart-process type (type 128 gets `cardsPerType`; others a quarter of it). */
  cardsPerType: number;
  deals: number;
  leads: number;
}

export const DEMO_SIZES: Record<'small' | 'large', DemoSizes> = {
  small: { users: 16, companies: 20, contacts: 120, cardsPerType: 160, deals: 80, leads: 60 },
  large: { users: 60, companies: 400, contacts: 4000, cardsPerType: 10_000, deals: 2000, leads: 1000 },
};

export interface PortalOptions {
  /** Loopback port; 0 (default) picks a free one. */
  port?: number;
  host?: string;
  /** The webhook owner (default 1). */
  userId?: number;
  /** The webhook secret (default a fixed demo value). */
  secret?: string;
  /** Seed for the deterministic demo data and fault randomness (default 42). */
  seed?: number;
  size?: 'small' | 'large' | DemoSizes;
  /** Portal UTC offset used when rendering datetimes (default '+03:00'). */
  utcOffset?: string;
  /** Leaky bucket: +1 per HTTP request (a batch counts once), drains `drainPerSecond`;
   * above `bucket` answers 503 QUERY_LIMIT_EXCEEDED. Disabled by default (unit tests). */
  rateLimit?: { enabled: boolean; drainPerSecond?: number; bucket?: number };
  /** Per-method operating budget (seconds over a 10-minute window) answering 429
   * OPERATION_TIME_LIMIT; `costSeconds` is the simulated execution time charged per call of
   * a method (default: measured time). Disabled by default. */
  operatingLimit?: { enabled: boolean; limitSeconds?: number; windowSeconds?: number; costSeconds?: number };
  /** Fixed latency added to every HTTP response (ms), to look like a remote portal. */
  latencyMs?: number;
  /** OAuth: when set, `/rest/<method>?auth=<token>` is accepted and `/oauth/token/` issues tokens. */
  oauth?: { clientId: string; clientSecret: string; accessTokenTtlSeconds?: number };
}

export type FaultKind =
  | 'http500' // 500 INTERNAL_SERVER_ERROR, nothing executed
  | 'http503' // 503 QUERY_LIMIT_EXCEEDED, nothing executed
  | 'slow' // the response is delayed by `slowMs`
  | 'drop' // the connection is destroyed before anything executes
  | 'dropAfterCommit' // the method executes (writes commit), then the connection is destroyed
  | 'truncate'; // the method executes and a truncated JSON body is sent

export interface FaultConfig {
  /** Probability (0..1) that a request gets one of `kinds`. */
  rate: number;
  kinds: FaultKind[];
  /** Only requests whose top-level method (lower-case) is in this list; default all. */
  methods?: string[];
  slowMs?: number;
}

export interface Counters {
  /** HTTP requests that reached a method (after auth), including rejected by limits. */
  httpRequests: number;
  /** Commands executed inside batches. */
  batchCommands: number;
  /** Top-level HTTP calls per lower-case method ('batch' for batches). */
  byMethod: Record<string, number>;
  /** Executed commands per lower-case method, direct or inside a batch. */
  commandsByMethod: Record<string, number>;
  /** Requests answered 503 QUERY_LIMIT_EXCEEDED by the bucket (not by fault injection). */
  rateLimited: number;
  /** Requests/commands answered 429 OPERATION_TIME_LIMIT. */
  operatingLimited: number;
  /** Faults injected, by kind. */
  faults: Partial<Record<FaultKind, number>>;
  /** Highest bucket fill level observed (for "stays within its bucket" assertions). */
  maxBucketLevel: number;
}

/** A committed change, for outgoing-webhook events (ONCRM…ADD/UPDATE/DELETE). */
export interface ChangeEvent {
  /** 1 lead, 2 deal, 3 contact, 4 company, ≥128 smart process. */
  entityTypeId: number;
  id: number;
  action: 'add' | 'update' | 'delete';
}

/** A change of the portal's metadata for outgoing events: a custom field added
 * (ONCRMCONTACTUSERFIELDADD, ONCRMTYPEUSERFIELDADD, …SETENUMVALUES) or a smart process added
 * (ONCRMTYPEADD). `fields` is `data.FIELDS` of the event, as the event pages show it. */
export interface MetaEvent {
  event: string;
  fields: Record<string, string>;
}

/** The data side of the portal (built by `createPortalState` in state.ts): the method table
 * over an in-memory store seeded with deterministic demo data. */
export interface PortalState {
  methods: MethodTable;
  /** Subscribe to committed changes; returns an unsubscribe function. */
  onChange(listener: (event: ChangeEvent) => void): () => void;
  /** Subscribe to metadata changes (custom fields, smart-process types). */
  onMeta?(listener: (event: MetaEvent) => void): () => void;
  /** Told the portal's origin once it listens (absolute links in answers). */
  setOrigin?(origin: string): void;
}

/** A running portal (started by `startPortal` in portal.ts). */
export interface Portal {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** `<origin>/rest/<userId>/<secret>/` */
  readonly webhookUrl: string;
  readonly counters: Counters;
  readonly state: PortalState;
  resetCounters(): void;
  /** Fault injection, switchable at run time; `null` turns it off. */
  setFaults(config: FaultConfig | null): void;
  setRateLimit(config: NonNullable<PortalOptions['rateLimit']>): void;
  setOperatingLimit(config: NonNullable<PortalOptions['operatingLimit']>): void;
  close(): Promise<void>;
}
