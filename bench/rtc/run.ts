/**
 * `npm run bench:rtc`: what Parley's SFU costs to forward video, how fast a new viewer sees the
 * first frame, and the same fan-out through Janus 1.1.2 side by side.
 *
 * 1. Fan-out: one publisher (640×480, 30 fps synthetic video at a pinned bitrate) and N
 *    subscribers of its video, for each N (default 10, 20, 30). Over a steady window the SFU
 *    process's CPU time (from /proc/<pid>/stat, every thread), its memory, the machine's CPU, and
 *    at the subscribers packets received and lost and frames decoded (wrtc getStats).
 * 2. Join → first remote frame: a publisher is publishing; a new bot joins, subscribes to it and
 *    records each step until its first decoded frame; repeated (default 20 trials).
 * 3. The fan-out of 1 through Janus (Debian package, videoroom plugin), if installed; Parley and
 *    Janus take turns at each N.
 * 4. Audio only: 1 and 3 again with an Opus publisher (a 440 Hz tone, 50 packets a second) at each
 *    N of --audio-n, where the SFU's cost per packet, not per byte, is what counts.
 *
 * Processes: this one only orchestrates and measures. The SFU (server.ts, or the janus binary),
 * the publisher and the subscribers (bots.ts, several processes) each run apart, so the SFU's
 * CPU time counts nothing but the SFU. On a small machine the bots still compete with the SFU
 * for cores: the machine's total CPU is reported with every run.
 *
 * Pinning (default on a machine of 2 or more cores): the SFU, every thread, runs on CPU 0 and the
 * bots and this process on the others (taskset), so that the bots' decoders cannot starve the SFU
 * and the SFU's CPU is what forwarding costs on a core of its own. --no-pin shares every core.
 *
 * Options: --n 10,20,30  --audio-n 30,100 (0: no audio runs)  --seconds 10 (measured window)
 *          --warmup 4  --trials 20  --kbps 800 (publisher bitrate)  --bot-processes 2 (subscriber
 *          processes)  --no-janus  --janus-port 8088  --no-pin  --subscribers wrtc|werift
 *
 * Subscribers (--subscribers): `wrtc` (default) are libwebrtc peers that decode every stream, as
 * browsers do; decoding 640×480 VP8 costs a core of bots about 3% a subscriber, so they saturate
 * near N = 30 on 2 cores. `werift` subscribers receive, decrypt and report the same RTP (and send
 * their RTCP) but decode nothing, so the bots' core carries N = 100 and more: the SFU's side of
 * the fan-out, which is what is measured, is the same for both; only decoded fps is not reported.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { FirstFrameTrial, Target } from './bots.ts';
import { janusInstalled, startJanus, type JanusServer } from './janusServer.ts';
import type { InboundRtp, OutboundRtp, PeerEngine, StatsKind, VideoOptions } from '../../test/support/botMedia.ts';
import { positiveInt } from './options.ts';
import { machineCpuSeconds, pinToCpus, processCpuSeconds, processStat, processMemoryMb } from './proc.ts';
import { startChild as startBenchChild, type BenchChild } from '../childProcess.ts';
import { sourceState } from '../sourceState.ts';

const GOALS = { maxCpuPerStreamPercent: 0.2, maxFirstFrameMedianMs: 400 };

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '10,20,30' },
    'audio-n': { type: 'string', default: '30,100' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '4' },
    trials: { type: 'string', default: '20' },
    kbps: { type: 'string', default: '800' },
    'bot-processes': { type: 'string', default: '2' },
    'no-janus': { type: 'boolean', default: false },
    'no-pin': { type: 'boolean', default: false },
    'janus-port': { type: 'string', default: '8088' },
    /** The subscribers' WebRTC stack: `wrtc` (decodes, as a browser) or `werift` (receives without decoding). */
    subscribers: { type: 'string', default: 'wrtc' },
    /** A folder: the SFU process writes a V8 CPU profile there when it exits (`--cpu-prof`). */
    'profile-sfu': { type: 'string' },
  },
  strict: true,
});

const SUBSCRIBER_COUNTS = args.n.split(',').map((raw) => positiveInt(raw.trim(), 'n'));
const AUDIO_SUBSCRIBER_COUNTS = args['audio-n'].trim() === '0' ? [] : args['audio-n'].split(',').map((raw) => positiveInt(raw.trim(), 'audio-n'));
const WINDOW_SECONDS = positiveInt(args.seconds, 'seconds');
const WARMUP_SECONDS = Number(args.warmup);
const TRIALS = positiveInt(args.trials, 'trials');
const BOT_PROCESSES = positiveInt(args['bot-processes'], 'bot-processes');
const VIDEO: VideoOptions = { width: 640, height: 480, fps: 30, kbps: positiveInt(args.kbps, 'kbps') };
const JANUS_PORT = positiveInt(args['janus-port'], 'janus-port');
if (args.subscribers !== 'wrtc' && args.subscribers !== 'werift') throw new Error('--subscribers takes wrtc or werift');
const SUBSCRIBER_ENGINE: PeerEngine = args.subscribers;
/** Whether the subscribers decode video (wrtc), so that their fps is a figure of the run. */
const DECODING = SUBSCRIBER_ENGINE === 'wrtc';
const SUBSCRIBER_BOTS = DECODING ? 'wrtc bot that decodes the stream' : 'werift peer that receives and decrypts the stream and decodes nothing';
/** CPUs for the SFU and for everything else, or undefined when sharing (--no-pin, one core). */
const PINNING = !args['no-pin'] && os.cpus().length >= 2 ? { sfu: '0', rest: `1-${os.cpus().length - 1}` } : undefined;
// The bots are children of this process, started later: they inherit these CPUs.
if (PINNING) pinToCpus(process.pid, PINNING.rest);
const JANUS_ROOM = 1234;
/** Janus's warnings, each kind shown once (handle ids and numbers aside). */
const janusWarnings = new Map<string, number>();
function janusLog(line: string): void {
  const kind = line.replace(/\[\d+\]/g, '[…]').replace(/\d+/g, '#').trim();
  const seen = janusWarnings.get(kind) ?? 0;
  janusWarnings.set(kind, seen + 1);
  if (seen === 0) process.stderr.write(`[janus] ${line.trim()}\n`);
}
/** As Janus reports it on /info. */
let janusVersion: string | null = null;

