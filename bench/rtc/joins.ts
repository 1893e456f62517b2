/**
 * How many joins a second one node sustains: `npm run bench:joins -- [--bots 200] [--bursts 10,25]
 * [--per-process 50] [--upkeep-seconds 5] [--listeners wrtc|werift]`. A Parley server with default settings runs in this
 * process, pinned to CPU 0 with taskset; native bots run in child processes on the other CPUs, so
 * that the server is not starved by them. For each burst size, a fresh channel with one speaker
 * takes `--bots` listeners joining that many at a time; each listener joins (token check, room
 * join), publishes audio and subscribes to the speaker (two SDP negotiations), and counts once the
 * speaker's audio arrives.
 *
 * Reported per burst size: the server's CPU time per join, gross and net of the upkeep of those
 * already in (the net figure is its capacity: joins a second per core), the upkeep itself, the
 * joins a second reached with these bots, join → first audio at p50/p90/p99, and the server's RSS
 * per participant; and the idle server's RSS and CPU. Results go to
 * bench/results/joins-<date>.json and joins-latest.md.
 *
 * Listeners (--listeners): `wrtc` (default) are libwebrtc peers, which encode their audio and
 * decode the speaker's as a browser does. On 2 cores their one core is saturated during a burst
 * (bots' cores busy ~99%), and on a slow VM 200 of them time out in DTLS by the dozen. `werift`
 * listeners make the same two negotiations and DTLS handshakes, publish ready-made Opus packets and
 * count the speaker's first RTP packet, encoding and decoding nothing: where 200 libwebrtc bots
 * collapsed, they joined 200 of 200 in 11-12 s. Their core is still busy (DTLS and ICE in
 * JavaScript cost a werift bot about twice what a join costs the server), so join times still
 * carry the bots' queue. Their results go to joins-werift-*.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { PeerEngine } from '../../test/support/botMedia.ts';
import { startCrowd } from '../../test/support/crowdBots.ts';
import { startInProcessServer } from './inProcessServer.ts';
import { coresCpuSeconds, pinToCpus } from './proc.ts';

const { values } = parseArgs({
  options: {
    bots: { type: 'string', default: '200' },
    bursts: { type: 'string', default: '10,25' },
    'per-process': { type: 'string', default: '50' },
    /** Seconds the upkeep is measured over after each burst; longer evens out timers of several seconds. */
    'upkeep-seconds': { type: 'string', default: '5' },
    /** The listeners' WebRTC stack: `wrtc` (encodes and decodes, as a browser) or `werift` (ready-made packets, decodes nothing). */
    listeners: { type: 'string', default: 'wrtc' },
  },
  strict: true,
});
const BOTS = Number(values.bots);
const BURSTS = values.bursts.split(',').map(Number);
if (!Number.isInteger(BOTS) || BOTS < 1 || BURSTS.some((burst) => !Number.isInteger(burst) || burst < 1)) throw new Error('--bots and --bursts take positive integers');
if (values.listeners !== 'wrtc' && values.listeners !== 'werift') throw new Error('--listeners takes wrtc or werift');
const LISTENERS: PeerEngine = values.listeners;
/** werift runs keep their own results, so the libwebrtc runs' joins-latest.md stays as it was. */
const RESULTS_PREFIX = LISTENERS === 'werift' ? 'joins-werift' : 'joins';

const cpuCount = os.availableParallelism();
// The server on CPU 0 (every thread of this process), the bots on the rest; one CPU: shared.
const SERVER_CPUS = '0';
const BOT_CPUS = cpuCount > 1 ? `1-${cpuCount - 1}` : '0';
const BOT_CORES = cpuCount > 1 ? Array.from({ length: cpuCount - 1 }, (_, i) => i + 1) : [0];
pinToCpus(process.pid, SERVER_CPUS);

const percentile = (sorted: number[], share: number) => sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)] ?? NaN;
const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

interface BurstResult {
  burst: number;
  connected: number;
  errors: number;
  firstErrors: string[];
  wallMs: number;
  joinsPerSecond: number;
  /** The server's CPU over the burst per join: joins and the upkeep of those already in. */
  serverCpuMsPerJoin: number;
  /**
   * The server's CPU with everyone in and idle (consent checks, signaling pings, RTCP), over
   * UPKEEP_SECONDS after the burst, in % of a core: what the participants cost once joined.
   */
  upkeepCpuPercent: number;
  /**
   * serverCpuMsPerJoin less the upkeep during the burst, taken as the upkeep rate over half the
   * wall time (the channel fills steadily from empty): what a join itself costs, whatever the
   * bots' speed. Slower bots stretch a burst and add upkeep to the gross figure.
   */
  joinCpuMs: number;
  /** 1 s over joinCpuMs. */
  joinsPerSecondPerCore: number;
  joinToAudioMs: { p50: number; p90: number; p99: number; max: number };
  rssPerParticipantKiB: number;
  /** How busy the bots' cores were over the burst: near 100%, the bots' own CPU is in the latencies. */
  botCoresBusyPercent: number;
}

