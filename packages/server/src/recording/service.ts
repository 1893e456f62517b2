/**
 * Cloud recording rules, for both APIs (Parley's v1 and Agora's Cloud Recording): resources
 * (acquire: valid 5 minutes, one recording each), starting a recorder, status (Agora's numbers),
 * subscription and layout updates, stopping, making the files and uploading them, and what a node
 * does about recordings when it starts (finish what a crash interrupted, retry failed uploads)
 * and when it stops. No HTTP here; errors are RecordingErrors the routes translate.
 *
 * A recording lives on the node that started it: its recorder joins that node's room for the
 * channel, and its work folder (`<dataDir>/recording-work/<sid>`) holds the raw capture until
 * the files are in storage.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CHANNEL_NAME_PATTERN, RecordingStatus, recordingHasEnded, type DomainEvent, type RecordingFileInfo, type RecordingRef, type UploadingStatus } from '@parley/protocol';
import type { BlobObject } from '../blob/blobStore.ts';
import { BlobStoreError, checkKey, contentTypeOf } from '../blob/blobStore.ts';
import type { RecordingStorageConfig } from '../config.ts';
import type { EventBus } from '../events/bus.ts';
import type { CertificateCipher } from '../projects/credentials.ts';
import { JoinRefused } from '../rtc/joinPolicy.ts';
import type { RtcService } from '../rtc/service.ts';
import type { Db } from '../store/database.ts';
import { Delivery, recordingRef, statusEvent, updateRow } from './delivery.ts';
import { RecordingError } from './errors.ts';
import { MediaToolsMissing, type MediaTools } from './mediaTools.ts';
import { objectKey } from './names.ts';
import { mixSettings, normalizeSettings, uidFilter, type MixSettings, type RecordingSettings, type SettingsInput, type UidFilter } from './settings.ts';
import { blobStoreFor, checkEndpoint, openStorage, sealStorage, type StorageSpec } from './storage.ts';
import * as store from './store.ts';
import { RecordingTask } from './task.ts';

export type RecordingMode = 'individual' | 'mix';

/** A recording as both APIs describe it. */
export interface RecordingState {
  sid: string;
  resourceId: string;
  appId: string;
  channel: string;
  uid: string;
  mode: RecordingMode;
  status: number;
  createdAt: number;
  stoppedAt: number | null;
  expiresAt: number;
  /** When the first media was recorded (mix: when the composite's clock started); null before. */
  sliceStartTime: number | null;
  /** Whether any media was recorded at all (stop answers Agora's 435 otherwise). */
  recordedMedia: boolean;
  avFileType: Array<'hls' | 'mp4'>;
  fileList: RecordingFileInfo[];
  uploadingStatus: UploadingStatus | null;
  error: string | null;
}

export interface AcquireInput {
  cname: string;
  uid: string;
  resourceExpiredHour?: number | undefined;
  startParameter?: object | undefined;
}

export interface StartInput {
  cname: string;
  uid: string;
  mode: string;
  settings: SettingsInput;
  storage: StorageSpec;
  /** Agora's start `clientRequest`, compared with acquire's `startParameter` when one was given. */
  clientRequest?: object;
}

/** A mix layout as updateLayout takes it. */
export type LayoutInput = Partial<Pick<MixSettings, 'mixedVideoLayout' | 'backgroundColor' | 'maxResolutionUid' | 'layoutConfig'>>;

export interface RecordingServiceDeps {
  db: Db;
  rtc: RtcService;
  events: EventBus;
  tools: MediaTools;
  cipher: CertificateCipher;
  config: {
    dataDir: string;
    nodeId: string;
    recordingStorage: RecordingStorageConfig;
    recordingUploadRetrySeconds: number;
    recordingAllowPrivateEndpoints: boolean;
  };
  log: { info(details: object, message: string): void; warn(details: object, message: string): void; error(details: object, message: string): void };
  /** The recording settings a channel was created with (the seed's `recordingConfig`): v1 start's defaults. */
  channelDefaults?(appId: string, channel: string): Promise<{ channelType: number; streamTypes: number } | undefined>;
}

/** Agora: a resource id is valid this long after acquire. */
const RESOURCE_TTL_MS = 5 * 60_000;
const DEFAULT_RESOURCE_EXPIRED_HOUR = 72;
/** How long a stop that waits for the files waits (Agora's budget). */
export const STOP_WAIT_MS = 20_000;
const CHANNEL_NAME = new RegExp(CHANNEL_NAME_PATTERN);

