// GraphQL Code Generator for consumers of the gateway: a typed client (client preset, string
// documents for Node backends, persisted-document hashes) generated from the committed
// schema.graphql and the operations of examples/consumer, and the `possibleTypes` map Apollo
// Client's cache needs. `npm run codegen`.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['examples/consumer/src/**/*.ts', '!examples/consumer/src/gql/**'],
  ignoreNoDocuments: true,
  generates: {
    'examples/consumer/src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false, persistedDocuments: { hashAlgorithm: 'sha256' } },
      config: {
        documentMode: 'string',
        // The consumer is an ESM package type-checked with NodeNext: relative imports need `.js`.
        importExtension: '.js',
        useTypeImports: true,
        enumType: 'string-literal',
        strictScalars: true,
        scalars: { DateTime: 'string', LocalDate: 'string', JSON: 'unknown', JSONObject: 'Record<string, unknown>' },
      },
    },
    // Apollo Client needs the union/interface members to match `... on Error` fragments (without
    // them it silently drops those fields): new InMemoryCache({ possibleTypes }).
    'examples/consumer/src/gql/possible-types.ts': {
      plugins: ['fragment-matcher'],
      config: { apolloClientVersion: 3, useExplicitTyping: true },
    },
  },
};

export default config;
