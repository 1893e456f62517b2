/**
 * @module @parley/sdk-web
 *
 * The SDK's front door: the `ParleyRTC` object (default export, and `window.ParleyRTC` in the
 * script build) with the calls Agora Web SDK users know, plus named exports of every public type.
 *
 * @example
 * import ParleyRTC from '@parley/sdk-web';
 * const client = ParleyRTC.createClient({ mode: 'rtc', codec: 'vp8' });
 * client.on('user-published', async (user, mediaType) => {
 *   const track = await client.subscribe(user, mediaType);
 *   if (mediaType === 'video') user.videoTrack?.play('remote');
 *   else user.audioTrack?.play();
 * });
 * await client.join(appId, 'my-channel', token, 'alice');
 * const [microphone, camera] = await ParleyRTC.createMicrophoneAndCameraTracks();
 * await client.publish([microphone, camera]);
 */
import { ParleyClient, type ClientConfig } from './client/client.ts';
import { isParleyRTCError, ParleyRTCError } from './errors.ts';
import { setDefaultServer } from './serverUrl.ts';
import {
  createCameraVideoTrack,
  createCustomAudioTrack,
  createCustomVideoTrack,
  createMicrophoneAndCameraTracks,
  createMicrophoneAudioTrack,
  getDevices,
} from './tracks/createTracks.ts';
import { setAutoplayFailedHandler } from './tracks/mediaPlayer.ts';
import { VERSION } from './version.ts';

let autoplayFailed: (() => void) | undefined;

export function createClient(config: ClientConfig): ParleyClient {
  return new ParleyClient(config);
}

/** Sets the Parley server every client talks to (http(s) base URL); by default the page's origin. */
export function setServer(url: string): void {
  setDefaultServer(url);
}

export function getCameras(): Promise<MediaDeviceInfo[]> {
  return getDevices('videoinput');
}

export function getMicrophones(): Promise<MediaDeviceInfo[]> {
  return getDevices('audioinput');
}

/** True when this browser has what calls need: WebRTC, WebSocket and getUserMedia. */
export function checkSystemRequirements(): boolean {
  return (
    typeof RTCPeerConnection !== 'undefined' &&
    typeof WebSocket !== 'undefined' &&
    typeof navigator !== 'undefined' &&
    typeof navigator.mediaDevices?.getUserMedia === 'function'
  );
}

const ParleyRTC = {
  VERSION,
  createClient,
  setServer,
  createMicrophoneAudioTrack,
  createCameraVideoTrack,
  createMicrophoneAndCameraTracks,
  createCustomAudioTrack,
  createCustomVideoTrack,
  getDevices,
  getCameras,
  getMicrophones,
  checkSystemRequirements,
  isParleyRTCError,
  ParleyRTCError,
  /** Called when the browser blocks audio or video playback until the user interacts with the page. */
  get onAutoplayFailed(): (() => void) | undefined {
    return autoplayFailed;
  },
  set onAutoplayFailed(handler: (() => void) | undefined) {
    autoplayFailed = handler;
    setAutoplayFailedHandler(handler);
  },
};

export default ParleyRTC;

export { VERSION, ParleyClient, ParleyRTCError, isParleyRTCError };
export { isServerError, LOCAL_ERROR_CODES, type LocalErrorCode, type ParleyErrorCode } from './errors.ts';
export type { ClientConfig } from './client/client.ts';
export type {
  ClientEvents,
  ConnectionDisconnectedReason,
  ConnectionState,
  RemoteUserLeftReason,
  UserInfoUpdate,
} from './client/events.ts';
export type { RemoteUser } from './client/remoteUser.ts';
export type { RTCStats } from './client/statsCollector.ts';
export type { LocalAudioTrackStats, LocalVideoTrackStats, RemoteAudioTrackStats, RemoteVideoTrackStats } from './rtc/stats.ts';
export {
  createCameraVideoTrack,
  createCustomAudioTrack,
  createCustomVideoTrack,
  createMicrophoneAndCameraTracks,
  createMicrophoneAudioTrack,
  getDevices,
  VIDEO_ENCODER_PRESETS,
  type CameraVideoTrackConfig,
  type CustomAudioTrackConfig,
  type CustomVideoTrackConfig,
  type MicrophoneAudioTrackConfig,
  type VideoEncoderConfiguration,
  type VideoEncoderPreset,
} from './tracks/createTracks.ts';
export { LocalTrack, type LocalTrackEvents } from './tracks/localTrack.ts';
export { LocalAudioTrack } from './tracks/localAudioTrack.ts';
export { LocalVideoTrack } from './tracks/localVideoTrack.ts';
export { RemoteTrack, RemoteAudioTrack, RemoteVideoTrack } from './tracks/remoteTrack.ts';
export type { VideoPlayerConfig } from './tracks/mediaPlayer.ts';
export type { MediaKind as MediaType, ClientRole } from '@parley/protocol';
