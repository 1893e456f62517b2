/**
 * Channel rules: creating (idempotent), describing, listing, deleting channels and kicking users.
 * A channel exists while it is persisted (made through REST, until deleted) or while anyone is in
 * it (made by the first join, as in Agora).
 */
import { CHANNEL_NAME_PATTERN, type Channel, type ChannelPage, type CreateChannelBody, type KickBody, type Participant } from '@parley/protocol';
import type { BanService } from '../bans/service.ts';
import type { ChannelActions } from '../cluster/channelActions.ts';
import { DomainError } from '../domainError.ts';
import { isPromise, type MaybeAsync } from '../maybeAsync.ts';
import { cursorCodec } from '../paging/cursor.ts';
import type { RtcService } from '../rtc/service.ts';
import type { Db } from '../store/database.ts';
import type { ChannelProfile, ChannelStateCache, StoredChannelState } from './storedState.ts';
import * as store from './store.ts';

type Uid = number | string;

/** Whether a channel is being recorded, and by which recording (recording/service.ts). */
export type RecordingStateLookup = (appId: string, channel: string) => Promise<Channel['recording']>;
const IDLE: Channel['recording'] = { state: 'idle', sid: null };

const CHANNEL_NAME = new RegExp(CHANNEL_NAME_PATTERN);

/** A cursor is the last name of the previous page. */
const cursors = cursorCodec<string>((name) => [name], ([name]) => (typeof name === 'string' && CHANNEL_NAME.test(name) ? name : undefined));

function noSuchChannel(name: string): DomainError {
  return new DomainError('not_found', `No channel named "${name}" in this project`, 'channel');
}

/** The REST path carries uids as text: digits are a numeric uid, anything else an account. */
export function parsePathUid(raw: string): Uid {
  return /^\d+$/.test(raw) && Number(raw) <= 0xffffffff ? Number(raw) : raw;
}

export class ChannelService {
  #db: Db;
  /** The shared participant directory (who is where, on any node). */
  #rtc: Pick<RtcService, 'participants' | 'channelCounts'>;
  /** Rooms, kicks and closing, on whichever node hosts the channel. */
  #actions: ChannelActions;
  #bans: BanService;
  #recordingState: RecordingStateLookup;
  #stored: ChannelStateCache;

  constructor(
    db: Db,
    rtc: Pick<RtcService, 'participants' | 'channelCounts'>,
    actions: ChannelActions,
    bans: BanService,
    stored: ChannelStateCache,
    recordingState: RecordingStateLookup = async () => IDLE,
  ) {
    this.#db = db;
    this.#stored = stored;
    this.#rtc = rtc;
    this.#actions = actions;
    this.#bans = bans;
    this.#recordingState = recordingState;
  }

  async createChannel(appId: string, input: CreateChannelBody): Promise<Channel> {
    const recording = input.clientRequest?.recordingConfig;
    const created = await store.insertChannelIfAbsent(this.#db, {
      app_id: appId,
      name: input.channel,
      mode: input.mode ?? (await this.#actions.roomInfo(appId, input.channel))?.mode ?? 'rtc',
      created_at: Date.now(),
      created_by_uid: input.uid === undefined ? null : JSON.stringify(input.uid),
      persistent: 1,
      resource_expired_hour: input.clientRequest?.resourceExpiredHour ?? null,
      recording_channel_type: recording?.channelType ?? null,
      recording_stream_types: recording?.streamTypes ?? null,
    });
    // A channel GET may have cached the channel as absent.
    if (created) await this.#stored.changed(appId);
    // Creating an existing channel returns it as it is: a retried request changes nothing.
    return this.getChannel(appId, input.channel);
  }

  /** At once when its stored state is cached and live state is in memory (the usual GET), else later. */
  getChannel(appId: string, name: string): MaybeAsync<Channel> {
    const stored = this.#storedState(appId, name);
    const participants = this.#rtc.participants(appId, name);
    if (isPromise(stored) || isPromise(participants)) return Promise.all([stored, participants]).then(([state, people]) => this.#describe(appId, name, state, people));
    return this.#describe(appId, name, stored, participants);
  }

  #describe(appId: string, name: string, { profile, recording }: StoredChannelState, participants: readonly Participant[]): MaybeAsync<Channel> {
    if (profile) return toChannel(profile, participants, recording);
    if (participants.length === 0) throw noSuchChannel(name);
    return this.#actions.roomInfo(appId, name).then((room) => liveOnlyChannel(appId, name, participants, room?.mode, recording));
  }

  /** The channel's row and recording state: read on every GET, so cached while unchanged (storedState.ts). */
  #storedState(appId: string, name: string): MaybeAsync<StoredChannelState> {
    return this.#stored.read(appId, name, async () => {
      const [row, recording] = await Promise.all([store.findChannel(this.#db, appId, name), this.#recordingState(appId, name)]);
      return { profile: row && channelProfile(row), recording };
    });
  }

  /** Every channel that has people in it, each as getChannel describes it, by name (the console's live view). */
  async liveChannels(appId: string): Promise<Channel[]> {
    const live = await this.#rtc.channelCounts(appId);
    const channels = await Promise.all(
      live.map(({ channel }) =>
        // Everyone may have left between the two reads.
        Promise.resolve(this.getChannel(appId, channel)).catch((error: unknown) => {
          if (error instanceof DomainError && error.kind === 'not_found') return undefined;
          throw error;
        }),
      ),
    );
    return channels.filter((channel): channel is Channel => channel !== undefined && channel.participantCount > 0).sort(inNameOrder);
  }

