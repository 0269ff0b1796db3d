// Queries run compiled by graphql-jit (@envelop/graphql-jit). Its cache is keyed by the parsed
// document, and Yoga hands the same document to every schema: so each schema the gateway serves
// (the portal's schema is rebuilt when its metadata changes) gets its own compiler and cache.
import { useGraphQlJit } from '@envelop/graphql-jit';
import { getOperationAST, type GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export function useJit(): Plugin {
  const bySchema = new WeakMap<GraphQLSchema, ReturnType<typeof useGraphQlJit>>();
  const jitOf = (schema: GraphQLSchema) => {
    let plugin = bySchema.get(schema);
    if (!plugin) {
      // Mutations keep the reference executor (their typed error unions resolve through Pothos'
      // isTypeOf).
      plugin = useGraphQlJit(
        {},
        { enableIf: (args) => getOperationAST(args.document, args.operationName)?.operation === 'query' },
      );
      bySchema.set(schema, plugin);
    }
    return plugin;
  };
  return {
    onExecute(payload) {
      return jitOf(payload.args.schema).onExecute?.(payload as never);
    },
  };
}
