/**
 * `npm run bench:api:instructions`: the instructions a server executes for one authenticated
 * `GET channel`, against one bare Fastify hello-world request, counted by valgrind (callgrind).
 *
 * Why a second API benchmark: bench:api times the servers, and on the shared VMs these run on a
 * server's CPU time for the same request moves by 2× within minutes (the machine, not the code),
 * so even a 2× difference is hard to read from one run. An instruction count does not depend on
 * what else the machine runs. It still varies: bare Fastify's windows by about 6%, Parley's by up
 * to 20%, since what runs by the clock (timers, cache expiries and their reloads, collections)
 * lands unevenly on requests that valgrind slows ~50×. So it tells the scale of the gap and a 2×
 * change, not a 10% one. It measures the length of the request path, not its speed: cache misses
 * and the kernel (the socket's read and write) are not in it, so it complements bench:api.
 *
 * How: each server runs under `valgrind --tool=callgrind` with counting off; after a warm-up (JIT
 * tiers settle), counting is switched on for a window of requests (autocannon, 4 connections) and
 * off again, and the window's dump is read. Two figures per window, per request:
 * - **request path**: what runs under the HTTP sockets' reads (parsing, routing, hooks, handler,
 *   the promises they resolve, the response's write) — valgrind's inclusive count of libuv's
 *   `uv__stream_io`. Timers and V8's helper threads (GC marking, compilers) are left out: under
 *   valgrind's 50× slowdown, things that run by the clock run 50× more often per request.
 * - **process**: everything the process executed in the window.
 * The Parley server runs on SQLite and memory (the embedded default), its load spread over
 * ACCOUNTS accounts so that none reaches its rate limit.
 *
 * Needs valgrind (Debian's package). Options: `--warmup N` (default 15000 requests), `--requests N`
 * (default 8000 a window), `--windows N` (default 2), `--servers parley` (Parley alone, printed only:
 * to compare two builds), `--breakdown N` (Parley alone with its V8 code named: the N functions
 * with most instructions of their own, callgrindProfile.ts). Writes bench/results/api-instructions-*.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { breakdown, selfCosts } from './callgrindProfile.ts';
import { channelRequests, REQUESTS_PER_ACCOUNT, startChild, type ChildServer } from './childServer.ts';
import { positiveInt } from '../rtc/options.ts';
import { sourceState } from '../sourceState.ts';

const { values: args } = parseArgs({
  options: {
    warmup: { type: 'string', default: '15000' },
    requests: { type: 'string', default: '8000' },
    windows: { type: 'string', default: '2' },
    // Which servers to count: `both`, or `parley` alone to compare two builds of Parley.
    servers: { type: 'string', default: 'both' },
    // Parley alone, its V8 code named (--perf-basic-prof): the N functions with most instructions of their own.
    breakdown: { type: 'string' },
  },
  strict: true,
});
const WARMUP = positiveInt(args.warmup, 'warmup');
const REQUESTS = positiveInt(args.requests, 'requests');
const WINDOWS = positiveInt(args.windows, 'windows');
if (!['both', 'parley'].includes(args.servers)) throw new Error('--servers must be both or parley');
const BREAKDOWN = args.breakdown === undefined ? 0 : positiveInt(args.breakdown, 'breakdown');
/** Both servers and a result kept, or Parley alone and printed only (to set beside another build's). */
const PARLEY_ONLY = args.servers === 'parley' || BREAKDOWN > 0;
const CONNECTIONS = 4;
/**
 * Accounts the Parley load is spread over. Under valgrind Parley answers 80-300 requests a second,
 * so 32 accounts stay under 1,000 a minute each (a 429 fails the run). Not more: each account's
 * cached credentials and project expire every 4-5 s and reload through Kysely and SQLite, which by
 * the clock happens ~50× more often a request than at full speed, so every extra account adds
 * reloads that bench:api's runs hardly see.
 */
const ACCOUNTS = 32;
const resultsDir = path.resolve(import.meta.dirname, '../results');

try {
  execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
} catch {
  throw new Error('valgrind is not installed (Debian: apt-get install valgrind)');
}

const dumpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-callgrind-'));
const callgrind = (name: string) => [
  'valgrind',
  '--tool=callgrind',
  '--quiet',
  // V8 writes and rewrites machine code: valgrind must check every block it runs for changes.
  '--smc-check=all',
  '--instr-atstart=no',
  `--callgrind-out-file=${path.join(dumpDir, `${name}.%p`)}`,
];

function control(pid: number, ...options: string[]): void {
  execFileSync('callgrind_control', [...options, String(pid)], { stdio: 'ignore' });
}

