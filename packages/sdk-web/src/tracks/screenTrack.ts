/**
 * Screen sharing as Agora's `createScreenVideoTrack(config, withAudio)`: the browser's picker
 * (getDisplayMedia) opens once; the answer is a video track, or `[video, audio]` when the shared
 * tab or screen's sound is asked for ("enable": required, "auto": when the person shares it).
 * When the person stops sharing from the browser's own button, the tracks fire `track-ended`.
 */
import { invalidParams, mediaFailed, notSupported, ParleyRTCError } from '../errors.ts';
import { encoderConstraints, SCREEN_ENCODER_PRESETS, VIDEO_ENCODER_PRESETS, type VideoEncoderConfiguration } from './encoderConfig.ts';
import { LocalAudioTrack } from './localAudioTrack.ts';
import { LocalVideoTrack } from './localVideoTrack.ts';

export interface ScreenVideoTrackConfig {
  /** Resolution and frame rate; a preset ("1080p_1": 1920×1080 at 5 fps, the default) or explicit values. */
  encoderConfig?: VideoEncoderConfiguration | keyof typeof SCREEN_ENCODER_PRESETS | keyof typeof VIDEO_ENCODER_PRESETS;
  /** "detail" (text and slides, the default for screens) or "motion" (video playing on the screen). */
  optimizationMode?: 'detail' | 'motion';
  /** What the picker offers first. */
  displaySurface?: 'browser' | 'window' | 'monitor';
}

export type ScreenAudioChoice = 'enable' | 'disable' | 'auto';

function constraints(config: ScreenVideoTrackConfig): MediaTrackConstraints {
  return {
    ...encoderConstraints(config.encoderConfig ?? '1080p_1', { ...VIDEO_ENCODER_PRESETS, ...SCREEN_ENCODER_PRESETS }),
    ...(config.displaySurface ? { displaySurface: config.displaySurface } : {}),
  } as MediaTrackConstraints;
}

export async function createScreenVideoTrack(config: ScreenVideoTrackConfig = {}, withAudio: ScreenAudioChoice = 'disable'): Promise<LocalVideoTrack | [LocalVideoTrack, LocalAudioTrack]> {
  if (!['enable', 'disable', 'auto'].includes(withAudio)) throw invalidParams('withAudio must be "enable", "disable" or "auto"', { field: 'withAudio' });
  if (config.optimizationMode !== undefined && config.optimizationMode !== 'detail' && config.optimizationMode !== 'motion') {
    throw invalidParams('optimizationMode must be "detail" or "motion"', { field: 'optimizationMode' });
  }
  const video = constraints(config);
  if (typeof navigator === 'undefined' || !navigator.mediaDevices?.getDisplayMedia) throw notSupported('This browser cannot share its screen (no getDisplayMedia)');
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getDisplayMedia({ video, audio: withAudio !== 'disable' });
  } catch (cause) {
    throw mediaFailed(cause);
  }
  const [videoTrack] = stream.getVideoTracks();
  const [audioTrack] = stream.getAudioTracks();
  if (!videoTrack) throw new ParleyRTCError('MEDIA_OPTION_INVALID', 'The browser shared no picture');
  // Text stays sharp with "detail"; video on the screen stays fluid with "motion".
  videoTrack.contentHint = config.optimizationMode === 'motion' ? 'motion' : 'detail';
  const screen = new LocalVideoTrack(videoTrack, { isCamera: false });
  if (withAudio === 'disable') return screen;
  if (!audioTrack) {
    if (withAudio === 'auto') return screen;
    videoTrack.stop();
    throw new ParleyRTCError('SHARE_AUDIO_NOT_ALLOWED', 'The sound was not shared: tick "Share audio" in the browser\'s picker, or use withAudio "auto"');
  }
  return [screen, new LocalAudioTrack(audioTrack, { isMicrophone: false })];
}
