/**
 * Mix mode's live compositor. Node is the clock: every 20 ms it adds to the encoder's input the
 * pictures and samples due by the wall clock, so the composite plays in real time whoever joins,
 * leaves or stalls. Pictures are the canvas with each user's latest decoded picture in its tile;
 * audio is everyone's queued audio summed.
 *
 * One ffmpeg encodes (H.264 + AAC) into an MPEG-TS capture file that is playable at every moment,
 * so a crash loses nothing before it; at stop the capture is cut into HLS and MP4 without
 * re-encoding (finalize.ts).
 */
import type { ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';
import type { MediaStreamTrack } from 'werift';
import { toPcm } from './audioQueue.ts';
import { Canvas, yuvOf } from './canvas.ts';
import { layoutTiles, type LayoutSpec, type Tile } from './layout.ts';
import { AudioFeed, VideoFeed, type FeedContext } from './mixFeeds.ts';
import type { MixSettings } from './settings.ts';

const TICK_MS = 20;
const SAMPLES_PER_MS = 48;
/** After a stall (a blocked event loop), at most this much is caught up; the rest is skipped. */
const MAX_CATCH_UP_MS = 2_000;
/** More queued for the encoder than this means it cannot keep up: the recording fails. */
const MAX_ENCODER_BACKLOG_BYTES = 256 * 1024 * 1024;

const AUDIO_PROFILES = { 0: { bitrate: '48k', channels: 1 }, 1: { bitrate: '128k', channels: 1 }, 2: { bitrate: '192k', channels: 2 } } as const;

export interface CompositorOptions {
  context: FeedContext;
  settings: MixSettings;
  audioProfile: 0 | 1 | 2;
  output: string;
  /** The first media packet of any user (the recording has content). */
  onFirstPacket(at: number): void;
  /** The encoder stopped on its own: the recording cannot go on. */
  onFailure(error: Error): void;
}

interface VideoUser {
  uid: string;
  feed: VideoFeed;
}

export class Compositor {
  /** Wall-clock time of the capture's first picture (its time 0). */
  startedAt = 0;
  #options: CompositorOptions;
  #settings: MixSettings;
  #canvas: Canvas;
  #encoder: ChildProcess | undefined;
  #video: Writable | undefined;
  #audio: Writable | undefined;
  #timer: NodeJS.Timeout | undefined;
  #framesWritten = 0;
  #samplesWritten = 0;
  #free: Buffer[] = [];
  #inFlight = new Map<Buffer, number>();
  #videoUsers: VideoUser[] = [];
  #audioUsers = new Map<string, AudioFeed>();
  #tiles: Tile[] = [];
  #closed: Promise<void> | undefined;
  #stopping = false;

  constructor(options: CompositorOptions) {
    this.#options = options;
    this.#settings = options.settings;
    this.#canvas = new Canvas(options.settings.width, options.settings.height, yuvOf(options.settings.backgroundColor));
  }

  start(): void {
    const { width, height, fps, bitrateKbps } = this.#settings;
    const audio = AUDIO_PROFILES[this.#options.audioProfile];
    const encoder = this.#options.context.tools.spawnFfmpeg(
      `${this.#options.context.label}:mix`,
      [
        '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-video_size', `${width}x${height}`, '-framerate', String(fps), '-i', 'pipe:0',
        '-f', 's16le', '-ar', '48000', '-ac', '1', '-i', 'pipe:3',
        '-map', '0:v', '-map', '1:a',
        '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p',
        '-b:v', `${bitrateKbps}k`, '-maxrate', `${bitrateKbps}k`, '-bufsize', `${bitrateKbps * 2}k`,
        // A keyframe every 2 s, so HLS can cut segments anywhere without re-encoding.
        '-g', String(fps * 2), '-keyint_min', String(fps * 2), '-sc_threshold', '0',
        '-c:a', 'aac', '-b:a', audio.bitrate, '-ac', String(audio.channels),
        '-f', 'mpegts', '-y', this.#options.output,
      ],
      ['pipe', 'ignore', 'pipe', 'pipe'],
    );
    let stderr = '';
    encoder.stderr!.on('data', (data: Buffer) => (stderr = (stderr + data.toString()).slice(-2_000)));
    this.#encoder = encoder;
    this.#video = encoder.stdin!;
    this.#audio = encoder.stdio[3] as Writable;
    for (const pipe of [this.#video, this.#audio]) pipe.on('error', () => {});
    this.#closed = new Promise((resolve) =>
      encoder.once('close', (code, signal) => {
        this.#halt();
        if (!this.#stopping) this.#options.onFailure(new Error(`the mix encoder stopped (${signal ?? `exit ${code}`}): ${stderr.trim() || 'no output'}`));
        resolve();
      }),
    );
    this.startedAt = Date.now();
    this.#timer = setInterval(() => this.#tick(), TICK_MS);
  }

  /** The users whose video is shown, in the order they started publishing it. */
  get videoUids(): string[] {
    return this.#videoUsers.map((user) => user.uid);
  }

  addVideo(uid: string, track: MediaStreamTrack, requestKeyframe: () => void): void {
    if (this.#stopping || this.#videoUsers.some((user) => user.uid === uid)) return;
    const tiles = this.#layout([...this.videoUids, uid]);
    const tile = tiles.find((t) => t.uid === uid);
    const feed = new VideoFeed(this.#options.context, track, {
      // Past the 17 users a composite shows, a user waits for a tile at a token size.
      target: tile ? { width: tile.rect.width, height: tile.rect.height, fit: tile.fit } : { width: 2, height: 2, fit: 'crop' },
      fps: this.#settings.fps,
      background: this.#settings.backgroundColor,
      requestKeyframe,
      onFirstPacket: (at) => this.#options.onFirstPacket(at),
    });
    this.#videoUsers.push({ uid, feed });
    this.#relayout();
  }

  async removeVideo(uid: string): Promise<void> {
    const user = this.#videoUsers.find((u) => u.uid === uid);
    if (!user) return;
    this.#videoUsers = this.#videoUsers.filter((u) => u !== user);
    this.#relayout();
    await user.feed.close();
  }

  addAudio(uid: string, track: MediaStreamTrack): void {
    if (this.#stopping || this.#audioUsers.has(uid)) return;
    this.#audioUsers.set(uid, new AudioFeed(this.#options.context, track, (at) => this.#options.onFirstPacket(at)));
  }

  async removeAudio(uid: string): Promise<void> {
    const feed = this.#audioUsers.get(uid);
    if (!feed) return;
    this.#audioUsers.delete(uid);
    await feed.close();
  }

  /** Replaces the layout (Agora's updateLayout: fields left out return to their defaults). */
  setLayout(layout: Pick<MixSettings, 'mixedVideoLayout' | 'backgroundColor' | 'maxResolutionUid' | 'layoutConfig'>): void {
    const { maxResolutionUid: _m, layoutConfig: _l, ...base } = this.#settings;
    this.#settings = { ...base, ...layout };
    this.#canvas.background = yuvOf(layout.backgroundColor);
    this.#relayout();
  }

  get settings(): MixSettings {
    return this.#settings;
  }

  #layout(uids: string[]): Tile[] {
    const spec: LayoutSpec = {
      mixedVideoLayout: this.#settings.mixedVideoLayout,
      maxResolutionUid: this.#settings.maxResolutionUid,
      layoutConfig: this.#settings.layoutConfig,
    };
    return layoutTiles(spec, this.#canvas, uids);
  }

  #relayout(): void {
    this.#tiles = this.#layout(this.videoUids);
    for (const tile of this.#tiles) {
      this.#videoUsers.find((user) => user.uid === tile.uid)?.feed.retarget({ width: tile.rect.width, height: tile.rect.height, fit: tile.fit });
    }
  }

  #tick(): void {
    if (!this.#video || !this.#audio) return;
    if (this.#video.writableLength + this.#audio.writableLength > MAX_ENCODER_BACKLOG_BYTES) {
      this.#options.onFailure(new Error('the mix encoder cannot keep up with real time'));
      this.#halt();
      return;
    }
    const elapsed = Date.now() - this.startedAt;
    const dueFrames = Math.floor((elapsed * this.#settings.fps) / 1000);
    const dueSamples = Math.floor(elapsed * SAMPLES_PER_MS);
    const lagFrames = dueFrames - this.#framesWritten;
    if (lagFrames > (MAX_CATCH_UP_MS * this.#settings.fps) / 1000) {
      // The event loop was blocked: skip ahead rather than burst seconds of repeated pictures.
      this.#framesWritten = dueFrames - 1;
      this.#samplesWritten = dueSamples - TICK_MS * SAMPLES_PER_MS;
    }
    if (dueFrames > this.#framesWritten) {
      const byUid = new Map(this.#videoUsers.map((user) => [user.uid, user.feed.latest]));
      const picture = this.#canvas.compose(this.#pictureBuffer(), this.#tiles.map((tile) => ({ rect: tile.rect, frame: byUid.get(tile.uid) })));
      while (this.#framesWritten < dueFrames) {
        this.#inFlight.set(picture, (this.#inFlight.get(picture) ?? 0) + 1);
        this.#video.write(picture, () => this.#release(picture));
        this.#framesWritten += 1;
      }
    }
    const samples = dueSamples - this.#samplesWritten;
    if (samples > 0) {
      const mix = new Int32Array(samples);
      for (const feed of this.#audioUsers.values()) feed.queue.addInto(mix, samples);
      this.#audio.write(toPcm(mix));
      this.#samplesWritten = dueSamples;
    }
  }

  /**
   * A picture buffer no pending write still holds (a pipe write keeps its buffer until the
   * encoder has read it), reused so the 15-30 pictures a second allocate nothing.
   */
  #pictureBuffer(): Buffer {
    return this.#free.pop() ?? Buffer.allocUnsafe(this.#canvas.frameBytes);
  }

  #release(picture: Buffer): void {
    const left = (this.#inFlight.get(picture) ?? 1) - 1;
    if (left > 0) return void this.#inFlight.set(picture, left);
    this.#inFlight.delete(picture);
    if (this.#free.length < 4) this.#free.push(picture);
  }

  #halt(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Stops the inputs, lets the encoder finish the capture, and resolves when it has. */
  async stop(): Promise<void> {
    if (this.#stopping) return this.#closed;
    this.#stopping = true;
    // The last moment is written, then the inputs end; the encoder flushes and exits.
    this.#tick();
    this.#halt();
    await Promise.all([...this.#videoUsers.map((user) => user.feed.close()), ...[...this.#audioUsers.values()].map((feed) => feed.close())]);
    this.#videoUsers = [];
    this.#audioUsers.clear();
    this.#video?.end();
    this.#audio?.end();
    const encoder = this.#encoder;
    const killer = setTimeout(() => encoder?.kill('SIGKILL'), 10_000);
    await this.#closed;
    clearTimeout(killer);
  }
}
