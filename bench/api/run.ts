/**
 * `npm run bench:api`: how fast an authenticated `GET /v1/projects/{projectId}/channels/{channel}`
 * is next to a bare Fastify hello-world on the same machine in the same run, and Parley's p99 at
 * half its measured maximum load. Owns the load generation (autocannon, in this process), the
 * checks that every measured response is a real answer, the printed table and the files in
 * bench/results/. The servers run in child processes (bareServer.ts, parleyServer.ts) so that
 * autocannon never shares an event loop with the server it measures.
 *
 * Rate limits: an enterprise account may make 1,000 requests a minute, far fewer than a benchmark
 * sends. Rather than switch the limit off (it is part of each request's cost and must keep
 * running), the load is spread round-robin over enough accounts that none reaches its limit.
 * Each run gets its own accounts, sized with headroom from the best throughput estimate at hand
 * (bare Fastify's for the warm-up, the warm-up's for the full run, the fixed rate for half load);
 * should a limit bind anyway, the 429s fail the run rather than flatter it.
 *
 * The ratio is the median of rounds that each measure bare Fastify and then Parley, one after the
 * other: on a shared VM either can lose half its speed for minutes, and two single runs of the
 * same request path read 0.25 and 0.47 (bare Fastify 50,700 and 24,300 req/s); pairs next to each
 * other, and their median, are what the noise moves least.
 *
 * Options: `--store sqlite|postgres|both` (default both: SQLite + memory, then PostgreSQL + Redis,
 * each with its own bare runs and ratio); `--rounds N` (default 3): bare/Parley pairs a store;
 * `--profile <dir>`: the Parley server runs under `node --cpu-prof` and leaves its profile there
 * (numbers printed only, since the profiler slows it).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { PLAN_RATE_LIMITS } from '@parley/server';
import type { BenchStore } from './parleyServer.ts';
import { sourceState } from '../sourceState.ts';
import { channelRequests, REQUESTS_PER_ACCOUNT, startChild, type ChildServer } from './childServer.ts';

// Same load shape for both servers, so the ratio compares the servers and nothing else.
const CONNECTIONS = 10;
const PIPELINING = 1;
const WARMUP_SECONDS = 2;
const DURATION_SECONDS = 10;

const GOALS = { minRatio: 0.5, maxHalfLoadP99Ms: 5 };
/** More failed requests than this makes the numbers meaningless (429s answer faster than 200s). */
const MAX_FAILED_SHARE = 0.01;

/** Headroom over the throughput estimate a run's accounts are sized from. */
const ESTIMATE_HEADROOM = 2;

const resultsDir = path.resolve(import.meta.dirname, '../results');

// ---------------------------------------------------------------------------------------------
// Accounts for Parley runs

/** Requests for enough accounts that `expectedRate` req/s for `seconds`, with headroom, stays under each one's budget. */
function accountRequests(parley: ChildServer, expectedRate: number, seconds: number): Promise<autocannon.Request[]> {
  return channelRequests(parley, expectedRate * seconds * ESTIMATE_HEADROOM);
}

// ---------------------------------------------------------------------------------------------
// Measuring

interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  p99_9: number;
  mean: number;
  max: number;
}

interface RunSummary {
  title: string;
  seconds: number;
  overallRate: number | null;
  accounts: number | null;
  /** Mean of autocannon's per-second samples. */
  reqPerSec: number;
  totalRequests: number;
  /** Most requests any one account received (round-robin: total / accounts, rounded up). */
  maxRequestsPerAccount: number | null;
  /** Of 2xx responses, from autocannon's own per-response timings, to the microsecond. */
  latencyMs: Percentiles;
  /**
   * autocannon's summary: its histogram keeps whole milliseconds (sub-millisecond responses count
   * as 0) and, at a fixed rate, adds coordinated-omission corrections.
   */
  autocannonLatencyMs: Percentiles;
  /** CPU time over wall time: near 1 means that process was the bottleneck (one core each). */
  cpu: { server: number; loadGenerator: number };
  /**
   * Server CPU time per answered request: what the request path costs, which other load on a
   * shared machine changes far less than req/s (that load takes cores away, not cycles per request).
   */
  serverCpuMicrosPerRequest: number;
  /**
   * The kernel's part of it, mostly the sockets' reads and writes: on loopback a response's write
   * also runs the receiving end's TCP path and wakes autocannon when it sleeps.
   */
  serverKernelMicrosPerRequest: number;
  statusCodes: Record<string, number>;
  errors: number;
  timeouts: number;
}