const resultsDir = path.resolve(import.meta.dirname, '../results');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line: string) => process.stdout.write(`${line}\n`);

// ---------------------------------------------------------------------------------------------
// Child processes speaking JSON lines (server.ts, bots.ts)

type Child = BenchChild;

function startChild(file: string, name: string): Promise<Child> {
  const profile = file === 'server.ts' && args['profile-sfu'] ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(args['profile-sfu'])}`] : [];
  return startBenchChild(path.join(import.meta.dirname, file), name, { nodeArgs: profile });
}

// ---------------------------------------------------------------------------------------------
// Statistics

function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}
const median = (values: number[]) => quantile(values, 0.5);
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const round = (value: number, digits = 2) => (Number.isFinite(value) ? Math.round(value * 10 ** digits) / 10 ** digits : null);

// ---------------------------------------------------------------------------------------------
// 1 and 3: fan-out

interface StatsReply {
  at: number;
  inbound: InboundRtp[];
  outbound: OutboundRtp | null;
}

interface Snapshot {
  wall: number;
  sfuCpu: number;
  sfuSystemCpu: number;
  sfuMinorFaults: number;
  botCpu: number;
  machine: { busy: number; total: number; interrupts: number };
  ownCpu: number;
  stats: StatsReply[];
}

export interface FanoutResult {
  sfu: 'parley' | 'janus';
  /** What the publisher sends: the 640×480 video, or the Opus tone alone. */
  kind: StatsKind;
  subscribers: number;
  /** Subscribers that decoded video (received audio) before the window (all of them, or the run says why not). */
  subscribersReceiving: number;
  setupErrors: string[];
  /** Forwarded streams of the kind as Parley's SFU counts them (Parley only). */
  sfuForwardedStreams: number | null;
  windowSeconds: number;
  /**
   * `kernelShare`: the part of the SFU's CPU time spent in the kernel (stime: UDP sends and loopback delivery).
   * `pageFaultsPerSecond`: the SFU's minor page faults, first touches of memory it allocated (processStat).
   */
  server: { cpuPercent: number | null; kernelShare: number | null; pageFaultsPerSecond: number | null; cpuPercentPerStream: number | null; streamsPerCore: number | null; cpuMicrosPerForwardedPacket: number | null; idleRssMb: number; rssMb: number; peakRssMb: number };
  publisher: { kbps: number | null; packetsPerSecond: number | null; fps: number | null; width: number; height: number; keyFrames: number; plisReceived: number; nacksReceived: number; qualityLimitation: string };
  receivers: {
    packetsPerSecond: number | null;
    forwardedPacketsPerSecond: number | null;
    packetsLost: number;
    lossPercent: number | null;
    /** Video only. */
    fps: { min: number | null; median: number | null; mean: number | null };
    /** Audio only: the share of played samples the decoder had to make up (missing or late packets). */
    concealedPercent: number | null;
    framesDropped: number;
    freezes: number;
    nacksSent: number;
    plisSent: number;
    maxJitterMs: number | null;
  };
  /**
   * CPU in % of one core. `interruptsCpuPercent`: irq + softirq time, charged to no process (loopback UDP delivery runs
   * there); `otherCpuPercent`: what remains after the SFU, the bots, this process and interrupts (other processes).
   */
  machine: { cores: number; busyPercentOfAllCores: number | null; botsCpuPercent: number | null; interruptsCpuPercent: number | null; otherCpuPercent: number | null };
}

async function fanout(sfu: 'parley' | 'janus', kind: StatsKind, n: number): Promise<FanoutResult> {
  log(`  ${sfu}: 1 publisher → ${n} subscribers of ${kind === 'video' ? 'video' : 'audio only'}…`);
  let parley: Child | undefined;
  let janus: JanusServer | undefined;
  const bots: Child[] = [];
  try {
    let target: Target;
    let sfuPid: number;
    if (sfu === 'parley') {
      parley = await startChild('server.ts', 'parley');
      const ready = parley.ready as { url: string; appId: string; appCertificate: string };
      target = { kind: 'parley', url: ready.url, appId: ready.appId, appCertificate: ready.appCertificate, channel: 'fanout' };
      sfuPid = parley.pid;
    } else {
      janus = await startJanus({ port: JANUS_PORT, rtpPortRange: '20000-20999', log: janusLog });
      target = { kind: 'janus', url: janus.url, room: JANUS_ROOM };
      janusVersion = janus.version;
      sfuPid = janus.pid;
    }
    if (PINNING) pinToCpus(sfuPid, PINNING.sfu);
    const idleRssMb = processMemoryMb(sfuPid).rss;
    const processes = Math.min(BOT_PROCESSES, n);
    bots.push(...(await Promise.all([startChild('bots.ts', 'publisher'), ...Array.from({ length: processes }, (_, i) => startChild('bots.ts', `subscribers-${i + 1}`))])));
    const [publisherBot, ...subscriberBots] = bots as [Child, ...Child[]];
    const { publisherId } = await publisherBot.ask<{ publisherId: number }>({ bench: 'publish', target, uid: 1, kind, video: VIDEO });
    const uids = Array.from({ length: n }, (_, i) => 1000 + i);
    const shares = subscriberBots.map((_, i) => uids.filter((__, j) => j % subscriberBots.length === i));
    const setups = await Promise.all(subscriberBots.map((bot, i) => bot.ask<{ ready: number; errors: string[] }>({ bench: 'subscribe', target, publisherId, kind, uids: shares[i], engine: SUBSCRIBER_ENGINE }, 90_000)));
    const receiving = setups.reduce((sum, s) => sum + s.ready, 0);
    const setupErrors = setups.flatMap((s) => s.errors);
    if (receiving < n) log(`    only ${receiving} of ${n} subscribers receive ${kind}${setupErrors.length ? `: ${setupErrors[0]}` : ''}`);
    if (receiving === 0) throw new Error(`${sfu}: no subscriber received ${kind}`);

    await sleep(WARMUP_SECONDS * 1000);
    const snapshot = async (): Promise<Snapshot> => {
      const wall = performance.now();
      const { total: sfuCpu, system: sfuSystemCpu, minorFaults: sfuMinorFaults } = processStat(sfuPid);
      const botCpu = bots.reduce((sum, bot) => sum + processCpuSeconds(bot.pid), 0);
      const machine = machineCpuSeconds();
      const usage = process.cpuUsage();
      const ownCpu = (usage.user + usage.system) / 1e6;
      const stats = await Promise.all(bots.map((bot) => bot.ask<StatsReply>({ bench: 'stats' })));
      return { wall, sfuCpu, sfuSystemCpu, sfuMinorFaults, botCpu, machine, ownCpu, stats };
    };
    const before = await snapshot();
    await sleep(WINDOW_SECONDS * 1000);
    const after = await snapshot();
    const memory = processMemoryMb(sfuPid);
    const load = parley ? await parley.ask<{ forwarded: Record<StatsKind, number> }>({ bench: 'load' }) : undefined;

    const seconds = (after.wall - before.wall) / 1000;
    const sfuCpuPercent = ((after.sfuCpu - before.sfuCpu) / seconds) * 100;
    const perStream = sfuCpuPercent / n;

    // Publisher (the first bot process).
    const pubBefore = before.stats[0]!.outbound!;
    const pubAfter = after.stats[0]!.outbound!;
    const pubSeconds = (after.stats[0]!.at - before.stats[0]!.at) / 1000;
    // Subscribers: per subscriber rates over each process's own stats interval.
    const perSubscriber: Array<{ packets: number; lost: number; fps: number; dropped: number; freezes: number; nacks: number; plis: number; jitter: number; samples: number; concealed: number }> = [];
    for (let p = 1; p < bots.length; p += 1) {
      const b = before.stats[p]!;
      const a = after.stats[p]!;
      const dt = (a.at - b.at) / 1000;
      a.inbound.forEach((end, i) => {
        const start = b.inbound[i];
        if (!start) return;
        perSubscriber.push({
          packets: (end.packetsReceived - start.packetsReceived) / dt,
          lost: end.packetsLost - start.packetsLost,
          fps: (end.framesDecoded - start.framesDecoded) / dt,
          dropped: end.framesDropped - start.framesDropped,
          freezes: end.freezeCount - start.freezeCount,
          nacks: end.nackCount - start.nackCount,
          plis: end.pliCount - start.pliCount,
          jitter: end.jitter,
          samples: end.totalSamplesReceived - start.totalSamplesReceived,
          concealed: end.concealedSamples - start.concealedSamples,
        });
      });
    }
    const packetsPerSecond = perSubscriber.map((s) => s.packets);
    const totalReceived = packetsPerSecond.reduce((sum, v) => sum + v, 0) * seconds;
    const totalLost = perSubscriber.reduce((sum, s) => sum + Math.max(0, s.lost), 0);
    const forwardedPacketsPerSecond = packetsPerSecond.reduce((sum, v) => sum + v, 0);
    const fps = perSubscriber.map((s) => s.fps);
    // Machine figures in % of one core over the window (/proc/stat's own clock, all cores).
    const machineShare = (seconds_: number) => (seconds_ / (after.machine.total - before.machine.total)) * os.cpus().length * 100;
    const machineBusy = machineShare(after.machine.busy - before.machine.busy);
    const interruptsPercent = machineShare(after.machine.interrupts - before.machine.interrupts);
    const botsPercent = ((after.botCpu - before.botCpu) / seconds) * 100;
    const ownPercent = ((after.ownCpu - before.ownCpu) / seconds) * 100;

    const isVideo = kind === 'video';
    const samples = perSubscriber.reduce((sum, s) => sum + s.samples, 0);
    const result: FanoutResult = {
      sfu,
      kind,
      subscribers: n,
      subscribersReceiving: receiving,
      setupErrors,
      sfuForwardedStreams: load?.forwarded[kind] ?? null,
      windowSeconds: round(seconds, 2)!,
      server: {
        cpuPercent: round(sfuCpuPercent, 2),
        kernelShare: round((after.sfuSystemCpu - before.sfuSystemCpu) / (after.sfuCpu - before.sfuCpu), 2),
        pageFaultsPerSecond: round((after.sfuMinorFaults - before.sfuMinorFaults) / seconds, 0),
        cpuPercentPerStream: round(perStream, 3),
        streamsPerCore: round(100 / perStream, 0),
        cpuMicrosPerForwardedPacket: round(((after.sfuCpu - before.sfuCpu) * 1e6) / (forwardedPacketsPerSecond * seconds), 2),
        idleRssMb,
        rssMb: memory.rss,
        peakRssMb: memory.peakRss,
      },
      publisher: {
        kbps: round(((pubAfter.bytesSent - pubBefore.bytesSent) * 8) / pubSeconds / 1000, 0),
        packetsPerSecond: round((pubAfter.packetsSent - pubBefore.packetsSent) / pubSeconds, 1),
        fps: isVideo ? round((pubAfter.framesEncoded - pubBefore.framesEncoded) / pubSeconds, 1) : null,
        width: pubAfter.frameWidth,
        height: pubAfter.frameHeight,
        keyFrames: pubAfter.keyFramesEncoded - pubBefore.keyFramesEncoded,
        plisReceived: pubAfter.pliCount - pubBefore.pliCount,
        nacksReceived: pubAfter.nackCount - pubBefore.nackCount,
        qualityLimitation: pubAfter.qualityLimitationReason,
      },
      receivers: {
        packetsPerSecond: round(mean(packetsPerSecond), 1),
        forwardedPacketsPerSecond: round(forwardedPacketsPerSecond, 0),
        packetsLost: totalLost,
        lossPercent: round((totalLost / (totalReceived + totalLost)) * 100, 3),
        fps: isVideo && DECODING ? { min: round(Math.min(...fps), 1), median: round(median(fps), 1), mean: round(mean(fps), 1) } : { min: null, median: null, mean: null },
        concealedPercent: isVideo || samples === 0 ? null : round((perSubscriber.reduce((sum, s) => sum + s.concealed, 0) / samples) * 100, 2),
        framesDropped: perSubscriber.reduce((sum, s) => sum + s.dropped, 0),
        freezes: perSubscriber.reduce((sum, s) => sum + s.freezes, 0),
        nacksSent: perSubscriber.reduce((sum, s) => sum + s.nacks, 0),
        plisSent: perSubscriber.reduce((sum, s) => sum + s.plis, 0),
        maxJitterMs: round(Math.max(...perSubscriber.map((s) => s.jitter)) * 1000, 1),
      },
      machine: {
        cores: os.cpus().length,
        busyPercentOfAllCores: round(machineBusy, 0),
        botsCpuPercent: round(botsPercent, 0),
        interruptsCpuPercent: round(interruptsPercent, 0),
        otherCpuPercent: round(Math.max(0, machineBusy - sfuCpuPercent - botsPercent - ownPercent - interruptsPercent), 0),
      },
    };
    log(
      `    SFU ${result.server.cpuPercent}% of a core (${result.server.cpuPercentPerStream}% per stream, ${Math.round((result.server.kernelShare ?? 0) * 100)}% in the kernel, ${result.server.pageFaultsPerSecond} page faults/s), RSS ${memory.rss} MB; ` +
        `publisher ${result.publisher.kbps} kbps ${result.publisher.packetsPerSecond} pkt/s${isVideo ? ` ${result.publisher.fps} fps` : ''}; ` +
        (isVideo && DECODING ? `subscribers ${result.receivers.fps.median} fps median (min ${result.receivers.fps.min}), ` : `subscribers ${result.receivers.packetsPerSecond} pkt/s each${isVideo ? ' (werift, not decoded)' : `, concealed ${result.receivers.concealedPercent}%`}, `) +
        `loss ${result.receivers.lossPercent}%; ` +
        `bots ${result.machine.botsCpuPercent}%, interrupts ${result.machine.interruptsCpuPercent}%, other processes ${result.machine.otherCpuPercent}%, machine ${result.machine.busyPercentOfAllCores}% of ${result.machine.cores * 100}%`,
    );
    return result;
  } finally {
    await Promise.allSettled(bots.map((bot) => bot.ask({ bench: 'leave' }, 10_000).catch(() => undefined)));
    await Promise.allSettled(bots.map((bot) => bot.stop()));
    await parley?.stop();
    await janus?.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// 2: join → first remote frame

/** Steps of a join, each from the previous one, as medians over the trials. */
const PHASES: Array<{ name: string; from: keyof FirstFrameTrial['timeline'] | null; to: keyof FirstFrameTrial['timeline'] }> = [
  { name: 'WebSocket open', from: null, to: 'socketOpen' },
  { name: 'join (token check, room) → joined', from: 'socketOpen', to: 'joined' },
  { name: 'subscribe → server offer arrives', from: 'joined', to: 'offerReceived' },
  { name: 'client answer (setRemote, createAnswer, setLocal, gathering) → sent', from: 'offerReceived', to: 'answerSent' },
  { name: 'answer sent → client ICE writable, first DTLS ClientHello', from: 'answerSent', to: 'dtlsStarted' },
  { name: 'first ClientHello → DTLS connected', from: 'dtlsStarted', to: 'connected' },
  { name: 'DTLS connected → first decoded frame (keyframe)', from: 'connected', to: 'firstFrame' },
];

export interface FirstFrameResult {
  trials: number;
  succeeded: number;
  medianMs: number | null;
  p90Ms: number | null;
  minMs: number | null;
  maxMs: number | null;
  phasesMedianMs: Array<{ phase: string; medianMs: number | null; p90Ms: number | null }>;
  publisherKeyFramesDuringTrials: number | null;
  publisherPlisDuringTrials: number | null;
  runs: FirstFrameTrial[];
}

async function firstFrame(): Promise<FirstFrameResult> {
  log(`  Parley: ${TRIALS} joins, each to its first decoded frame…`);
  const parley = await startChild('server.ts', 'parley');
  if (PINNING) pinToCpus(parley.pid, PINNING.sfu);
  const bots: Child[] = [];
  try {
    const ready = parley.ready as { url: string; appId: string; appCertificate: string };
    const target: Target = { kind: 'parley', url: ready.url, appId: ready.appId, appCertificate: ready.appCertificate, channel: 'first-frame' };
    bots.push(...(await Promise.all([startChild('bots.ts', 'publisher'), startChild('bots.ts', 'joiner')])));
    const [publisherBot, joiner] = bots as [Child, Child];
    const { publisherId } = await publisherBot.ask<{ publisherId: number }>({ bench: 'publish', target, uid: 1, video: VIDEO });
    // The publisher is past its start (bitrate settled) before anyone joins.
    await sleep(2_000);
    const before = await publisherBot.ask<StatsReply>({ bench: 'stats' });
    const uids = Array.from({ length: TRIALS }, (_, i) => 2000 + i);
    const { trials } = await joiner.ask<{ trials: FirstFrameTrial[] }>({ bench: 'firstframe', target, publisherId, uids }, TRIALS * 15_000);
    const after = await publisherBot.ask<StatsReply>({ bench: 'stats' });
    const times = trials.flatMap((t) => (t.totalMs === null ? [] : [t.totalMs]));
    const phasesMedianMs = PHASES.map(({ name, from, to }) => {
      const durations = trials.flatMap((t) => {
        const end = t.timeline[to];
        const start = from === null ? 0 : t.timeline[from];
        // Steps can overlap (the client's ICE may succeed before its answer is on the wire).
        return end === undefined || start === undefined ? [] : [Math.max(0, end - start)];
      });
      return { phase: name, medianMs: round(median(durations), 1), p90Ms: round(quantile(durations, 0.9), 1) };
    });
    for (const trial of trials) if (trial.error) log(`    trial uid ${trial.uid} failed: ${trial.error}`);
    return {
      trials: trials.length,
      succeeded: times.length,
      medianMs: round(median(times), 1),
      p90Ms: round(quantile(times, 0.9), 1),
      minMs: round(Math.min(...times), 1),
      maxMs: round(Math.max(...times), 1),
      phasesMedianMs,
      publisherKeyFramesDuringTrials: before.outbound && after.outbound ? after.outbound.keyFramesEncoded - before.outbound.keyFramesEncoded : null,
      publisherPlisDuringTrials: before.outbound && after.outbound ? after.outbound.pliCount - before.outbound.pliCount : null,
      runs: trials,
    };
  } finally {
    await Promise.allSettled(bots.map((bot) => bot.ask({ bench: 'leave' }, 10_000).catch(() => undefined)));
    await Promise.allSettled(bots.map((bot) => bot.stop()));
    await parley.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// Reporting

function packageVersion(name: string): string | null {
  try {
    return (JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}

function writeAtomically(file: string, text: string): void {
  fs.writeFileSync(`${file}.tmp`, text);
  fs.renameSync(`${file}.tmp`, file);
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  return rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[0]!) : cell.padStart(widths[column]!))).join('   ')).join('\n');
}

const show = (value: number | null | undefined, suffix = '') => (value === null || value === undefined ? '–' : `${value}${suffix}`);
const label = (met: boolean | null) => (met === null ? 'n/a' : met ? 'met' : 'MISSED');

// ---------------------------------------------------------------------------------------------

const startedAt = new Date();
const cpus = os.cpus();
const environment = {
  node: process.version,
  platform: `${os.platform()} ${os.arch()} ${os.release()}`,
  cpus: cpus.length,
  cpuModel: cpus[0]?.model ?? 'unknown',
  memoryGb: Math.round(os.totalmem() / 2 ** 30),
  werift: packageVersion('werift'),
  wrtc: packageVersion('@roamhq/wrtc'),
  janus: null as string | null,
  ...sourceState(),
};
log(`RTC benchmark: N = ${SUBSCRIBER_COUNTS.join(', ')} (video)${AUDIO_SUBSCRIBER_COUNTS.length ? `, ${AUDIO_SUBSCRIBER_COUNTS.join(', ')} (audio only)` : ''}; ${WARMUP_SECONDS} s warm-up, ${WINDOW_SECONDS} s measured; video ${VIDEO.width}×${VIDEO.height} ${VIDEO.fps} fps at ${VIDEO.kbps} kbps; ${environment.cpus} × ${environment.cpuModel}`);

const notes: string[] = [];
// Other work on the machine takes cores from the SFU and the bots: measure it before starting.
{
  const before = machineCpuSeconds();
  await sleep(1_000);
  const after = machineCpuSeconds();
  const busy = ((after.busy - before.busy) / (after.total - before.total)) * cpus.length * 100;
  log(`Machine before the run: ${Math.round(busy)}% busy of ${cpus.length * 100}%`);
  if (busy > 20) notes.push(`Other processes kept the machine ${Math.round(busy)}% busy (of ${cpus.length * 100}%) just before the run: the numbers are less reliable.`);
}
const parleyRuns: FanoutResult[] = [];
const janusRuns: FanoutResult[] = [];
let janusSkipped: string | null = null;
if (args['no-janus']) janusSkipped = 'skipped (--no-janus)';
else if (!janusInstalled()) janusSkipped = 'Janus is not installed (apt-get install -y janus)';
// Parley and Janus take turns at each N, so that whatever else the machine is doing meanwhile
// falls on both alike.
log(`\n1 and 3 (4: audio only). Fan-out through Parley${janusSkipped ? '' : ' and Janus, in turns'}`);
const fanoutPlan: Array<[StatsKind, number]> = [...SUBSCRIBER_COUNTS.map((n): [StatsKind, number] => ['video', n]), ...AUDIO_SUBSCRIBER_COUNTS.map((n): [StatsKind, number] => ['audio', n])];
for (const [kind, n] of fanoutPlan) {
  parleyRuns.push(await fanout('parley', kind, n));
  if (janusSkipped) continue;
  try {
    janusRuns.push(await fanout('janus', kind, n));
    environment.janus = janusVersion;
  } catch (error) {
    janusSkipped = `Janus run failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}
