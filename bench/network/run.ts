/**
 * `npm run bench:network`: calls across real network paths on this machine (needs root, `ip`,
 * `nft`, Debian's chromium and coturn). The stage of the network tests
 * (test/browser/support/turnNatCall.ts): Chromium in a network namespace behind a NAT, Chromium on
 * the host, a Parley server (all media on one UDP port) and coturn on the host's end of the
 * client's uplink.
 *
 * 1. Join → first remote frame over each path: direct UDP; TURN over UDP (the client's firewall
 *    drops UDP to the server's media port only); TURN over TCP and TURN over TLS (all UDP dropped,
 *    and TCP to the other TURN port). A host tab publishes; a fresh NAT'ed tab joins and times its
 *    first frame (firstFrame.ts); the paths take turns, `--trials` times each, after one discarded
 *    warm-up trial. Each trial's path is checked by the SDK's `getRTCStats`.
 * 2. Call quality under loss: for each `--loss` level, with `--rtt` ms of round trip, a fresh call
 *    both ways through a user-space lossy relay on the NAT'ed client's media (lossyCall.ts);
 *    `--seconds` measured after `--warmup`.
 *
 * Options: --trials 5  --loss 0,2,5,10 (%)  --rtt 100 (ms)  --seconds 15  --warmup 5
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startImpairedLink, type ImpairedLink } from '../../test/support/impairedLink.ts';
import type { NatClient } from '../../test/support/netns.ts';
import { until } from '../../test/browser/support/callTabs.ts';
import { startTurnNatCall, TURN_PORT, TURNS_PORT, type TurnNatCall } from '../../test/browser/support/turnNatCall.ts';
import { machineCpuSeconds } from '../rtc/proc.ts';
import { firstFrameTrial, type FirstFrameTrial } from './firstFrame.ts';
import { lossyCall, type LossLevelResult } from './lossyCall.ts';
import { sourceState } from '../sourceState.ts';

const { values: args } = parseArgs({
  options: {
    trials: { type: 'string', default: '5' },
    loss: { type: 'string', default: '0,2,5,10' },
    rtt: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '5' },
  },
  strict: true,
});

const nonNegative = (raw: string, name: string): number => {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number ≥ 0, got "${raw}"`);
  return value;
};
const TRIALS = Math.max(1, Math.round(nonNegative(args.trials, 'trials')));
const LOSS_PERCENTS = args.loss.split(',').map((raw) => nonNegative(raw.trim(), 'loss'));
const RTT_MS = nonNegative(args.rtt, 'rtt');
const MEASURE_SECONDS = nonNegative(args.seconds, 'seconds');
const WARMUP_SECONDS = nonNegative(args.warmup, 'warmup');
const FIRST_FRAME_TIMEOUT_MS = 20_000;
/** Calls tried per loss level until one comes up. */
const LOSS_ATTEMPTS = 2;

const resultsDir = path.resolve(import.meta.dirname, '../results');
const log = (line: string) => process.stdout.write(`${line}\n`);
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

// ---------------------------------------------------------------------------------------------
// Paths

type Firewall = Parameters<NatClient['firewall']>[0];

interface MediaPath {
  name: string;
  /** What the NAT'ed client's firewall drops, so that only this path is left. */
  firewall(rtcPort: number): Firewall;
  /** Whether `getRTCStats` shows the media took this path. */
  took(trial: FirstFrameTrial): boolean;
}

const PATHS: MediaPath[] = [
  { name: 'direct UDP', firewall: () => ({}), took: (t) => t.localCandidateType !== 'relay' },
  { name: 'TURN/UDP', firewall: (rtcPort) => ({ dropUdpPorts: [rtcPort] }), took: (t) => t.localCandidateType === 'relay' && t.relayProtocol === 'udp' },
  { name: 'TURN/TCP', firewall: () => ({ dropUdp: true, dropTcpPorts: [TURNS_PORT] }), took: (t) => t.localCandidateType === 'relay' && t.relayProtocol === 'tcp' },
  { name: 'TURN/TLS', firewall: () => ({ dropUdp: true, dropTcpPorts: [TURN_PORT] }), took: (t) => t.localCandidateType === 'relay' && t.relayProtocol === 'tls' },
];

// ---------------------------------------------------------------------------------------------
// Statistics

function quantile(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return round(sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!);
}

function summary(values: number[]): { median: number | null; p90: number | null; min: number | null; max: number | null } {
  return { median: quantile(values, 0.5), p90: quantile(values, 0.9), min: quantile(values, 0), max: quantile(values, 1) };
}

// ---------------------------------------------------------------------------------------------
// Environment

