/**
 * `npm run bench:recording`: what cloud recording costs. Four native WebRTC publishers (640×480
 * at 30 fps, VP8 + Opus, through @roamhq/wrtc in this process) sit in a channel of a Parley
 * server running in a child process (server.ts); the server's CPU, ffmpeg children included, is
 * read from /proc while:
 * 1. nobody records (the baseline: the SFU receiving the four users);
 * 2. an individual recording records all four (eight tracks to WebM);
 * 3. a mix recording composites all four (640×360, 15 fps, 500 Kbps, best-fit grid);
 * and each recording's stop is timed until its files are made and stored (the stop call waits
 * for that), after RECORD_SECONDS of recording, for four users and for one.
 *
 * The server and its ffmpeg processes run on one CPU, the publishers on the others (see PINNING).
 * The whole sequence runs twice: with the publishers showing a webcam-like picture (what the goals
 * are judged on: transcoding cost depends on the picture) and the tests' cheap moving bar.
 *
 * Goals: ≤ 5% of a core per individually recorded stream (one user's audio and video), files
 * ready ≤ 3 s after stop for a one-minute recording.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KEEPALIVE_INTERVAL_MS } from '@parley/protocol';
import { buildRtcToken } from '@parley/token';
import { ffprobe } from '../../test/support/media.ts';
import { basic, call } from '../../test/support/server.ts';
import type { Picture } from '../../test/support/botMedia.ts';
import { BotClient } from '../../test/support/wrtcClient.ts';
import { pinToCpus } from '../rtc/proc.ts';
import { treeCpu } from './proc.ts';
import { startChild } from '../childProcess.ts';
import { sourceState } from '../sourceState.ts';

const USERS = 4;
/**
 * The server (and the ffmpeg processes it starts, which inherit its CPUs) on one CPU, the
 * publishers' encoders in this process on the others, as bench:rtc does: five camera encoders
 * would otherwise starve the transcoders and the stop's packaging. `--no-pin` shares every CPU.
 */
const PINNING = !process.argv.includes('--no-pin') && os.cpus().length >= 2 ? { server: '0', rest: `1-${os.cpus().length - 1}` } : undefined;
const RECORD_SECONDS = Number(process.env.BENCH_RECORD_SECONDS ?? 60);
const WINDOW_SECONDS = Math.min(20, RECORD_SECONDS - 10);
const WARMUP_SECONDS = 5;
const GOALS = { maxCpuPerStream: 0.05, maxReadySeconds: 3 };
const resultsDir = path.resolve(import.meta.dirname, '../results');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Ready {
  url: string;
  pid: number;
  appId: string;
  appCertificate: string;
  customerId: string;
  customerSecret: string;
}

async function startServer(): Promise<{ ready: Ready; stop: () => Promise<void> }> {
  const server = await startChild(path.join(import.meta.dirname, 'server.ts'), 'server');
  return { ready: server.ready as unknown as Ready, stop: () => server.stop() };
}

interface CpuShare {
  /** The server process and its ffmpeg children, as a share of one core. */
  total: number;
  /** The ffmpeg children alone. */
  ffmpeg: number;
}

async function cpuShare(pid: number, seconds: number): Promise<CpuShare> {
  const before = treeCpu(pid);
  const start = process.hrtime.bigint();
  await sleep(seconds * 1000);
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const after = treeCpu(pid);
  const ffmpeg = (after.children - before.children) / wall;
  return { total: (after.own - before.own) / wall + ffmpeg, ffmpeg };
}

interface RecordingRun {
  mode: 'individual' | 'mix';
  users: number;
  cpu: CpuShare | undefined;
  recordedSeconds: number;
  readySeconds: number;
  files: number;
  uploadingStatus: string;
  /** Individual: the recorded video's bitrate, each user's MP4 (size over duration), median over users. */
  videoKbps: number | undefined;
}