if (janusSkipped) log(`  Janus: ${janusSkipped}`);

log('\n2. Join → first remote frame');
const first = await firstFrame();

/**
 * SFU CPU against N as a straight line: the slope is the marginal cost of one more subscriber, the
 * intercept the fixed cost of carrying the publisher (receiving, routing, its connection's timers)
 * whoever watches. At small N the intercept is most of the CPU per forwarded packet, so the two
 * together say which one a gap to Janus comes from.
 */
function linearFit(runs: FanoutResult[], kind: StatsKind): { slope: number; intercept: number } | null {
  const valid = runs.filter((r) => r.kind === kind && r.server.cpuPercent !== null);
  if (valid.length < 2) return null;
  const xs = valid.map((r) => r.subscribers);
  const ys = valid.map((r) => r.server.cpuPercent!);
  const mx = mean(xs);
  const my = mean(ys);
  const slope = xs.reduce((sum, x, i) => sum + (x - mx) * (ys[i]! - my), 0) / xs.reduce((sum, x) => sum + (x - mx) ** 2, 0);
  const [roundedSlope, intercept] = [round(slope, 3), round(my - slope * mx, 2)];
  // Runs at one N only: no line to draw.
  return roundedSlope === null || intercept === null ? null : { slope: roundedSlope, intercept };
}
const parleyFit = linearFit(parleyRuns, 'video');
const janusFit = linearFit(janusRuns, 'video');
const parleyAudioFit = linearFit(parleyRuns, 'audio');
const janusAudioFit = linearFit(janusRuns, 'audio');
const parleyMarginal = parleyFit?.slope ?? null;
const janusMarginal = janusFit?.slope ?? null;
const parleyAudioMarginal = parleyAudioFit?.slope ?? null;
const janusAudioMarginal = janusAudioFit?.slope ?? null;
/** "2.1% + 0.41% a subscriber", or null without two runs to fit. */
const fitText = (fit: { slope: number; intercept: number } | null) => (fit ? `${fit.intercept}% + ${fit.slope}% a subscriber` : null);
const fitLines = ([
  ['video', parleyFit, janusFit],
  ['audio', parleyAudioFit, janusAudioFit],
] as const)
  .filter(([, parley]) => parley !== null)
  .map(([kind, parley, janus]) => `SFU CPU against N, ${kind}: Parley ${fitText(parley)}${janus ? `; Janus ${fitText(janus)}` : ''}`);

