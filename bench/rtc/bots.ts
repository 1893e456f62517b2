/**
 * A bot process of the RTC benchmark: a publisher, or a share of the subscribers, or the
 * first-frame trials, against Parley or Janus. run.ts starts several, so that decoding N streams
 * runs outside both the SFU's process and run.ts, and reads their CPU time from /proc.
 *
 * Protocol with run.ts, one JSON object per line (replies carry the request's `bench` type):
 * - `{"bench":"publish","target":…,"uid":…,"kind":"video"|"audio","video":{…}}` → `{"bench":"publish","publisherId":…}`
 *   (the synthetic video, or the synthetic Opus tone alone)
 * - `{"bench":"subscribe","target":…,"publisherId":…,"kind":…,"uids":[…],"engine":"wrtc"|"werift"}` → `{"bench":"subscribe","ready":n,"errors":[…]}`
 *   once every subscriber has decoded a frame, or for audio and werift subscribers received packets (or 20 s passed)
 * - `{"bench":"stats"}` → `{"bench":"stats","at":ms,"inbound":[…],"outbound":…|null}`
 * - `{"bench":"firstframe","target":…,"publisherId":…,"uids":[…]}` → `{"bench":"firstframe","trials":[…]}`
 * - `{"bench":"leave"}` → everyone leaves, `{"bench":"leave"}`, and the process exits.
 * Closing stdin also ends the process. Errors are reported as `{"bench":<type>,"error":"…"}`.
 */
import readline from 'node:readline';
import { buildRtcToken } from '@parley/token';
import { JanusPublisher, JanusSession, JanusSubscriber } from './janusClient.ts';
import type { InboundRtp, OutboundRtp, PeerEngine, StatsKind, VideoOptions } from '../../test/support/botMedia.ts';
import { BotClient, type JoinTimeline } from '../../test/support/wrtcClient.ts';

export type Target =
  | { kind: 'parley'; url: string; appId: string; appCertificate: string; channel: string }
  | { kind: 'janus'; url: string; room: number };

export interface FirstFrameTrial {
  uid: number;
  /** ms from the start of join (before the WebSocket opens) to the first decoded frame. */
  totalMs: number | null;
  timeline: JoinTimeline;
  error?: string;
}

interface Subscriber {
  inbound(): Promise<InboundRtp>;
  leave(): Promise<void>;
}
interface Publisher {
  outbound(): Promise<OutboundRtp>;
  leave(): Promise<void>;
}

const subscribers: Subscriber[] = [];
let publisher: Publisher | undefined;
let janus: JanusSession | undefined;