/** Agora's recorder-leave codes (NCS 41). */
const LeaveCode = { initFailed: 0, shutdown: 2, idle: 4, stopped: 16 } as const;

interface LiveRecording {
  task: RecordingTask;
  row: store.RecordingRow;
  /** Set once the recording is stopping: resolves when its files are made and uploaded. */
  finished: Promise<void> | undefined;
  mediaSeen: boolean;
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export class RecordingService {
  #deps: RecordingServiceDeps;
  #live = new Map<string, LiveRecording>();
  #background = new Set<Promise<unknown>>();
  #retryTimer: NodeJS.Timeout | undefined;
  #closing = false;
  #delivery: Delivery;

  constructor(deps: RecordingServiceDeps) {
    this.#deps = deps;
    this.#delivery = new Delivery({
      db: deps.db,
      events: deps.events,
      tools: deps.tools,
      cipher: deps.cipher,
      storage: deps.config.recordingStorage,
      workDir: (sid) => this.#workDir(sid),
      log: deps.log,
    });
  }

  #workDir(sid: string): string {
    return path.join(this.#deps.config.dataDir, 'recording-work', sid);
  }

  // ------------------------------------------------------------------ acquire and start

  async acquire(appId: string, input: AcquireInput): Promise<{ resourceId: string }> {
    this.#checkChannel(input.cname);
    const now = Date.now();
    const resourceId = randomBytes(48).toString('base64url');
    await store.insertResource(this.#deps.db, {
      resource_id: resourceId,
      app_id: appId,
      channel: input.cname,
      uid: input.uid,
      resource_expired_hour: Math.round(input.resourceExpiredHour ?? DEFAULT_RESOURCE_EXPIRED_HOUR),
      start_parameter: input.startParameter ? stableJson(input.startParameter) : null,
      created_at: now,
      expires_at: now + RESOURCE_TTL_MS,
      sid: null,
    });
    return { resourceId };
  }

  /** Parley's v1 start: a resource of its own, then the same start as Agora's. */
  async startInChannel(appId: string, input: Omit<StartInput, 'uid'> & { uid?: string | undefined }): Promise<{ resourceId: string; sid: string }> {
    this.#checkChannel(input.cname);
    const uid = input.uid ?? this.#freeUid(appId, input.cname);
    const defaults = await this.#deps.channelDefaults?.(appId, input.cname);
    const settings = { channelType: defaults?.channelType, streamTypes: defaults?.streamTypes, ...definedOnly(input.settings) };
    const { resourceId } = await this.acquire(appId, { cname: input.cname, uid });
    return this.start(appId, resourceId, { ...input, uid, settings });
  }

  #freeUid(appId: string, channel: string): string {
    const room = this.#deps.rtc.room(appId, channel);
    for (;;) {
      const uid = String(1 + (randomBytes(4).readUInt32BE(0) % 4294967294));
      if (!room?.find(Number(uid))) return uid;
    }
  }

  #checkChannel(cname: string): void {
    if (!CHANNEL_NAME.test(cname)) throw new RecordingError('invalid_channel_name', `"${cname}" is not a valid channel name`, 'cname');
  }

  async start(appId: string, resourceId: string, input: StartInput): Promise<{ resourceId: string; sid: string }> {
    const resource = await store.findResource(this.#deps.db, appId, resourceId);
    if (!resource) throw new RecordingError('resource_not_found', 'No such resourceId: call acquire first', 'resourceid');
    if (resource.sid !== null) throw new RecordingError('already_started', 'This resourceId has already started a recording');
    if (resource.expires_at < Date.now()) throw new RecordingError('resource_expired', 'The resourceId has expired (they are valid for 5 minutes): call acquire again', 'resourceid');
    if (resource.channel !== input.cname || resource.uid !== input.uid) {
      throw new RecordingError('resource_mismatch', 'cname and uid must be those given to acquire', resource.channel !== input.cname ? 'cname' : 'uid');
    }
    if (resource.start_parameter !== null && stableJson(input.clientRequest ?? {}) !== resource.start_parameter) {
      throw new RecordingError('resource_mismatch', 'clientRequest must match the startParameter given to acquire', 'clientRequest');
    }
    if (input.mode !== 'individual' && input.mode !== 'mix') {
      throw new RecordingError(input.mode === 'web' ? 'unsupported' : 'invalid_parameter', `mode must be individual or mix${input.mode === 'web' ? ': web page recording is not offered' : ''}`, 'mode');
    }
    const mode: RecordingMode = input.mode;
    const settings = normalizeSettings(input.settings);
    await this.#checkStorage(appId, input.storage);
    try {
      await this.#deps.tools.check();
    } catch (error) {
      if (error instanceof MediaToolsMissing) throw new RecordingError('tools_missing', error.message);
      throw error;
    }
    const conflict = (await store.activeRecordings(this.#deps.db, appId, input.cname)).find((row) => row.uid === input.uid);
    if (conflict) throw new RecordingError('task_conflict', `Recording ${conflict.sid} with uid ${input.uid} is already recording this channel`);

    const sid = randomBytes(16).toString('hex');
    if (!(await store.claimResource(this.#deps.db, resourceId, sid))) throw new RecordingError('already_started', 'This resourceId has already started a recording');
    const now = Date.now();
    const row: store.RecordingRow = {
      sid,
      resource_id: resourceId,
      app_id: appId,
      channel: input.cname,
      uid: input.uid,
      mode,
      status: RecordingStatus.initialized,
      node_id: this.#deps.config.nodeId,
      settings: JSON.stringify(settings),
      storage: sealStorage(input.storage, this.#deps.cipher),
      created_at: now,
      expires_at: now + resource.resource_expired_hour * 3_600_000,
      capture_started_at: null,
      media_started_at: null,
      stopped_at: null,
      file_list: '[]',
      pending_files: '[]',
      uploading_status: null,
      error: null,
    };
    await store.insertRecording(this.#deps.db, row);
    this.#emitStatus(row);

    const live: LiveRecording = { row, finished: undefined, mediaSeen: false, task: this.#task(row, settings) };
    try {
      live.task.start();
    } catch (error) {
      await live.task.stop().catch(() => {});
      await this.#updateRow(row, { status: RecordingStatus.exitedAbnormally, stopped_at: Date.now(), error: (error as Error).message, uploading_status: 'unknown' });
      this.#emitStatus(row);
      this.#emit({ type: 'recording.recorder_left', ...this.#ref(row), leaveCode: LeaveCode.initFailed });
      this.#emit({ type: 'recording.exited', ...this.#ref(row), exitStatus: 1 });
      await fs.promises.rm(this.#workDir(sid), { recursive: true, force: true });
      if (error instanceof JoinRefused) throw new RecordingError('uid_in_use', `uid ${input.uid} is already in channel "${input.cname}": the recorder needs a uid of its own`, 'uid');
      throw error;
    }
    this.#live.set(sid, live);
    this.#emit({ type: 'recording.recorder_joined', ...this.#ref(row) });
    for (const status of [RecordingStatus.allComponentsReady, RecordingStatus.inProgress]) {
      await this.#updateRow(row, { status });
      this.#emitStatus(row);
    }
    return { resourceId, sid };
  }

  async #checkStorage(appId: string, spec: StorageSpec): Promise<void> {
    if (spec.s3?.endpoint && !this.#deps.config.recordingAllowPrivateEndpoints) await checkEndpoint(spec.s3.endpoint);
    try {
      await blobStoreFor(spec, appId, this.#deps.config.recordingStorage).check();
    } catch (error) {
      if (error instanceof BlobStoreError) throw new RecordingError('storage', error.message, 'storage');
      throw error;
    }
  }

  #task(row: store.RecordingRow, settings: RecordingSettings): RecordingTask {
    const sid = row.sid;
    return new RecordingTask(
      { sid, appId: row.app_id, channel: row.channel, uid: row.uid, mode: row.mode },
      settings,
      {
        rtc: this.#deps.rtc,
        tools: this.#deps.tools,
        workDir: this.#workDir(sid),
        log: this.#deps.log,
        events: {
          sliceStarted: (slice) =>
            this.#track(store.insertSlice(this.#deps.db, { sid, file: slice.file, uid: JSON.stringify(slice.uid), kind: slice.kind, started_at: slice.startedAt })),
          mediaStarted: (at) => {
            const live = this.#live.get(sid);
            if (!live || live.mediaSeen) return;
            live.mediaSeen = true;
            if (row.media_started_at === null) row.media_started_at = at;
            this.#track(store.markMediaStarted(this.#deps.db, sid, at));
          },
          captureStarted: (at) => {
            row.capture_started_at = at;
            this.#track(store.updateRecording(this.#deps.db, sid, { capture_started_at: at }));
          },
          idle: () => this.#finishInBackground(sid, LeaveCode.idle),
          evicted: () => this.#finishInBackground(sid, LeaveCode.stopped),
          failed: (error) => {
            this.#deps.log.error({ err: error, sid }, 'recording failed');
            this.#emit({ type: 'recording.error', ...this.#ref(row), module: 0, errorLevel: 5, errorCode: 51, errorMsg: error.message });
            this.#finishInBackground(sid, LeaveCode.stopped, error.message);
          },
        },
      },
    );
  }

  // ------------------------------------------------------------------ reading

  async get(appId: string, sid: string): Promise<RecordingState> {
    const row = this.#live.get(sid)?.row ?? (await store.findRecording(this.#deps.db, appId, sid));
    if (!row || row.app_id !== appId) throw new RecordingError('not_found', `No recording ${sid} in this project`, 'sid');
    return toState(row);
  }

  async list(appId: string, channel: string, page: { limit?: number | undefined; cursor?: string | undefined }): Promise<{ recordings: RecordingState[]; nextCursor: string | null }> {
    const limit = page.limit ?? 100;
    const after = page.cursor ? decodeCursor(page.cursor) : undefined;
    const rows = await store.listRecordings(this.#deps.db, appId, channel, after, limit + 1);
    const pageRows = rows.slice(0, limit).map((row) => this.#live.get(row.sid)?.row ?? row);
    const last = pageRows.at(-1);
    return { recordings: pageRows.map(toState), nextCursor: rows.length > limit && last ? encodeCursor(last.created_at, last.sid) : null };
  }

  /** What the channel API shows: the newest recording still recording the channel, if any. */
  async channelRecording(appId: string, channel: string): Promise<{ state: 'idle' | 'recording'; sid: string | null }> {
    const [active] = await store.activeRecordings(this.#deps.db, appId, channel);
    return active ? { state: 'recording', sid: active.sid } : { state: 'idle', sid: null };
  }

  /**
   * A file of a recording, from its store, or from the work folder while its upload waits for a
   * retry. Only names of this recording's files (`<prefix>/<sid>_…`) are served.
   */
  async openFile(appId: string, sid: string, fileName: string): Promise<BlobObject | undefined> {
    const row = await store.findRecording(this.#deps.db, appId, sid);
    if (!row) throw new RecordingError('not_found', `No recording ${sid} in this project`, 'sid');
    const spec = openStorage(row.storage, this.#deps.cipher);
    const name = fileName.split('/').at(-1) ?? '';
    try {
      checkKey(fileName);
    } catch {
      return undefined;
    }
    if (fileName !== objectKey(spec.prefix, name) || !name.startsWith(`${sid}_`)) return undefined;
    if ((JSON.parse(row.pending_files) as string[]).includes(fileName)) {
      const local = path.join(this.#workDir(sid), 'out', name);
      const stat = await fs.promises.stat(local).catch(() => undefined);
      return stat ? { body: fs.createReadStream(local), size: stat.size, contentType: contentTypeOf(name) } : undefined;
    }
    return blobStoreFor(spec, appId, this.#deps.config.recordingStorage).get(fileName);
  }

  // ------------------------------------------------------------------ changes

  async #liveRecording(appId: string, sid: string): Promise<LiveRecording> {
    const live = this.#live.get(sid);
    if (live && live.row.app_id === appId && !live.finished) return live;
    const row = live?.row ?? (await store.findRecording(this.#deps.db, appId, sid));
    if (!row) throw new RecordingError('not_found', `No recording ${sid} in this project`, 'sid');
    throw new RecordingError('not_running', `Recording ${sid} is not running (status ${row.status})`, 'sid');
  }

  async updateSubscriptions(
    appId: string,
    sid: string,
    lists: { subscribeAudioUids?: string[]; unsubscribeAudioUids?: string[]; subscribeVideoUids?: string[]; unsubscribeVideoUids?: string[] },
  ): Promise<void> {
    const live = await this.#liveRecording(appId, sid);
    const change: { audio?: UidFilter; video?: UidFilter } = {};
    if (lists.subscribeAudioUids !== undefined || lists.unsubscribeAudioUids !== undefined) change.audio = uidFilter(lists.subscribeAudioUids, lists.unsubscribeAudioUids, 'Audio');
    if (lists.subscribeVideoUids !== undefined || lists.unsubscribeVideoUids !== undefined) change.video = uidFilter(lists.subscribeVideoUids, lists.unsubscribeVideoUids, 'Video');
    await live.task.updateSubscriptions(change);
    await this.#updateRow(live.row, { settings: JSON.stringify(live.task.settings) });
  }

  /** Replaces the mix layout; fields left out return to their defaults, as in Agora. */
  async updateLayout(appId: string, sid: string, layout: LayoutInput): Promise<void> {
    const live = await this.#liveRecording(appId, sid);
    if (live.row.mode !== 'mix') throw new RecordingError('invalid_parameter', 'updateLayout is for mix recordings', 'mode');
    const current = live.task.settings.mix;
    const next = mixSettings({ ...layout, width: current.width, height: current.height, fps: current.fps, bitrate: current.bitrateKbps });
    live.task.updateLayout({
      mixedVideoLayout: next.mixedVideoLayout,
      backgroundColor: next.backgroundColor,
      ...(next.maxResolutionUid !== undefined ? { maxResolutionUid: next.maxResolutionUid } : {}),
      ...(next.layoutConfig !== undefined ? { layoutConfig: next.layoutConfig } : {}),
    });
    await this.#updateRow(live.row, { settings: JSON.stringify(live.task.settings) });
  }

  /** New credentials for the rest of the recording (Agora's STS refresh through update). */
  async updateStorage(appId: string, sid: string, spec: StorageSpec): Promise<void> {
    const live = await this.#liveRecording(appId, sid);
    await this.#checkStorage(appId, spec);
    await this.#updateRow(live.row, { storage: sealStorage(spec, this.#deps.cipher) });
  }

  // ------------------------------------------------------------------ stopping

  /**
   * Stops a recording and, unless `wait` is false, waits up to STOP_WAIT_MS for its files. A
   * recording that is stopping or has stopped is an `already_stopped` error (Agora code 49).
   */
  async stop(appId: string, sid: string, options: { wait: boolean }): Promise<RecordingState> {
    const live = this.#live.get(sid);
    if (!live || live.row.app_id !== appId) {
      const row = await store.findRecording(this.#deps.db, appId, sid);
      if (!row) throw new RecordingError('not_found', `No recording ${sid} in this project`, 'sid');
      if (recordingHasEnded(row.status)) throw new RecordingError('already_stopped', `Recording ${sid} has already stopped (status ${row.status})`);
      throw new RecordingError('not_running', `Recording ${sid} runs on node ${row.node_id}, not this one`, 'sid');
    }
    if (live.finished) throw new RecordingError('already_stopped', `Recording ${sid} is already stopping`);
    const finished = this.#finish(live, LeaveCode.stopped);
    if (options.wait) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([finished, new Promise((resolve) => (timer = setTimeout(resolve, STOP_WAIT_MS)))]);
      clearTimeout(timer);
    }
    return toState(live.row);
  }

  #finishInBackground(sid: string, leaveCode: number, error?: string): void {
    const live = this.#live.get(sid);
    if (!live || live.finished || this.#closing) return;
    this.#finish(live, leaveCode, error);
  }

  /** Stop requested → recorder out → files made → uploaded → exited. Runs once per recording. */
  #finish(live: LiveRecording, leaveCode: number, error?: string): Promise<void> {
    live.finished ??= this.#track(
      (async () => {
        const row = live.row;
        await this.#updateRow(row, { status: RecordingStatus.stopRequested, ...(error ? { error } : {}) });
        this.#emitStatus(row);
        const captured = await live.task.stop();
        this.#emit({ type: 'recording.recorder_left', ...this.#ref(row), leaveCode });
        await this.#updateRow(row, { status: RecordingStatus.allComponentsStopped, stopped_at: Date.now() });
        this.#emitStatus(row);
        await this.#delivery.deliver(row, captured, error ? RecordingStatus.exitedAbnormally : RecordingStatus.exited, () => this.#closing);
      })().finally(() => this.#live.delete(live.row.sid)),
    );
    return live.finished;
  }

  // ------------------------------------------------------------------ node lifecycle

  /**
   * At start: recordings this node left unfinished (it crashed or stopped mid-recording) exit
   * abnormally (20) and what they captured is made into files and listed; uploads that failed
   * are retried from now on.
   */
  async recover(): Promise<number> {
    const rows = await store.unfinishedRecordings(this.#deps.db, this.#deps.config.nodeId);
    for (const row of rows) {
      await this.#updateRow(row, {
        status: RecordingStatus.exitedAbnormally,
        stopped_at: row.stopped_at ?? Date.now(),
        error: row.error ?? 'The server stopped during the recording; what it had recorded was made into files',
      });
      this.#emit({ type: 'recording.recorder_left', ...this.#ref(row), leaveCode: LeaveCode.shutdown });
      this.#track(this.#delivery.capturedOf(row).then((captured) => this.#delivery.deliver(row, captured, RecordingStatus.exitedAbnormally, () => this.#closing)));
    }
    // Uploads that failed are retried; resources that expired unused are forgotten.
    this.#retryTimer = setInterval(
      () =>
        this.#track(
          (async () => {
            await store.deleteExpiredResources(this.#deps.db, Date.now());
            await this.#delivery.retryUploads(this.#deps.config.nodeId, () => this.#closing);
          })(),
        ),
      this.#deps.config.recordingUploadRetrySeconds * 1000,
    );
    this.#retryTimer.unref();
    return rows.length;
  }

  /**
   * Server shutdown: recorders leave and their captures are closed cleanly, every ffmpeg is
   * stopped; the recordings are finished (status 20, files made) when the node starts again.
   */
  async shutdown(): Promise<void> {
    this.#closing = true;
    if (this.#retryTimer) clearInterval(this.#retryTimer);
    await Promise.allSettled(
      [...this.#live.values()].map(async (live) => {
        if (live.finished) return;
        await live.task.stop();
        this.#emit({ type: 'recording.recorder_left', ...this.#ref(live.row), leaveCode: LeaveCode.shutdown });
      }),
    );
    this.#live.clear();
    await this.#deps.tools.killAll();
    await Promise.allSettled([...this.#background]);
  }

  /** Resolves when background work started so far (recoveries, stops) has finished: for tests. */
  async drain(): Promise<void> {
    while (this.#background.size > 0) await Promise.allSettled([...this.#background]);
  }

  // ------------------------------------------------------------------ helpers

  #track<T>(promise: Promise<T>): Promise<T> {
    const tracked = promise.catch((error) => {
      this.#deps.log.error({ err: error }, 'recording background work failed');
      return undefined as T;
    });
    this.#background.add(tracked);
    void tracked.finally(() => this.#background.delete(tracked));
    return tracked;
  }

  #updateRow(row: store.RecordingRow, changes: Partial<Omit<store.RecordingRow, 'sid'>>): Promise<void> {
    return updateRow(this.#deps.db, row, changes);
  }

  #ref(row: store.RecordingRow): RecordingRef {
    return recordingRef(row);
  }

  #emit(event: DomainEvent): void {
    this.#deps.events.emit(event);
  }

  #emitStatus(row: store.RecordingRow): void {
    this.#emit(statusEvent(row));
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function toState(row: store.RecordingRow): RecordingState {
  const settings = JSON.parse(row.settings) as RecordingSettings;
  return {
    sid: row.sid,
    resourceId: row.resource_id,
    appId: row.app_id,
    channel: row.channel,
    uid: row.uid,
    mode: row.mode,
    status: row.status,
    createdAt: row.created_at,
    stoppedAt: row.stopped_at,
    expiresAt: row.expires_at,
    sliceStartTime: row.mode === 'mix' ? (row.media_started_at !== null ? row.capture_started_at : null) : row.media_started_at,
    recordedMedia: row.media_started_at !== null,
    avFileType: settings.avFileType,
    fileList: JSON.parse(row.file_list) as RecordingFileInfo[],
    uploadingStatus: row.uploading_status,
    error: row.error,
  };
}

function encodeCursor(createdAt: number, sid: string): string {
  return Buffer.from(`${createdAt}:${sid}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: number; sid: string } {
  const match = /^(\d{1,16}):([0-9a-f]{32})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match || encodeCursor(Number(match[1]), match[2]!) !== cursor) throw new RecordingError('invalid_parameter', 'cursor is not one this API returned', 'cursor');
  return { createdAt: Number(match[1]), sid: match[2]! };
}
