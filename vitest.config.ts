import { defineConfig } from 'vitest/config';

// Four projects: fast unit tests, integration tests with real brokers and files,
// end-to-end tests driving Debian's Chromium, and the long soak/fault runs.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'protocol/**/*.test.ts',
            'control-server/**/*.test.ts',
            'kiosk/**/*.test.ts',
            'hardware/**/*.test.ts',
            'scripts/**/*.test.ts',
          ],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: [
            'test/integration/**/*.test.ts',
            '**/*.int.test.ts',
            'test/fault/**/*.test.ts',
            'test/security/**/*.test.ts',
          ],
          exclude: ['**/node_modules/**', '**/*.soak.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
          // Outcomes, not speed: on a loaded 2-core machine a poll may need more than the default 1 s.
          expect: { poll: { timeout: 10_000 } },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          expect: { poll: { timeout: 15_000 } },
        },
      },
      {
        test: {
          name: 'soak',
          include: ['test/**/*.soak.test.ts'],
          testTimeout: 1_800_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
