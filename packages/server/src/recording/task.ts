/**
 * One recording while it records: the recorder in the room (RtcService.attachRecorder, role
 * `recorder`), following publishers as they come and go, and the idle timer.
 *
 * - individual: each recorded track goes to its own WebM slice (Matroska for H.264) in the work
 *   folder, as it arrives,
 *   and through a live ffmpeg transcode to MPEG-TS beside it; a slice is registered (for crash
 *   recovery) once its first packet is in;
 * - mix: tracks feed the live compositor, whose capture file grows in the work folder.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { MediaKind } from '@parley/protocol';
import { LeaveReason } from '@parley/protocol';
import type { Participant, PublishedTrack } from '../rtc/participant.ts';
import type { RoomObserver } from '../rtc/room.ts';
import type { RecorderAttachment, RtcService } from '../rtc/service.ts';
import { Compositor } from './compositor.ts';
import { SLICE_INPUT_ARGS, sliceCodecArgs, transcodedPath, type SliceInput } from './finalize.ts';
import type { MediaTools } from './mediaTools.ts';
import { records, type MixSettings, type RecordingSettings, type UidFilter } from './settings.ts';
import { rawContainerOf } from './rawContainer.ts';
import { TrackTap } from './trackTap.ts';
import type { Logger } from '../log/logger.ts';

export interface TaskIdentity {
  sid: string;
  appId: string;
  channel: string;
  /** The recorder's uid (digits). */
  uid: string;
  mode: 'individual' | 'mix';
}

export interface TaskEvents {
  /** An individual slice has its first packet (time 0 of its WebM). */
  sliceStarted(slice: { file: string; uid: number | string; kind: MediaKind; startedAt: number }): void;
  /** The first media of the whole recording. */
  mediaStarted(at: number): void;
  /** Mix: the composite's clock started. */
  captureStarted(at: number): void;
  /** Nobody recorded has published for maxIdleTime. */
  idle(): void;
  /** The recorder was removed from the channel by someone else (kick, channel deleted). */
  evicted(): void;
  /** A component failed and the recording cannot go on. */
  failed(error: Error): void;
}

export interface TaskDeps {
  rtc: RtcService;
  tools: MediaTools;
  workDir: string;
  log: Logger;
  events: TaskEvents;
}

/** What the recording captured, for finalize.ts. */
export interface Captured {
  slices: SliceInput[];
  capture: { file: string; startedAt: number } | undefined;
}

interface SliceWriter {
  tap: TrackTap;
  /** The raw WebM: what a failed live transcode is redone from. */
  out: fs.WriteStream;
  /** The live transcode to MPEG-TS (H.264 or AAC), so little is left to do at stop. */
  transcoder: ChildProcess;
  transcoded: Promise<void>;
  slice: SliceInput;
  started: boolean;
  /** WebM bytes since the last flush (see BATCH_MS). */
  batch: Buffer[];
}

/**
 * WebM bytes are handed on in batches this often rather than frame by frame: a write to the file
 * and the transcoder's pipe (and the transcoder waking up) 10 times a second instead of ~80.
 */
const BATCH_MS = 100;

/** Stops waiting for a live transcoder's last bytes after this long. */
const TRANSCODER_FLUSH_MS = 15_000;

export const MIX_CAPTURE_FILE = 'composite.ts';

/** A file-name-safe form of a uid (accounts may hold characters file systems dislike). */
function fileUid(uid: number | string): string {
  return encodeURIComponent(String(uid)).replace(/%/g, '_');
}

export class RecordingTask implements RoomObserver {
  readonly identity: TaskIdentity;
  settings: RecordingSettings;
  #deps: TaskDeps;
  #attachment: RecorderAttachment | undefined;
  #writers = new Map<string, SliceWriter>();
  #slices: SliceInput[] = [];
  #sliceCount = 0;
  #compositor: Compositor | undefined;
  /** Mix: the tracks feeding the compositor, by `uid:kind`. */
  #mixed = new Set<string>();
  #idleTimer: NodeJS.Timeout | undefined;
  #stopped = false;
  #batchTimer: NodeJS.Timeout | undefined;

  constructor(identity: TaskIdentity, settings: RecordingSettings, deps: TaskDeps) {
    this.identity = identity;
    this.settings = settings;
    this.#deps = deps;
  }