async function record(server: Ready, auth: string, channel: string, users: number, mode: 'individual' | 'mix', measureCpu: boolean): Promise<RecordingRun> {
  const base = `${server.url}/v1/projects/${server.appId}/channels/${channel}/recordings`;
  const body = mode === 'mix' ? { mode, avFileType: ['hls', 'mp4'], transcodingConfig: { width: 640, height: 360, fps: 15, bitrate: 500, mixedVideoLayout: 1 } } : { mode, avFileType: ['hls', 'mp4'] };
  const started = await call(base, 'POST', '', { auth, body });
  if (started.status !== 200) throw new Error(`start ${mode}: ${JSON.stringify(started.body)}`);
  const startedAt = Date.now();
  await sleep(WARMUP_SECONDS * 1000);
  const cpu = measureCpu ? await cpuShare(server.pid, WINDOW_SECONDS) : undefined;
  await sleep(Math.max(0, startedAt + RECORD_SECONDS * 1000 - Date.now()));
  const stopAt = process.hrtime.bigint();
  const stopped = await call(base, 'POST', `/${started.body.data.sid}/stop`, { auth });
  const readySeconds = Number(process.hrtime.bigint() - stopAt) / 1e9;
  if (stopped.status !== 200) throw new Error(`stop ${mode}: ${JSON.stringify(stopped.body)}`);
  const { fileList, uploadingStatus } = stopped.body.data.serverResponse;
  const videoKbps = mode === 'individual' ? await recordedVideoKbps(server, auth, fileList) : undefined;
  return { mode, users, cpu, recordedSeconds: (Date.now() - startedAt) / 1000 - readySeconds, readySeconds, files: fileList.length, uploadingStatus, videoKbps };
}

/** Each user's video MP4 as ffprobe reads it over the download URL (size over duration); the median over users. */
async function recordedVideoKbps(server: Ready, auth: string, fileList: Array<{ fileName: string; trackType: string; downloadUrl: string }>): Promise<number> {
  const rates: number[] = [];
  for (const file of fileList.filter((f) => f.trackType === 'video' && f.fileName.endsWith('.mp4'))) {
    rates.push((await ffprobe(`${server.url}${file.downloadUrl}`, `Authorization: ${auth}\r\n`)).bitRate / 1000);
  }
  rates.sort((a, b) => a - b);
  return Math.round(rates[Math.floor(rates.length / 2)] ?? NaN);
}

function pct(share: number | undefined): string {
  return share === undefined ? '–' : `${(share * 100).toFixed(1)}%`;
}

function writeAtomically(file: string, text: string): void {
  fs.writeFileSync(`${file}.tmp`, text);
  fs.renameSync(`${file}.tmp`, file);
}

/** What the publishers' video costs its encoder, from the first publisher's getStats. */
interface PublisherVideo {
  kbps: number;
  fps: number;
  resolution: string;
}

async function publisherVideo(bot: BotClient, seconds: number): Promise<PublisherVideo> {
  const before = await bot.outbound('video');
  await sleep(seconds * 1000);
  const after = await bot.outbound('video');
  return {
    kbps: Math.round(((after.bytesSent - before.bytesSent) * 8) / seconds / 1000),
    fps: Number(((after.framesEncoded - before.framesEncoded) / seconds).toFixed(1)),
    resolution: `${after.frameWidth}×${after.frameHeight}`,
  };
}

interface PictureResults {
  picture: Picture;
  publisher: PublisherVideo;
  baseline: CpuShare;
  individual: RecordingRun;
  mix: RecordingRun;
  single: RecordingRun;
  cpuPerIndividualStream: number;
  mixCpuFor4Users: number;
}

