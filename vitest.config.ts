import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // RSA key generation and openssl processes are CPU-bound: two cores, two workers.
    maxWorkers: 2,
  },
});
