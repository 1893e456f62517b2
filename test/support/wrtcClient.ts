/**
 * The native WebRTC client of tests and benchmarks: speaks Parley's signaling protocol over a
 * WebSocket and sends synthetic video (I420 frames) and audio (PCM) through @roamhq/wrtc.
 * Cheaper than a browser (FIELD-NOTES: about 3/4 of Chromium's CPU for the same work).
 *
 * Tests count received frames and audio chunks through JavaScript sinks; a benchmark with many
 * subscribers turns sinks off (`sinks: false`) and reads getStats instead. Every step from the
 * start of `join` to the first decoded frame is timed in `timeline`.
 */
import { WebSocket } from 'ws';
import type { ClientMessage, MediaKind, RemoteUser, ServerMessage } from '@parley/protocol';
import {
  addPacketAudio,
  addSyntheticAudio,
  addSyntheticVideo,
  attachAudioSink,
  attachVideoSink,
  completeLocal,
  createPc,
  inboundRtp,
  outboundRtp,
  pinVideoBitrate,
  type InboundRtp,
  type OutboundRtp,
  type Pc,
  type PeerEngine,
  type Picture,
} from './botMedia.ts';

export interface BotOptions {
  url: string;
  appId: string;
  channel: string;
  token: string;
  uid?: number | string;
  role?: 'host' | 'audience';
  mode?: 'rtc' | 'live';
  /** Count received media through JavaScript sinks (default true; costs CPU per stream). */
  sinks?: boolean;
  /** The stack of the subscribing peer connection (default wrtc; werift decodes nothing, so it has no sinks). */
  subscribeEngine?: PeerEngine;
  /** The stack of the publishing peer connection (default wrtc; werift sends audio only, ready-made Opus packets). */
  publishEngine?: PeerEngine;
  platform?: string;
  /** Tells the server at join that the bot's media is end-to-end encrypted (it sends it in the clear all the same). */
  encrypted?: boolean;
}

/** Milliseconds since the start of `join` at which each step happened (performance.now based). */
export interface JoinTimeline {
  /** A node of a cluster answered `redirect` (the socket to the channel's node opens after). */
  redirected?: number;
  socketOpen?: number;
  joined?: number;
  subscribeOk?: number;
  offerReceived?: number;
  answerCreated?: number;
  gatheringComplete?: number;
  answerSent?: number;
  /**
   * The client's DTLS transport went to `connecting`: its ICE check got an answer (the pair is
   * writable) and it sent its first DTLS ClientHello (it is the DTLS client: `a=setup:active`).
   */
  dtlsStarted?: number;
  /** DTLS handshake done (`connectionState` `connected`): SRTP keys exist, media can be decrypted. */
  connected?: number;
  track?: number;
  firstFrame?: number;
}

export interface PublishOptions {
  width?: number;
  height?: number;
  fps?: number;
  /** Pins the send bitrate (kbps) through the SFU's answer (see botMedia.pinVideoBitrate). */
  kbps?: number;
  /** What the video shows (see botMedia.Picture); the cheap `bar` by default. */
  picture?: Picture;
}

type Pending = { resolve: (message: ServerMessage) => void; reject: (error: Error) => void };

export class BotClient {
  readonly events: ServerMessage[] = [];
  uid: number | string | undefined;
  sessionId = '';
  resumeToken = '';
  users: RemoteUser[] = [];
  closeCode: number | undefined;
  /** Frames received per remote uid (video). */
  framesReceived = new Map<string, number>();
  audioChunksReceived = new Map<string, number>();
  /** RTP packets received per remote uid and kind (`uid/kind`) by a werift subscriber, which decodes nothing to count. */
  packetsReceived = new Map<string, number>();
  firstFrameAt = new Map<string, number>();
  readonly timeline: JoinTimeline = {};
  readonly startedAt: number;
  /** The node this bot's socket is connected to (after a redirect, the channel's node). */
  readonly url: string;

  #ws: WebSocket;
  #pending = new Map<string, Pending>();
  #nextId = 0;
  #publishPc: Pc;
  #subscribePc: Pc;
  #midMap = new Map<string, { uid: number | string; kind: MediaKind }>();
  #stops: Array<() => void> = [];
  /** What stops the synthetic sources publish() added. */
  #sourceStops: Array<() => void> = [];
  #sinks: boolean;
  #subscribeEngine: PeerEngine;
  #publishEngine: PeerEngine;
  #listeners: Array<(message: ServerMessage) => void> = [];
  #opened: Promise<void>;
  #closed = false;

