/**
 * Dual stream on the publishing side (Agora's enableDualStream): the camera is sent as two RID
 * simulcast layers, the full picture and a small one, and the SFU forwards each subscriber the
 * layer it asks for. The layers' rids are the protocol's SIMULCAST_RIDS; the low layer's size,
 * frame rate and bitrate come from setLowStreamParameter, by default Agora's 160 × 120 at 15 fps
 * and 50 Kbps.
 */
import { invalidParams } from '../errors.ts';
import { SIMULCAST_RIDS } from '../protocolConstants.ts';

/** A number, or a constraint such as `{ max: 1280, min: 720 }` (Agora's ConstrainULong). */
export type ConstrainULong = number | { max?: number; min?: number; exact?: number; ideal?: number };

/** Agora's LowStreamParameter: the low layer's video profile. */
export interface LowStreamParameter {
  width: ConstrainULong;
  height: ConstrainULong;
  /** Frames per second. */
  framerate?: ConstrainULong;
  /** Kbps. */
  bitrate?: number;
}

/** The low layer when the app sets nothing (Agora's documented default). */
export const DEFAULT_LOW_STREAM = { width: 160, height: 120, framerate: 15, bitrate: 50 } as const;

/** The value a constraint asks for: exact, else ideal, else the upper bound, else the lower. */
function valueOf(constraint: ConstrainULong | undefined): number | undefined {
  if (typeof constraint === 'number') return constraint;
  if (!constraint || typeof constraint !== 'object') return undefined;
  return constraint.exact ?? constraint.ideal ?? constraint.max ?? constraint.min;
}

export interface LowStreamProfile {
  width: number;
  height: number;
  framerate: number;
  /** Kbps. */
  bitrate: number;
}

/** Checks a LowStreamParameter and fills what it leaves out with Agora's defaults. */
export function lowStreamProfile(parameter: LowStreamParameter): LowStreamProfile {
  if (!parameter || typeof parameter !== 'object') throw invalidParams('setLowStreamParameter needs {width, height, framerate?, bitrate?}');
  const profile = {
    width: valueOf(parameter.width),
    height: valueOf(parameter.height),
    framerate: valueOf(parameter.framerate) ?? DEFAULT_LOW_STREAM.framerate,
    bitrate: parameter.bitrate ?? DEFAULT_LOW_STREAM.bitrate,
  };
  for (const [field, value] of Object.entries(profile)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw invalidParams(`LowStreamParameter.${field} must be a positive number`, { field });
  }
  return profile as LowStreamProfile;
}

/**
 * The low layer's encoding for a camera of `source` size: scaled down so that it fits the profile's
 * width and height (never scaled up), at the profile's frame rate and bitrate.
 */
export function lowEncoding(profile: LowStreamProfile, source: { width?: number; height?: number }): RTCRtpEncodingParameters {
  const scale = Math.max(1, (source.width ?? profile.width) / profile.width, (source.height ?? profile.height) / profile.height);
  return { rid: SIMULCAST_RIDS.low, active: true, scaleResolutionDownBy: scale, maxFramerate: profile.framerate, maxBitrate: profile.bitrate * 1000 };
}

/** The send encodings of a dual-stream video transceiver: the low layer first, as browsers order simulcast. */
export function dualStreamEncodings(profile: LowStreamProfile, source: { width?: number; height?: number }): RTCRtpEncodingParameters[] {
  return [lowEncoding(profile, source), { rid: SIMULCAST_RIDS.high, active: true, scaleResolutionDownBy: 1 }];
}
