/**
 * Cloud recording rules, for both APIs (Parley's v1 and Agora's Cloud Recording): starting a
 * recorder on an acquired resource (resources.ts), status (Agora's numbers, changed through
 * transitions.ts), subscription and layout updates, stopping, making the files and uploading them
 * (delivery.ts), and what a node does about recordings when it starts (recovery.ts) and stops. No
 * HTTP here; errors are DomainErrors each API edge translates.
 *
 * A recording lives on the node that hosts its channel: its recorder joins that node's room for
 * the channel, and its work folder (`<dataDir>/recording-work/<sid>`) holds the raw capture until
 * the files are in storage. Starting goes to the channel's node, and querying, updating and
 * stopping to the recording's (the row's `node_id`), through the cluster's ChannelActions, so both
 * APIs work through any node; `here` is what runs on the node a request lands on.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { RecordingStatus, recordingHasEnded } from '@parley/protocol';
import type { BlobObject } from '../blob/blobStore.ts';
import { BlobStoreError, checkKey, contentTypeOf } from '../blob/blobStore.ts';
import type { ChannelActions } from '../cluster/channelActions.ts';
import type { ChannelHomes } from '../cluster/channelHomes.ts';
import type { RecordingConfig } from '../config/index.ts';
import type { EventBus } from '../events/bus.ts';
import type { CertificateCipher } from '../projects/credentials.ts';
import type { RtcService } from '../rtc/service.ts';
import type { Db } from '../store/database.ts';
import { Delivery } from './delivery.ts';
import { DomainError } from '../domainError.ts';
import { RunningRecordings } from './lifecycle.ts';
import { MediaToolsMissing, type MediaTools } from './mediaTools.ts';
import { objectKey } from './names.ts';
import { abandonRecordingsOf, recoverUnfinished, retryUploadsEvery, type RecoveryDeps } from './recovery.ts';
import { acquireResource, checkChannelName, resourceForStart, type AcquireInput } from './resources.ts';
import { mixSettings, normalizeSettings, uidFilter, type MixSettings, type SettingsInput, type UidFilter } from './settings.ts';
import { blobStoreFor, checkEndpoint, openStorage, sealStorage, type StorageSpec } from './storage.ts';
import * as store from './store.ts';
import type { EventOutbox } from '../events/outbox.ts';
import { created, updateRow } from './transitions.ts';
import { recordingCursors, toState, type RecordingMode, type RecordingState } from './views.ts';
import type { Logger } from '../log/logger.ts';

export type { AcquireInput } from './resources.ts';
export type { RecordingMode, RecordingState } from './views.ts';

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
  /** See TransitionContext: channel GETs reload a project's recording state after this. */
  recordingsChanged: (appId: string) => Promise<void>;
  rtc: RtcService;
  /** Where each channel lives (a recording starts on its channel's node, placing it if need be). */
  homes: ChannelHomes;
  /** Runs a recording's commands on the node that runs it. */
  actions: ChannelActions;
  events: EventBus;
  /** Where the notices of recording events are written, in the transaction of their change (webhooks). */
  outbox?: EventOutbox;
  tools: MediaTools;
  cipher: CertificateCipher;
  /** The recording section, with the data folder (work files) and this node's name (recordings it runs). */
  config: Pick<RecordingConfig, 'storage' | 'uploadRetrySeconds' | 'allowPrivateEndpoints'> & { dataDir: string; nodeId: string };
  log: Logger;
  /** The recording settings a channel was created with (the seed's `recordingConfig`): v1 start's defaults. */
  channelDefaults?(appId: string, channel: string): Promise<{ channelType: number; streamTypes: number } | undefined>;
}

export { STOP_WAIT_MS } from './lifecycle.ts';

/** Updates of a recording's subscriptions, as updateSubscriptions takes them. */
export interface SubscriptionLists {
  subscribeAudioUids?: string[];
  unsubscribeAudioUids?: string[];
  subscribeVideoUids?: string[];
  unsubscribeVideoUids?: string[];
}

/** A recorded file on another node's disk (local folder storage): the request goes there. */
export class FileOnAnotherNode extends Error {
  readonly nodeId: string;
  readonly url: string;

  constructor(nodeId: string, url: string) {
    super(`The file is on node ${nodeId}`);
    this.nodeId = nodeId;
    this.url = url;
  }
}