/** The newest dump of `pid`: its file, its total and the request path's inclusive count. */
function readDump(pid: number): { file: string; total: number; requestPath: number } {
  const dumps = fs.readdirSync(dumpDir).filter((name) => name.includes(`.${pid}.`)).map((name) => path.join(dumpDir, name));
  const newest = dumps.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
  if (!newest) throw new Error(`callgrind wrote no dump for process ${pid}`);
  const total = Number(/^totals: (\d+)/m.exec(fs.readFileSync(newest, 'utf8'))?.[1]);
  const annotated = execFileSync('callgrind_annotate', ['--inclusive=yes', '--threshold=100', newest], { maxBuffer: 256 * 2 ** 20 }).toString();
  const line = annotated.split('\n').find((text) => /[:\s]uv__stream_io[\s']/.test(text));
  const requestPath = Number(line?.trim().split(/\s+/)[0]?.replace(/,/g, ''));
  if (!Number.isFinite(total) || !Number.isFinite(requestPath)) throw new Error(`could not read the counts of ${newest}`);
  return { file: newest, total, requestPath };
}

async function load(server: ChildServer, amount: number, requests?: autocannon.Request[]): Promise<void> {
  // Under valgrind a garbage collection or a compilation can hold a request for seconds.
  const result = await autocannon({ url: server.url, connections: CONNECTIONS, amount, timeout: 120, ...(requests ? { requests } : {}) });
  const failed = result.non2xx + result.errors;
  if (failed > 0 || result['2xx'] < amount) throw new Error(`${failed} of ${amount} requests failed (${result['2xx']} answered 2xx)`);
}

interface Window {
  requestPath: number;
  total: number;
}

/** The last window's dump, for --breakdown. */
let lastDump: string | undefined;

async function measure(name: string, server: ChildServer, requests?: autocannon.Request[]): Promise<Window[]> {
  process.stdout.write(`  ${name}: warm-up of ${WARMUP} requests…\n`);
  await load(server, WARMUP, requests);
  const windows: Window[] = [];
  for (let index = 0; index < WINDOWS; index++) {
    process.stdout.write(`  ${name}: window ${index + 1} of ${WINDOWS}, ${REQUESTS} requests counted…\n`);
    control(server.pid, '--zero');
    control(server.pid, '--instr=on');
    await load(server, REQUESTS, requests);
    control(server.pid, '--instr=off');
    control(server.pid, '--dump');
    const { file, total, requestPath } = readDump(server.pid);
    lastDump = file;
    windows.push({ requestPath: Math.round(requestPath / REQUESTS), total: Math.round(total / REQUESTS) });
  }
  return windows;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return Number.isInteger(middle) ? Math.round((sorted[middle - 1]! + sorted[middle]!) / 2) : sorted[Math.floor(middle)]!;
}
const format = (value: number) => value.toLocaleString('en-US');

process.stdout.write(`Instructions a request, counted by callgrind: ${WARMUP} requests of warm-up, then ${WINDOWS} windows of ${REQUESTS}\n`);
const results: Record<'bare' | 'parley', Window[]> = { bare: [], parley: [] };
let breakdownText = '';
try {
  if (!PARLEY_ONLY) {
    const bare = await startChild('bareServer.ts', 'bare', [], [], callgrind('bare'));
    try {
      results.bare = await measure('bare Fastify GET /', bare);
    } finally {
      await bare.stop();
    }
  }
  const parley = await startChild('parleyServer.ts', 'parley sqlite', ['sqlite'], BREAKDOWN > 0 ? ['--perf-basic-prof'] : [], callgrind('parley'));
  // V8 writes the names of its machine code here (--perf-basic-prof), one file a process.
  const perfMap = `/tmp/perf-${parley.pid}.map`;
  try {
    const requests = await channelRequests(parley, ACCOUNTS * REQUESTS_PER_ACCOUNT);
    results.parley = await measure('Parley GET channel', parley, requests);
    if (BREAKDOWN > 0 && lastDump) breakdownText = breakdown(selfCosts(lastDump, perfMap), REQUESTS, BREAKDOWN);
  } finally {
    await parley.stop();
    if (BREAKDOWN > 0) fs.rmSync(perfMap, { force: true });
  }
} finally {
  fs.rmSync(dumpDir, { recursive: true, force: true });
}

const row = (name: string, windows: Window[]) =>
  `| ${name} | ${format(median(windows.map((w) => w.requestPath)))} | ${windows.map((w) => format(w.requestPath)).join(', ')} | ${format(median(windows.map((w) => w.total)))} |`;
const source = sourceState();
const rows = [...(PARLEY_ONLY ? [] : [row('bare Fastify (GET /)', results.bare)]), row('Parley (GET channel, SQLite + memory)', results.parley)];
const table = ['| server | request path, instructions a request (median) | windows | whole process (median) |', '|---|---:|---|---:|', ...rows].join('\n');
if (PARLEY_ONLY) {
  // One build of Parley alone: numbers to set beside another build's, not a result to keep.
  process.stdout.write(`\n${table}\n${breakdownText ? `\n${breakdownText}\n` : ''}`);
  process.exit(0);
}
const ratio = median(results.bare.map((w) => w.requestPath)) / median(results.parley.map((w) => w.requestPath));
const summary = `bare / Parley instructions on the request path: ${ratio.toFixed(2)}`;
process.stdout.write(`\n${table}\n${summary}\n`);

const stamp = new Date().toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
fs.mkdirSync(resultsDir, { recursive: true });
const json = { date: new Date().toISOString(), source, warmup: WARMUP, requestsPerWindow: REQUESTS, connections: CONNECTIONS, parleyAccounts: ACCOUNTS, windows: results, ratio };
fs.writeFileSync(path.join(resultsDir, `api-instructions-${stamp}.json`), `${JSON.stringify(json, null, 2)}\n`);
const markdown = `# bench:api:instructions — latest run

${new Date().toISOString()}, commit ${source.commit ?? 'unknown'}${source.dirty ? ' with uncommitted changes' : ''}. Command: \`npm run bench:api:instructions\`
(${WARMUP} requests of warm-up, ${WINDOWS} windows of ${REQUESTS}, ${CONNECTIONS} connections).

${table}

${summary}

The request path is what runs under the HTTP sockets' reads; the whole process adds timers and
V8's helper threads, which valgrind's slowdown inflates (see bench/api/instructions.ts).
`;
fs.writeFileSync(path.join(resultsDir, 'api-instructions-latest.md'), markdown);
process.stdout.write(`Wrote bench/results/api-instructions-${stamp}.json and bench/results/api-instructions-latest.md\n`);
