/**
 * A process of native bots for crowd tests and benchmarks: one process cannot hold more than
 * about 100 wrtc clients (FIELD-NOTES: open files), so crowdBots.ts spreads a crowd over several.
 *
 * Reads one JSON line on stdin ({@link CrowdOrder}) and answers `{"ready":true}` once loaded; on
 * the next line (`go`), each bot joins, subscribes to the speaker's audio and counts as connected
 * once its subscribe connection is connected and an audio packet has arrived through it, then
 * unsubscribes. Writes one JSON line ({@link CrowdReport}) when all are done, then waits: closing
 * stdin makes every bot leave and the process exit.
 *
 * Why ready, then go: loading a bot process (its TypeScript, werift, libwebrtc) takes about a second
 * of CPU. When each process joined as soon as it had loaded, the first ones' joins ran beside the
 * others' loading on the bots' shared cores, and that queue showed up in their join times.
 */
import readline from 'node:readline';
import { buildRtcToken } from '@parley/token';
import type { PeerEngine } from './botMedia.ts';
import { BotClient } from './wrtcClient.ts';

export interface CrowdOrder {
  url: string;
  appId: string;
  appCertificate: string;
  channel: string;
  /** This process's bots. */
  uids: number[];
  /** Publishes audio (the bot with the first uid) instead of listening. */
  speaker?: boolean;
  speakerUid: number;
  /** Bots joining at once. */
  concurrency: number;
  timeoutMs: number;
  /** Listeners publish audio too before they subscribe (two negotiations per join, as a call's members make), and stop once counted. */
  listenersPublish?: boolean;
  /**
   * The listeners' WebRTC stack (default wrtc). werift listeners publish ready-made Opus packets
   * and count the speaker's audio by its first RTP packet, encoding and decoding nothing: 200 of
   * them joined in 11-12 s on a VM where 200 libwebrtc bots timed out in DTLS by the dozen
   * (bench/rtc/joins.ts). The speaker is wrtc.
   */
  engine?: PeerEngine;
}

export interface CrowdReport {
  connected: number;
  /** ms from the first join to each bot's first audio packet, in order of uids. */
  readyMs: number[];
  /** ms from each bot's own join to its first audio packet, in order of uids. */
  joinToAudioMs: number[];
  errors: string[];
}

// An iterator, not 'line' events: it keeps a line that arrives before it is asked for.
const lines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const nextLine = async (): Promise<string | undefined> => {
  const line = await lines.next();
  return line.done ? undefined : line.value;
};
const orderLine = await nextLine();
// stdin closed before the order: the parent gave up before it began.
if (orderLine === undefined) process.exit(0);
const order = JSON.parse(orderLine) as CrowdOrder;
const token = (uid: number) =>
  buildRtcToken({ appId: order.appId, appCertificate: order.appCertificate, channel: order.channel, uid, role: 'publisher', tokenExpireSeconds: 3600, privilegeExpireSeconds: 3600 });
const join = (uid: number, engine: PeerEngine = 'wrtc') =>
  BotClient.join({ url: order.url, appId: order.appId, channel: order.channel, uid, token: token(uid), platform: 'bench', subscribeEngine: engine, publishEngine: engine });

// The parent may be gone (a test timing out): a closed pipe must not crash the bots before they leave.
process.stdout.on('error', () => {});
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
// stdin closed before the go: the parent gave up; there is nobody to join for.
if ((await nextLine()) === undefined) process.exit(0);

const bots: BotClient[] = [];
const report: CrowdReport = { connected: 0, readyMs: [], joinToAudioMs: [], errors: [] };
const started = performance.now();

/** The furthest step of a bot's join and when it came, so that a failure says where it stopped. */
function lastStep(bot: BotClient): string {
  const reached = Object.entries(bot.timeline).filter((entry): entry is [string, number] => entry[1] !== undefined);
  const [step, ms] = reached.sort((a, b) => a[1] - b[1]).at(-1) ?? ['none', 0];
  return `last step ${step} at ${ms} ms`;
}

async function listen(uid: number): Promise<void> {
  const joinedAt = performance.now();
  const bot = await join(uid, order.engine);
  bots.push(bot);
  if (order.listenersPublish) await bot.publish(['audio']);
  // The speaker publishes before anyone listens: the join answer lists what it publishes.
  if (!bot.users.some((user) => user.uid === order.speakerUid && user.published.includes('audio'))) {
    await bot.waitFor('user-published', (m) => m.uid === order.speakerUid && m.kind === 'audio', order.timeoutMs);
  }
  const reply = await bot.subscribe(order.speakerUid, 'audio');
  if (reply.type !== 'ok') throw new Error(`subscribe: ${JSON.stringify(reply)}`);
  const deadline = Date.now() + order.timeoutMs;
  while (!(bot.timeline.connected !== undefined && bot.receivedAudioFrom(order.speakerUid))) {
    if (Date.now() > deadline) throw new Error(`uid ${uid}: ${bot.timeline.connected === undefined ? 'not connected' : 'no audio'} (${lastStep(bot)})`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  report.connected += 1;
  report.readyMs.push(Math.round(performance.now() - started));
  report.joinToAudioMs.push(Math.round(performance.now() - joinedAt));
  // Forwarding one stream to hundreds of listeners is not what a crowd test measures: once audio
  // has arrived the bot stops it, and its connection stays up on ICE consent checks alone.
  await bot.request({ type: 'unsubscribe', requestId: '', uid: order.speakerUid, kind: 'audio' });
  if (order.listenersPublish) await bot.stopPublishing(['audio']);
}

if (order.speaker) {
  const speaker = await join(order.speakerUid);
  bots.push(speaker);
  await speaker.publish(['audio']);
  report.connected = 1;
} else {
  const queue = [...order.uids];
  await Promise.all(
    Array.from({ length: order.concurrency }, async () => {
      for (let uid = queue.shift(); uid !== undefined; uid = queue.shift()) {
        await listen(uid).catch((error: Error) => report.errors.push(error.message));
      }
    }),
  );
}
process.stdout.write(`${JSON.stringify(report)}\n`);
// Whatever comes on stdin now, its end makes every bot leave.
while ((await nextLine()) !== undefined);
await Promise.all(bots.map((bot) => bot.leave().catch(() => {})));
process.exit(0);
