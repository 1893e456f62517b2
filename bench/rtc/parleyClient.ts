/**
 * A minimal Parley signaling client for the benchmarks. It speaks the same protocol as
 * test/support/wrtcClient.ts (whose peer connections are private), and adds what a benchmark
 * needs: getStats on its peer connections, frames counted from getStats without JavaScript sinks
 * (cheaper for N subscribers), keep-alive pings (the server drops sockets silent for 15 s), and
 * timestamps of every step from join to first frame.
 */
import { WebSocket } from 'ws';
import type { ClientMessage, RemoteUser, ServerMessage } from '@parley/protocol';
import { addSyntheticVideo, attachVideoSink, completeLocal, createPc, inboundVideo, outboundVideo, pinVideoBitrate, type Pc, type VideoOptions } from './media.ts';

type Pending = { resolve: (message: ServerMessage) => void; reject: (error: Error) => void };

/** Milliseconds since the start of `join` at which each step happened (performance.now based). */
export interface JoinTimeline {
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

export interface ParleyJoinOptions {
  url: string;
  appId: string;
  channel: string;
  uid: number;
  token: string;
  /** Attach a JavaScript sink to received video to time the first decoded frame. */
  sink?: boolean;
}

export class ParleyBot {
  readonly uid: number;
  users: RemoteUser[] = [];
  readonly timeline: JoinTimeline = {};
  readonly startedAt: number;
  #ws: WebSocket;
  #pending = new Map<string, Pending>();
  #listeners: Array<(message: ServerMessage) => void> = [];
  #nextId = 0;
  #publishPc: Pc;
  #subscribePc: Pc;
  #stops: Array<() => void> = [];
  #keepalive: NodeJS.Timeout | undefined;
  #sink: boolean;
  #left = false;
  #firstFrame: Promise<number>;
  #resolveFirstFrame!: (at: number) => void;

  private constructor(options: ParleyJoinOptions, startedAt: number) {
    this.uid = options.uid;
    this.startedAt = startedAt;
    this.#sink = options.sink ?? false;
    this.#firstFrame = new Promise((resolve) => (this.#resolveFirstFrame = resolve));
    this.#ws = new WebSocket(options.url.replace(/^http/, 'ws') + '/v1/rtc');
    this.#ws.on('message', (data) => this.#receive(JSON.parse(String(data)) as ServerMessage));
  }

  #mark(step: keyof JoinTimeline): void {
    this.timeline[step] ??= Math.round((performance.now() - this.startedAt) * 10) / 10;
  }

  static async join(options: ParleyJoinOptions): Promise<ParleyBot> {
    const bot = new ParleyBot(options, performance.now());
    await new Promise<void>((resolve, reject) => {
      bot.#ws.once('open', () => resolve());
      bot.#ws.once('error', reject);
    });
    bot.#mark('socketOpen');
    const joined = await bot.request({ type: 'join', requestId: '', appId: options.appId, channel: options.channel, uid: options.uid, token: options.token, platform: 'bench' });
    if (joined.type !== 'joined') throw new Error(`join failed: ${JSON.stringify(joined)}`);
    bot.#mark('joined');
    bot.users = joined.users;
    bot.#keepalive = setInterval(() => bot.#send({ type: 'ping' }), 5_000);
    return bot;
  }

  #receive(message: ServerMessage): void {
    if ('requestId' in message && message.requestId) {
      const pending = this.#pending.get(message.requestId);
      if (pending) {
        this.#pending.delete(message.requestId);
        pending.resolve(message);
      }
    }
    if (message.type === 'subscribe-offer' && !this.#left) void this.#answer(message).catch((error) => {
        if (!this.#left) process.stderr.write(`answer failed: ${String(error)}\n`);
      });
    for (const listener of this.#listeners) listener(message);
  }

  #send(message: unknown): void {
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.send(JSON.stringify(message));
  }

  request(message: ClientMessage & { requestId: string }): Promise<ServerMessage> {
    const requestId = `r${++this.#nextId}`;
    return new Promise((resolve, reject) => {
      this.#pending.set(requestId, { resolve, reject });
      this.#send({ ...message, requestId });
      setTimeout(() => {
        if (this.#pending.delete(requestId)) reject(new Error(`request ${message.type} timed out`));
      }, 15_000);
    });
  }

  /** Resolves with the first matching server message from now on. */
  waitFor<T extends ServerMessage['type']>(type: T, match: (message: Extract<ServerMessage, { type: T }>) => boolean = () => true, timeoutMs = 15_000): Promise<Extract<ServerMessage, { type: T }>> {
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

  /** Publishes synthetic video only (the fan-out is about video forwarding). */
  async publishVideo(video: VideoOptions): Promise<void> {
    const pc = (this.#publishPc = createPc());
    this.#stops.push(addSyntheticVideo(pc, video));
    await pc.setLocalDescription(await pc.createOffer());
    const sdp = await completeLocal(pc);
    const tracks = pc.getTransceivers().map((t: Pc) => ({ mid: t.mid, kind: t.receiver.track.kind }));
    const answer = await this.request({ type: 'publish-offer', requestId: '', sdp, tracks });
    if (answer.type !== 'publish-answer') throw new Error(`publish failed: ${JSON.stringify(answer)}`);
    await pc.setRemoteDescription({ type: 'answer', sdp: pinVideoBitrate(answer.sdp, video.kbps) });
  }

  async subscribeVideo(uid: number | string): Promise<void> {
    const reply = await this.request({ type: 'subscribe', requestId: '', uid, kind: 'video' });
    if (reply.type !== 'ok') throw new Error(`subscribe failed: ${JSON.stringify(reply)}`);
    this.#mark('subscribeOk');
  }

  async #answer(offer: Extract<ServerMessage, { type: 'subscribe-offer' }>): Promise<void> {
    this.#mark('offerReceived');
    if (!this.#subscribePc) {
      const pc = (this.#subscribePc = createPc());
      pc.addEventListener('connectionstatechange', () => {
        if (pc.connectionState === 'connected') this.#mark('connected');
      });
      pc.ontrack = (event: Pc) => {
        this.#mark('track');
        if (this.#sink && event.track.kind === 'video') {
          this.#stops.push(
            attachVideoSink(event.track, () => {
              if (this.timeline.firstFrame === undefined) {
                this.#mark('firstFrame');
                this.#resolveFirstFrame(this.timeline.firstFrame!);
              }
            }),
          );
        }
      };
    }
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
    this.#send({ type: 'subscribe-answer', offerId: offer.offerId, sdp });
    this.#mark('answerSent');
  }

  /** With `sink: true`: ms from the start of join to the first decoded remote video frame. */
  firstFrame(timeoutMs = 15_000): Promise<number> {
    return Promise.race([
      this.#firstFrame,
      new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`no frame within ${timeoutMs} ms`)), timeoutMs).unref()),
    ]);
  }

  get subscribePc(): Pc {
    return this.#subscribePc;
  }

  inboundVideo() {
    return inboundVideo(this.#subscribePc);
  }

  outboundVideo() {
    return outboundVideo(this.#publishPc);
  }

  async leave(): Promise<void> {
    this.#left = true;
    this.#send({ type: 'leave' });
    if (this.#keepalive) clearInterval(this.#keepalive);
    for (const stop of this.#stops) stop();
    this.#publishPc?.close();
    this.#subscribePc?.close();
    this.#ws.close();
  }
}