function send(message: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

function token(target: Extract<Target, { kind: 'parley' }>, uid: number): string {
  return buildRtcToken({ appId: target.appId, appCertificate: target.appCertificate, channel: target.channel, uid, role: 'publisher', tokenExpireSeconds: 3600, privilegeExpireSeconds: 3600 });
}

async function subscribeTo(bot: BotClient, publisherId: number, kind: StatsKind): Promise<void> {
  const reply = await bot.subscribe(publisherId, kind);
  if (reply.type !== 'ok') throw new Error(`subscribe failed: ${JSON.stringify(reply)}`);
}

async function janusSession(url: string): Promise<JanusSession> {
  return (janus ??= await JanusSession.create(url));
}

async function publish(target: Target, uid: number, kind: StatsKind, video: VideoOptions): Promise<number> {
  if (target.kind === 'parley') {
    const bot = await BotClient.join({ url: target.url, appId: target.appId, channel: target.channel, uid, token: token(target, uid), sinks: false, platform: 'bench' });
    await bot.publish([kind], kind === 'video' ? { ...video, picture: 'noise' } : {});
    publisher = { outbound: () => bot.outbound(kind), leave: () => bot.leave() };
    return uid;
  }
  const janusPublisher = await JanusPublisher.start(await janusSession(target.url), target.room, kind, video);
  publisher = janusPublisher;
  return janusPublisher.feedId;
}

async function startSubscriber(target: Target, publisherId: number, kind: StatsKind, uid: number, engine: PeerEngine): Promise<Subscriber> {
  if (target.kind === 'parley') {
    const bot = await BotClient.join({ url: target.url, appId: target.appId, channel: target.channel, uid, token: token(target, uid), sinks: false, subscribeEngine: engine, platform: 'bench' });
    await subscribeTo(bot, publisherId, kind);
    return { inbound: () => bot.inbound(kind), leave: () => bot.leave() };
  }
  return JanusSubscriber.start(await janusSession(target.url), target.room, publisherId, kind, engine);
}

/** Whether a subscriber gets the stream: a decoded frame for video (werift decodes none), else received packets. */
const receiving = (kind: StatsKind, engine: PeerEngine) => (stats: InboundRtp) => (kind === 'video' && engine === 'wrtc' ? stats.framesDecoded > 0 : stats.packetsReceived > 0);

async function subscribe(target: Target, publisherId: number, kind: StatsKind, uids: number[], engine: PeerEngine): Promise<{ ready: number; errors: string[] }> {
  const errors: string[] = [];
  const started: Subscriber[] = [];
  // A few joins at a time: a burst of N DTLS handshakes at once is not what is being measured.
  for (let i = 0; i < uids.length; i += 5) {
    const batch = await Promise.allSettled(uids.slice(i, i + 5).map((uid) => startSubscriber(target, publisherId, kind, uid, engine)));
    for (const result of batch) {
      if (result.status === 'fulfilled') started.push(result.value);
      else errors.push(String(result.reason));
    }
  }
  subscribers.push(...started);
  const deadline = Date.now() + 20_000;
  let ready = 0;
  while (Date.now() < deadline) {
    ready = (await Promise.all(started.map((s) => s.inbound()))).filter(receiving(kind, engine)).length;
    if (ready === started.length) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { ready, errors };
}

async function firstFrameTrials(target: Extract<Target, { kind: 'parley' }>, publisherId: number, uids: number[]): Promise<FirstFrameTrial[]> {
  const trials: FirstFrameTrial[] = [];
  for (const uid of uids) {
    let bot: BotClient | undefined;
    try {
      bot = await BotClient.join({ url: target.url, appId: target.appId, channel: target.channel, uid, token: token(target, uid), sinks: true, platform: 'bench' });
      // Subscribe as an app would: to the publisher in the joined list, or when it publishes.
      const listed = bot.users.find((u) => u.uid === publisherId && u.published.includes('video'));
      if (!listed) await bot.waitFor('user-published', (m) => m.uid === publisherId && m.kind === 'video');
      await subscribeTo(bot, publisherId, 'video');
      const totalMs = await bot.firstFrame(10_000);
      trials.push({ uid, totalMs, timeline: { ...bot.timeline } });
    } catch (error) {
      trials.push({ uid, totalMs: null, timeline: { ...(bot?.timeline ?? {}) }, error: String(error) });
    }
    await bot?.leave();
    // Let the server tear the session down before the next trial starts.
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return trials;
}

async function leaveAll(): Promise<void> {
  await Promise.allSettled([...subscribers.map((s) => s.leave()), publisher?.leave()]);
  await janus?.destroy();
}

async function handle(message: Record<string, unknown> & { bench: string }): Promise<Record<string, unknown>> {
  switch (message.bench) {
    case 'publish':
      return { publisherId: await publish(message.target as Target, message.uid as number, (message.kind as StatsKind | undefined) ?? 'video', message.video as VideoOptions) };
    case 'subscribe':
      return subscribe(message.target as Target, message.publisherId as number, (message.kind as StatsKind | undefined) ?? 'video', message.uids as number[], (message.engine as PeerEngine | undefined) ?? 'wrtc');
    case 'stats': {
      const [inbound, outbound] = await Promise.all([Promise.all(subscribers.map((s) => s.inbound())), publisher?.outbound() ?? null]);
      return { at: performance.timeOrigin + performance.now(), inbound, outbound };
    }
    case 'firstframe':
      return { trials: await firstFrameTrials(message.target as Extract<Target, { kind: 'parley' }>, message.publisherId as number, message.uids as number[]) };
    case 'leave':
      await leaveAll();
      return {};
    default:
      throw new Error(`unknown request ${message.bench}`);
  }
}

// Requests are handled one at a time, in order.
let queue = Promise.resolve();
readline
  .createInterface({ input: process.stdin })
  .on('line', (line) => {
    const message = JSON.parse(line) as Record<string, unknown> & { bench: string };
    queue = queue.then(async () => {
      try {
        send({ bench: message.bench, ...(await handle(message)) });
      } catch (error) {
        send({ bench: message.bench, error: error instanceof Error ? error.message : String(error) });
      }
      // Native peer connections can crash at teardown: exit right after leaving.
      if (message.bench === 'leave') setTimeout(() => process.exit(0), 100);
    });
  })
  .on('close', () => process.exit(0));

send({ bench: 'ready' });