const ratios = parleyRuns.map((p) => {
  const j = janusRuns.find((r) => r.kind === p.kind && r.subscribers === p.subscribers);
  const ratio = j && p.server.cpuPercentPerStream && j.server.cpuPercentPerStream !== null ? round(j.server.cpuPercentPerStream / p.server.cpuPercentPerStream, 3) : null;
  const perPacket = j && p.server.cpuMicrosPerForwardedPacket && j.server.cpuMicrosPerForwardedPacket !== null ? round(j.server.cpuMicrosPerForwardedPacket / p.server.cpuMicrosPerForwardedPacket, 3) : null;
  return { kind: p.kind, subscribers: p.subscribers, janusOverParleyCpuPerStream: ratio, janusOverParleyCpuPerPacket: perPacket };
});

for (const run of [...parleyRuns, ...janusRuns]) {
  const which = `${run.sfu} ${run.kind} N=${run.subscribers}`;
  if (run.receivers.lossPercent !== null && run.receivers.lossPercent > 0) notes.push(`${which}: subscribers lost ${run.receivers.packetsLost} packets (${run.receivers.lossPercent}%).`);
  if (run.receivers.fps.min !== null && run.receivers.fps.min < VIDEO.fps * 0.9) notes.push(`${which}: the slowest subscriber decoded ${run.receivers.fps.min} fps of ${VIDEO.fps}.`);
  if (run.receivers.concealedPercent !== null && run.receivers.concealedPercent > 1) notes.push(`${which}: ${run.receivers.concealedPercent}% of the played audio samples were concealment.`);
  if ((run.machine.otherCpuPercent ?? 0) > 20) notes.push(`${which}: other processes on the machine used ${run.machine.otherCpuPercent}% of a core during the window (competing with the SFU and the bots).`);
  if (run.subscribersReceiving < run.subscribers) notes.push(`${which}: only ${run.subscribersReceiving} subscribers received ${run.kind}.`);
  if (run.sfuForwardedStreams !== null && run.sfuForwardedStreams !== run.subscribers) notes.push(`${which}: the SFU counted ${run.sfuForwardedStreams} forwarded ${run.kind} streams.`);
}
{
  // Where the first-frame time goes, when one step dominates.
  const step = (name: string) => first.phasesMedianMs.find((p) => p.phase.startsWith(name))?.medianMs ?? null;
  const dtls = step('first ClientHello');
  const keyframe = step('DTLS connected');
  if (dtls !== null && first.medianMs && dtls >= 40) {
    notes.push(
      `First frame: ${dtls} ms of the ${first.medianMs} ms median is the DTLS step, which takes a few ms on an idle loopback: ` +
        `a ClientHello was lost or waited for the SFU. \`npm exec -- node bench/rtc/handshakeTrace.ts\` prints the packets. ` +
        `The keyframe wait after DTLS is ${keyframe} ms (the SFU asks the publisher for a keyframe when the subscriber connects).`,
    );
  }
}
const busiest = [...parleyRuns, ...janusRuns].reduce((max, r) => Math.max(max, r.machine.busyPercentOfAllCores ?? 0), 0);
notes.push(
  `The machine has ${environment.cpus} cores: the bots (${BOT_PROCESSES} subscriber processes ${DECODING ? 'decoding every stream' : 'of werift peers, decoding nothing'}, 1 publisher encoding) ` +
    `share them with the SFU; the machine was up to ${busiest}% busy of ${environment.cpus * 100}%. SFU CPU is that process's own CPU time.`,
);

