/**
 * Channel rules: creating (idempotent), describing, listing and deleting channels.
 */
import { CHANNEL_NAME_PATTERN, type Channel, type ChannelPage, type CreateChannelBody } from '@parley/protocol';
import { notFound, ApiError } from '../http/apiError.ts';
import type { Db } from '../store/database.ts';
import * as store from './store.ts';

type Uid = number | string;

function encodeCursor(name: string): string {
  return Buffer.from(name, 'utf8').toString('base64url');
}

const CHANNEL_NAME = new RegExp(CHANNEL_NAME_PATTERN);

/** A cursor is the last name of the previous page; anything else was not made by this API. */
function decodeCursor(cursor: string): string {
  const name = Buffer.from(cursor, 'base64url').toString('utf8');
  if (encodeCursor(name) !== cursor || !CHANNEL_NAME.test(name)) throw new ApiError('invalid_parameter', { field: 'cursor', reason: 'is not a cursor this API returned' });
  return name;
}

export class ChannelService {
  #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async createChannel(appId: string, input: CreateChannelBody): Promise<Channel> {
    const recording = input.clientRequest?.recordingConfig;
    await store.insertChannelIfAbsent(this.#db, {
      app_id: appId,
      name: input.channel,
      mode: input.mode ?? 'rtc',
      created_at: Date.now(),
      created_by_uid: input.uid === undefined ? null : JSON.stringify(input.uid),
      persistent: 1,
      resource_expired_hour: input.clientRequest?.resourceExpiredHour ?? null,
      recording_channel_type: recording?.channelType ?? null,
      recording_stream_types: recording?.streamTypes ?? null,
    });
    // Creating an existing channel returns it as it is: a retried request changes nothing.
    return this.getChannel(appId, input.channel);
  }

  async getChannel(appId: string, name: string): Promise<Channel> {
    const row = await store.findChannel(this.#db, appId, name);
    if (!row) throw notFound('channel', `No channel named "${name}" in this project`);
    return toChannel(row);
  }

  async listChannels(appId: string, page: { limit?: number; cursor?: string }): Promise<ChannelPage> {
    const limit = page.limit ?? 100;
    const after = page.cursor ? decodeCursor(page.cursor) : undefined;
    // One row more than asked tells whether another page follows.
    const rows = await store.listChannels(this.#db, appId, after, limit + 1);
    const pageRows = rows.slice(0, limit);
    const last = pageRows.at(-1);
    return {
      channels: pageRows.map((row) => ({
        channel: row.name,
        mode: row.mode,
        createdAt: new Date(row.created_at).toISOString(),
        persistent: row.persistent === 1,
        participantCount: 0,
      })),
      nextCursor: rows.length > limit && last ? encodeCursor(last.name) : null,
    };
  }

  async deleteChannel(appId: string, name: string): Promise<{ channel: string; deleted: true }> {
    if (!(await store.deleteChannel(this.#db, appId, name))) throw notFound('channel', `No channel named "${name}" in this project`);
    return { channel: name, deleted: true };
  }
}

function toChannel(row: store.ChannelRow): Channel {
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
    // Participants and recordings come from live calls, which the rtc/ and recording/ modules add.
    participantCount: 0,
    participants: [],
    recording: { state: 'idle', sid: null },
  };
}
