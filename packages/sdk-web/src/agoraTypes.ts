/**
 * Agora Web SDK's type names (agora-rtc-sdk-ng's declarations) for Parley's types, so an app typed
 * against Agora compiles against `@parley/rtc-sdk` by changing only the import. Each name is an
 * alias of the Parley type that does the job, never a second declaration: where Parley does less
 * than Agora (one codec, two modes) the alias says what Parley accepts, so the compiler points at
 * what would fail at run time instead of letting it through.
 *
 * Agora declares its error codes, stream types and latency levels as enums, yet its bundles export
 * none of them at run time; here they are types only, unions of the same values.
 */
import type ParleyRTC from './index.ts';
import type { ClientConfig, ParleyClient } from './client/client.ts';
export type { AudienceLatencyLevelType, ClientRoleOptions } from './client/client.ts';
import type { RemoteUser } from './client/remoteUser.ts';
import type { RTCStats } from './client/statsCollector.ts';
import type { ParleyErrorCode, ParleyRTCError } from './errors.ts';
import type { CameraVideoTrackConfig, CustomAudioTrackConfig, CustomVideoTrackConfig, MicrophoneAudioTrackConfig } from './tracks/createTracks.ts';
import type { SCREEN_ENCODER_PRESETS, VideoEncoderPreset } from './tracks/encoderConfig.ts';
import type { LocalAudioTrack } from './tracks/localAudioTrack.ts';
import type { LocalTrack } from './tracks/localTrack.ts';
import type { LocalVideoTrack } from './tracks/localVideoTrack.ts';
import type { RemoteAudioTrack, RemoteTrack, RemoteVideoTrack } from './tracks/remoteTrack.ts';
import type { ScreenVideoTrackConfig } from './tracks/screenTrack.ts';

/** The SDK object: `import AgoraRTC from '@parley/rtc-sdk'`, or `window.ParleyRTC`. */
export type IAgoraRTC = typeof ParleyRTC;
export type IAgoraRTCClient = ParleyClient;
export type IAgoraRTCRemoteUser = RemoteUser;
export type IAgoraRTCError = ParleyRTCError;
export type AgoraRTCErrorCode = ParleyErrorCode;

/** A user id: an integer from 1 to 2^32-1, or a string from the channel-name alphabet. */
export type UID = number | string;
/** Parley's SFU forwards VP8 only (Agora: also h264, vp9, av1). */
export type SDK_CODEC = ClientConfig['codec'];
/** "rtc" and "live" (Agora also has "p2p"). */
export type SDK_MODE = ClientConfig['mode'];
export type AgoraRTCStats = RTCStats;

export type ITrack = LocalTrack | RemoteTrack;
export type ILocalTrack = LocalTrack;
export type ILocalAudioTrack = LocalAudioTrack;
export type IMicrophoneAudioTrack = LocalAudioTrack;
export type ILocalVideoTrack = LocalVideoTrack;
export type ICameraVideoTrack = LocalVideoTrack;
export type IRemoteTrack = RemoteTrack;
export type IRemoteAudioTrack = RemoteAudioTrack;
export type IRemoteVideoTrack = RemoteVideoTrack;

export type CameraVideoTrackInitConfig = CameraVideoTrackConfig;
export type MicrophoneAudioTrackInitConfig = MicrophoneAudioTrackConfig;
export type CustomAudioTrackInitConfig = CustomAudioTrackConfig;
export type CustomVideoTrackInitConfig = CustomVideoTrackConfig;
export type ScreenVideoTrackInitConfig = ScreenVideoTrackConfig;
export type VideoEncoderConfigurationPreset = VideoEncoderPreset;
export type ScreenEncoderConfigurationPreset = keyof typeof SCREEN_ENCODER_PRESETS;