export class RecordingService {
  #deps: RecordingServiceDeps;
  /** The recording commands as they run on this node, whichever node was asked (see ChannelActions). */
  readonly here = {
    start: (appId: string, resourceId: string, input: StartInput) => this.#startHere(appId, resourceId, input),
    get: (appId: string, sid: string) => this.#getHere(appId, sid),
    stop: (appId: string, sid: string, options: { wait: boolean }) => this.#stopHere(appId, sid, options),
    updateSubscriptions: (appId: string, sid: string, lists: SubscriptionLists) => this.#updateSubscriptionsHere(appId, sid, lists),
    updateLayout: (appId: string, sid: string, layout: LayoutInput) => this.#updateLayoutHere(appId, sid, layout),
    updateStorage: (appId: string, sid: string, spec: StorageSpec) => this.#updateStorageHere(appId, sid, spec),
  };
  #running: RunningRecordings;
  #background = new Set<Promise<unknown>>();
  #retryTimer: NodeJS.Timeout | undefined;
  #closing = false;
  #delivery: Delivery;

  constructor(deps: RecordingServiceDeps) {
    this.#deps = deps;
    this.#delivery = new Delivery({
      db: deps.db,
      recordingsChanged: deps.recordingsChanged,
      events: deps.events,
      outbox: deps.outbox,
      tools: deps.tools,
      cipher: deps.cipher,
      storage: deps.config.storage,
      workDir: (sid) => this.#workDir(sid),
      log: deps.log,
    });
    this.#running = new RunningRecordings({
      db: deps.db,
      recordingsChanged: deps.recordingsChanged,
      events: deps.events,
      outbox: deps.outbox,
      rtc: deps.rtc,
      tools: deps.tools,
      delivery: this.#delivery,
      workDir: (sid) => this.#workDir(sid),
      log: deps.log,
      track: (work) => this.#track(work),
      closing: () => this.#closing,
    });
  }

  #workDir(sid: string): string {
    return path.join(this.#deps.config.dataDir, 'recording-work', sid);
  }

  // ------------------------------------------------------------------ acquire and start

  acquire(appId: string, input: AcquireInput): Promise<{ resourceId: string }> {
    return acquireResource(this.#deps.db, appId, input);
  }

  /** Parley's v1 start: a resource of its own, then the same start as Agora's. */
  async startInChannel(appId: string, input: Omit<StartInput, 'uid'> & { uid?: string | undefined }): Promise<{ resourceId: string; sid: string }> {
    checkChannelName(input.cname);
    const uid = input.uid ?? (await this.#freeUid(appId, input.cname));
    const defaults = await this.#deps.channelDefaults?.(appId, input.cname);
    const settings = { channelType: defaults?.channelType, streamTypes: defaults?.streamTypes, ...definedOnly(input.settings) };
    const { resourceId } = await this.acquire(appId, { cname: input.cname, uid });
    return this.start(appId, resourceId, { ...input, uid, settings });
  }

  async #freeUid(appId: string, channel: string): Promise<string> {
    const taken = new Set((await this.#deps.actions.roomInfo(appId, channel))?.uids);
    for (;;) {
      const uid = String(1 + (randomBytes(4).readUInt32BE(0) % 4294967294));
      if (!taken.has(uid)) return uid;
    }
  }

  /** Starts the recorder on the channel's node: where its participants are, or will be once they join. */
  async start(appId: string, resourceId: string, input: StartInput): Promise<{ resourceId: string; sid: string }> {
    // A resource that cannot start places no channel.
    await resourceForStart(this.#deps.db, appId, resourceId, input);
    const home = await this.#deps.homes.ownerOf(appId, input.cname);
    return this.#deps.actions.on(home.local ? undefined : home.nodeId, 'startRecording', appId, resourceId, input);
  }

  async #startHere(appId: string, resourceId: string, input: StartInput): Promise<{ resourceId: string; sid: string }> {
    const resource = await resourceForStart(this.#deps.db, appId, resourceId, input);
    if (input.mode !== 'individual' && input.mode !== 'mix') {
      throw new DomainError(input.mode === 'web' ? 'unsupported' : 'invalid_parameter', `mode must be individual or mix${input.mode === 'web' ? ': web page recording is not offered' : ''}`, 'mode');
    }
    const mode: RecordingMode = input.mode;
    if (this.#deps.rtc.room(appId, input.cname)?.encrypted) {
      throw new DomainError(
        'channel_encrypted',
        `Channel "${input.cname}" is end-to-end encrypted: its clients encrypt media with a key the server never holds, so it cannot be recorded while they are in it`,
        'cname',
      );
    }
    const settings = normalizeSettings(input.settings);
    await this.#checkStorage(appId, input.storage);
    try {
      await this.#deps.tools.check();
    } catch (error) {
      if (error instanceof MediaToolsMissing) throw new DomainError('tools_missing', error.message);
      throw error;
    }
    const conflict = (await store.activeRecordings(this.#deps.db, appId, input.cname)).find((row) => row.uid === input.uid);
    if (conflict) throw new DomainError('task_conflict', `Recording ${conflict.sid} with uid ${input.uid} is already recording this channel`);

    const sid = randomBytes(16).toString('hex');
    if (!(await store.claimResource(this.#deps.db, resourceId, sid))) throw new DomainError('already_started', 'This resourceId has already started a recording');
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
    await created(this.#deps, row);
    await this.#running.launch(row, settings);
    return { resourceId, sid };
  }

  async #checkStorage(appId: string, spec: StorageSpec): Promise<void> {
    if (spec.s3?.endpoint && !this.#deps.config.allowPrivateEndpoints) await checkEndpoint(spec.s3.endpoint);
    try {
      await blobStoreFor(spec, appId, this.#deps.config.storage).check();
    } catch (error) {
      if (error instanceof BlobStoreError) throw new DomainError('storage', error.message, 'storage');
      throw error;
    }
  }

  // ------------------------------------------------------------------ reading

  /** The recording as its node knows it while it runs (fresher than the database's), else as stored. */
  get(appId: string, sid: string): Promise<RecordingState> {
    return this.#onRecordingNode(appId, sid, (nodeId) => this.#deps.actions.on(nodeId, 'getRecording', appId, sid));
  }

  async #getHere(appId: string, sid: string): Promise<RecordingState> {
    const row = this.#running.row(sid) ?? (await store.findRecording(this.#deps.db, appId, sid));
    if (!row || row.app_id !== appId) throw new DomainError('not_found', `No recording ${sid} in this project`, 'sid');
    return toState(row);
  }

  async list(appId: string, channel: string | undefined, page: { limit?: number | undefined; cursor?: string | undefined }): Promise<{ recordings: RecordingState[]; nextCursor: string | null }> {
    const limit = page.limit ?? 100;
    const after = page.cursor ? recordingCursors.decode(page.cursor) : undefined;
    const rows = await store.listRecordings(this.#deps.db, appId, channel, after, limit + 1);
    const pageRows = rows.slice(0, limit).map((row) => this.#running.row(row.sid) ?? row);
    const last = pageRows.at(-1);
    return { recordings: pageRows.map(toState), nextCursor: rows.length > limit && last ? recordingCursors.encode({ createdAt: last.created_at, sid: last.sid }) : null };
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
    if (!row) throw new DomainError('not_found', `No recording ${sid} in this project`, 'sid');
    const spec = openStorage(row.storage, this.#deps.cipher);
    // The local folder storage is the disk of the node that recorded: the file is served there.
    if (!spec.s3 && this.#deps.config.storage.kind === 'local' && row.node_id !== this.#deps.config.nodeId) {
      const node = (await this.#deps.homes.nodes()).find((record) => record.id === row.node_id);
      if (!node) throw new DomainError('unavailable', `Recording ${sid} is kept on the disk of node ${row.node_id}, which is not running: its files can be downloaded once it is back`);
      throw new FileOnAnotherNode(node.id, node.url);
    }
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
    return blobStoreFor(spec, appId, this.#deps.config.storage).get(fileName);
  }

  // ------------------------------------------------------------------ changes

  updateSubscriptions(appId: string, sid: string, lists: SubscriptionLists): Promise<void> {
    return this.#onRecordingNode(appId, sid, (nodeId) => this.#deps.actions.on(nodeId, 'updateRecordingSubscriptions', appId, sid, lists));
  }

  async #updateSubscriptionsHere(appId: string, sid: string, lists: SubscriptionLists): Promise<void> {
    const live = await this.#running.running(appId, sid);
    const change: { audio?: UidFilter; video?: UidFilter } = {};
    if (lists.subscribeAudioUids !== undefined || lists.unsubscribeAudioUids !== undefined) change.audio = uidFilter(lists.subscribeAudioUids, lists.unsubscribeAudioUids, 'Audio');
    if (lists.subscribeVideoUids !== undefined || lists.unsubscribeVideoUids !== undefined) change.video = uidFilter(lists.subscribeVideoUids, lists.unsubscribeVideoUids, 'Video');
    await live.task.updateSubscriptions(change);
    await this.#updateRow(live.row, { settings: JSON.stringify(live.task.settings) });
  }

  /** Replaces the mix layout; fields left out return to their defaults, as in Agora. */
  updateLayout(appId: string, sid: string, layout: LayoutInput): Promise<void> {
    return this.#onRecordingNode(appId, sid, (nodeId) => this.#deps.actions.on(nodeId, 'updateRecordingLayout', appId, sid, layout));
  }

  async #updateLayoutHere(appId: string, sid: string, layout: LayoutInput): Promise<void> {
    const live = await this.#running.running(appId, sid);
    if (live.row.mode !== 'mix') throw new DomainError('invalid_parameter', 'updateLayout is for mix recordings', 'mode');
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
  updateStorage(appId: string, sid: string, spec: StorageSpec): Promise<void> {
    return this.#onRecordingNode(appId, sid, (nodeId) => this.#deps.actions.on(nodeId, 'updateRecordingStorage', appId, sid, spec));
  }

  async #updateStorageHere(appId: string, sid: string, spec: StorageSpec): Promise<void> {
    const live = await this.#running.running(appId, sid);
    await this.#checkStorage(appId, spec);
    await this.#updateRow(live.row, { storage: sealStorage(spec, this.#deps.cipher) });
  }

  // ------------------------------------------------------------------ stopping

  /** Stops a recording (see RunningRecordings.stop). */
  stop(appId: string, sid: string, options: { wait: boolean }): Promise<RecordingState> {
    return this.#onRecordingNode(appId, sid, (nodeId) => this.#deps.actions.on(nodeId, 'stopRecording', appId, sid, options));
  }

  async #stopHere(appId: string, sid: string, options: { wait: boolean }): Promise<RecordingState> {
    return toState(await this.#running.stop(appId, sid, options));
  }

  /**
   * Runs `command` on the node running the recording: here when it runs here, or when it has
   * ended or does not exist (the database answers), else on the node its row names.
   */
  async #onRecordingNode<T>(appId: string, sid: string, command: (nodeId: string | undefined) => Promise<T>): Promise<T> {
    if (this.#running.row(sid)) return command(undefined);
    const row = await store.findRecording(this.#deps.db, appId, sid);
    return command(row && row.app_id === appId && !recordingHasEnded(row.status) ? row.node_id : undefined);
  }

  // ------------------------------------------------------------------ node lifecycle

  /** At start: finishes what this node left unfinished and starts retrying failed uploads (recovery.ts). */
  /** Another node died mid-recording: its recordings exit abnormally (see abandonRecordingsOf). */
  abandonRecordingsOf(nodeId: string): Promise<number> {
    return abandonRecordingsOf({ db: this.#deps.db, events: this.#deps.events, outbox: this.#deps.outbox, recordingsChanged: this.#deps.recordingsChanged }, nodeId);
  }

  /** Whether ffmpeg is there with the encoders recordings need (checked once it passes; see MediaTools.check). */
  checkTools(): Promise<void> {
    return this.#deps.tools.check();
  }

  async recover(): Promise<number> {
    const deps: RecoveryDeps = {
      db: this.#deps.db,
      recordingsChanged: this.#deps.recordingsChanged,
      events: this.#deps.events,
      outbox: this.#deps.outbox,
      nodeId: this.#deps.config.nodeId,
      delivery: this.#delivery,
      track: (work) => void this.#track(work),
      closing: () => this.#closing,
    };
    const recovered = await recoverUnfinished(deps);
    this.#retryTimer = retryUploadsEvery(deps, this.#deps.config.uploadRetrySeconds);
    return recovered;
  }

  /**
   * Server shutdown: recorders leave and their captures are closed cleanly, every ffmpeg is
   * stopped; the recordings are finished (status 20, files made) when the node starts again.
   */
  async shutdown(): Promise<void> {
    this.#closing = true;
    if (this.#retryTimer) clearInterval(this.#retryTimer);
    await this.#running.shutdown();
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
    return updateRow(this.#deps, row, changes);
  }

}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