/** How long the idle server's CPU is measured: a server with no call still runs its timers. */
const IDLE_SECONDS = 10;
/** Left to the server after start before idle is measured: the first seconds still compile and prune. */
const SETTLE_SECONDS = 5;
/** How long the server's CPU is measured after a burst, with everyone in and idle. */
const UPKEEP_SECONDS = Number(values['upkeep-seconds']);
if (!(UPKEEP_SECONDS > 0)) throw new Error('--upkeep-seconds takes a positive number');

/** This process's CPU (the server, every thread) over the next `seconds`, in % of a core. */
async function cpuOver(seconds: number): Promise<number> {
  const before = process.cpuUsage();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const used = process.cpuUsage(before);
  return Math.round(((used.user + used.system) / (seconds * 1e6)) * 10_000) / 100;
}

/** What a burst is measured against: this process's RSS and CPU, the bots' cores, the clock. */
function measureFrom() {
  return { rss: process.memoryUsage().rss, cpu: process.cpuUsage(), botCores: coresCpuSeconds(BOT_CORES), at: performance.now() };
}

const { server, close } = await startInProcessServer('joins');
const results: BurstResult[] = [];
let idleRssMiB: number | undefined;
let idleCpuPercent: number | undefined;
try {
  const project = await server.services.projects.createProject({ name: 'joins-bench', plan: 'enterprise' });
  globalThis.gc?.();
  idleRssMiB = mib(process.memoryUsage().rss);
  await new Promise((resolve) => setTimeout(resolve, SETTLE_SECONDS * 1000));
  idleCpuPercent = await cpuOver(IDLE_SECONDS);
  for (const burst of BURSTS) {
    // Measured from the listeners' go: the speaker's join and the bot processes' loading come before it.
    let before = measureFrom();
    const crowd = await startCrowd({
      url: server.url,
      appId: project.appId,
      appCertificate: project.appCertificate,
      channel: `joins-${burst}`,
      listeners: BOTS,
      perProcess: Number(values['per-process']),
      concurrency: Math.max(1, Math.round(burst / Math.ceil(BOTS / Number(values['per-process'])))),
      listenersPublish: true,
      engine: LISTENERS,
      cpus: BOT_CPUS,
      timeoutMs: 60_000,
      onListenersGo: () => {
        before = measureFrom();
      },
    });
    const wallMs = performance.now() - before.at;
    const cpu = process.cpuUsage(before.cpu);
    const botCoresAfter = coresCpuSeconds(BOT_CORES);
    const rssAfter = process.memoryUsage().rss;
    const cpuMsPerJoin = (cpu.user + cpu.system) / 1000 / Math.max(1, crowd.connected);
    process.stderr.write(`burst of ${burst}: everyone in; measuring the upkeep over ${UPKEEP_SECONDS} s\n`);
    const upkeepCpuPercent = await cpuOver(UPKEEP_SECONDS);
    const joinCpuMs = cpuMsPerJoin - ((upkeepCpuPercent / 100) * (wallMs / 2)) / Math.max(1, crowd.connected);
    const sorted = crowd.joinToAudioMs;
    results.push({
      burst,
      connected: crowd.connected,
      errors: crowd.errors.length,
      firstErrors: [...new Set(crowd.errors)].slice(0, 3),
      wallMs: Math.round(wallMs),
      joinsPerSecond: Math.round((crowd.connected / wallMs) * 1000 * 10) / 10,
      serverCpuMsPerJoin: Math.round(cpuMsPerJoin * 100) / 100,
      upkeepCpuPercent,
      joinCpuMs: Math.round(joinCpuMs * 100) / 100,
      joinsPerSecondPerCore: Math.round(1000 / joinCpuMs),
      joinToAudioMs: { p50: percentile(sorted, 0.5), p90: percentile(sorted, 0.9), p99: percentile(sorted, 0.99), max: sorted.at(-1) ?? NaN },
      rssPerParticipantKiB: Math.round((rssAfter - before.rss) / 1024 / Math.max(1, crowd.connected)),
      botCoresBusyPercent: Math.round((100 * (botCoresAfter.busy - before.botCores.busy)) / Math.max(1e-9, botCoresAfter.total - before.botCores.total)),
    });
    process.stdout.write(`${JSON.stringify(results.at(-1))}\n`);
    await crowd.leave();
    // The leaves settle before the next burst's CPU is counted.
    await new Promise((resolve) => setTimeout(resolve, 3000));
  }
} finally {
  await close();
}