  /** Joins the channel and starts recording what is published; throws DomainError `already_joined` when the uid is taken. */
  start(): void {
    fs.mkdirSync(this.#deps.workDir, { recursive: true });
    const { appId, channel, uid, sid, mode } = this.identity;
    this.#attachment = this.#deps.rtc.attachRecorder(appId, channel, Number(uid), this, this.settings.channelType === 1 ? 'live' : 'rtc');
    if (mode === 'mix') {
      this.#compositor = new Compositor({
        context: { tools: this.#deps.tools, label: sid, log: this.#deps.log },
        settings: this.settings.mix,
        audioProfile: this.settings.audioProfile,
        output: path.join(this.#deps.workDir, MIX_CAPTURE_FILE),
        onFirstPacket: (at) => this.#deps.events.mediaStarted(at),
        onFailure: (error) => this.#deps.events.failed(error),
      });
      this.#compositor.start();
      this.#deps.events.captureStarted(this.#compositor.startedAt);
    }
    for (const { publisher, track } of this.#attachment.tracks()) this.trackPublished(publisher, track);
    this.#checkIdle();
  }

  get recorderSessionId(): string | undefined {
    return this.#attachment?.participant.sessionId;
  }

  // ------------------------------------------------------------------ RoomObserver

  trackPublished(publisher: Participant, published: PublishedTrack): void {
    // An encrypted client's frames cannot be decoded here (start refuses encrypted channels; this is one who joined later).
    if (this.#stopped || publisher.role === 'recorder' || publisher.encrypted || !records(this.settings, published.kind, publisher.uid)) return;
    if (this.#compositor) this.#mix(publisher, published);
    else this.#openSlice(publisher, published);
    this.#checkIdle();
  }

  trackUnpublished(publisher: Participant, kind: MediaKind): void {
    void this.#release(publisher.uid, kind).finally(() => this.#checkIdle());
  }

  participantLeft(participant: Participant): void {
    if (participant === this.#attachment?.participant) {
      if (!this.#stopped) this.#deps.events.evicted();
      return;
    }
    void Promise.all([this.#release(participant.uid, 'audio'), this.#release(participant.uid, 'video')]).finally(() => this.#checkIdle());
  }

  // ------------------------------------------------------------------ recording

  #openSlice(publisher: Participant, published: PublishedTrack): void {
    const key = `${publisher.key}:${published.kind}`;
    if (this.#writers.has(key)) return;
    const file = path.join(this.#deps.workDir, `${fileUid(publisher.uid)}__${published.kind}__${++this.#sliceCount}.${rawContainerOf(published.track).extension}`);
    const out = fs.createWriteStream(file);
    out.on('error', (error) => this.#deps.log.warn({ err: error, file }, 'recording slice cannot be written'));
    const transcoder = this.#deps.tools.spawnFfmpeg(
      `${this.identity.sid}:${published.kind}`,
      [...SLICE_INPUT_ARGS, '-probesize', '32768', '-analyzeduration', '0', '-f', 'matroska', '-i', 'pipe:0', ...sliceCodecArgs(published.kind), '-f', 'mpegts', '-y', transcodedPath(file)],
      ['pipe', 'ignore', 'ignore'],
    );
    transcoder.stdin!.on('error', () => {});
    const transcoded = new Promise<void>((resolve) => transcoder.once('close', () => resolve()));
    const slice: SliceInput = { file, uid: String(publisher.uid), kind: published.kind, startedAt: 0 };
    // The recorder hands over the WebM header while it is being constructed, before `writer` exists.
    const batch: Buffer[] = [];
    const writer: SliceWriter = {
      out,
      transcoder,
      transcoded,
      slice,
      started: false,
      batch,
      tap: new TrackTap({
        track: published.track,
        onChunk: (chunk) => batch.push(chunk),
        onError: (error) => this.#deps.log.warn({ err: error, file }, 'recording slice failed on a chunk'),
        requestKeyframe: () => publisher.requestKeyframe(),
        onFirstPacket: (at) => {
          slice.startedAt = at;
          writer.started = true;
          this.#slices.push(slice);
          this.#deps.events.sliceStarted({ file: path.basename(file), uid: publisher.uid, kind: published.kind, startedAt: at });
          this.#deps.events.mediaStarted(at);
        },
      }),
    };
    this.#writers.set(key, writer);
    this.#batchTimer ??= setInterval(() => {
      for (const each of this.#writers.values()) this.#flush(each);
    }, BATCH_MS);
  }

  #flush(writer: SliceWriter): void {
    if (writer.batch.length === 0) return;
    const chunks = writer.batch.splice(0);
    const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    writer.out.write(bytes);
    if (writer.transcoder.stdin?.writable) writer.transcoder.stdin.write(bytes);
  }

  async #closeSlice(key: string): Promise<void> {
    const writer = this.#writers.get(key);
    if (!writer) return;
    this.#writers.delete(key);
    await writer.tap.stop();
    this.#flush(writer);
    if (this.#writers.size === 0 && this.#batchTimer) {
      clearInterval(this.#batchTimer);
      this.#batchTimer = undefined;
    }
    writer.transcoder.stdin?.end();
    const killer = setTimeout(() => writer.transcoder.kill('SIGKILL'), TRANSCODER_FLUSH_MS);
    await Promise.all([new Promise<void>((resolve) => writer.out.end(resolve)), writer.transcoded]);
    clearTimeout(killer);
    if (!writer.started) await Promise.all([writer.slice.file, transcodedPath(writer.slice.file)].map((file) => fs.promises.rm(file, { force: true })));
  }

  #mix(publisher: Participant, published: PublishedTrack): void {
    const uid = String(publisher.uid);
    const key = `${publisher.key}:${published.kind}`;
    if (this.#mixed.has(key)) return;
    this.#mixed.add(key);
    if (published.kind === 'video') this.#compositor!.addVideo(uid, published.track, () => publisher.requestKeyframe());
    else this.#compositor!.addAudio(uid, published.track);
  }

  async #release(uid: number | string, kind: MediaKind): Promise<void> {
    const key = `${String(uid)}:${kind}`;
    if (this.#compositor) {
      if (!this.#mixed.delete(key)) return;
      await (kind === 'video' ? this.#compositor.removeVideo(String(uid)) : this.#compositor.removeAudio(String(uid)));
    } else {
      await this.#closeSlice(key);
    }
  }

  /** Starts the idle countdown when nothing is being recorded, and cancels it when something is. */
  #checkIdle(): void {
    if (this.#stopped) return;
    const recording = this.#compositor ? this.#mixed.size : this.#writers.size;
    if (recording > 0) {
      if (this.#idleTimer) clearTimeout(this.#idleTimer);
      this.#idleTimer = undefined;
    } else if (!this.#idleTimer) {
      this.#idleTimer = setTimeout(() => this.#deps.events.idle(), this.settings.maxIdleTime * 1000);
    }
  }

  // ------------------------------------------------------------------ changes

  /** Replaces who is recorded (Agora's update `streamSubscribe`); lists left out keep their value. */
  async updateSubscriptions(change: { audio?: UidFilter; video?: UidFilter }): Promise<void> {
    this.settings = { ...this.settings, ...(change.audio ? { audio: change.audio } : {}), ...(change.video ? { video: change.video } : {}) };
    const tracks = this.#attachment?.tracks() ?? [];
    const wanted = new Set(tracks.filter(({ publisher, track }) => records(this.settings, track.kind, publisher.uid)).map(({ publisher, track }) => `${publisher.key}:${track.kind}`));
    const current = this.#compositor ? [...this.#mixed] : [...this.#writers.keys()];
    await Promise.all(
      current.filter((key) => !wanted.has(key)).map((key) => {
        const split = key.lastIndexOf(':');
        return this.#release(key.slice(0, split), key.slice(split + 1) as MediaKind);
      }),
    );
    for (const { publisher, track } of tracks) this.trackPublished(publisher, track);
    this.#checkIdle();
  }

  /** Replaces the mix layout (Agora's updateLayout). */
  updateLayout(layout: Pick<MixSettings, 'mixedVideoLayout' | 'backgroundColor' | 'maxResolutionUid' | 'layoutConfig'>): void {
    if (!this.#compositor) return;
    this.#compositor.setLayout(layout);
    this.settings = { ...this.settings, mix: this.#compositor.settings };
  }

  /**
   * Leaves the channel (a no-op when the channel already removed the recorder) and closes every
   * slice, live transcodes flushed, or the composite's capture.
   */
  async stop(): Promise<Captured> {
    this.#stopped = true;
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    await this.#attachment?.leave(LeaveReason.normal);
    await Promise.all([...this.#writers.keys()].map((key) => this.#closeSlice(key)));
    await this.#compositor?.stop();
    return {
      slices: this.#slices.filter((slice) => slice.startedAt > 0),
      capture: this.#compositor ? { file: path.join(this.#deps.workDir, MIX_CAPTURE_FILE), startedAt: this.#compositor.startedAt } : undefined,
    };
  }
}
