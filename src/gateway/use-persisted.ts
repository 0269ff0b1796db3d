// Persisted (trusted) operations: the manifest that the consumers' GraphQL Code Generator writes
// (client preset, `persistedDocuments`: a JSON map hash → document). With
// PERSISTED_OPERATIONS_ONLY the gateway runs only those documents; otherwise they are served by
// id next to arbitrary documents. A client sends `{"documentId": "<hash>"}` or the APQ shape
// `{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "<hex>"}}}`.
import { readFile } from 'node:fs/promises';
import { parse } from 'graphql';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import { ErrorCode, requestError } from '../schema/error-codes.js';

export interface PersistedOptions {
  /** hash → document, as in persisted-documents.json. */
  documents: ReadonlyMap<string, string>;
  /** Refuse documents that are not in the manifest. */
  only: boolean;
}

/** Reads and checks a manifest; every document must parse. Errors name the variable. */
export async function loadPersistedDocuments(path: string): Promise<Map<string, string>> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(
      `PERSISTED_OPERATIONS: cannot read ${path} as JSON (${(error as NodeJS.ErrnoException).code ?? (error as Error).name})`,
    );
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new Error(`PERSISTED_OPERATIONS: ${path} must be a JSON object of hash → document`);
  const documents = new Map<string, string>();
  for (const [hash, document] of Object.entries(raw)) {
    if (typeof document !== 'string')
      throw new Error(`PERSISTED_OPERATIONS: the entry ${hash} is not a document string`);
    try {
      parse(document);
    } catch {
      throw new Error(`PERSISTED_OPERATIONS: the document ${hash} does not parse`);
    }
    documents.set(hash, document);
  }
  return documents;
}

function documentId(params: GraphQLParams & { documentId?: unknown }): string | null {
  if (typeof params.documentId === 'string') return params.documentId;
  const apq = (params.extensions as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } } | undefined)
    ?.persistedQuery;
  return apq?.version === 1 && typeof apq.sha256Hash === 'string' ? apq.sha256Hash : null;
}

export function usePersisted(options: PersistedOptions): Plugin {
  // Codegen writes sha256 ids as `sha256:<hex>`; APQ clients send the bare hex.
  const lookup = (id: string) => options.documents.get(id) ?? options.documents.get(`sha256:${id}`) ?? null;
  return usePersistedOperations({
    allowArbitraryOperations: !options.only,
    extractPersistedOperationId: (params) => documentId(params),
    getPersistedOperation: (id) => lookup(id),
    customErrors: {
      notFound: () => requestError(ErrorCode.PERSISTED_QUERY_NOT_FOUND, 'No persisted operation has this id.', 400),
      persistedQueryOnly: () =>
        requestError(
          ErrorCode.PERSISTED_QUERY_REQUIRED,
          'This gateway runs persisted operations only: send a `documentId`.',
          400,
        ),
      keyNotFound: () => requestError(ErrorCode.BAD_REQUEST, 'Send a `query` or a persisted `documentId`.', 400),
    },
  }) as Plugin;
}
