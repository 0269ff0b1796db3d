import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 ships both index.mjs and index.js; Vite would pick the .mjs for test files while
    // Node gives libraries (Pothos, Yoga) the .js: two realms. Pin everyone to Node's choice.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Each file starts its own emulator on a random loopback port; files run in parallel workers.
    pool: 'forks',
  },
});