const largest = parleyRuns.filter((r) => r.kind === 'video').at(-1);
const cpuGoalMet = largest?.server.cpuPercentPerStream != null ? largest.server.cpuPercentPerStream <= GOALS.maxCpuPerStreamPercent : null;
const marginalGoalMet = parleyMarginal !== null ? parleyMarginal <= GOALS.maxCpuPerStreamPercent : null;
const firstFrameGoalMet = first.medianMs !== null ? first.medianMs <= GOALS.maxFirstFrameMedianMs : null;

// Printed summary
const fanoutRows = [
  ['SFU', 'media', 'N', 'SFU CPU', 'kernel', 'faults/s', 'per stream', 'streams/core', 'µs/packet', 'RSS MB', 'pub kbps', 'pub pkt/s', 'pub fps', 'sub fps med/min', 'loss %', 'bots CPU', 'irq CPU', 'other CPU', 'machine CPU'],
  ...[...parleyRuns, ...janusRuns].map((r) => [
    r.sfu,
    r.kind,
    String(r.subscribers),
    show(r.server.cpuPercent, '%'),
    r.server.kernelShare === null ? '–' : `${Math.round(r.server.kernelShare * 100)}%`,
    show(r.server.pageFaultsPerSecond),
    show(r.server.cpuPercentPerStream, '%'),
    show(r.server.streamsPerCore),
    show(r.server.cpuMicrosPerForwardedPacket),
    String(r.server.rssMb),
    show(r.publisher.kbps),
    show(r.publisher.packetsPerSecond),
    show(r.publisher.fps),
    r.kind === 'video' ? `${show(r.receivers.fps.median)}/${show(r.receivers.fps.min)}` : `concealed ${show(r.receivers.concealedPercent, '%')}`,
    show(r.receivers.lossPercent),
    show(r.machine.botsCpuPercent, '%'),
    show(r.machine.interruptsCpuPercent, '%'),
    show(r.machine.otherCpuPercent, '%'),
    `${show(r.machine.busyPercentOfAllCores, '%')}/${r.machine.cores * 100}%`,
  ]),
];
log(`\n${table(fanoutRows)}`);
// Each line's slope is the marginal cost per added stream (the goal below); its intercept the fixed cost.
log('');
for (const line of fitLines) log(`${line} (least squares over the runs: fixed + marginal)`);
for (const r of ratios) if (r.janusOverParleyCpuPerPacket !== null) log(`Janus / Parley CPU per forwarded packet, ${r.kind} N=${r.subscribers}: ${r.janusOverParleyCpuPerPacket}`);
if (parleyMarginal && janusMarginal) log(`Janus / Parley marginal CPU per video stream: ${round(janusMarginal / parleyMarginal, 3)}`);
log(`\nJoin → first frame over ${first.succeeded}/${first.trials} trials: median ${show(first.medianMs, ' ms')}, p90 ${show(first.p90Ms, ' ms')} (min ${show(first.minMs)}, max ${show(first.maxMs)})`);
log(table([['phase', 'median ms', 'p90 ms'], ...first.phasesMedianMs.map((p) => [p.phase, show(p.medianMs), show(p.p90Ms)])]));
log(
  `\nCPU per forwarded stream at N=${largest?.subscribers}: ${show(largest?.server.cpuPercentPerStream, '%')} (goal ≤ ${GOALS.maxCpuPerStreamPercent}%: ${label(cpuGoalMet)}); ` +
    `marginal ${show(parleyMarginal, '%')} (${label(marginalGoalMet)})\n` +
    `First-frame median: ${show(first.medianMs, ' ms')} (goal ≤ ${GOALS.maxFirstFrameMedianMs} ms: ${label(firstFrameGoalMet)})`,
);
for (const note of notes) log(`Note: ${note}`);

