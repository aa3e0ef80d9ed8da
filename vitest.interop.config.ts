import { defineConfig } from 'vitest/config';

// The interop suite: real daemons from Debian's packages on 127.43.x.y (npm run test:interop).
export default defineConfig({
  test: {
    include: ['test/interop/**/*.test.ts'],
    pool: 'forks',
    // A temporary history store for every test process (never the real home).
    setupFiles: ['test/setup-store.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