  /** `startedAt`: when the join began, for a bot that follows a redirect (its timeline goes on). */
  constructor(url: string, options: { sinks?: boolean; subscribeEngine?: PeerEngine; publishEngine?: PeerEngine; startedAt?: number } = {}) {
    this.startedAt = options.startedAt ?? performance.now();
    this.url = url;
    this.#subscribeEngine = options.subscribeEngine ?? 'wrtc';
    this.#publishEngine = options.publishEngine ?? 'wrtc';
    // werift decodes nothing: there is no frame for a sink to count.
    this.#sinks = (options.sinks ?? true) && this.#subscribeEngine === 'wrtc';
    this.#ws = new WebSocket(url.replace(/^http/, 'ws') + '/v1/rtc');
    this.#opened = new Promise((resolve, reject) => {
      this.#ws.once('open', () => resolve());
      this.#ws.once('error', reject);
    });
    this.#ws.on('message', (data) => this.#receive(JSON.parse(String(data)) as ServerMessage));
    this.#ws.on('close', (code) => (this.closeCode = code));
  }

  #mark(step: keyof JoinTimeline): void {
    this.timeline[step] ??= Math.round((performance.now() - this.startedAt) * 10) / 10;
  }

  /** Joins; in a cluster, follows a `redirect` to the channel's node as the SDK does (once). */
  static async join(options: BotOptions, redirectedFrom?: BotClient): Promise<BotClient> {
    const engines = { subscribeEngine: options.subscribeEngine, publishEngine: options.publishEngine };
    const bot = new BotClient(options.url, { sinks: options.sinks, ...engines, ...(redirectedFrom ? { startedAt: redirectedFrom.startedAt } : {}) });
    if (redirectedFrom) Object.assign(bot.timeline, redirectedFrom.timeline);
    await bot.#opened;
    bot.#mark('socketOpen');
    const joined = await bot.request({
      type: 'join',
      requestId: '',
      appId: options.appId,
      channel: options.channel,
      token: options.token,
      ...(options.uid !== undefined ? { uid: options.uid } : {}),
      ...(options.role ? { role: options.role } : {}),
      ...(options.mode ? { mode: options.mode } : {}),
      platform: options.platform ?? 'bot',
      ...(options.encrypted !== undefined ? { encrypted: options.encrypted } : {}),
    } as never);
    if (joined.type === 'redirect' && !redirectedFrom) {
      bot.#mark('redirected');
      delete bot.timeline.socketOpen;
      await bot.close();
      return BotClient.join({ ...options, url: joined.url }, bot);
    }
    if (joined.type !== 'joined') throw new Error(`join failed: ${JSON.stringify(joined)}`);
    bot.#mark('joined');
    bot.uid = joined.uid;
    bot.sessionId = joined.sessionId;
    bot.resumeToken = joined.resumeToken;
    bot.users = joined.users;
    return bot;
  }

  /** A new socket taking over a session whose socket was lost. */
  static async resume(url: string, sessionId: string, resumeToken: string): Promise<{ bot: BotClient; reply: ServerMessage }> {
    const bot = new BotClient(url);
    await bot.#opened;
    const reply = await bot.request({ type: 'resume', requestId: '', sessionId, resumeToken });
    return { bot, reply };
  }

  /** Opens a socket and sends a join that is expected to fail; resolves to the error message. */
  static async joinError(options: BotOptions): Promise<{ code: string; message: string }> {
    try {
      await BotClient.join(options);
    } catch (error) {
      const match = /join failed: (.*)$/.exec((error as Error).message);
      if (match) return JSON.parse(match[1]!);
      throw error;
    }
    throw new Error('join succeeded');
  }

  #receive(message: ServerMessage): void {
    this.events.push(message);
    if ('requestId' in message && message.requestId && this.#pending.has(message.requestId)) {
      this.#pending.get(message.requestId)!.resolve(message);
      this.#pending.delete(message.requestId);
    }
    // After close, the server may still renegotiate (someone left); there is nothing to answer with.
    if (message.type === 'subscribe-offer' && !this.#closed) {
      void this.#answerSubscribeOffer(message).catch((error) => {
        if (!this.#closed) throw error;
      });
    }
    for (const listener of this.#listeners) listener(message);
  }

  send(message: unknown): void {
    this.#ws.send(JSON.stringify(message));
  }

  request(message: ClientMessage & { requestId: string }): Promise<ServerMessage> {
    const requestId = `r${++this.#nextId}`;
    return new Promise((resolve, reject) => {
      this.#pending.set(requestId, { resolve, reject });
      this.send({ ...message, requestId });
      setTimeout(() => {
        if (this.#pending.delete(requestId)) reject(new Error(`request ${message.type} timed out`));
      }, 10_000);
    });
  }

  /** Resolves with the first server message that matches. */
  waitFor<T extends ServerMessage['type']>(type: T, match: (message: Extract<ServerMessage, { type: T }>) => boolean = () => true, timeoutMs = 10_000): Promise<Extract<ServerMessage, { type: T }>> {
    const seen = this.events.find((m) => m.type === type && match(m as never));
    if (seen) return Promise.resolve(seen as never);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} within ${timeoutMs} ms`)), timeoutMs);
      const listener = (message: ServerMessage) => {
        if (message.type === type && match(message as never)) {
          clearTimeout(timer);
          this.#listeners = this.#listeners.filter((l) => l !== listener);
          resolve(message as never);
        }
      };
      this.#listeners.push(listener);
    });
  }

  waitForClose(timeoutMs = 10_000): Promise<number> {
    if (this.closeCode !== undefined) return Promise.resolve(this.closeCode);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('socket did not close')), timeoutMs);
      this.#ws.once('close', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  /**
   * Publishes synthetic 640×480 video at `fps` and/or 48 kHz mono audio; a werift publisher,
   * audio only: Opus packets of silence (botMedia.addPacketAudio).
   */
  async publish(kinds: MediaKind[] = ['audio', 'video'], options: PublishOptions = {}): Promise<void> {
    const werift = this.#publishEngine === 'werift';
    if (werift && kinds.includes('video')) throw new Error('a werift bot publishes audio only');
    const pc = (this.#publishPc ??= createPc(this.#publishEngine));
    if (kinds.includes('video')) {
      this.#sourceStops.push(addSyntheticVideo(pc, { width: options.width ?? 640, height: options.height ?? 480, fps: options.fps ?? 30, picture: options.picture }));
    }
    if (kinds.includes('audio')) this.#sourceStops.push(werift ? addPacketAudio(pc) : addSyntheticAudio(pc));
    await pc.setLocalDescription(await pc.createOffer());
    const sdp = await completeLocal(pc);
    // werift's transceivers know their kind; libwebrtc's, through their receiver's track.
    const tracks = pc.getTransceivers().map((t: Pc) => ({ mid: t.mid, kind: werift ? t.kind : t.receiver.track.kind }));
    const answer = await this.request({ type: 'publish-offer', requestId: '', sdp, tracks });
    if (answer.type !== 'publish-answer') throw new Error(`publish failed: ${JSON.stringify(answer)}`);
    await pc.setRemoteDescription({ type: 'answer', sdp: options.kbps ? pinVideoBitrate(answer.sdp, options.kbps) : answer.sdp });
  }

  /** Stops every synthetic source and unpublishes `kinds`: the connection stays, carrying nothing. */
  async stopPublishing(kinds: MediaKind[]): Promise<void> {
    for (const stop of this.#sourceStops.splice(0)) stop();
    for (const kind of kinds) {
      const reply = await this.request({ type: 'unpublish', requestId: '', kind });
      if (reply.type !== 'ok') throw new Error(`unpublish failed: ${JSON.stringify(reply)}`);
    }
  }

  async subscribe(uid: number | string, kind: MediaKind): Promise<ServerMessage> {
    const reply = await this.request({ type: 'subscribe', requestId: '', uid, kind });
    if (reply.type === 'ok') this.#mark('subscribeOk');
    return reply;
  }

  async #answerSubscribeOffer(offer: Extract<ServerMessage, { type: 'subscribe-offer' }>): Promise<void> {
    this.#mark('offerReceived');
    if (!this.#subscribePc) {
      const pc = (this.#subscribePc = createPc(this.#subscribeEngine));
      pc.addEventListener('connectionstatechange', () => {
        if (pc.connectionState === 'connected') this.#mark('connected');
      });
      pc.ontrack = (event: Pc) => this.#onTrack(event);
    }
    for (const track of offer.tracks) this.#midMap.set(track.mid, { uid: track.uid, kind: track.kind });
    const pc = this.#subscribePc;
    await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    this.#mark('answerCreated');
    // The legacy iceConnectionState only turns `connected` together with DTLS here; the DTLS
    // transport's own state tells when ICE became usable and the handshake began.
    const dtls = pc.getTransceivers()[0]?.receiver.transport;
    if (dtls && this.timeline.dtlsStarted === undefined) {
      if (dtls.state === 'connecting' || dtls.state === 'connected') this.#mark('dtlsStarted');
      dtls.onstatechange = () => {
        if (dtls.state === 'connecting' || dtls.state === 'connected') this.#mark('dtlsStarted');
      };
    }
    const sdp = await completeLocal(pc);
    this.#mark('gatheringComplete');
    this.send({ type: 'subscribe-answer', offerId: offer.offerId, sdp });
    this.#mark('answerSent');
  }

  #onTrack(event: Pc): void {
    this.#mark('track');
    const mid = event.transceiver?.mid as string;
    const key = String(this.#midMap.get(mid)?.uid ?? mid);
    // The mid may carry another user's track after a renegotiation: look the owner up per frame.
    const ownerKey = () => String(this.#midMap.get(mid)?.uid ?? key);
    if (this.#subscribeEngine === 'werift') {
      const kind = event.track.kind as MediaKind;
      const subscription = event.track.onReceiveRtp.subscribe(() => {
        const packetKey = `${ownerKey()}/${kind}`;
        this.packetsReceived.set(packetKey, (this.packetsReceived.get(packetKey) ?? 0) + 1);
      });
      this.#stops.push(() => subscription.unSubscribe());
      return;
    }
    if (!this.#sinks) return;
    if (event.track.kind === 'video') {
      this.#stops.push(
        attachVideoSink(event.track, () => {
          const uidKey = ownerKey();
          this.#mark('firstFrame');
          if (!this.firstFrameAt.has(uidKey)) this.firstFrameAt.set(uidKey, Date.now());
          this.framesReceived.set(uidKey, (this.framesReceived.get(uidKey) ?? 0) + 1);
        }),
      );
    } else {
      this.#stops.push(
        attachAudioSink(event.track, () => {
          const uidKey = ownerKey();
          this.audioChunksReceived.set(uidKey, (this.audioChunksReceived.get(uidKey) ?? 0) + 1);
        }),
      );
    }
  }

  /** Whether audio of `uid` arrived: a decoded chunk (wrtc with sinks) or an RTP packet (werift). */
  receivedAudioFrom(uid: number | string): boolean {
    return (this.audioChunksReceived.get(String(uid)) ?? 0) > 0 || (this.packetsReceived.get(`${uid}/audio`) ?? 0) > 0;
  }

  /** With sinks: ms from the start of join to the first decoded remote video frame. */
  async firstFrame(timeoutMs = 15_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.timeline.firstFrame === undefined) {
      if (Date.now() > deadline) throw new Error(`no frame within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return this.timeline.firstFrame;
  }

  /** What this bot's subscriptions of `kind` received (getStats sums). */
  inbound(kind: MediaKind): Promise<InboundRtp> {
    return inboundRtp(this.#subscribePc, kind);
  }

  /** What this bot sent of `kind`. */
  outbound(kind: MediaKind): Promise<OutboundRtp> {
    return outboundRtp(this.#publishPc, kind);
  }

  async waitForFrames(uid: number | string, count: number, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((this.framesReceived.get(String(uid)) ?? 0) < count) {
      if (Date.now() > deadline) throw new Error(`only ${this.framesReceived.get(String(uid)) ?? 0} frames from ${uid}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Drops the socket without leaving (network loss), keeping the media connections. */
  dropSocket(): void {
    this.#ws.terminate();
  }

  async leave(): Promise<void> {
    if (this.#ws.readyState === WebSocket.OPEN) this.send({ type: 'leave' });
    await this.close();
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const stop of [...this.#sourceStops, ...this.#stops]) stop();
    this.#publishPc?.close();
    this.#subscribePc?.close();
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.close();
  }
}
