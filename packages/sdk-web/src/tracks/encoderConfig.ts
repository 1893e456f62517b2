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

/** Agora's screen-sharing presets: low frame rates for slides ("_1"), 30 fps for motion ("_2"). */
export const SCREEN_ENCODER_PRESETS = {
  '480p_1': { width: 640, height: 480, frameRate: 5 },
  '720p_1': { width: 1280, height: 720, frameRate: 5 },
  '720p_2': { width: 1280, height: 720, frameRate: 30 },
  '1080p_1': { width: 1920, height: 1080, frameRate: 5 },
  '1080p_2': { width: 1920, height: 1080, frameRate: 30 },
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
