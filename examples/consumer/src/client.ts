// A minimal GraphQL client over fetch for the generated string documents: typed results and
// variables, errors with their `extensions.code`, an optional API key, and persisted documents.
import type { TypedDocumentString } from './gql/graphql.js';

export interface ClientOptions {
  /** e.g. http://localhost:4000/graphql */
  url: string;
  /** Sent as `authorization: Bearer <key>` when the gateway requires API keys. */
  apiKey?: string;
  /** Send only the document's hash (APQ shape), for gateways serving an allow-list
   * (examples/consumer/src/gql/persisted-documents.json). Default: send the text. */
  persisted?: boolean;
  timeoutMs?: number;
}

export interface GraphQLErrorEntry {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

/** The gateway answered with errors (or a non-2xx status). */
export class GatewayRequestError extends Error {
  override name = 'GatewayRequestError';
  constructor(
    readonly status: number,
    readonly errors: GraphQLErrorEntry[],
  ) {
    super(`gateway: HTTP ${status}: ${errors.map((e) => `${e.extensions?.code ?? 'ERROR'} ${e.message}`).join('; ')}`);
  }
  get codes(): string[] {
    return this.errors.map((e) => e.extensions?.code ?? 'ERROR');
  }
}

/** The gateway could not be reached at all (not running, wrong URL, network down). */
export class GatewayUnreachableError extends Error {
  override name = 'GatewayUnreachableError';
}

/** A root field the schema declares nullable (it is null when it failed): here it never is,
 * since an answer with errors throws GatewayRequestError first. */
export function required<T>(value: T | null | undefined, field: string): T {
  if (value === null || value === undefined) throw new GatewayRequestError(200, [{ message: `${field} is null` }]);
  return value;
}

export function createClient(options: ClientOptions) {
  return async function execute<TResult, TVariables>(
    document: TypedDocumentString<TResult, TVariables>,
    variables: TVariables,
    headers: Record<string, string> = {},
  ): Promise<TResult> {
    // Codegen's id is `sha256:<hex>` (the key in persisted-documents.json); it travels in the
    // APQ shape that Yoga's persisted-operations plugin reads by default.
    const id = document.__meta__?.hash as string | undefined;
    const body =
      options.persisted && id
        ? { variables, extensions: { persistedQuery: { version: 1, sha256Hash: id.replace(/^sha256:/, '') } } }
        : { query: document.toString(), variables };
    let response: Response;
    try {
      response = await fetch(options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
          ...headers,
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      const { cause } = error as { cause?: { code?: string; message?: string } };
      const why = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new GatewayUnreachableError(
        `cannot reach the gateway at ${options.url} (${why}); is it running? (npm start, or set GATEWAY_URL)`,
      );
    }
    const text = await response.text();
    let payload: { data?: TResult | null; errors?: GraphQLErrorEntry[] };
    try {
      payload = JSON.parse(text);
    } catch {
      throw new GatewayRequestError(response.status, [{ message: `not JSON: ${text.slice(0, 200)}` }]);
    }
    if (payload.errors?.length || !payload.data) {
      throw new GatewayRequestError(response.status, payload.errors ?? [{ message: 'no data' }]);
    }
    return payload.data;
  };
}

export type Execute = ReturnType<typeof createClient>;
