import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/interop/**', 'node_modules/**'],
    pool: 'forks',
    // A temporary history store for every test process (never the real home).
    setupFiles: ['test/setup-store.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Each test file starts its own simulated site on its own 127.42.N.0/24 block.
    fileParallelism: true,
  },
});
