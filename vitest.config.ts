import { defineConfig } from 'vitest/config';

/**
 * Two groups. Unit tests (all in one process, see below), then API and docs tests (Chromium
 * without media), as many files at a time as Vitest's default allows (one on 2 cores: with two, a
 * PostgreSQL-backed file once lost its fresh schema mid-migration, not yet understood). Tests that move real media (native WebRTC bots,
 * Chromium tabs, recordings) run one file at a time afterwards: on a 2-core machine, parallel
 * media files starve each other's encoders and time out, which measures the machine, not Parley.
 */
const MEDIA_TESTS = ['test/rtc/**/*.test.ts', 'test/cluster/**/*.test.ts', 'test/abuse/**/*.media.test.ts', 'test/browser/**/*.test.ts', 'test/sdk/**/*.test.ts', 'test/recording/**/*.test.ts', 'test/console/browser.test.ts'];

const shared = {
  testTimeout: 30_000,
  hookTimeout: 60_000,
  // Server tests bind ports and share PostgreSQL/Redis; forks keep them isolated from each other.
  pool: 'forks' as const,
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts'],
          // Unit tests leave no state behind them, so one process runs them all: importing the
          // server's modules again for each of 80 files cost twice the tests' own time (measured
          // 92 s isolated against 44 s not).
          isolate: false,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...shared,
          name: 'fast',
          include: ['test/**/*.test.ts'],
          exclude: MEDIA_TESTS,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...shared,
          name: 'media',
          include: MEDIA_TESTS,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
