/**
 * @module @parley/rtc-sdk
 *
 * The SDK's front door: the `ParleyRTC` object (default export, and `window.ParleyRTC` in the
 * script build) with the calls Agora Web SDK users know, plus named exports of every public type,
 * under Parley's names and Agora's (agoraTypes.ts).
 *
 * @example
 * import ParleyRTC from '@parley/rtc-sdk';
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
import './client/cloudOnly.ts';
import './client/bulkSubscribe.ts';
import { BufferSourceAudioTrack, type BufferSourceAudioTrackInitConfig } from './tracks/bufferSourceTrack.ts';
import './compat/trackNoops.ts';
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
import { noop } from './compat/noops.ts';
import { audioContextStateHandler, onAudioContextStateChanged, resumeAudioContext } from './platform/audioContext.ts';
import { getSupportedCodec } from './platform/codecs.ts';
import { DeviceWatcher, type DeviceInfo, type DeviceKind } from './platform/devices.ts';
import { setLogLevel } from './platform/log.ts';
import { setAutoplayFailedHandler } from './tracks/mediaPlayer.ts';
import { checkAudioTrackIsActive, checkVideoTrackIsActive } from './tracks/activityCheck.ts';
import { createScreenVideoTrack } from './tracks/screenTrack.ts';
import { TypedEmitter } from './typedEmitter.ts';
import { VERSION } from './version.ts';

/** The events of the ParleyRTC object itself, as Agora's IAgoraRTC has them. */
export interface ParleyRTCEvents {
  'camera-changed': (info: DeviceInfo) => void;
  'microphone-changed': (info: DeviceInfo) => void;
  'playback-device-changed': (info: DeviceInfo) => void;
  'autoplay-failed': () => void;
  'security-policy-violation': (event: SecurityPolicyViolationEvent) => void;
}

const events = new TypedEmitter<ParleyRTCEvents>();
let autoplayFailed: (() => void) | undefined;
let securityPolicyViolation: ((event: SecurityPolicyViolationEvent) => void) | undefined;
let watchingPolicy = false;
const deviceCallbacks: Partial<Record<DeviceKind, (info: DeviceInfo) => void>> = {};
const DEVICE_EVENTS = { videoinput: 'camera-changed', audioinput: 'microphone-changed', audiooutput: 'playback-device-changed' } as const;
const devices = new DeviceWatcher((kind, info) => {
  deviceCallbacks[kind]?.(info);
  events.emit(DEVICE_EVENTS[kind], info);
});

function onDeviceChanged(kind: DeviceKind, handler: ((info: DeviceInfo) => void) | undefined): void {
  deviceCallbacks[kind] = handler;
  if (handler) void devices.start();
}

/** The page's CSP refusals, reported to the app (Agora reports its own; Parley reports the page's). */
function watchSecurityPolicy(): void {
  if (watchingPolicy || typeof document === 'undefined') return;
  watchingPolicy = true;
  document.addEventListener('securitypolicyviolation', (event) => {
    securityPolicyViolation?.(event);
    events.emit('security-policy-violation', event);
  });
}

function playbackAutoplayFailed(): void {
  autoplayFailed?.();
  events.emit('autoplay-failed');
}
setAutoplayFailedHandler(playbackAutoplayFailed);

export function createClient(config: ClientConfig): ParleyClient {
  return new ParleyClient(config);
}

/**
 * Sets the Parley server every client talks to (http(s) base URL); by default the page's origin.
 * A list names several nodes of a cluster: a join tries them in order while one cannot be reached,
 * and a session whose node dies moves to another (see the guide's "Reconnection").
 */
export function setServer(url: string | string[]): void {
  setDefaultServer(url);
}

export function getCameras(): Promise<MediaDeviceInfo[]> {
  return getDevices('videoinput');
}

export function getMicrophones(): Promise<MediaDeviceInfo[]> {
  return getDevices('audioinput');
}