/** Nearest-rank percentiles of latencies in ms, rounded to the microsecond. */
function percentiles(values: Float64Array): Percentiles {
  const sorted = values.slice().sort();
  const round = (ms: number) => Math.round(ms * 1000) / 1000;
  const at = (p: number) => round(sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0);
  let sum = 0;
  for (const value of sorted) sum += value;
  return { p50: at(50), p90: at(90), p99: at(99), p99_9: at(99.9), mean: round(sorted.length ? sum / sorted.length : 0), max: round(sorted.at(-1) ?? 0) };
}

/** The server's CPU time so far, µs, in user space and in the kernel. */
function serverCpuMicros(server: ChildServer): Promise<{ user: number; system: number }> {
  return server.ask<{ user: number; system: number }>({ bench: 'cpu' });
}

async function measure(title: string, server: ChildServer, requests: autocannon.Request[], seconds: number, overallRate?: number): Promise<RunSummary> {
  process.stdout.write(`  ${title} (${seconds} s${overallRate ? `, ${overallRate} req/s fixed` : ''})…\n`);
  // Latencies go into a growing typed array: a store per response, cheap next to a request.
  let latencies = new Float64Array(1 << 20);
  let count = 0;
  const serverCpuBefore = await serverCpuMicros(server);
  const ownCpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const instance = autocannon({
    title,
    url: server.url,
    connections: CONNECTIONS,
    pipelining: PIPELINING,
    duration: seconds,
    requests,
    ...(overallRate ? { overallRate } : {}),
  });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode < 200 || statusCode >= 300) return;
    if (count === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[count++] = responseTime;
  });
  const result = await instance;
  const wallMicros = (performance.now() - wallBefore) * 1000;
  const ownCpu = process.cpuUsage(ownCpuBefore);
  const serverCpuAfter = await serverCpuMicros(server);
  const serverKernel = serverCpuAfter.system - serverCpuBefore.system;
  const serverCpu = serverCpuAfter.user - serverCpuBefore.user + serverKernel;

  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count: n }]) => [code, n]));
  // autocannon counts timeouts among errors too.
  const failed = result.non2xx + result.errors;
  const attempted = result['2xx'] + result.non2xx + result.errors;
  if (result['2xx'] === 0 || failed / attempted > MAX_FAILED_SHARE) {
    throw new Error(
      `${title}: ${failed} of ${attempted} requests failed (status codes ${JSON.stringify(statusCodes)}, ` +
        `${result.errors} errors of which ${result.timeouts} timeouts); the numbers would not measure the real path`,
    );
  }
  const share = (micros: number) => Math.round((micros / wallMicros) * 100) / 100;
  return {
    title,
    seconds,
    overallRate: overallRate ?? null,
    accounts: null,
    reqPerSec: result.requests.average,
    totalRequests: result.requests.total,
    maxRequestsPerAccount: null,
    latencyMs: percentiles(latencies.subarray(0, count)),
    autocannonLatencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      p99_9: result.latency.p99_9,
      mean: result.latency.mean,
      max: result.latency.max,
    },
    cpu: { server: share(serverCpu), loadGenerator: share(ownCpu.user + ownCpu.system) },
    serverCpuMicrosPerRequest: Math.round(serverCpu / Math.max(1, result.requests.total)),
    serverKernelMicrosPerRequest: Math.round(serverKernel / Math.max(1, result.requests.total)),
    statusCodes,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

async function measureParley(title: string, parley: ChildServer, expectedRate: number, seconds: number, overallRate?: number): Promise<RunSummary> {
  const requests = await accountRequests(parley, expectedRate, seconds);
  const summary = await measure(title, parley, requests, seconds, overallRate);
  return { ...summary, accounts: requests.length, maxRequestsPerAccount: Math.ceil(summary.totalRequests / requests.length) };
}

// ---------------------------------------------------------------------------------------------
// Reporting

