/**
 * A native WebRTC client for tests and load benchmarks: speaks Parley's signaling protocol over
 * a WebSocket and sends synthetic video (I420 frames) and audio (PCM) through @roamhq/wrtc.
 * Cheaper than a browser (FIELD-NOTES: about 3/4 of Chromium's CPU for the same work).
 */
import { createRequire } from 'node:module';
import { WebSocket } from 'ws';
import type { ClientMessage, MediaKind, RemoteUser, ServerMessage } from '@parley/protocol';

const require = createRequire(import.meta.url);
const wrtc = require('@roamhq/wrtc');

export interface BotOptions {
  url: string;
  appId: string;
  channel: string;
  token: string;
  uid?: number | string;
  role?: 'host' | 'audience';
  mode?: 'rtc' | 'live';
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
  firstFrameAt = new Map<string, number>();

  #ws: WebSocket;
  #pending = new Map<string, Pending>();
  #nextId = 0;
  #publishPc: any;
  #subscribePc: any;
  #midMap = new Map<string, { uid: number | string; kind: MediaKind }>();
  #timers: NodeJS.Timeout[] = [];
  #sinks: any[] = [];
  #listeners: Array<(message: ServerMessage) => void> = [];
  #opened: Promise<void>;
  #closed = false;

  constructor(url: string) {
    this.#ws = new WebSocket(url.replace(/^http/, 'ws') + '/v1/rtc');
    this.#opened = new Promise((resolve, reject) => {
      this.#ws.once('open', () => resolve());
      this.#ws.once('error', reject);
    });
    this.#ws.on('message', (data) => this.#receive(JSON.parse(String(data)) as ServerMessage));
    this.#ws.on('close', (code) => (this.closeCode = code));
  }

  static async join(options: BotOptions): Promise<BotClient> {
    const bot = new BotClient(options.url);
    await bot.#opened;
    const joined = await bot.request({
      type: 'join',
      requestId: '',
      appId: options.appId,
      channel: options.channel,
      token: options.token,
      ...(options.uid !== undefined ? { uid: options.uid } : {}),
      ...(options.role ? { role: options.role } : {}),
      ...(options.mode ? { mode: options.mode } : {}),
      platform: 'bot',
    } as never);
    if (joined.type !== 'joined') throw new Error(`join failed: ${JSON.stringify(joined)}`);
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

  async #completeLocal(pc: any): Promise<string> {
    if (pc.iceGatheringState !== 'complete') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 3_000);
        pc.addEventListener('icegatheringstatechange', () => {
          if (pc.iceGatheringState === 'complete') {
            clearTimeout(timer);
            resolve();
          }
        });
      });
    }
    return pc.localDescription.sdp;
  }

  /** Publishes synthetic 640×480 video at `fps` and/or 48 kHz mono audio. */
  async publish(kinds: MediaKind[] = ['audio', 'video'], options: { width?: number; height?: number; fps?: number } = {}): Promise<void> {
    const pc = (this.#publishPc ??= new wrtc.RTCPeerConnection({ iceServers: [], bundlePolicy: 'max-bundle' }));
    if (kinds.includes('video')) {
      const width = options.width ?? 640;
      const height = options.height ?? 480;
      const source = new wrtc.nonstandard.RTCVideoSource();
      pc.addTransceiver(source.createTrack(), { direction: 'sendonly' });
      const frame = { width, height, data: new Uint8ClampedArray(width * height * 1.5) };
      let n = 0;
      this.#timers.push(
        setInterval(() => {
          // A moving bar, so the encoder has something to encode.
          frame.data.fill(16, 0, width * height);
          const bar = (n++ * 8) % width;
          for (let y = 0; y < height; y += 1) frame.data.fill(235, y * width + bar, y * width + Math.min(width, bar + 32));
          frame.data.fill(128, width * height);
          source.onFrame(frame);
        }, 1000 / (options.fps ?? 30)),
      );
    }
    if (kinds.includes('audio')) {
      const source = new wrtc.nonstandard.RTCAudioSource();
      pc.addTransceiver(source.createTrack(), { direction: 'sendonly' });
      const samples = new Int16Array(480);
      let phase = 0;
      // 10 ms chunks as due by the wall clock: timers fire late under load, and a source fed one
      // chunk per tick would fall behind real time (audio timestamps count samples).
      const startedAt = Date.now();
      let chunks = 0;
      this.#timers.push(
        setInterval(() => {
          const due = Math.min(Math.floor((Date.now() - startedAt) / 10), chunks + 20);
          for (; chunks < due; chunks += 1) {
            for (let i = 0; i < samples.length; i += 1) samples[i] = Math.round(Math.sin((phase += (2 * Math.PI * 440) / 48000)) * 8000);
            source.onData({ samples, sampleRate: 48000, bitsPerSample: 16, channelCount: 1, numberOfFrames: samples.length });
          }
        }, 10),
      );
    }
    await pc.setLocalDescription(await pc.createOffer());
    const sdp = await this.#completeLocal(pc);
    const tracks = pc.getTransceivers().map((t: any) => ({ mid: t.mid, kind: t.receiver.track.kind }));
    const answer = await this.request({ type: 'publish-offer', requestId: '', sdp, tracks });
    if (answer.type !== 'publish-answer') throw new Error(`publish failed: ${JSON.stringify(answer)}`);
    await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
  }

  async subscribe(uid: number | string, kind: MediaKind): Promise<ServerMessage> {
    return this.request({ type: 'subscribe', requestId: '', uid, kind });
  }

  async #answerSubscribeOffer(offer: Extract<ServerMessage, { type: 'subscribe-offer' }>): Promise<void> {
    if (!this.#subscribePc) {
      const pc = new wrtc.RTCPeerConnection({ iceServers: [], bundlePolicy: 'max-bundle' });
      pc.ontrack = (event: any) => this.#onTrack(event);
      this.#subscribePc = pc;
    }
    for (const track of offer.tracks) this.#midMap.set(track.mid, { uid: track.uid, kind: track.kind });
    const pc = this.#subscribePc;
    await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    const sdp = await this.#completeLocal(pc);
    this.send({ type: 'subscribe-answer', offerId: offer.offerId, sdp });
  }

  #onTrack(event: any): void {
    const mid = event.transceiver?.mid as string;
    const owner = this.#midMap.get(mid);
    const key = String(owner?.uid ?? mid);
    if (event.track.kind === 'video') {
      const sink = new wrtc.nonstandard.RTCVideoSink(event.track);
      sink.onframe = () => {
        const current = this.#midMap.get(mid);
        const uidKey = String(current?.uid ?? key);
        if (!this.firstFrameAt.has(uidKey)) this.firstFrameAt.set(uidKey, Date.now());
        this.framesReceived.set(uidKey, (this.framesReceived.get(uidKey) ?? 0) + 1);
      };
      this.#sinks.push(sink);
    } else {
      const sink = new wrtc.nonstandard.RTCAudioSink(event.track);
      sink.ondata = () => {
        const uidKey = String(this.#midMap.get(mid)?.uid ?? key);
        this.audioChunksReceived.set(uidKey, (this.audioChunksReceived.get(uidKey) ?? 0) + 1);
      };
      this.#sinks.push(sink);
    }
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
    for (const timer of this.#timers) clearInterval(timer);
    for (const sink of this.#sinks) sink.stop();
    this.#publishPc?.close();
    this.#subscribePc?.close();
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.close();
  }
}