function versionOf(command: string, argv: string[]): string | null {
  try {
    return execFileSync(command, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

const startedAt = new Date();
const cpus = os.cpus();
const source = sourceState();
const environment = {
  node: process.version,
  platform: `${os.platform()} ${os.arch()} ${os.release()}`,
  cpus: cpus.length,
  cpuModel: cpus[0]?.model ?? 'unknown',
  memoryGb: Math.round(os.totalmem() / 2 ** 30),
  chromium: versionOf('dpkg-query', ['-W', '-f=${Version}', 'chromium']),
  coturn: versionOf('dpkg-query', ['-W', '-f=${Version}', 'coturn']),
  commit: source.commit,
  dirty: source.dirty,
};
const machineAtStart = machineCpuSeconds();
log(`Network benchmark: ${TRIALS} trials per path; loss ${LOSS_PERCENTS.join('/')}% at ${RTT_MS} ms RTT, ${WARMUP_SECONDS} s warm-up + ${MEASURE_SECONDS} s each; ${environment.cpus} × ${environment.cpuModel}`);

// ---------------------------------------------------------------------------------------------
// Runs

interface PathTrial extends FirstFrameTrial {
  path: string;
  trial: number;
  onPath: boolean;
}

const trials: PathTrial[] = [];
const losses: LossLevelResult[] = [];
const failedCalls: { lossPercent: number; attempt: number; error: string }[] = [];
const notes: string[] = [];
let turnCall: TurnNatCall | undefined;
let link: ImpairedLink | undefined;
try {
  turnCall = await startTurnNatCall();
  const { stage } = turnCall;
  const channel = 'bench-first-frame';
  const publisher = await stage.hostTabs.joinTab(channel, 'host', { publish: true });
  // The host's camera is encoding before any trial starts.
  await until(() => publisher.evaluate(() => window.client.getLocalVideoStats().framesEncoded as number), (frames) => frames > 30, 20_000);
  const trial = async (mediaPath: MediaPath, uid: string) => {
    await stage.nat.firewall(mediaPath.firewall(stage.rtcPort));
    return firstFrameTrial({
      browser: stage.natBrowser,
      serverUrl: stage.server.url,
      appId: stage.project.appId,
      channel,
      uid,
      token: stage.token(channel, uid),
      publisherUid: 'host',
      timeoutMs: FIRST_FRAME_TIMEOUT_MS,
    });
  };
  // The first tab pays for Chromium's first page, codec and network start-up: not counted.
  const warmup = await trial(PATHS[0]!, 'warmup');
  log(`warm-up trial (not counted): ${round(warmup.firstFrameMs)} ms`);
  for (let n = 1; n <= TRIALS; n++) {
    for (const mediaPath of PATHS) {
      try {
        const result = await trial(mediaPath, `nat-${n}-${mediaPath.name.replace(/\W/g, '')}`);
        const onPath = mediaPath.took(result);
        trials.push({ path: mediaPath.name, trial: n, onPath, ...result });
        log(`${mediaPath.name.padEnd(10)} #${n}: first frame ${round(result.firstFrameMs)} ms (joined ${round(result.joinedMs)}, subscribed ${round(result.subscribedMs)}, connected ${round(result.connectedMs)}); path ${result.localCandidateType}${result.relayProtocol ? `/${result.relayProtocol}` : ''}${onPath ? '' : ' — NOT the path asked for, not counted'}`);
      } catch (error) {
        notes.push(`${mediaPath.name} trial ${n} failed: ${(error as Error).message}`);
        log(`${mediaPath.name.padEnd(10)} #${n}: FAILED ${(error as Error).message}`);
      }
    }
  }
  await stage.nat.firewall({});
  await publisher.evaluate(() => window.client.leave()).catch(() => {});
  await publisher.close();

  const host = stage.nat.hostAddress;
  link = await startImpairedLink(host, { address: host, port: stage.rtcPort }, { lossRate: 0, rttMs: RTT_MS });
  await stage.nat.redirectUdp(stage.rtcPort, link.port);
  // coturn stays out of reach: a relay would carry the media around the lossy link.
  await stage.nat.firewall({ dropUdpPorts: [TURN_PORT], dropTcpPorts: [TURN_PORT, TURNS_PORT] });
  for (const lossPercent of LOSS_PERCENTS) {
    let result: LossLevelResult | undefined;
    // A call that never comes up says nothing of quality; it is counted and told, and a fresh one is tried.
    for (let attempt = 1; !result && attempt <= LOSS_ATTEMPTS; attempt++) {
      try {
        result = await lossyCall(stage, link, { lossPercent, rttMs: RTT_MS, warmupMs: WARMUP_SECONDS * 1000, measureMs: MEASURE_SECONDS * 1000 });
      } catch (error) {
        failedCalls.push({ lossPercent, attempt, error: (error as Error).message });
        notes.push(`loss ${lossPercent}%, call ${attempt}: ${(error as Error).message}.`);
        log(`loss ${lossPercent}%: call ${attempt} FAILED: ${(error as Error).message}`);
      }
    }
    if (!result) continue;
    losses.push(result);
    const line = (q: LossLevelResult['uplink']) => `sent ${q.sentFps} fps, decoded ${q.decodedFps} fps (${round(q.decodedShare * 100)}%), frozen ${round(q.freezeRate * 100)}%, audio concealed ${round(q.audioConcealedShare * 100)}%`;
    log(`loss ${lossPercent}% (applied ${result.appliedLossPercent.up}% up / ${result.appliedLossPercent.down}% down, RTT ${result.measuredRttMs} ms, path ${result.localCandidateType}): up ${line(result.uplink)}; down ${line(result.downlink)}`);
    if (result.datagrams.up < 500 || result.datagrams.down < 500) notes.push(`loss ${lossPercent}%: only ${result.datagrams.up} datagrams up and ${result.datagrams.down} down crossed the lossy link in the window.`);
  }
  await stage.nat.redirectUdp(undefined);
  await stage.nat.firewall({});
} finally {
  await turnCall?.close();
  await link?.close();
}

// ---------------------------------------------------------------------------------------------
// Results

const machineAtEnd = machineCpuSeconds();
const machineBusyPercent = Math.round(((machineAtEnd.busy - machineAtStart.busy) / (machineAtEnd.total - machineAtStart.total)) * 100);
const firstFrame = PATHS.map((mediaPath) => {
  const counted = trials.filter((t) => t.path === mediaPath.name && t.onPath);
  return {
    path: mediaPath.name,
    counted: counted.length,
    trials: TRIALS,
    firstFrameMs: summary(counted.map((t) => t.firstFrameMs)),
    joinedMs: summary(counted.map((t) => t.joinedMs)),
    subscribedMs: summary(counted.map((t) => t.subscribedMs)),
    connectedMs: summary(counted.map((t) => t.connectedMs)),
    receivedMs: summary(counted.flatMap((t) => (t.receivedMs === null ? [] : [t.receivedMs]))),
    paths: [...new Set(trials.filter((t) => t.path === mediaPath.name).map((t) => `${t.localCandidateType}${t.relayProtocol ? `/${t.relayProtocol}` : ''}`))],
  };
});
const show = (value: number | null, suffix = '') => (value === null ? '–' : `${value}${suffix}`);
const pct = (share: number) => `${round(share * 100)}%`;

/** A markdown table, its columns padded so that it reads as well in a terminal as rendered. */
function markdownTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[0]!) : cell.padStart(widths[column]!))).join(' | ')} |`;
  return [line(rows[0]!), `|${widths.map((width, column) => (column === 0 ? '-'.repeat(width + 2) : `${'-'.repeat(width + 1)}:`)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

const firstFrameRows = [
  ['path', 'trials', 'first frame median', 'p90', 'max', 'joined', 'subscribed', 'connected', 'frame received', 'seen'],
  ...firstFrame.map((f) => [
    f.path,
    `${f.counted}/${f.trials}`,
    show(f.firstFrameMs.median, ' ms'),
    show(f.firstFrameMs.p90, ' ms'),
    show(f.firstFrameMs.max, ' ms'),
    ...[f.joinedMs, f.subscribedMs, f.connectedMs, f.receivedMs].map((s) => show(s.median, ' ms')),
    f.paths.join(', '),
  ]),
];
const lossRows = [
  ['loss', 'calls failed', 'applied up / down', 'RTT', 'direction', 'sent fps', 'decoded fps', 'decoded share', 'freeze rate', 'freezes', 'audio concealed'],
  ...losses.flatMap((l) =>
    (['uplink', 'downlink'] as const).map((way) => {
      const q = l[way];
      return [`${l.lossPercent}%`, String(failedCalls.filter((f) => f.lossPercent === l.lossPercent).length), `${l.appliedLossPercent.up}% / ${l.appliedLossPercent.down}%`, `${l.measuredRttMs} ms`, way === 'uplink' ? 'NAT → host' : 'host → NAT', String(q.sentFps), String(q.decodedFps), pct(q.decodedShare), pct(q.freezeRate), String(q.freezes), pct(q.audioConcealedShare)];
    }),
  ),
];
log(`\nJoin → first remote frame (NAT'ed tab; ms from just before client.join)\n${markdownTable(firstFrameRows)}`);
log(`\nCall quality under loss (${RTT_MS} ms RTT added, ${MEASURE_SECONDS} s measured per level)\n${markdownTable(lossRows)}`);
log(`\nMachine: ${machineBusyPercent}% busy on average over the run (of 100% = all ${environment.cpus} cores).`);
for (const note of notes) log(`Note: ${note}`);

const stamp = startedAt.toISOString().replace(/\.\d+Z$/, 'Z').replaceAll(':', '-');
const jsonName = `network-${stamp}.json`;
const command = `npm run bench:network${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
const report = {
  benchmark: 'network',
  command,
  startedAt: startedAt.toISOString(),
  durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
  environment: { ...environment, machineBusyPercent },
  settings: { trials: TRIALS, lossPercents: LOSS_PERCENTS, rttMs: RTT_MS, measureSeconds: MEASURE_SECONDS, warmupSeconds: WARMUP_SECONDS },
  firstFrame,
  firstFrameTrials: trials,
  loss: losses,
  failedCalls,
  notes,
};
fs.mkdirSync(resultsDir, { recursive: true });
fs.writeFileSync(path.join(resultsDir, jsonName), `${JSON.stringify(report, null, 2)}\n`);

const commit = environment.commit ? `commit ${environment.commit}${environment.dirty ? ' with uncommitted changes' : ''}` : 'commit unknown';
const markdown = `# Network benchmark: latest run

${startedAt.toISOString()}, ${commit}; took ${report.durationSeconds} s. Run: \`${command}\` (options: \`-- --trials 5 --loss 0,2,5,10 --rtt 100 --seconds 15 --warmup 5\`).
Machine: ${environment.cpus} × ${environment.cpuModel}, ${environment.memoryGb} GB, ${environment.platform}; Node ${environment.node}; Chromium ${environment.chromium ?? '?'}; coturn ${environment.coturn ?? '?'}.
Everything (both Chromiums, the Parley server, coturn, the lossy relay) shares this machine, which was ${machineBusyPercent}% busy on average over the run.
Full results: [\`${jsonName}\`](${jsonName}).

The stage is the network tests' (test/browser/support/turnNatCall.ts): Chromium in a network namespace behind a NAT (masquerade),
Chromium on the host, and a Parley server (all media on one UDP port) with Debian's coturn (configured by \`parley turn config\`)
on the host's end of the client's uplink. Headless Chromium with its fake camera and microphone, VP8 at the SDK's default
encoder profile (Agora's "480p_1": 640×480, 15 fps).

## Join → first remote frame

A host tab publishes; for each trial a fresh tab behind the NAT joins, subscribes to its video when it is announced and plays it.
Measured in the tab from just before \`client.join\` to the \`presentationTime\` of the first frame the <video> presents
(\`requestVideoFrameCallback\`: event-driven, in the page's own clock; the SDK's statistics are only updated every second).
The client's firewall leaves one path: direct UDP (nothing dropped), TURN/UDP (UDP to the server's media port dropped),
TURN/TCP (all UDP and TCP to ${TURNS_PORT} dropped), TURN/TLS (all UDP and TCP to ${TURN_PORT} dropped). The paths take turns,
${TRIALS} trials each after one discarded warm-up trial; each trial's path is checked with \`getRTCStats()\`
(\`LocalCandidateType\`/\`RelayProtocol\`, "seen") and a trial on another path is not counted.
"joined", "subscribed", "connected" and "frame received" are medians of the steps on the way, from the same start: \`client.join\`
resolved (signaling), \`client.subscribe\` resolved (the server's offer answered), the subscriber's peer connection \`connected\`
(ICE and DTLS done), and the last packet of the first frame received (the frame's \`receiveTime\`).

${markdownTable(firstFrameRows)}

## Call quality under loss

For each level, a fresh call both ways (camera and microphone each way) between a tab behind the NAT and a host tab, the NAT'ed
client's media steered through a user-space relay (test/support/impairedLink.ts) that drops that share of datagrams each way at
random and adds ${RTT_MS} ms of round trip. After both directions decoded 40 frames and ${WARMUP_SECONDS} s more, ${MEASURE_SECONDS} s are measured by the SDK's
statistics at both ends: frames encoded at the sender and decoded at the receiver per second, the share of sent frames decoded,
the share of time the video stood frozen (\`totalFreezeTime\`) and the number of freezes, and the share of played sound that was
concealment. "applied" is the loss the relay really applied in the window; RTT is what the NAT'ed client measured. coturn's ports
are blocked for these calls, so the media cannot go around the lossy link through the relay. A call whose two directions are not
both decoding within 30 s of joining is counted as failed ("calls failed", with what its tabs heard in the notes) and a fresh one is
tried, up to ${LOSS_ATTEMPTS} per level.

${markdownTable(lossRows)}
${notes.length > 0 ? `\n## Notes\n\n${notes.map((note) => `- ${note}`).join('\n')}\n` : ''}`;
fs.writeFileSync(path.join(resultsDir, 'network-latest.md'), markdown);
log(`\nWrote bench/results/${jsonName} and bench/results/network-latest.md`);