function formatNumber(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Writes next to a temporary name first, so an interrupted run never leaves half a file. */
function writeAtomically(file: string, text: string): void {
  fs.writeFileSync(`${file}.tmp`, text);
  fs.renameSync(`${file}.tmp`, file);
}

// ---------------------------------------------------------------------------------------------

const { values: args } = parseArgs({
  options: {
    // Which backends the Parley server runs on; `both` measures each, one after the other.
    store: { type: 'string', default: 'both' },
    // Bare/Parley pairs a store; the ratio is their median.
    rounds: { type: 'string', default: '3' },
    // A directory: the Parley server writes a V8 CPU profile there (node --cpu-prof) when it exits.
    profile: { type: 'string' },
  },
  strict: true,
});
const STORE_CHOICES = { sqlite: ['sqlite'], postgres: ['postgres'], both: ['sqlite', 'postgres'] } as const satisfies Record<string, readonly BenchStore[]>;
if (!Object.hasOwn(STORE_CHOICES, args.store)) throw new Error('--store must be sqlite, postgres or both');
const stores: readonly BenchStore[] = STORE_CHOICES[args.store as keyof typeof STORE_CHOICES];
const ROUNDS = Number(args.rounds);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1 || ROUNDS > 20) throw new Error('--rounds must be a whole number from 1 to 20');
const profileArgs = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(args.profile)}`] : [];
const STORE_NAMES: Record<BenchStore, string> = { sqlite: 'SQLite + memory', postgres: 'PostgreSQL + Redis' };

/** One bare run and the Parley run right after it. */
interface Round {
  bare: RunSummary;
  parley: RunSummary;
  ratio: number;
}

interface StoreResult {
  store: BenchStore;
  /** The round whose ratio is the median: the tables show its two runs. */
  bare: RunSummary;
  parley: RunSummary;
  /** Median of the rounds' Parley / bare req/s. */
  ratio: number;
  rounds: Round[];
  halfRate: number;
  halfLoad: RunSummary;
  warmups: { parley: RunSummary };
  accounts: { warmup: number | null; full: number | null; halfLoad: number | null; maxRequestsEach: number };
}

/** One store's runs: a warm-up, the bare/Parley rounds, then Parley at half the median round's rate. */
async function measureStore(store: BenchStore, bare: ChildServer): Promise<StoreResult> {
  const parley = await startChild('parleyServer.ts', `parley ${store}`, [store], profileArgs);
  try {
    process.stdout.write(`${STORE_NAMES[store]}: bare Fastify at ${bare.url}, Parley at ${parley.url}\n`);
    // Sequential runs: on a shared machine two servers under load at once would slow each other.
    const bareRun = (round: number) => measure(`bare Fastify GET / (round ${round})`, bare, BARE_REQUESTS, DURATION_SECONDS);
    const firstBare = await bareRun(1);
    // Parley's path does everything Fastify's does and more, so bare throughput bounds its warm-up.
    const parleyWarmup = await measureParley('Parley warm-up', parley, firstBare.reqPerSec, WARMUP_SECONDS);
    const rounds: Round[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const bareOfRound = round === 1 ? firstBare : await bareRun(round);
      // A 2 s warm-up can run well below the full run (the JIT is still at work), so the full run's
      // accounts cover at least bare Fastify's rate, which Parley cannot exceed (the headroom is applied on top).
      const estimate = Math.max(rounds.at(-1)?.parley.reqPerSec ?? parleyWarmup.reqPerSec, bareOfRound.reqPerSec / ESTIMATE_HEADROOM);
      const parleyRun = await measureParley(`Parley GET channel (round ${round})`, parley, estimate, DURATION_SECONDS);
      rounds.push({ bare: bareOfRound, parley: parleyRun, ratio: Number((parleyRun.reqPerSec / bareOfRound.reqPerSec).toFixed(4)) });
    }
    // With an even number of rounds, the lower of the middle two: a round that was run, not an average.
    const median = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor((rounds.length - 1) / 2)]!;
    const halfRate = Math.max(1, Math.round(median.parley.reqPerSec / 2));
    const halfLoad = await measureParley('Parley GET channel at half load', parley, halfRate, DURATION_SECONDS, halfRate);
    const parleyRuns = [parleyWarmup, ...rounds.map((round) => round.parley), halfLoad];
    return {
      store,
      bare: median.bare,
      parley: median.parley,
      ratio: median.ratio,
      rounds,
      halfRate,
      halfLoad,
      warmups: { parley: parleyWarmup },
      accounts: {
        warmup: parleyWarmup.accounts,
        full: median.parley.accounts,
        halfLoad: halfLoad.accounts,
        maxRequestsEach: Math.max(...parleyRuns.map((run) => run.maxRequestsPerAccount ?? 0)),
      },
    };
  } finally {
    await parley.stop();
  }
}

const BARE_REQUESTS = [{ method: 'GET', path: '/' }];
const label = (met: boolean) => (met ? 'met' : 'MISSED');
const ms = (value: number) => value.toFixed(2);
const cpu = (share: number) => `${Math.round(share * 100)}%`;
const ratioMet = (result: StoreResult) => result.ratio >= GOALS.minRatio;
const p99Met = (result: StoreResult) => result.halfLoad.latencyMs.p99 <= GOALS.maxHalfLoadP99Ms;
// With one core each, a load generator near 100% means the server could have gone faster.
const clientBound = (result: StoreResult) => result.bare.cpu.loadGenerator >= 0.9 && result.bare.cpu.server < 0.9;

/** A run's figures, in the order of both tables' columns after the name. */
function runCells(run: RunSummary): string[] {
  return [
    formatNumber(run.reqPerSec),
    ms(run.latencyMs.p50),
    ms(run.latencyMs.p99),
    cpu(run.cpu.server),
    formatNumber(run.serverCpuMicrosPerRequest),
    formatNumber(run.serverKernelMicrosPerRequest),
    cpu(run.cpu.loadGenerator),
  ];
}

function printStore(result: StoreResult): void {
  const runs: [string, RunSummary][] = [
    ['bare Fastify (GET /)', result.bare],
    ['Parley (GET channel)', result.parley],
    [`Parley at half load`, result.halfLoad],
  ];
  const rows: string[][] = [
    ['', 'req/s', 'p50 ms', 'p99 ms', 'server CPU', 'CPU µs/req', 'of it kernel', 'autocannon CPU'],
    ...runs.map(([name, run]) => [name, ...runCells(run)]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  process.stdout.write(`\n${STORE_NAMES[result.store]}\n`);
  for (const row of rows) {
    process.stdout.write(`${row.map((cell, column) => (column === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[column] ?? 0))).join('   ')}\n`);
  }
  process.stdout.write(
    `ratio Parley / bare req/s: ${result.ratio.toFixed(2)}, the median of ${roundRatios(result)} (goal ≥ ${GOALS.minRatio}: ${label(ratioMet(result))})\n` +
      `p99 at half load (${formatNumber(result.halfRate)} req/s fixed): ${ms(result.halfLoad.latencyMs.p99)} ms (goal ≤ ${GOALS.maxHalfLoadP99Ms} ms: ${label(p99Met(result))})\n` +
      `Parley load spread over ${result.accounts.warmup} + ${result.accounts.full} + ${result.accounts.halfLoad} enterprise accounts ` +
      `(at most ${result.accounts.maxRequestsEach} requests each, limit ${PLAN_RATE_LIMITS.enterprise}/min)\n` +
      (clientBound(result) ? `Note: ${CLIENT_BOUND_NOTE}\n` : ''),
  );
}

/** Each round's ratio, in the order they ran. */
const roundRatios = (result: StoreResult) => result.rounds.map((round) => round.ratio.toFixed(2)).join(', ');

const CLIENT_BOUND_NOTE = 'autocannon was busier than the bare server: bare req/s is a floor, so the real ratio is lower still';

function markdownRow(name: string, run: RunSummary): string {
  return `| ${[name, ...runCells(run)].join(' | ')} |`;
}

function storeMarkdown(result: StoreResult): string {
  const { bare, parley, halfLoad } = result;
  return `## ${STORE_NAMES[result.store]}

