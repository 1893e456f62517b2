/**
 * Video encoder settings in Agora's terms: presets ("480p_1"…) or explicit size and frame rate,
 * turned into capture constraints. Shared by cameras, screens and setEncoderConfiguration.
 */
import { invalidParams } from '../errors.ts';

export interface VideoEncoderConfiguration {
  width?: number | ConstrainULongRange;
  height?: number | ConstrainULongRange;
  frameRate?: number | ConstrainDoubleRange;
}

/**
 * Agora's camera presets, every name of its VideoEncoderConfigurationPreset table with the same
 * size and frame rate, so an Agora app's choice opens the same capture here ("480p_1" by default).
 */
export const VIDEO_ENCODER_PRESETS = {
  '120p': { width: 160, height: 120, frameRate: 15 },
  '120p_1': { width: 160, height: 120, frameRate: 15 },
  '120p_3': { width: 120, height: 120, frameRate: 15 },
  '180p': { width: 320, height: 180, frameRate: 15 },
  '180p_1': { width: 320, height: 180, frameRate: 15 },
  '180p_3': { width: 180, height: 180, frameRate: 15 },
  '180p_4': { width: 240, height: 180, frameRate: 15 },
  '240p': { width: 320, height: 240, frameRate: 15 },
  '240p_1': { width: 320, height: 240, frameRate: 15 },
  '240p_3': { width: 240, height: 240, frameRate: 15 },
  '240p_4': { width: 424, height: 240, frameRate: 15 },
  '360p': { width: 640, height: 360, frameRate: 15 },
  '360p_1': { width: 640, height: 360, frameRate: 15 },
  '360p_3': { width: 360, height: 360, frameRate: 15 },
  '360p_4': { width: 640, height: 360, frameRate: 30 },
  '360p_6': { width: 360, height: 360, frameRate: 30 },
  '360p_7': { width: 480, height: 360, frameRate: 15 },
  '360p_8': { width: 480, height: 360, frameRate: 30 },
  '360p_9': { width: 640, height: 360, frameRate: 15 },
  '360p_10': { width: 640, height: 360, frameRate: 24 },
  '360p_11': { width: 640, height: 360, frameRate: 24 },
  '480p': { width: 640, height: 480, frameRate: 15 },
  '480p_1': { width: 640, height: 480, frameRate: 15 },
  '480p_2': { width: 640, height: 480, frameRate: 30 },
  '480p_3': { width: 480, height: 480, frameRate: 15 },
  '480p_4': { width: 640, height: 480, frameRate: 30 },
  '480p_6': { width: 480, height: 480, frameRate: 30 },
  '480p_8': { width: 848, height: 480, frameRate: 15 },
  '480p_9': { width: 848, height: 480, frameRate: 30 },
  '480p_10': { width: 640, height: 480, frameRate: 10 },
  '720p': { width: 1280, height: 720, frameRate: 15 },
  '720p_1': { width: 1280, height: 720, frameRate: 15 },
  '720p_2': { width: 1280, height: 720, frameRate: 30 },
  '720p_3': { width: 1280, height: 720, frameRate: 30 },
  '720p_auto': { width: 1280, height: 720, frameRate: 30 },
  '720p_5': { width: 960, height: 720, frameRate: 15 },
  '720p_6': { width: 960, height: 720, frameRate: 30 },
  '1080p': { width: 1920, height: 1080, frameRate: 15 },
  '1080p_1': { width: 1920, height: 1080, frameRate: 15 },
  '1080p_2': { width: 1920, height: 1080, frameRate: 30 },
  '1080p_3': { width: 1920, height: 1080, frameRate: 30 },
  '1080p_5': { width: 1920, height: 1080, frameRate: 60 },
} as const satisfies Record<string, VideoEncoderConfiguration>;
export type VideoEncoderPreset = keyof typeof VIDEO_ENCODER_PRESETS;

/** Agora's screen-sharing presets (ScreenEncoderConfigurationPreset): low frame rates for slides, 30 fps for motion. */
export const SCREEN_ENCODER_PRESETS = {
  '480p': { width: 640, height: 480, frameRate: 5 },
  '480p_1': { width: 640, height: 480, frameRate: 5 },
  '480p_2': { width: 640, height: 480, frameRate: 30 },
  '480p_3': { width: 640, height: 480, frameRate: 15 },
  '720p': { width: 1280, height: 720, frameRate: 5 },
  '720p_1': { width: 1280, height: 720, frameRate: 5 },
  '720p_2': { width: 1280, height: 720, frameRate: 30 },
  '720p_3': { width: 1280, height: 720, frameRate: 15 },
  '720p_auto': { width: 1280, height: 720, frameRate: 30 },
  '1080p': { width: 1920, height: 1080, frameRate: 5 },
  '1080p_1': { width: 1920, height: 1080, frameRate: 5 },
  '1080p_2': { width: 1920, height: 1080, frameRate: 30 },
  '1080p_3': { width: 1920, height: 1080, frameRate: 15 },
} as const satisfies Record<string, VideoEncoderConfiguration>;

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
