// Records what each operation selects on every type (src/schema/selection.ts) in its context,
// for the upstream select lists of cards and contacts.
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../schema/context.js';
import { selectionOf } from '../schema/selection.js';

export function useSelection(): Plugin {
  return {
    onExecute({ args }) {
      (args.contextValue as Partial<Context>).selection = selectionOf(args.schema, args.document, args.operationName);
    },
  };
}