| | req/s | p50 ms | p99 ms | server CPU | server CPU µs/req | of it kernel µs/req | autocannon CPU |
|---|---:|---:|---:|---:|---:|---:|---:|
${markdownRow('bare Fastify hello-world, `GET /`', bare)}
${markdownRow('Parley `GET /v1/projects/{projectId}/channels/{channel}`, Basic auth', parley)}
${markdownRow(`Parley, same request at half load (${formatNumber(result.halfRate)} req/s fixed)`, halfLoad)}

| Goal | Target | Result | |
|---|---|---|---|
| Throughput, Parley / bare (median of ${roundRatios(result)}) | ≥ ${GOALS.minRatio} | ${result.ratio.toFixed(2)} | ${label(ratioMet(result))} |
| p99 at half load | ≤ ${GOALS.maxHalfLoadP99Ms} ms | ${ms(halfLoad.latencyMs.p99)} ms | ${label(p99Met(result))} |

The load was spread over ${result.accounts.full} fresh enterprise accounts in the full-load run (at most ${result.accounts.maxRequestsEach} requests each in any run).${clientBound(result) ? `\n\n**Note:** ${CLIENT_BOUND_NOTE}.` : ''}
`;
}

const startedAt = new Date();
const bare = await startChild('bareServer.ts', 'bare');
let exitCode = 0;
try {
  // One warm-up of the bare server for the whole run; each store then measures it afresh.
  await measure('bare warm-up', bare, BARE_REQUESTS, WARMUP_SECONDS);
  const results: StoreResult[] = [];
  for (const store of stores) results.push(await measureStore(store, bare));
  for (const result of results) printStore(result);

  const git = sourceState();
  const cpus = os.cpus();
  const environment = {
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    ...git,
  };

  const stamp = startedAt.toISOString().replace(/\.\d+Z$/, 'Z').replaceAll(':', '-');
  const jsonName = `api-${stamp}.json`;
  const report = {
    benchmark: 'api',
    startedAt: startedAt.toISOString(),
    environment,
    settings: { connections: CONNECTIONS, pipelining: PIPELINING, warmupSeconds: WARMUP_SECONDS, durationSeconds: DURATION_SECONDS, rounds: ROUNDS, tool: 'autocannon 9', stores, profiled: profileArgs.length > 0 },
    rateLimits: {
      approach: 'load spread round-robin over fresh enterprise accounts per run; the limit check runs on every request',
      planLimitPerMinute: PLAN_RATE_LIMITS.enterprise,
      requestsPerAccountBudget: REQUESTS_PER_ACCOUNT,
    },
    results: Object.fromEntries(results.map((result) => [result.store, result])),
    notes: results.filter(clientBound).map((result) => `${result.store}: ${CLIENT_BOUND_NOTE}`),
    goals: Object.fromEntries(
      results.map((result) => [
        result.store,
        {
          ratio: { min: GOALS.minRatio, actual: result.ratio, met: ratioMet(result) },
          halfLoadP99Ms: { max: GOALS.maxHalfLoadP99Ms, actual: result.halfLoad.latencyMs.p99, met: p99Met(result) },
        },
      ]),
    ),
  };
  // Only a full run is kept: a profiled one is slowed by the profiler, a partial one (one store)
  // would stand beside the full report as if it were one.
  const complete = stores.length === Object.keys(STORE_NAMES).length && profileArgs.length === 0;
  if (complete) {
    fs.mkdirSync(resultsDir, { recursive: true });
    writeAtomically(path.join(resultsDir, jsonName), `${JSON.stringify(report, null, 2)}\n`);
  }

  const commit = git.commit ? `commit ${git.commit}${git.dirty ? ' with uncommitted changes' : ''}` : 'commit unknown';
  const markdown = `# API benchmark: latest run

