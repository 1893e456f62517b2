/**
 * `npm run bench:api:floor`: how far below bare Fastify a route that answers Parley's
 * authenticated `GET channel` must fall, whoever writes it. Four servers, each in its own process,
 * measured in alternated rounds (autocannon, 10 connections, 2 s of warm-up then 8 s):
 * - bare Fastify's hello-world (bareServer.ts), the baseline of bench:api;
 * - the floor (floorServer.ts): Basic credentials checked in constant time, a rate window with its
 *   headers, the route's schemas, everything in Maps;
 * - the floor with what production servers add to every request (CORS, a request id and its child
 *   logger, a duration histogram), as Fastify, pino and prom-client do them;
 * - Parley (parleyServer.ts, SQLite and memory).
 * It prints each one's requests a second and server CPU a request (median of the rounds) and its
 * ratio to bare Fastify, and writes bench/results/api-floor-*. Options: `--rounds N` (default 3).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { basicAuth, channelRequests, REQUESTS_PER_ACCOUNT, startChild, type ChildServer } from './childServer.ts';
import { CHANNEL, type BenchAccount } from './serverProtocol.ts';
import { positiveInt } from '../rtc/options.ts';
import { median } from '../rtc/rounds.ts';
import { sourceState } from '../sourceState.ts';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '3' } }, strict: true });
const ROUNDS = positiveInt(args.rounds, 'rounds');
const CONNECTIONS = 10;
const WARMUP_SECONDS = 2;
const MEASURE_SECONDS = 8;
/** Requests one round may send a server, to size its fresh accounts (each stays under its rate limit). */
const MOST_REQUESTS_A_ROUND = 60_000 * (WARMUP_SECONDS + MEASURE_SECONDS);

interface Variant {
  name: string;
  start(): Promise<ChildServer>;
  /** The round's requests: fresh accounts where the server checks credentials. */
  requests(server: ChildServer): Promise<autocannon.Request[] | undefined>;
}

async function floorRequests(server: ChildServer): Promise<autocannon.Request[]> {
  const { accounts } = await server.ask<{ accounts: BenchAccount[] }>({ bench: 'accounts', count: Math.ceil(MOST_REQUESTS_A_ROUND / REQUESTS_PER_ACCOUNT) });
  return accounts.map((account) => ({ method: 'GET', path: `/v1/projects/${account.appId}/channels/${CHANNEL}`, headers: { authorization: basicAuth(account) } }));
}

const VARIANTS: Variant[] = [
  { name: 'bare Fastify (GET /)', start: () => startChild('bareServer.ts', 'bare'), requests: async () => undefined },
  { name: 'floor: auth, rate limit, schemas', start: () => startChild('floorServer.ts', 'floor'), requests: floorRequests },
  { name: 'floor + CORS, request id, histogram', start: () => startChild('floorServer.ts', 'floor extras', ['extras']), requests: floorRequests },
  { name: 'Parley (SQLite + memory)', start: () => startChild('parleyServer.ts', 'parley', ['sqlite']), requests: (server) => channelRequests(server, MOST_REQUESTS_A_ROUND) },
];

interface Round {
  requestsPerSecond: number;
  cpuMicrosPerRequest: number;
}

async function measure(server: ChildServer, requests: autocannon.Request[] | undefined): Promise<Round> {
  const options = { url: server.url, connections: CONNECTIONS, ...(requests ? { requests } : {}) };
  await autocannon({ ...options, duration: WARMUP_SECONDS });
  const before = await server.ask<{ user: number; system: number }>({ bench: 'cpu' });
  const result = await autocannon({ ...options, duration: MEASURE_SECONDS });
  const after = await server.ask<{ user: number; system: number }>({ bench: 'cpu' });
  const failed = result.non2xx + result.errors;
  if (failed > result.requests.total * 0.01) throw new Error(`${failed} of ${result.requests.total} requests failed`);
  return { requestsPerSecond: result.requests.average, cpuMicrosPerRequest: (after.user + after.system - before.user - before.system) / result.requests.total };
}

const rounds = new Map<string, Round[]>(VARIANTS.map((variant) => [variant.name, []]));
for (let round = 1; round <= ROUNDS; round++) {
  for (const variant of VARIANTS) {
    process.stdout.write(`  round ${round} of ${ROUNDS}: ${variant.name}…\n`);
    const server = await variant.start();
    try {
      rounds.get(variant.name)!.push(await measure(server, await variant.requests(server)));
    } finally {
      await server.stop();
    }
  }
}

const bareRate = median(rounds.get(VARIANTS[0]!.name)!.map((r) => r.requestsPerSecond));
const rows = VARIANTS.map((variant) => {
  const measured = rounds.get(variant.name)!;
  const rate = median(measured.map((r) => r.requestsPerSecond));
  const cpu = median(measured.map((r) => r.cpuMicrosPerRequest));
  return `| ${variant.name} | ${Math.round(rate).toLocaleString('en-US')} | ${cpu.toFixed(1)} | ${(rate / bareRate).toFixed(2)} | ${measured.map((r) => `${Math.round(r.requestsPerSecond).toLocaleString('en-US')} / ${r.cpuMicrosPerRequest.toFixed(1)}`).join(', ')} |`;
});
const table = ['| server | req/s (median) | server CPU µs a request (median) | req/s against bare | rounds: req/s / µs |', '|---|---:|---:|---:|---|', ...rows].join('\n');
process.stdout.write(`\n${table}\n`);

const source = sourceState();
const stamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z').replaceAll(':', '-');
const resultsDir = path.resolve(import.meta.dirname, '../results');
fs.mkdirSync(resultsDir, { recursive: true });
fs.writeFileSync(path.join(resultsDir, `api-floor-${stamp}.json`), `${JSON.stringify({ date: new Date().toISOString(), source, rounds: Object.fromEntries(rounds), connections: CONNECTIONS, measureSeconds: MEASURE_SECONDS }, null, 2)}\n`);
fs.writeFileSync(
  path.join(resultsDir, 'api-floor-latest.md'),
  `# bench:api:floor — latest run

${new Date().toISOString()}, commit ${source.commit ?? 'unknown'}${source.dirty ? ' with uncommitted changes' : ''}. Command: \`npm run bench:api:floor -- --rounds ${ROUNDS}\`
(autocannon, ${CONNECTIONS} connections, ${WARMUP_SECONDS} s of warm-up then ${MEASURE_SECONDS} s a round, the four servers alternated in each round).

${table}

The floor answers the same request as Parley with nothing but Fastify, a SHA-256 compare, a Map-kept rate window and
the route's schemas (bench/api/floorServer.ts); its second row adds what production servers do on every request.
Together they say how much of bench:api's gap to bare Fastify any server on Fastify pays, and how much is Parley's.
`,
);