const date = new Date().toISOString();
const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
const machine = `${cpuCount} × ${os.cpus()[0]?.model.split(' ').slice(0, 2).join(' ')}, ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}`;
const resultsDir = path.resolve(import.meta.dirname, '../results');
const jsonName = `${RESULTS_PREFIX}-${date.replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z')}.json`;
fs.writeFileSync(path.join(resultsDir, jsonName), JSON.stringify({ date, commit, machine, bots: BOTS, listeners: LISTENERS, serverCpus: SERVER_CPUS, botCpus: BOT_CPUS, idleRssMiB, idleCpuPercent, results }, null, 2));
const met = (ok: boolean) => (ok ? 'met' : 'MISSED');
const worst = results.reduce((a, b) => (b.joinCpuMs > a.joinCpuMs ? b : a));
const worstP99 = Math.max(...results.map((result) => result.joinToAudioMs.p99));
const markdown = [
  `# Join throughput benchmark: latest run${LISTENERS === 'werift' ? ', werift listeners' : ''}`,
  '',
  `${date}, commit ${commit}. Run: \`npm run bench:joins -- --bots ${BOTS} --bursts ${BURSTS.join(',')} --upkeep-seconds ${UPKEEP_SECONDS}${LISTENERS === 'werift' ? ' --listeners werift' : ''}\`.`,
  `Machine: ${machine}. The server (this process, every thread) is pinned to CPU ${SERVER_CPUS} with taskset, the native bots to CPU ${BOT_CPUS}.`,
  '',
  `For each burst size, ${BOTS} native bots join one channel that many at a time. Each joins (token check, room join), publishes audio, subscribes to a`,
  'speaker\'s audio (two SDP negotiations, DTLS on each) and counts once the speaker\'s audio arrives.',
  LISTENERS === 'werift'
    ? 'The listeners are werift peers: they publish ready-made Opus packets and count the speaker\'s first RTP packet, encoding and decoding nothing.'
    : 'The listeners are libwebrtc peers (wrtc): they encode their audio and decode the speaker\'s, as a browser does.',
  '',
  '- **Server CPU per join**: the server\'s CPU over the burst over the joins. It includes the upkeep of those already in, so slower bots raise it.',
  `- **Upkeep**: the server's CPU with all ${BOTS} in and idle (ICE consent checks, signaling pings, RTCP), over ${UPKEEP_SECONDS} s after the burst, in % of a core.`,
  '- **Join CPU**: server CPU per join less the upkeep during the burst, taken as the upkeep rate over half the wall time (the channel fills steadily',
  '  from empty): what a join itself costs. "Per core" is 1 s over it: the joins a second one core of the server sustains, whatever the bots manage.',
  '- **RSS per participant**: the server\'s RSS growth over the burst, divided by the bots in.',
  `Bots' cores busy: CPU ${BOT_CPUS} over the burst (/proc/stat); near 100%, the bots' own CPU is part of the join times.`,
  '',
  '| burst | joined | errors | wall | joins/s reached | server CPU per join | upkeep, all in | join CPU | joins/s per core | join → audio p50 | p90 | p99 | RSS per participant | bots\' cores busy |',
  '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...results.map((r) => `| ${r.burst} | ${r.connected}/${BOTS} | ${r.errors} | ${(r.wallMs / 1000).toFixed(1)} s | ${r.joinsPerSecond} | ${r.serverCpuMsPerJoin} ms | ${r.upkeepCpuPercent}% | ${r.joinCpuMs} ms | ${r.joinsPerSecondPerCore} | ${r.joinToAudioMs.p50} ms | ${r.joinToAudioMs.p90} ms | ${r.joinToAudioMs.p99} ms | ${r.rssPerParticipantKiB} KiB | ${r.botCoresBusyPercent}% |`),
  '',
  `Idle server (after start and one project, before any join): RSS ${idleRssMiB ?? '?'} MiB; CPU ${idleCpuPercent ?? '?'}% of a core over ${IDLE_SECONDS} s, from ${SETTLE_SECONDS} s after start.`,
  '',
  '| Goal | Target | Result | |',
  '|---|---|---|---|',
  `| Joins a second per core of the server | ≥ 50 | ${worst.joinsPerSecondPerCore} (worst burst size) | ${met(worst.joinsPerSecondPerCore >= 50)} |`,
  `| p99 join → first media | ≤ 500 ms | ${worstP99} ms (worst burst size) | ${met(worstP99 <= 500)} |`,
  '',
  results.some((r) => r.errors > 0) ? `Errors: ${results.flatMap((r) => r.firstErrors).join('; ')}` : 'No bot failed to join.',
  '',
].join('\n');
fs.writeFileSync(path.join(resultsDir, `${RESULTS_PREFIX}-latest.md`), markdown);
process.stdout.write(`${markdown}\nWrote bench/results/${jsonName} and bench/results/${RESULTS_PREFIX}-latest.md\n`);
process.exit(0);