${startedAt.toISOString()}, ${commit}; Node ${environment.node}, ${environment.cpus} × ${environment.cpuModel}, ${environment.platform}.
autocannon: ${CONNECTIONS} connections, pipelining ${PIPELINING}, ${WARMUP_SECONDS} s warm-up, then ${DURATION_SECONDS} s per run; ${ROUNDS} rounds a store of bare Fastify then Parley, the tables showing the round whose ratio is the median. Full results: [\`${jsonName}\`](${jsonName}).

${results.map(storeMarkdown).join('\n')}
The plan rate limit ran on every Parley request; the load was spread over fresh enterprise accounts
so none reached ${PLAN_RATE_LIMITS.enterprise} requests a minute. A run with more than
${MAX_FAILED_SHARE * 100}% non-2xx responses or errors fails instead of reporting. Latencies are autocannon's per-response
timings to the microsecond (its own summary, kept in the JSON, rounds to whole milliseconds). CPU is CPU time over wall
time of the server process and of the autocannon process; 100% is one core; CPU µs/req is the server's CPU time over the
requests it answered, the number least moved by other load on the machine; the kernel's part of it is mostly each
response's write, which on loopback runs the TCP path of both ends and wakes autocannon whenever it sleeps.
PostgreSQL + Redis: a fresh schema and a key prefix of the run's own, on the same machine.
`;
  if (complete) {
    writeAtomically(path.join(resultsDir, 'api-latest.md'), markdown);
    process.stdout.write(`Wrote bench/results/${jsonName} and bench/results/api-latest.md\n`);
  }
} catch (error) {
  process.stderr.write(`bench:api failed: ${error instanceof Error ? error.message : String(error)}\n`);
  exitCode = 1;
} finally {
  await bare.stop();
}
process.exitCode = exitCode;
