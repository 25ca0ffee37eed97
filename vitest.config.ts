import { defineConfig } from 'vitest/config';

// Unit tests run in parallel; integration tests share one Docker engine and its layer cache, so they run one file at a time.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 20_000 } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
      // Real AWS: runs only with KILN_AWS_ACCEPTANCE=1 (npm run test:aws), and then fails if credentials or settings are missing; otherwise reported as skipped.
      { test: { name: 'aws-acceptance', include: ['test/acceptance/**/*.test.ts'], fileParallelism: false, testTimeout: 3_600_000, hookTimeout: 1_800_000 } },
      { test: { name: 'ui', include: ['test/ui/**/*.test.{ts,tsx}'], exclude: ['test/ui/e2e/**'], testTimeout: 20_000 } },
      {
        // A real terminal (tmux) and the real Docker engine: after the other projects, so their leftover checks see none of it.
        test: { name: 'ui-e2e', include: ['test/ui/e2e/**/*.test.ts'], fileParallelism: false, testTimeout: 600_000, hookTimeout: 600_000, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