  /** Who is in which channel, by name, from the participant directory alone: cheap to read often. */
  async liveRoster(appId: string): Promise<Array<{ channel: string; participants: readonly Participant[] }>> {
    const live = await this.#rtc.channelCounts(appId);
    const roster = await Promise.all(live.map(async ({ channel }) => ({ channel, participants: await this.#rtc.participants(appId, channel) })));
    return roster.filter((entry) => entry.participants.length > 0).sort(inNameOrder);
  }

  async listChannels(appId: string, page: { limit?: number; cursor?: string }): Promise<ChannelPage> {
    const limit = page.limit ?? 100;
    const after = page.cursor ? cursors.decode(page.cursor) : undefined;
    // One row more than asked tells whether another page follows; live channels merge in by name.
    const [rows, live] = await Promise.all([store.listChannels(this.#db, appId, after, limit + 1), this.#rtc.channelCounts(appId)]);
    const counts = new Map(live.map((c) => [c.channel, c.participantCount]));
    const byName = new Map<string, ChannelPage['channels'][number]>();
    for (const row of rows) {
      byName.set(row.name, {
        channel: row.name,
        mode: row.mode,
        createdAt: new Date(row.created_at).toISOString(),
        persistent: row.persistent === 1,
        participantCount: counts.get(row.name) ?? 0,
      });
    }
    const liveOnly = live.filter(({ channel }) => !byName.has(channel) && (after === undefined || channel > after));
    const rooms = await Promise.all(liveOnly.map(({ channel }) => this.#actions.roomInfo(appId, channel)));
    for (const [index, { channel, participantCount }] of liveOnly.entries()) {
      const room = rooms[index];
      byName.set(channel, {
        channel,
        mode: room?.mode ?? 'rtc',
        createdAt: new Date(room?.createdAt ?? Date.now()).toISOString(),
        persistent: false,
        participantCount,
      });
    }
    const sorted = [...byName.values()].sort(inNameOrder);
    const pageItems = sorted.slice(0, limit);
    const last = pageItems.at(-1);
    return { channels: pageItems, nextCursor: sorted.length > limit && last ? cursors.encode(last.channel) : null };
  }

  /** Deletes the channel and disconnects everyone in it. */
  async deleteChannel(appId: string, name: string): Promise<{ channel: string; deleted: true }> {
    const [deleted, disconnected] = await Promise.all([store.deleteChannel(this.#db, appId, name), this.#actions.closeChannel(appId, name)]);
    if (deleted) await this.#stored.changed(appId);
    if (!deleted && disconnected === 0) throw noSuchChannel(name);
    return { channel: name, deleted: true };
  }

  async kickUser(appId: string, channel: string, rawUid: string, input: KickBody) {
    const uid = parsePathUid(rawUid);
    const banSeconds = input.banSeconds ?? 0;
    const ban = banSeconds > 0 ? await this.#bans.ban(appId, { channel, uid }, ['join_channel'], banSeconds) : undefined;
    const kicked = await this.#actions.kick(appId, channel, uid);
    // Kicking someone who is not there is only an error when it achieves nothing at all.
    if (!kicked && !ban) throw new DomainError('not_found', `User ${rawUid} is not in channel "${channel}"`, 'uid');
    return { channel, uid, kicked, bannedUntil: ban ? new Date(ban.expiresAt).toISOString() : null };
  }
}

/** Channels in name order, by code unit (as cursors compare them), not by locale. */
function inNameOrder(a: { channel: string }, b: { channel: string }): number {
  return a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0;
}

function liveOnlyChannel(appId: string, name: string, participants: readonly Participant[], mode: 'rtc' | 'live' | undefined, recording: Channel['recording']): Channel {
  const createdAt = Math.min(...participants.map((p) => Date.parse(p.joinedAt)));
  return {
    channel: name,
    projectId: appId,
    mode: mode ?? 'rtc',
    createdAt: new Date(createdAt).toISOString(),
    createdByUid: null,
    persistent: false,
    settings: { resourceExpiredHour: null, recordingConfig: null },
    participantCount: participants.length,
    participants: [...participants],
    recording,
  };
}

function channelProfile(row: store.ChannelRow): ChannelProfile {
  const recordingConfig =
    row.recording_channel_type !== null && row.recording_stream_types !== null
      ? { channelType: row.recording_channel_type, streamTypes: row.recording_stream_types }
      : null;
  return {
    channel: row.name,
    projectId: row.app_id,
    mode: row.mode,
    createdAt: new Date(row.created_at).toISOString(),
    createdByUid: row.created_by_uid === null ? null : (JSON.parse(row.created_by_uid) as Uid),
    persistent: row.persistent === 1,
    settings: { resourceExpiredHour: row.resource_expired_hour, recordingConfig },
  };
}

/** The answer owns its participant list: the directory's may be shared by every reader of this node. */
function toChannel(profile: ChannelProfile, participants: readonly Participant[], recording: Channel['recording']): Channel {
  return {
    channel: profile.channel,
    projectId: profile.projectId,
    mode: profile.mode,
    createdAt: profile.createdAt,
    createdByUid: profile.createdByUid,
    persistent: profile.persistent,
    settings: profile.settings,
    participantCount: participants.length,
    participants: [...participants],
    recording,
  };
}
