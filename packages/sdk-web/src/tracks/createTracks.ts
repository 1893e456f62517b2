/**
 * ParleyRTC.create…Track: opens the microphone and camera with getUserMedia (one prompt for both
 * in createMicrophoneAndCameraTracks) or wraps a MediaStreamTrack the application made.
 */
import { invalidParams, mediaFailed, notSupported } from '../errors.ts';
import { encoderConstraints, VIDEO_ENCODER_PRESETS, type VideoEncoderConfiguration, type VideoEncoderPreset } from './encoderConfig.ts';
import { LocalAudioTrack } from './localAudioTrack.ts';
import { LocalVideoTrack } from './localVideoTrack.ts';

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