// Files
const stamp = startedAt.toISOString().replace(/\.\d+Z$/, 'Z').replaceAll(':', '-');
// werift subscribers' runs keep a latest file of their own: both kinds of run stay readable side by side.
const resultsPrefix = DECODING ? 'rtc' : 'rtc-werift';
const jsonName = `${resultsPrefix}-${stamp}.json`;
const report = {
  benchmark: 'rtc',
  startedAt: startedAt.toISOString(),
  durationSeconds: round((Date.now() - startedAt.getTime()) / 1000, 0),
  environment,
  settings: { subscriberCounts: SUBSCRIBER_COUNTS, audioSubscriberCounts: AUDIO_SUBSCRIBER_COUNTS, warmupSeconds: WARMUP_SECONDS, windowSeconds: WINDOW_SECONDS, trials: TRIALS, video: VIDEO, subscriberProcesses: BOT_PROCESSES, pinning: PINNING ?? null, bots: DECODING ? '@roamhq/wrtc (libwebrtc); VP8 video only, or Opus audio only' : 'publisher @roamhq/wrtc (libwebrtc), subscribers werift (no decoding); VP8 video only, or Opus audio only' },
  goals: {
    cpuPerStreamPercent: { max: GOALS.maxCpuPerStreamPercent, atLargestN: largest?.server.cpuPercentPerStream ?? null, met: cpuGoalMet, marginal: parleyMarginal, marginalMet: marginalGoalMet },
    firstFrameMedianMs: { max: GOALS.maxFirstFrameMedianMs, actual: first.medianMs, met: firstFrameGoalMet },
  },
  fanout: {
    parley: parleyRuns,
    janus: janusRuns,
    janusSkipped,
    parleyMarginalCpuPerStreamPercent: parleyMarginal,
    janusMarginalCpuPerStreamPercent: janusMarginal,
    parleyAudioMarginalCpuPerStreamPercent: parleyAudioMarginal,
    janusAudioMarginalCpuPerStreamPercent: janusAudioMarginal,
    /** Least-squares lines of SFU CPU (% of a core) against N: intercept (fixed) + slope (a subscriber). */
    fits: { parleyVideo: parleyFit, janusVideo: janusFit, parleyAudio: parleyAudioFit, janusAudio: janusAudioFit },
    ratios,
  },
  firstFrame: first,
  notes,
};
fs.mkdirSync(resultsDir, { recursive: true });
writeAtomically(path.join(resultsDir, jsonName), `${JSON.stringify(report, null, 2)}\n`);