/** Speakers and headphones (audio outputs) the page may play to. */
export async function getPlaybackDevices(): Promise<MediaDeviceInfo[]> {
  const all = typeof navigator === 'undefined' || !navigator.mediaDevices ? [] : await navigator.mediaDevices.enumerateDevices();
  return all.filter((device) => device.kind === 'audiooutput');
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
  createScreenVideoTrack,
  getDevices,
  getCameras,
  getMicrophones,
  getPlaybackDevices,
  checkSystemRequirements,
  checkAudioTrackIsActive,
  checkVideoTrackIsActive,
  getSupportedCodec,
  setLogLevel,
  isParleyRTCError,
  ParleyRTCError,
  on<K extends keyof ParleyRTCEvents>(event: K, listener: ParleyRTCEvents[K]): void {
    if (event.endsWith('-changed')) void devices.start();
    if (event === 'security-policy-violation') watchSecurityPolicy();
    events.on(event, listener);
  },
  once<K extends keyof ParleyRTCEvents>(event: K, listener: ParleyRTCEvents[K]): void {
    if (event.endsWith('-changed')) void devices.start();
    if (event === 'security-policy-violation') watchSecurityPolicy();
    events.once(event, listener);
  },
  off<K extends keyof ParleyRTCEvents>(event: K, listener: ParleyRTCEvents[K]): void {
    events.off(event, listener);
  },
  removeAllListeners(event?: keyof ParleyRTCEvents): void {
    events.removeAllListeners(event);
  },
  getListeners<K extends keyof ParleyRTCEvents>(event: K): Array<ParleyRTCEvents[K]> {
    return events.getListeners(event);
  },
  /** Called when the browser blocks audio or video playback until the user interacts with the page. */
  get onAutoplayFailed(): (() => void) | undefined {
    return autoplayFailed;
  },
  set onAutoplayFailed(handler: (() => void) | undefined) {
    autoplayFailed = handler;
  },
  /** Agora's newer name for onAutoplayFailed. */
  get onAudioAutoplayFailed(): (() => void) | undefined {
    return autoplayFailed;
  },
  set onAudioAutoplayFailed(handler: (() => void) | undefined) {
    autoplayFailed = handler;
  },
  get onCameraChanged(): ((info: DeviceInfo) => void) | undefined {
    return deviceCallbacks.videoinput;
  },
  set onCameraChanged(handler: ((info: DeviceInfo) => void) | undefined) {
    onDeviceChanged('videoinput', handler);
  },
  get onMicrophoneChanged(): ((info: DeviceInfo) => void) | undefined {
    return deviceCallbacks.audioinput;
  },
  set onMicrophoneChanged(handler: ((info: DeviceInfo) => void) | undefined) {
    onDeviceChanged('audioinput', handler);
  },
  get onPlaybackDeviceChanged(): ((info: DeviceInfo) => void) | undefined {
    return deviceCallbacks.audiooutput;
  },
  set onPlaybackDeviceChanged(handler: ((info: DeviceInfo) => void) | undefined) {
    onDeviceChanged('audiooutput', handler);
  },
  get onSecurityPolicyViolation(): ((event: SecurityPolicyViolationEvent) => void) | undefined {
    return securityPolicyViolation;
  },
  set onSecurityPolicyViolation(handler: ((event: SecurityPolicyViolationEvent) => void) | undefined) {
    securityPolicyViolation = handler;
    if (handler) watchSecurityPolicy();
  },
  /** Resumes the SDK's AudioContext (level meters) when the browser started it suspended; call it from a user gesture. */
  resumeAudioContext,
  get onAudioContextStateChanged() {
    return audioContextStateHandler();
  },
  set onAudioContextStateChanged(handler: ((state: AudioContextState, previous: AudioContextState | undefined) => void) | undefined) {
    onAudioContextStateChanged(handler);
  },
  enableLogUpload: (): void => noop('IAgoraRTC', 'enableLogUpload'),
  disableLogUpload: (): void => noop('IAgoraRTC', 'disableLogUpload'),
  setArea: (_area: unknown): void => noop('IAgoraRTC', 'setArea'),
  setAppType: (_type: unknown): void => noop('IAgoraRTC', 'setAppType'),
  registerExtensions: (_extensions: unknown[]): void => noop('IAgoraRTC', 'registerExtensions'),
  preload: async (..._args: unknown[]): Promise<void> => noop('IAgoraRTC', 'preload'),
  processExternalMediaAEC: (_element: HTMLMediaElement): void => noop('IAgoraRTC', 'processExternalMediaAEC'),
  getElectronScreenSources: async (..._args: unknown[]): Promise<never[]> => {
    noop('IAgoraRTC', 'getElectronScreenSources');
    return [];
  },
  /** An audio file or AudioBuffer played into the channel as a local audio track. */
  createBufferSourceAudioTrack: (config: BufferSourceAudioTrackInitConfig): Promise<BufferSourceAudioTrack> => BufferSourceAudioTrack.create(config),
  createChannelMediaRelayConfiguration: (): ChannelMediaRelayConfiguration => {
    noop('IAgoraRTC', 'createChannelMediaRelayConfiguration');
    return { setSrcChannelInfo() {}, addDestChannelInfo() {}, removeDestChannelInfo() {} };
  },
  startLastmileProbeTest: async (..._args: unknown[]): Promise<LastmileProbeResult> => {
    noop('IAgoraRTC', 'startLastmileProbeTest');
    const unknown = { packetLossRate: 0, jitter: 0, availableBandwidth: 0 };
    return { uplinkReport: { ...unknown }, downlinkReport: { ...unknown }, rtt: 0 };
  },
  use(_plugin: unknown) {
    noop('IAgoraRTC', 'use');
    return this;
  },
};

