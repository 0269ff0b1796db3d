// One structured log line per GraphQL request: request id (the client's x-request-id when it
// sent a plain one, else a new UUID; echoed in the response), caller (the key's name), operation
// name and type, HTTP status, duration, upstream cost and error codes. Headers are never logged,
// so neither Authorization nor x-api-key can reach a log line; the logger also scrubs registered
// secrets (the webhook secret) from every field.
import { getOperationAST, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { stateOf, type RequestState } from './request-state.js';

interface GraphQLState extends RequestState {
  graphql?: boolean;
}

export function useRequestLog(options: { logger: Logger; onDone?: (state: RequestState) => void }): Plugin {
  const { logger } = options;
  return {
    onRequest({ request }) {
      stateOf(request); // starts the clock
    },
    onRequestParse({ request }) {
      (stateOf(request) as GraphQLState).graphql = true;
    },
    onParse({ context }) {
      const { request, params } = context as { request?: Request; params?: { operationName?: string | null } };
      return ({ result }) => {
        if (!request || !result || result instanceof Error) return;
        const state = stateOf(request);
        const operation = getOperationAST(result as DocumentNode, params?.operationName ?? undefined);
        state.operationType = operation?.operation;
        state.operationName = operation?.name?.value ?? params?.operationName ?? undefined;
      };
    },
    onResultProcess({ request, result }) {
      const state = stateOf(request);
      for (const one of Array.isArray(result) ? result : [result]) {
        const errors = (one as { errors?: readonly { extensions?: { code?: unknown } }[] }).errors ?? [];
        for (const error of errors) state.codes.push(String(error.extensions?.code ?? 'UNKNOWN'));
      }
    },
    onResponse({ request, response }) {
      const state = stateOf(request) as GraphQLState;
      response.headers.set('x-request-id', state.id);
      if (!state.graphql) return;
      options.onDone?.(state);
      if (!logger.isLevelEnabled('info')) return; // production at warn: no line to build
      logger.info(
        {
          requestId: state.id,
          caller: state.caller?.name,
          operation: state.operationName ?? null,
          type: state.operationType ?? null,
          status: response.status,
          ms: Math.round((performance.now() - state.startedAt) * 10) / 10,
          upstream: state.meter ? { ...state.meter } : undefined,
          errors: state.codes.length ? state.codes : undefined,
        },
        'graphql request',
      );
    },
  };
}