const startedAt = new Date();
const { ready, stop } = await startServer();
if (PINNING) {
  pinToCpus(ready.pid, PINNING.server);
  pinToCpus(process.pid, PINNING.rest);
}
const bots: BotClient[] = [];
const keepalives: NodeJS.Timeout[] = [];
let exitCode = 0;
try {
  const auth = basic(ready.customerId, ready.customerSecret);
  const join = async (channel: string, uid: number, picture: Picture) => {
    const token = buildRtcToken({ appId: ready.appId, appCertificate: ready.appCertificate, channel, uid, role: 'publisher', tokenExpireSeconds: 3600 });
    const bot = await BotClient.join({ url: ready.url, appId: ready.appId, channel, uid, token });
    bots.push(bot);
    // The server drops a signaling socket silent for three keepalive intervals, and the call with it.
    keepalives.push(setInterval(() => bot.send({ type: 'ping' }), KEEPALIVE_INTERVAL_MS));
    await bot.publish(['audio', 'video'], { width: 640, height: 480, fps: 30, picture });
    return bot;
  };
  /** The whole sequence with every publisher showing `picture`, in channels of its own. */
  const measure = async (picture: Picture): Promise<PictureResults> => {
    const publishers: BotClient[] = [];
    for (let uid = 1; uid <= USERS; uid += 1) publishers.push(await join(`bench-${picture}`, uid, picture));
    publishers.push(await join(`bench-one-${picture}`, 100, picture));
    process.stdout.write(`\n${picture} picture: ${USERS} publishers (+1 in a second channel), 640×480 at 30 fps with audio; ${RECORD_SECONDS} s recordings, CPU over ${WINDOW_SECONDS} s windows\n`);
    await sleep(WARMUP_SECONDS * 1000);
    const [baseline, publisher] = await Promise.all([cpuShare(ready.pid, WINDOW_SECONDS), publisherVideo(publishers[0]!, WINDOW_SECONDS)]);
    process.stdout.write(`baseline (SFU, no recording): ${pct(baseline.total)} of a core; a publisher sends ${publisher.kbps} kbps, ${publisher.fps} fps, ${publisher.resolution}\n`);
    const individual = await record(ready, auth, `bench-${picture}`, USERS, 'individual', true);
    process.stdout.write(`individual, ${USERS} users: ${pct(individual.cpu!.total)} (ffmpeg ${pct(individual.cpu!.ffmpeg)}); files ready ${individual.readySeconds.toFixed(2)} s after stop; recorded video ${individual.videoKbps} kbps a user\n`);
    const mix = await record(ready, auth, `bench-${picture}`, USERS, 'mix', true);
    process.stdout.write(`mix, ${USERS} users: ${pct(mix.cpu!.total)} (ffmpeg ${pct(mix.cpu!.ffmpeg)}); files ready ${mix.readySeconds.toFixed(2)} s after stop\n`);
    const single = await record(ready, auth, `bench-one-${picture}`, 1, 'individual', false);
    process.stdout.write(`individual, 1 user: files ready ${single.readySeconds.toFixed(2)} s after stop\n`);
    await Promise.all(publishers.map((bot) => bot.leave()));
    return { picture, publisher, baseline, individual, mix, single, cpuPerIndividualStream: (individual.cpu!.total - baseline.total) / USERS, mixCpuFor4Users: mix.cpu!.total - baseline.total };
  };
  // The camera-like picture is what the goals are judged on; the cheap bar runs beside it to show
  // how much of the cost is the picture's.
  const camera = await measure('camera');
  const bar = await measure('bar');

  const perStream = camera.cpuPerIndividualStream;
  const worstReady = Math.max(...[camera.individual, camera.mix, camera.single].map((r) => r.readySeconds));
  const goals = {
    cpuPerIndividualStream: { max: GOALS.maxCpuPerStream, actual: Number(perStream.toFixed(4)), met: perStream <= GOALS.maxCpuPerStream },
    readySecondsAfterStop: { max: GOALS.maxReadySeconds, actual: Number(worstReady.toFixed(3)), met: worstReady <= GOALS.maxReadySeconds },
  };
  const environment = { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', platform: `${os.platform()} ${os.arch()}`, ffmpeg: (/^ffmpeg version \S+/.exec(execFileSync('ffmpeg', ['-version'], { encoding: 'utf8' }))?.[0] ?? 'ffmpeg') };
  const stamp = startedAt.toISOString().replace(/\.\d+Z$/, 'Z').replaceAll(':', '-');
  const jsonName = `recording-${stamp}.json`;
  const report = {
    benchmark: 'recording',
    startedAt: startedAt.toISOString(),
    environment,
    settings: { pinning: PINNING ?? null, publishers: USERS, video: '640x480 30 fps VP8', pictures: ['camera', 'bar'], audio: 'Opus 48 kHz', recordSeconds: RECORD_SECONDS, cpuWindowSeconds: WINDOW_SECONDS, mix: '640x360 15 fps 500 Kbps, layout 1', outputs: ['hls', 'mp4'], storage: 'local folder' },
    results: Object.fromEntries([camera, bar].map((r) => [r.picture, { ...r, cpuPerIndividualTrack: r.cpuPerIndividualStream / 2 }])),
    goals,
  };
  fs.mkdirSync(resultsDir, { recursive: true });
  writeAtomically(path.join(resultsDir, jsonName), `${JSON.stringify(report, null, 2)}\n`);
  const git = sourceState();
  const label = (met: boolean) => (met ? 'met' : 'MISSED');
  const rows = (r: PictureResults) => {
    const over = (run: RecordingRun) => pct(run.cpu!.total - r.baseline.total);
    return [
      `| ${r.picture} | baseline: SFU receiving ${USERS} users, no recording | ${pct(r.baseline.total)} | | | | |`,
      `| ${r.picture} | individual, ${USERS} users (${USERS * 2} tracks) | ${pct(r.individual.cpu!.total)} | ${pct(r.individual.cpu!.ffmpeg)} | ${over(r.individual)} | ${r.individual.readySeconds.toFixed(2)} s | ${r.individual.files} |`,
      `| ${r.picture} | mix, ${USERS} users, 640×360 15 fps grid | ${pct(r.mix.cpu!.total)} | ${pct(r.mix.cpu!.ffmpeg)} | ${over(r.mix)} | ${r.mix.readySeconds.toFixed(2)} s | ${r.mix.files} |`,
      `| ${r.picture} | individual, 1 user | | | | ${r.single.readySeconds.toFixed(2)} s | ${r.single.files} |`,
    ].join('\n');
  };
  const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(1)}×` : '–');
  const markdown = `# Recording benchmark: latest run

${startedAt.toISOString()}, ${git.commit ? `commit ${git.commit}${git.dirty ? ' with uncommitted changes' : ''}` : 'commit unknown'}; Node ${environment.node}, ${environment.cpus} × ${environment.cpuModel}, ${environment.platform}; ${environment.ffmpeg}.
Run: \`npm run bench:recording\`. ${USERS} native publishers (@roamhq/wrtc, 640×480 at 30 fps VP8 + Opus) in one channel; each recording ran ${RECORD_SECONDS} s to HLS + MP4 in the local folder; CPU is the server process and its ffmpeg children over a ${WINDOW_SECONDS} s window, 100% = one core. Full results: [\`${jsonName}\`](${jsonName}).

${PINNING ? `Pinned with taskset: the server and its ffmpeg processes on CPU ${PINNING.server}, the publishers on CPU ${PINNING.rest}.` : 'Not pinned (--no-pin): the server and the publishers share every CPU.'}

Each sequence runs twice, with the publishers showing one of two pictures (\`test/support/botMedia.ts\`):
- **camera**: a webcam-like scene, what the goals are judged on: a still textured background, a detailed subject swaying like a head, and sensor grain that changes every frame. A publisher sent ${camera.publisher.kbps} kbps at ${camera.publisher.fps} fps (${camera.publisher.resolution}); its individual recording's video came out at ${camera.individual.videoKbps} kbps (H.264, median over users).
- **bar**: the tests' moving bar on a flat background, nearly free to encode. A publisher sent ${bar.publisher.kbps} kbps at ${bar.publisher.fps} fps (${bar.publisher.resolution}); its individual recording's video came out at ${bar.individual.videoKbps} kbps.

| picture | | server CPU | of which ffmpeg | over baseline | files ready after stop | files |
|---|---|---:|---:|---:|---:|---:|
${rows(camera)}
${rows(bar)}

| Goal (camera picture) | Target | Result | |
|---|---|---|---|
| CPU per individually recorded stream (a user's audio + video) | ≤ ${pct(GOALS.maxCpuPerStream)} | ${pct(perStream)} (${pct(perStream / 2)} per track) | ${label(goals.cpuPerIndividualStream.met)} |
| Files ready after stop, ${RECORD_SECONDS} s recording (worst of the three) | ≤ ${GOALS.maxReadySeconds} s | ${worstReady.toFixed(2)} s | ${label(goals.readySecondsAfterStop.met)} |

Camera against bar: an individually recorded stream costs ${ratio(camera.cpuPerIndividualStream, bar.cpuPerIndividualStream)} as much, the mix ${ratio(camera.mixCpuFor4Users, bar.mixCpuFor4Users)}.
"Files ready" is the time the stop request takes: it answers once the files are made and stored (individual: each track was transcoded to H.264/AAC while it was recorded, so at stop the transcodes are flushed, cut into HLS and copied into MP4; mix: the live composite's capture is cut and copied).
`;
  writeAtomically(path.join(resultsDir, 'recording-latest.md'), markdown);
  process.stdout.write(`\n${markdown}\nWrote bench/results/${jsonName} and bench/results/recording-latest.md\n`);
} catch (error) {
  process.stderr.write(`bench:recording failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  exitCode = 1;
} finally {
  for (const timer of keepalives) clearInterval(timer);
  await Promise.all(bots.map((bot) => bot.close()));
  await stop();
}
process.exit(exitCode);