/** What createChannelMediaRelayConfiguration returns: Agora's setters, which configure nothing in Parley. */
interface ChannelMediaRelayConfiguration {
  setSrcChannelInfo(info: unknown): void;
  addDestChannelInfo(info: unknown): void;
  removeDestChannelInfo(channelName: string): void;
}

interface LastmileProbeResult {
  uplinkReport: { packetLossRate: number; jitter: number; availableBandwidth: number };
  downlinkReport: { packetLossRate: number; jitter: number; availableBandwidth: number };
  rtt: number;
}

export default ParleyRTC;

export { VERSION, ParleyClient, ParleyRTCError, ParleyRTCError as AgoraRTCError, isParleyRTCError };
/** Agora's enums of dual stream: which layer to receive, and what to fall back to. */
export { RemoteStreamFallbackType, RemoteStreamType } from './protocolConstants.ts';
export type { ConstrainULong, LowStreamParameter } from './rtc/dualStream.ts';
export type { DeviceInfo, DeviceState } from './platform/devices.ts';
export type { SupportedCodecs } from './platform/codecs.ts';
export type { ScreenVideoTrackConfig, ScreenAudioChoice } from './tracks/screenTrack.ts';
export { LOG_LEVELS } from './platform/log.ts';
export { DOCUMENTED_NOOPS } from './compat/noops.ts';
export { isServerError, type ParleyErrorCode } from './errors.ts';
export { AgoraRTCErrorCode } from './errorCodes.ts';
export type { ClientConfig } from './client/client.ts';
export type { VideoCodec as SDK_CODEC } from './rtc/videoCodec.ts';
export type {
  ClientEvents,
  ConnectionDisconnectedReason,
  ConnectionState,
  RemoteUserLeftReason,
  UserInfoUpdate,
} from './client/events.ts';
export type { RemoteUser } from './client/remoteUser.ts';
export type { VolumeIndicatorResult } from './client/volumeIndicator.ts';
export type { NetworkQuality } from './client/networkQuality.ts';
export type { TurnServerConfig } from './client/turnServer.ts';
export type { RTCStats } from './client/statsCollector.ts';
export type { LocalAudioTrackStats, LocalVideoTrackStats, RemoteAudioTrackStats, RemoteVideoTrackStats } from './rtc/stats.ts';
export {
  createCameraVideoTrack,
  createCustomAudioTrack,
  createCustomVideoTrack,
  createMicrophoneAndCameraTracks,
  createMicrophoneAudioTrack,
  getDevices,
  type CameraVideoTrackConfig,
  type CustomAudioTrackConfig,
  type CustomVideoTrackConfig,
  type MicrophoneAudioTrackConfig,
} from './tracks/createTracks.ts';
export { VIDEO_ENCODER_PRESETS, type VideoEncoderConfiguration, type VideoEncoderPreset } from './tracks/encoderConfig.ts';
export { LocalTrack, type LocalTrackEvents } from './tracks/localTrack.ts';
export { LocalAudioTrack } from './tracks/localAudioTrack.ts';
export { LocalVideoTrack } from './tracks/localVideoTrack.ts';
export { RemoteTrack, RemoteAudioTrack, RemoteVideoTrack } from './tracks/remoteTrack.ts';
export type { VideoPlayerConfig } from './tracks/mediaPlayer.ts';
export type { MediaKind as MediaType, ClientRole } from '@parley/protocol';
export type * from './agoraTypes.ts';
