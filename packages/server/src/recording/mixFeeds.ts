/**
 * The mix's inputs: each user's audio and video, read into WebM (TrackTap) and decoded by an
 * ffmpeg of its own into raw pictures at the size of the user's tile, or into 48 kHz PCM.
 *
 * When the user's tile changes size (someone joins or leaves, the layout changes), a second
 * decoder is started on the same WebM from its next keyframe (the publisher is asked for one);
 * the first keeps drawing until the second delivers a picture.
 */
import type { ChildProcess } from 'node:child_process';
import type { MediaStreamTrack } from 'werift';
import { AudioQueue } from './audioQueue.ts';
import type { FitMode } from './layout.ts';
import type { MediaTools } from './mediaTools.ts';
import { TrackTap, type WebmChunkKind } from './trackTap.ts';
import { Y4mReader, type Frame } from './y4m.ts';
import type { Logger } from '../log/logger.ts';

export interface FeedContext {
  tools: MediaTools;
  /** Names the ffmpeg processes (`parley-ffmpeg:<label>`). */
  label: string;
  log: Logger;
}

export interface TileTarget {
  width: number;
  height: number;
  fit: FitMode;
}

/**
 * Reads WebM on stdin as it arrives, probing no more than the header, decoding on one thread (a
 * single stream gains nothing from more). Not `-fflags nobuffer`: it drops the packets read
 * while probing, which is where the first keyframe is.
 */
const LIVE_INPUT = ['-threads', '1', '-probesize', '32768', '-analyzeduration', '0', '-f', 'matroska', '-i', 'pipe:0'];

function endInput(child: ChildProcess): void {
  child.stdin?.end();
}

export class AudioFeed {
  readonly queue = new AudioQueue();
  #tap: TrackTap;
  #decoder: ChildProcess;

  constructor(context: FeedContext, track: MediaStreamTrack, onFirstPacket: (at: number) => void) {
    this.#decoder = context.tools.spawnFfmpeg(`${context.label}:audio`, [...LIVE_INPUT, '-map', '0:a:0', '-ac', '1', '-ar', '48000', '-f', 's16le', 'pipe:1'], ['pipe', 'pipe', 'ignore']);
    this.#decoder.stdin!.on('error', () => {});
    this.#decoder.stdout!.on('data', (pcm: Buffer) => this.queue.push(pcm));
    this.#tap = new TrackTap({
      track,
      onChunk: (chunk) => {
        if (this.#decoder.stdin?.writable) this.#decoder.stdin.write(chunk);
      },
      onFirstPacket,
      onError: (error) => context.log.warn({ err: error }, 'mix audio feed failed on a chunk'),
    });
  }

  async close(): Promise<void> {
    await this.#tap.stop();
    endInput(this.#decoder);
  }
}

class VideoDecoder {
  readonly target: TileTarget;
  readonly process: ChildProcess;
  /** False until it has the WebM header and a cluster (a keyframe) to start from. */
  fed: boolean;

  constructor(context: FeedContext, target: TileTarget, fps: number, background: string, fedFromStart: boolean, onFrame: (frame: Frame) => void) {
    this.target = target;
    this.fed = fedFromStart;
    const { width, height } = target;
    const size =
      target.fit === 'crop'
        ? `scale=${width}:${height}:force_original_aspect_ratio=increase,crop=${width}:${height}`
        : `scale=${width}:${height}:force_original_aspect_ratio=decrease:force_divisible_by=2,pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2:color=0x${background.slice(1)}`;
    this.process = context.tools.spawnFfmpeg(
      `${context.label}:video`,
      [...LIVE_INPUT, '-map', '0:v:0', '-vf', `fps=${fps},${size},format=yuv420p`, '-f', 'yuv4mpegpipe', 'pipe:1'],
      ['pipe', 'pipe', 'ignore'],
    );
    this.process.stdin!.on('error', () => {});
    const reader = new Y4mReader(onFrame);
    this.process.stdout!.on('data', (chunk: Buffer) => {
      try {
        reader.push(chunk);
      } catch (error) {
        context.log.warn({ err: error }, 'mix decoder wrote an unreadable picture stream');
        this.process.kill('SIGKILL');
      }
    });
  }

  write(chunk: Buffer): void {
    if (this.process.stdin?.writable) this.process.stdin.write(chunk);
  }

  stop(): void {
    endInput(this.process);
    this.process.kill('SIGKILL');
  }
}

export class VideoFeed {
  latest: Frame | undefined;
  #context: FeedContext;
  #fps: number;
  #background: string;
  #header: Buffer[] = [];
  #active: VideoDecoder;
  #next: VideoDecoder | undefined;
  #tap: TrackTap;

  constructor(
    context: FeedContext,
    track: MediaStreamTrack,
    options: { target: TileTarget; fps: number; background: string; requestKeyframe: () => void; onFirstPacket: (at: number) => void },
  ) {
    this.#context = context;
    this.#fps = options.fps;
    this.#background = options.background;
    this.#active = this.#decoder(options.target, true);
    this.#tap = new TrackTap({
      track,
      onChunk: (chunk, kind) => this.#onChunk(chunk, kind),
      onFirstPacket: options.onFirstPacket,
      onError: (error) => context.log.warn({ err: error }, 'mix video feed failed on a chunk'),
      // The recording must start on a keyframe, and the publisher only sends one when asked.
      requestKeyframe: options.requestKeyframe,
    });
  }

  get target(): TileTarget {
    return (this.#next ?? this.#active).target;
  }

  #decoder(target: TileTarget, fedFromStart: boolean): VideoDecoder {
    const decoder: VideoDecoder = new VideoDecoder(this.#context, target, this.#fps, this.#background, fedFromStart, (frame) => {
      if (decoder === this.#next) {
        // The replacement has caught up: it takes over.
        this.#active.stop();
        this.#active = decoder;
        this.#next = undefined;
      }
      if (decoder === this.#active) this.latest = frame;
    });
    return decoder;
  }

  #onChunk(chunk: Buffer, kind: WebmChunkKind): void {
    if (kind === 'initial') this.#header.push(chunk);
    this.#active.write(chunk);
    const next = this.#next;
    if (!next) return;
    if (!next.fed && kind === 'cluster') {
      for (const header of this.#header) next.write(header);
      next.fed = true;
    }
    if (next.fed) next.write(chunk);
  }

  /** Decodes at a new tile size from the next keyframe on. */
  retarget(target: TileTarget): void {
    const current = this.target;
    if (current.width === target.width && current.height === target.height && current.fit === target.fit) return;
    this.#next?.stop();
    this.#next = this.#decoder(target, false);
    this.#tap.requestKeyframe();
  }

  async close(): Promise<void> {
    await this.#tap.stop();
    this.#active.stop();
    this.#next?.stop();
  }
}
