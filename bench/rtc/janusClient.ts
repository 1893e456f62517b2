/**
 * A minimal client of Janus's HTTP API and its videoroom plugin, with the same native WebRTC
 * peers, synthetic video and stats as the Parley bots (test/support/botMedia.ts), so both SFUs carry the same load.
 *
 * One Janus session per process (one long poll for everyone in it), one plugin handle per bot:
 * - publisher: `create` the room, `join` as publisher (Janus answers with its feed id), `publish`
 *   with a JSEP offer, Janus answers;
 * - subscriber: `join` as subscriber with `streams: [{feed}]`; Janus sends the JSEP offer, the bot answers with
 *   `start`.
 * SDPs are complete (candidates inside, as with Parley); a `trickle` `completed` tells Janus no
 * more candidates follow.
 */
import { addSyntheticAudio, addSyntheticVideo, completeLocal, createPc, inboundRtp, outboundRtp, pinVideoBitrate, type Pc, type PeerEngine, type StatsKind, type VideoOptions } from '../../test/support/botMedia.ts';

type JanusMessage = {
  janus: string;
  transaction?: string;
  sender?: number;
  session_id?: number;
  data?: { id?: number };
  error?: { code: number; reason: string };
  plugindata?: { plugin: string; data: Record<string, unknown> & { videoroom?: string; error?: string; error_code?: number } };
  jsep?: { type: 'offer' | 'answer'; sdp: string };
};

let transactions = 0;
const transaction = () => `t${process.pid}-${++transactions}`;

export class JanusSession {
  readonly url: string;
  readonly id: number;
  #waiting = new Map<string, (message: JanusMessage) => void>();
  #handleListeners = new Map<number, (message: JanusMessage) => void>();
  #closed = false;

  private constructor(url: string, id: number) {
    this.url = url;
    this.id = id;
  }

  static async create(url: string): Promise<JanusSession> {
    const reply = await post(url, { janus: 'create', transaction: transaction() });
    if (reply.janus !== 'success' || !reply.data?.id) throw new Error(`janus create: ${JSON.stringify(reply)}`);
    const session = new JanusSession(url, reply.data.id);
    void session.#poll();
    return session;
  }

