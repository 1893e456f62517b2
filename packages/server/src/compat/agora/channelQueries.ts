/**
 * Parley's live channel state in the words of Agora's online-channel queries: channel profiles
 * (1 communication, 2 live broadcasting), user roles (1 user, 2 host, 3 audience), platform
 * numbers, numeric uids and unix-second join times.
 *
 * Agora's lists carry numeric uids only; users who joined with a string account are counted in
 * `total` / `audience_total` but not listed (Agora does not document them either).
 */
import type { AgoraChannelList, AgoraUserList, AgoraUserStatus, Participant } from '@parley/protocol';
import type { Services } from '../../services.ts';
import { agoraPlatform } from '../../webhooks/notices.ts';

/** Agora lists the first 10,000 audience members. */
const AUDIENCE_LIST_LIMIT = 10_000;

type Mode = 'rtc' | 'live';

function numericUids(participants: Participant[]): number[] {
  return participants.flatMap((p) => (typeof p.uid === 'number' ? [p.uid] : []));
}

/**
 * The channel's profile: its room's (on whichever node hosts it), else the channel's stored mode, else
 * what the roles show (an audience member means live broadcasting).
 */
async function channelMode(services: Services, appId: string, channel: string, participants: readonly Participant[]): Promise<Mode> {
  const room = await services.actions.roomInfo(appId, channel);
  if (room) return room.mode;
  const stored = await Promise.resolve(services.channels.getChannel(appId, channel)).catch(() => undefined);
  if (stored?.persistent) return stored.mode;
  return participants.some((p) => p.role === 'audience') ? 'live' : 'rtc';
}

export async function channelList(services: Services, appId: string, pageNo: number, pageSize: number): Promise<AgoraChannelList> {
  const counts = (await services.rtc.channelCounts(appId)).filter((c) => c.participantCount > 0);
  // By name, so pages are stable while membership stays the same.
  counts.sort((a, b) => (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0));
  const page = counts.slice(pageNo * pageSize, (pageNo + 1) * pageSize);
  return {
    success: true,
    data: { channels: page.map((c) => ({ channel_name: c.channel, user_count: c.participantCount })), total_size: counts.length },
  };
}

/** Who is in the channel, first joined first (the directory itself has no order). */
async function participantsOf(services: Services, appId: string, channel: string): Promise<Participant[]> {
  const participants = await services.rtc.participants(appId, channel);
  return [...participants].sort((a, b) => a.joinedAt.localeCompare(b.joinedAt) || String(a.uid).localeCompare(String(b.uid)));
}

export async function userList(services: Services, appId: string, channel: string, hostsOnly: boolean): Promise<AgoraUserList> {
  const participants = await participantsOf(services, appId, channel);
  if (participants.length === 0) return { success: true, data: { channel_exist: false } };
  const mode = await channelMode(services, appId, channel, participants);
  if (mode === 'rtc') return { success: true, data: { channel_exist: true, mode: 1, total: participants.length, users: numericUids(participants) } };
  const hosts = participants.filter((p) => p.role === 'host');
  if (hostsOnly) return { success: true, data: { channel_exist: true, mode: 2, broadcasters: numericUids(hosts) } };
  // Recorders watch: Agora's cloud recorder is an audience member in live channels.
  const audience = participants.filter((p) => p.role !== 'host');
  return {
    success: true,
    data: {
      channel_exist: true,
      mode: 2,
      broadcasters: numericUids(hosts),
      audience: numericUids(audience).slice(0, AUDIENCE_LIST_LIMIT),
      audience_total: audience.length,
    },
  };
}

export async function userStatus(services: Services, appId: string, channel: string, uid: number): Promise<AgoraUserStatus> {
  const participants = await services.rtc.participants(appId, channel);
  const participant = participants.find((p) => String(p.uid) === String(uid));
  if (!participant) return { success: true, data: { in_channel: false } };
  const mode = await channelMode(services, appId, channel, participants);
  const role = mode === 'rtc' ? 1 : participant.role === 'host' ? 2 : 3;
  return {
    success: true,
    data: { in_channel: true, uid, join: Math.floor(Date.parse(participant.joinedAt) / 1000), role, platform: agoraPlatform(participant.platform) },
  };
}
