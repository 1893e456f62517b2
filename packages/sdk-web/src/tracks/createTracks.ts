/**
 * ParleyRTC.create…Track: opens the microphone and camera with getUserMedia (one prompt for both
 * in createMicrophoneAndCameraTracks) or wraps a MediaStreamTrack the application made.
 */
import { invalidParams, mediaFailed, notSupported } from '../errors.ts';
import { LocalAudioTrack } from './localAudioTrack.ts';
import { LocalVideoTrack } from './localVideoTrack.ts';

export interface VideoEncoderConfiguration {
  width?: number | ConstrainULongRange;
  height?: number | ConstrainULongRange;
  frameRate?: number | ConstrainDoubleRange;
}

/** Agora's common presets, by name ("480p_1" etc.). */
export const VIDEO_ENCODER_PRESETS = {
  '120p_1': { width: 160, height: 120, frameRate: 15 },
  '180p_1': { width: 320, height: 180, frameRate: 15 },
  '240p_1': { width: 320, height: 240, frameRate: 15 },
  '360p_1': { width: 640, height: 360, frameRate: 15 },
  '480p_1': { width: 640, height: 480, frameRate: 15 },
  '720p_1': { width: 1280, height: 720, frameRate: 15 },
  '1080p_1': { width: 1920, height: 1080, frameRate: 15 },
} as const satisfies Record<string, VideoEncoderConfiguration>;
export type VideoEncoderPreset = keyof typeof VIDEO_ENCODER_PRESETS;

export interface CameraVideoTrackConfig {
  /** Resolution and frame rate to capture (and so to send); a preset name or explicit values. Default 640×480 at 15 fps. */
  encoderConfig?: VideoEncoderConfiguration | VideoEncoderPreset;
  /** A deviceId from ParleyRTC.getCameras(). */
  cameraId?: string;
  /** "user" (front) or "environment" (back) on phones. */
  facingMode?: 'user' | 'environment';
}

export interface MicrophoneAudioTrackConfig {
  /** A deviceId from ParleyRTC.getMicrophones(). */
  microphoneId?: string;
  /** Acoustic echo cancellation. Default true. */
  AEC?: boolean;
  /** Automatic gain control. Default true. */
  AGC?: boolean;
  /** Noise suppression. Default true. */
  ANS?: boolean;
}

export interface CustomAudioTrackConfig {
  mediaStreamTrack: MediaStreamTrack;
}

export interface CustomVideoTrackConfig {
  mediaStreamTrack: MediaStreamTrack;
}

function mediaDevices(): MediaDevices {
  if (typeof navigator === 'undefined' || !navigator.mediaDevices?.getUserMedia) {
    throw notSupported('getUserMedia is not available: use a current browser, on https:// or http://localhost');
  }
  return navigator.mediaDevices;
}

export function audioConstraints(config: MicrophoneAudioTrackConfig = {}): MediaTrackConstraints {
  return {
    echoCancellation: config.AEC ?? true,
    autoGainControl: config.AGC ?? true,
    noiseSuppression: config.ANS ?? true,
    ...(config.microphoneId ? { deviceId: { exact: config.microphoneId } } : {}),
  };
}

/**
 * Size and frame rate constraints of an encoder setting: a preset name from `presets`, or values.
 * Plain numbers are ideals, not exact demands: a camera that cannot do 640×480 still opens.
 */
export function encoderConstraints(encoder: VideoEncoderConfiguration | string, presets: Record<string, VideoEncoderConfiguration>): MediaTrackConstraints {
  const resolved = typeof encoder === 'string' ? presets[encoder] : encoder;
  if (!resolved) throw invalidParams(`Unknown encoderConfig preset "${String(encoder)}"`, { field: 'encoderConfig' });
  const ideal = <T>(value: number | T | undefined) => (typeof value === 'number' ? { ideal: value } : value);
  return {
    ...(resolved.width !== undefined ? { width: ideal(resolved.width) } : {}),
    ...(resolved.height !== undefined ? { height: ideal(resolved.height) } : {}),
    ...(resolved.frameRate !== undefined ? { frameRate: ideal(resolved.frameRate) } : {}),
  };
}

export function videoConstraints(config: CameraVideoTrackConfig = {}): MediaTrackConstraints {
  return {
    ...encoderConstraints(config.encoderConfig ?? '480p_1', VIDEO_ENCODER_PRESETS),
    ...(config.cameraId ? { deviceId: { exact: config.cameraId } } : {}),
    ...(config.facingMode ? { facingMode: config.facingMode } : {}),
  };
}

async function getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream> {
  const devices = mediaDevices();
  try {
    return await devices.getUserMedia(constraints);
  } catch (cause) {
    throw mediaFailed(cause);
  }
}

export async function createMicrophoneAudioTrack(config: MicrophoneAudioTrackConfig = {}): Promise<LocalAudioTrack> {
  const stream = await getUserMedia({ audio: audioConstraints(config) });
  return new LocalAudioTrack(stream.getAudioTracks()[0]!, { isMicrophone: true });
}

export async function createCameraVideoTrack(config: CameraVideoTrackConfig = {}): Promise<LocalVideoTrack> {
  const stream = await getUserMedia({ video: videoConstraints(config) });
  return new LocalVideoTrack(stream.getVideoTracks()[0]!, { isCamera: true });
}

/** Opens both devices with one permission prompt; resolves with `[audioTrack, videoTrack]`. */
export async function createMicrophoneAndCameraTracks(
  audioConfig: MicrophoneAudioTrackConfig = {},
  videoConfig: CameraVideoTrackConfig = {},
): Promise<[LocalAudioTrack, LocalVideoTrack]> {
  const stream = await getUserMedia({ audio: audioConstraints(audioConfig), video: videoConstraints(videoConfig) });
  return [
    new LocalAudioTrack(stream.getAudioTracks()[0]!, { isMicrophone: true }),
    new LocalVideoTrack(stream.getVideoTracks()[0]!, { isCamera: true }),
  ];
}

export function createCustomAudioTrack(config: CustomAudioTrackConfig): LocalAudioTrack {
  if (config?.mediaStreamTrack?.kind !== 'audio') throw invalidParams('createCustomAudioTrack needs an audio mediaStreamTrack', { field: 'mediaStreamTrack' });
  return new LocalAudioTrack(config.mediaStreamTrack, { isMicrophone: false });
}

export function createCustomVideoTrack(config: CustomVideoTrackConfig): LocalVideoTrack {
  if (config?.mediaStreamTrack?.kind !== 'video') throw invalidParams('createCustomVideoTrack needs a video mediaStreamTrack', { field: 'mediaStreamTrack' });
  return new LocalVideoTrack(config.mediaStreamTrack, { isCamera: false });
}

/** Media input devices; labels are empty until the user has granted access once. */
export async function getDevices(kind?: 'audioinput' | 'videoinput'): Promise<MediaDeviceInfo[]> {
  const devices = await mediaDevices().enumerateDevices();
  return devices.filter((device) => (kind ? device.kind === kind : device.kind !== 'audiooutput'));
}
