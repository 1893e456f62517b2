/**
 * Reads one published track into WebM (Matroska for H.264, see rawContainer.ts) with werift's
 * MediaRecorder (from `werift/nonstandard`) and hands the bytes on as they are made: to a file
 * (individual mode) or to an ffmpeg decoder (mix).
 *
 * Options that matter (FIELD-NOTES): `disableNtp` and `disableLipSync`, or the first seconds of
 * audio are lost while werift waits for RTCP sender reports. With them the file's clock is the
 * sender's RTP clock from the first packet on, and `firstPacketAt` ties it to the wall clock.
 *
 * The recorder runs in stream mode (no `path`): werift's own file writer opens, appends to and
 * closes the file for every frame, which costs more CPU than the recording itself.
 *
 * Given `requestKeyframe`, a video tap asks its publisher for keyframes as it needs them
 * (keyframeWatch.ts): until the first is written, and after a packet is lost for good.
 */
import type { MediaStreamTrack } from 'werift';
import { Event, MediaRecorder, type StreamEvent } from 'werift/nonstandard';
import { KeyframeWatch } from './keyframeWatch.ts';
import { rawContainerOf, relabelAsMatroska } from './rawContainer.ts';

/** What the WebM writer emits, in order: the header, then clusters (one per video keyframe) and blocks. */
export type WebmChunkKind = 'initial' | 'cluster' | 'block' | 'cuePoints';

export interface TrackTapOptions {
  track: MediaStreamTrack;
  onChunk(chunk: Buffer, kind: WebmChunkKind): void;
  /** `onChunk` threw; the tap goes on with the next chunk. */
  onError(error: Error): void;
  /** The wall-clock time of the first RTP packet, which is time 0 of the WebM. */
  onFirstPacket?(at: number): void;
  /** Asks the publisher for a keyframe (video): without it the tap cannot start or recover from loss. */
  requestKeyframe?(): void;
}

const FLUSH_TIMEOUT_MS = 3_000;
/** How often the keyframe watch looks for lost packets and unanswered requests. */
const WATCH_INTERVAL_MS = 100;

export class TrackTap {
  firstPacketAt: number | undefined;
  #recorder: MediaRecorder;
  #ended: Promise<void>;
  #stopping = false;
  #firstPacket: { unSubscribe(): void };
  #watch: { keyframes: KeyframeWatch; packets: { unSubscribe(): void }; timer: NodeJS.Timeout } | undefined;

  constructor(options: TrackTapOptions) {
    const stream: StreamEvent = new Event();
    const matroska = rawContainerOf(options.track).docType === 'matroska';
    let markEnded!: () => void;
    this.#ended = new Promise((resolve) => (markEnded = resolve));
    stream.subscribe((output) => {
      // Called from werift's media pipeline: a throw here would be an uncaught exception.
      try {
        const kind = (output.kind ?? 'block') as WebmChunkKind;
        // A video track's clusters start at keyframes (the first one too: frames before it are dropped).
        // werift also starts one after ~32 s without a keyframe: the watch may then stop asking
        // early, until the next loss.
        if (kind === 'cluster') this.#watch?.keyframes.keyframe();
        if (output.saveToFile) options.onChunk(matroska && kind === 'initial' ? relabelAsMatroska(output.saveToFile) : output.saveToFile, kind);
      } catch (error) {
        options.onError(error as Error);
      }
      if (output.eol) markEnded();
    });
    this.#firstPacket = options.track.onReceiveRtp.subscribe(() => {
      this.#firstPacket.unSubscribe();
      this.firstPacketAt = Date.now();
      try {
        options.onFirstPacket?.(this.firstPacketAt);
      } catch (error) {
        options.onError(error as Error);
      }
    });
    if (options.requestKeyframe && options.track.kind === 'video') {
      const keyframes = new KeyframeWatch(options.requestKeyframe);
      const packets = options.track.onReceiveRtp.subscribe((rtp) => keyframes.packet(rtp.header.sequenceNumber, performance.now()));
      const timer = setInterval(() => keyframes.check(performance.now()), WATCH_INTERVAL_MS);
      timer.unref();
      this.#watch = { keyframes, packets, timer };
      keyframes.need(performance.now());
    }
    this.#recorder = new MediaRecorder({ tracks: [options.track], stream, disableNtp: true, disableLipSync: true });
    this.#recorder.onError.subscribe(() => markEnded());
  }

  /** Asks for a keyframe now and keeps asking until one is written (a decoder needs a fresh start). */
  requestKeyframe(): void {
    this.#watch?.keyframes.need(performance.now());
  }

  /** Stops reading and resolves once the WebM's last bytes (cues) have been handed on. */
  async stop(): Promise<void> {
    if (this.#stopping) return this.#ended;
    this.#stopping = true;
    this.#firstPacket.unSubscribe();
    if (this.#watch) {
      clearInterval(this.#watch.timer);
      this.#watch.packets.unSubscribe();
    }
    // In stream mode werift's stop() waits 5 s for a file-writer event that never comes; the
    // WebM is complete once `eol` has passed through `stream`, so that is what is awaited.
    const writer = this.#recorder.writer as unknown as { onEol: { execute(): void } };
    void this.#recorder.stop().catch(() => {});
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#ended, new Promise<void>((resolve) => (timer = setTimeout(resolve, FLUSH_TIMEOUT_MS)))]);
    clearTimeout(timer);
    writer.onEol.execute();
  }
}
