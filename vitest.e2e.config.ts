import { defineConfig } from 'vitest/config';

/** `npm run test:e2e`: the deployed API over HTTPS; no embedded DynamoDB. */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 30_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