  /** The long poll: Janus's asynchronous events (plugin replies, JSEP, webrtcup…) arrive here. */
  async #poll(): Promise<void> {
    while (!this.#closed) {
      try {
        const response = await fetch(`${this.url}/${this.id}?maxev=20&rid=${Date.now()}`);
        const body = (await response.json()) as JanusMessage | JanusMessage[];
        for (const message of Array.isArray(body) ? body : [body]) this.#dispatch(message);
      } catch (error) {
        if (!this.#closed) process.stderr.write(`janus poll: ${String(error)}\n`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  #dispatch(message: JanusMessage): void {
    const waiter = message.transaction ? this.#waiting.get(message.transaction) : undefined;
    if (waiter && message.janus !== 'ack') {
      this.#waiting.delete(message.transaction!);
      waiter(message);
      return;
    }
    if (message.sender) this.#handleListeners.get(message.sender)?.(message);
  }

  async attach(onEvent: (message: JanusMessage) => void = () => {}): Promise<number> {
    const reply = await post(`${this.url}/${this.id}`, { janus: 'attach', plugin: 'janus.plugin.videoroom', transaction: transaction() });
    if (reply.janus !== 'success' || !reply.data?.id) throw new Error(`janus attach: ${JSON.stringify(reply)}`);
    this.#handleListeners.set(reply.data.id, onEvent);
    return reply.data.id;
  }

  /**
   * Sends a plugin message; resolves with the plugin's reply, synchronous (`success`) or
   * asynchronous (an `event` carrying the same transaction, from the long poll).
   */
  async message(handle: number, body: Record<string, unknown>, jsep?: { type: string; sdp: string }, timeoutMs = 15_000): Promise<JanusMessage> {
    const id = transaction();
    let timer: NodeJS.Timeout | undefined;
    const event = new Promise<JanusMessage>((resolve, reject) => {
      timer = setTimeout(() => {
        this.#waiting.delete(id);
        reject(new Error(`janus ${String(body.request)}: no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiting.set(id, (message) => {
        clearTimeout(timer);
        resolve(message);
      });
    });
    // Synchronous requests (create…) answer in the POST itself; nobody will wait for `event`.
    event.catch(() => undefined);
    const reply = await post(`${this.url}/${this.id}/${handle}`, { janus: 'message', transaction: id, body, ...(jsep ? { jsep } : {}) });
    if (reply.janus === 'ack') return event;
    clearTimeout(timer);
    this.#waiting.delete(id);
    return reply;
  }

  async trickleCompleted(handle: number): Promise<void> {
    await post(`${this.url}/${this.id}/${handle}`, { janus: 'trickle', transaction: transaction(), candidate: { completed: true } });
  }

  async detach(handle: number): Promise<void> {
    this.#handleListeners.delete(handle);
    await post(`${this.url}/${this.id}/${handle}`, { janus: 'detach', transaction: transaction() }).catch(() => undefined);
  }

  async destroy(): Promise<void> {
    this.#closed = true;
    await post(`${this.url}/${this.id}`, { janus: 'destroy', transaction: transaction() }).catch(() => undefined);
  }
}

async function post(url: string, body: Record<string, unknown>): Promise<JanusMessage> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await response.json()) as JanusMessage;
}

function pluginData(message: JanusMessage, what: string): Record<string, unknown> {
  const data = message.plugindata?.data;
  if (!data || data.error || message.janus === 'error') throw new Error(`janus ${what}: ${JSON.stringify(message.plugindata?.data ?? message.error ?? message)}`);
  return data;
}

export class JanusPublisher {
  readonly feedId: number;
  #session: JanusSession;
  #handle: number;
  #pc: Pc;
  #stop: () => void = () => {};

  #kind: StatsKind;

  private constructor(session: JanusSession, handle: number, feedId: number, kind: StatsKind) {
    this.#session = session;
    this.#handle = handle;
    this.feedId = feedId;
    this.#kind = kind;
  }

  /**
   * Creates the room (no publisher bitrate cap: the bot pins its own) and publishes in it: the
   * synthetic video, or (`kind` audio) the synthetic Opus tone alone.
   */
  static async start(session: JanusSession, room: number, kind: StatsKind, video: VideoOptions): Promise<JanusPublisher> {
    const handle = await session.attach();
    const created = await session.message(handle, { request: 'create', room, publishers: 4, bitrate: 0, videocodec: 'vp8', audiocodec: 'opus', permanent: false });
    const createdData = created.plugindata?.data;
    if (createdData?.error_code !== 427 /* room exists */) pluginData(created, 'create');
    const joined = pluginData(await session.message(handle, { request: 'join', ptype: 'publisher', room, display: 'bench-publisher' }), 'join');
    const publisher = new JanusPublisher(session, handle, Number(joined.id), kind);
    const pc = (publisher.#pc = createPc());
    publisher.#stop = kind === 'video' ? addSyntheticVideo(pc, { ...video, picture: 'noise' }) : addSyntheticAudio(pc);
    await pc.setLocalDescription(await pc.createOffer());
    const offer = await completeLocal(pc);
    const published = await session.message(handle, { request: 'publish', audio: kind === 'audio', video: kind === 'video' }, { type: 'offer', sdp: offer });
    pluginData(published, 'publish');
    if (!published.jsep) throw new Error(`janus publish: no answer in ${JSON.stringify(published)}`);
    await session.trickleCompleted(handle);
    await pc.setRemoteDescription({ type: 'answer', sdp: kind === 'video' ? pinVideoBitrate(published.jsep.sdp, video.kbps) : published.jsep.sdp });
    return publisher;
  }

  outbound() {
    return outboundRtp(this.#pc, this.#kind);
  }

  async leave(): Promise<void> {
    this.#stop();
    this.#pc?.close();
    await this.#session.detach(this.#handle);
  }
}

export class JanusSubscriber {
  #session: JanusSession;
  #handle: number;
  #pc: Pc;

  #kind: StatsKind;

  private constructor(session: JanusSession, handle: number, kind: StatsKind) {
    this.#session = session;
    this.#handle = handle;
    this.#kind = kind;
  }

  /** Subscribes to the feed's one stream (video, or audio for an audio-only publisher). */
  static async start(session: JanusSession, room: number, feedId: number, kind: StatsKind, engine: PeerEngine = 'wrtc'): Promise<JanusSubscriber> {
    const handle = await session.attach();
    const subscriber = new JanusSubscriber(session, handle, kind);
    const attached = await session.message(handle, { request: 'join', ptype: 'subscriber', room, streams: [{ feed: feedId }] });
    pluginData(attached, 'subscribe');
    if (!attached.jsep) throw new Error(`janus subscribe: no offer in ${JSON.stringify(attached)}`);
    const pc = (subscriber.#pc = createPc(engine));
    await pc.setRemoteDescription(attached.jsep);
    await pc.setLocalDescription(await pc.createAnswer());
    const answer = await completeLocal(pc);
    pluginData(await session.message(handle, { request: 'start' }, { type: 'answer', sdp: answer }), 'start');
    await session.trickleCompleted(handle);
    return subscriber;
  }

  inbound() {
    return inboundRtp(this.#pc, this.#kind);
  }

  async leave(): Promise<void> {
    this.#pc?.close();
    await this.#session.detach(this.#handle);
  }
}
