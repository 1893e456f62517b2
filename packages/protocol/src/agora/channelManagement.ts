/**
 * Agora's Channel Management REST API as Parley serves it under `/dev/v1/…`: query parameters,
 * kicking-rule bodies and the `{success, data}` / `{status, …}` answers, following Agora's OpenAPI
 * description (channel-management.en.yaml). Errors are `{message}`.
 *
 * Bodies and queries accept fields this file does not name, as Agora's service does; the fields
 * named here are checked.
 */
import Type, { type Static } from 'typebox';

/** An App ID as Agora's paths and bodies carry it; whether it is one of the caller's is checked after. */
const AppId = Type.String({ minLength: 1, maxLength: 64, description: 'The App ID: the Parley project ID.' });
const ChannelNameText = Type.String({ minLength: 1, maxLength: 64, description: 'The channel name.' });

export const AgoraAppParams = Type.Object({ appid: AppId });
export const AgoraChannelParams = Type.Object({ appid: AppId, channelName: ChannelNameText });
export const AgoraUserParams = Type.Object({
  appid: AppId,
  uid: Type.Integer({ minimum: 0, maximum: 4294967295, description: 'An integer uid; string user accounts are not supported.' }),
  channelName: ChannelNameText,
});

export const AgoraChannelListQuery = Type.Object({
  page_no: Type.Optional(Type.Integer({ minimum: 0, maximum: 2147483647, default: 0 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
});
export type AgoraChannelListQuery = Static<typeof AgoraChannelListQuery>;

export const AgoraUserListQuery = Type.Object({ hosts_only: Type.Optional(Type.String({ maxLength: 64 })) });

export const AgoraPrivilege = Type.Union([Type.Literal('join_channel'), Type.Literal('publish_audio'), Type.Literal('publish_video')]);
export type AgoraPrivilege = Static<typeof AgoraPrivilege>;

const RuleId = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
/** Minutes; clamped to [1, 1440]; 0 kicks without banning. */
const Minutes = Type.Number({ minimum: -1e9, maximum: 1e9 });
/** Seconds; clamped to [10, 86430]; 0 kicks without banning. */
const Seconds = Type.Number({ minimum: -1e12, maximum: 1e12 });

export const AgoraKickingRuleCreateBody = Type.Object({
  appid: AppId,
  cname: Type.Optional(Type.String({ maxLength: 64, description: 'The channel; empty or absent: every channel.' })),
  uid: Type.Optional(Type.Integer({ minimum: 0, maximum: 4294967295, description: 'The uid; 0 or absent: every user.' })),
  ip: Type.Optional(Type.String({ maxLength: 45, description: 'The IP address; empty or absent: every address.' })),
  time: Type.Optional(Minutes),
  time_in_seconds: Type.Optional(Seconds),
  privileges: Type.Array(AgoraPrivilege, { minItems: 1, maxItems: 3, uniqueItems: true }),
});
export type AgoraKickingRuleCreateBody = Static<typeof AgoraKickingRuleCreateBody>;

export const AgoraKickingRuleListQuery = Type.Object({ appid: AppId });

export const AgoraKickingRuleUpdateBody = Type.Object({
  appid: AppId,
  id: RuleId,
  time: Type.Optional(Minutes),
  time_in_seconds: Type.Optional(Seconds),
});
export type AgoraKickingRuleUpdateBody = Static<typeof AgoraKickingRuleUpdateBody>;

export const AgoraKickingRuleDeleteBody = Type.Object({ appid: AppId, id: RuleId });
export type AgoraKickingRuleDeleteBody = Static<typeof AgoraKickingRuleDeleteBody>;

// ---------------------------------------------------------------- answers

export interface AgoraChannelList {
  success: true;
  data: { channels: Array<{ channel_name: string; user_count: number }>; total_size: number };
}

export interface AgoraUserList {
  success: true;
  data:
    | { channel_exist: false }
    | { channel_exist: true; mode: 1; total: number; users: number[] }
    | { channel_exist: true; mode: 2; broadcasters: number[]; audience?: number[]; audience_total?: number };
}

export interface AgoraUserStatus {
  success: true;
  data: { in_channel: false } | { in_channel: true; uid: number; join: number; role: 0 | 1 | 2 | 3; platform: number };
}

export interface AgoraKickingRule {
  id: number;
  appid: string;
  uid: number;
  opid: number;
  cname: string;
  ip: string;
  ts: string;
  privileges: AgoraPrivilege[];
  createAt: string;
  updateAt: string;
}
