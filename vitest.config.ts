import { defineConfig } from 'vitest/config';

/**
 * Two groups. Unit tests (all in one process, see below) and API and docs tests (Chromium without
 * media), two files at a time: they wait on sockets and databases as much as on the CPU, and each
 * file has its own server, data folder, PostgreSQL schema and Redis prefix (test/support). Two at
 * a time took them from 363 s to 260 s on 2 cores. (Side by side, a file's migration used to fail
 * when another file dropped its schema meanwhile: Kysely's introspector read every schema of the
 * database; store/currentSchemaIntrospector.ts reads Parley's own.) Tests that move real media
 * (native WebRTC bots, Chromium tabs, recordings) run one file at a time afterwards: on a 2-core
 * machine, parallel media files starve each other's encoders and time out, which measures the
 * machine, not Parley.
 */
const MEDIA_TESTS = ['test/rtc/**/*.test.ts', 'test/cluster/**/*.test.ts', 'test/abuse/**/*.media.test.ts', 'test/browser/**/*.test.ts', 'test/sdk/**/*.test.ts', 'test/recording/**/*.test.ts', 'test/console/browser.test.ts'];

const shared = {
  testTimeout: 30_000,
  hookTimeout: 60_000,
  // Server tests bind ports and share PostgreSQL/Redis; forks keep them isolated from each other.
  pool: 'forks' as const,
  // expect.poll waits for pages to hydrate and servers to catch up: Vitest's 1 s default failed the
  // docs tester's hydration wait in CI while two files ran side by side. A poll that holds returns at once.
  expect: { poll: { timeout: 10_000 } },
};

export default defineConfig({
  test: {
    maxWorkers: 2,
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
          // One process for all of them, as for the unit tests: a fresh one per file imported the
          // server, werift and Playwright again each time, about 2 s a file (the 50 files took 848 s
          // against 683 s, with 204 s against 96 s between files). Each file still starts and
          // stops its own servers, browsers and bots; the few that spy on modules or fake timers
          // restore them in afterEach.
          isolate: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