const commit = environment.commit ? `commit ${environment.commit}${environment.dirty ? ' with uncommitted changes' : ''}` : 'commit unknown';
const mdFanout = [
  '| SFU | media | N | SFU CPU (% of a core) | of which kernel | SFU page faults/s | per stream | streams/core | CPU µs per forwarded packet | SFU RSS MB (idle → loaded) | publisher kbps / pkt/s / fps | subscriber fps median / min | loss | bots CPU | irq + softirq CPU | other processes CPU | machine CPU |',
  '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...[...parleyRuns, ...janusRuns].map(
    (r) =>
      `| ${r.sfu === 'parley' ? 'Parley (werift ' + (environment.werift ?? '?') + ')' : 'Janus ' + (environment.janus ?? '')} | ${r.kind} | ${r.subscribers} | ${show(r.server.cpuPercent, '%')} | ${r.server.kernelShare === null ? '–' : `${Math.round(r.server.kernelShare * 100)}%`} | ${show(r.server.pageFaultsPerSecond)} | ${show(r.server.cpuPercentPerStream, '%')} | ${show(r.server.streamsPerCore)} | ${show(r.server.cpuMicrosPerForwardedPacket)} | ${r.server.idleRssMb} → ${r.server.rssMb} | ${show(r.publisher.kbps)} / ${show(r.publisher.packetsPerSecond)} / ${show(r.publisher.fps)} | ${r.kind === 'video' ? `${show(r.receivers.fps.median)} / ${show(r.receivers.fps.min)}` : `concealed ${show(r.receivers.concealedPercent, '%')}`} | ${show(r.receivers.lossPercent, '%')} | ${show(r.machine.botsCpuPercent, '%')} | ${show(r.machine.interruptsCpuPercent, '%')} | ${show(r.machine.otherCpuPercent, '%')} | ${show(r.machine.busyPercentOfAllCores, '%')} of ${r.machine.cores * 100}% |`,
  ),
].join('\n');
const ratioLines = ratios.filter((r) => r.janusOverParleyCpuPerPacket !== null).map((r) => `${r.kind} N=${r.subscribers}: ${r.janusOverParleyCpuPerPacket}`);
// The command as given, so the file says which N, windows and SFUs it measured.
const runCommand = ['npm run bench:rtc', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');
const markdown = `# RTC benchmark: latest run

${startedAt.toISOString()}, ${commit}; Node ${environment.node}, ${environment.cpus} × ${environment.cpuModel}, ${environment.platform}; werift ${environment.werift ?? '?'}, @roamhq/wrtc ${environment.wrtc}${environment.janus ? `, Janus ${environment.janus}` : ''}.
Full results: [\`${jsonName}\`](${jsonName}). Run: \`${runCommand}\`.

## Fan-out: 1 publisher → N subscribers

The publisher is a native wrtc bot sending synthetic ${VIDEO.width}×${VIDEO.height} ${VIDEO.fps} fps VP8, video only: a moving bar over
low-amplitude noise that changes every frame, so the encoder spends the bitrate it is given, which is pinned at ${VIDEO.kbps} kbps
(x-google-min/start/max-bitrate on the SFU's answer) so both SFUs carry the same stream whatever their congestion feedback.
(The test bot's plain moving bar encodes to ~35 kbps, one packet a frame: far cheaper to forward than a camera.)
Each subscriber is a ${SUBSCRIBER_BOTS}; ${BOT_PROCESSES} subscriber processes and 1 publisher process, apart from the SFU.
${PINNING ? `Pinned with taskset: the SFU (every thread) on CPU ${PINNING.sfu}, the bots and the orchestrator on CPU ${PINNING.rest}, so the SFU has a core of its own.` : 'Not pinned (--no-pin): the SFU and the bots share every core.'}
After ${WARMUP_SECONDS} s of warm-up, ${WINDOW_SECONDS} s are measured. SFU CPU is the SFU process's own CPU time (utime + stime of every
thread, /proc/<pid>/stat) over the window; 100% is one core; per stream = SFU CPU / N; streams/core = 100 / per stream.
Page faults are the SFU's minor faults over the window (the same file): first touches of memory it allocated, each a trap into the kernel.
Loss, NACKs and fps come from each subscriber's getStats (inbound-rtp)${DECODING ? '' : '; werift decodes nothing, so there is no fps'}. Janus: its Debian package with only the HTTP transport and the
videoroom plugin loaded (default settings otherwise: one event-loop thread per handle); its clients are the same bots.
Audio-only rows: the publisher sends Opus alone (a 440 Hz tone, 48 kHz mono, 20 ms packets: 50 a second), and each subscriber
${DECODING ? 'decodes it' : 'receives it'}; a packet is small, so what these rows measure is the SFU's cost per packet. "concealed" is the share of the
subscribers' played samples that the decoder made up for packets missing or late${DECODING ? '' : ' (none here: nothing is decoded)'}.

${mdFanout}

| Goal | Target | Result | |
|---|---|---|---|
| Parley CPU per forwarded stream at N=${largest?.subscribers} | ≤ ${GOALS.maxCpuPerStreamPercent}% of a core (≥ ${Math.round(100 / GOALS.maxCpuPerStreamPercent)} streams/core) | ${show(largest?.server.cpuPercentPerStream, '%')} (${show(largest?.server.streamsPerCore)} streams/core) | ${label(cpuGoalMet)} |
| Parley marginal CPU per added stream (slope over N) | ≤ ${GOALS.maxCpuPerStreamPercent}% | ${show(parleyMarginal, '%')} | ${label(marginalGoalMet)} |
| Join → first frame, median | ≤ ${GOALS.maxFirstFrameMedianMs} ms | ${show(first.medianMs, ' ms')} | ${label(firstFrameGoalMet)} |

${janusRuns.length ? `Janus / Parley CPU per forwarded packet (below 1: Janus needs less): ${ratioLines.join(', ')}${janusMarginal !== null && parleyMarginal ? `; marginal per video stream ${round(janusMarginal / parleyMarginal, 3)}` : ''}${janusAudioMarginal !== null && parleyAudioMarginal ? `; marginal per audio stream ${round(janusAudioMarginal / parleyAudioMarginal, 3)}` : ''}.` : `Janus: ${janusSkipped}.`}${fitLines.length ? `\n\n${fitLines.map((line) => `${line}.`).join(' ')} A straight line through each SFU's runs (least squares): the intercept is what carrying the publisher costs whoever watches, the slope what each subscriber adds.` : ''}

## Join → first remote frame

${first.succeeded} of ${first.trials} trials: a publisher is already publishing; a new bot opens the signaling socket, joins, subscribes to the
publisher's video (listed in \`joined.users\`), answers the server's offer and waits for its first decoded frame (wrtc video sink).
Median **${show(first.medianMs, ' ms')}**, p90 ${show(first.p90Ms, ' ms')}, min ${show(first.minMs, ' ms')}, max ${show(first.maxMs, ' ms')}.

| Step | median ms | p90 ms |
|---|---:|---:|
${first.phasesMedianMs.map((p) => `| ${p.phase} | ${show(p.medianMs)} | ${show(p.p90Ms)} |`).join('\n')}

## Notes

${notes.map((note) => `- ${note}`).join('\n')}
`;
writeAtomically(path.join(resultsDir, `${resultsPrefix}-latest.md`), markdown);
log(`\nWrote bench/results/${jsonName} and bench/results/${resultsPrefix}-latest.md`);
