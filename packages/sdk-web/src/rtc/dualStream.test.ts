import { describe, expect, it } from 'vitest';
import { DEFAULT_LOW_STREAM, dualStreamEncodings, lowStreamProfile } from './dualStream.ts';

describe('dual stream encodings', () => {
  it('sends Agora\'s default low layer, 160 × 120 at 15 fps and 50 Kbps, from a 640 × 480 camera', () => {
    expect(dualStreamEncodings({ ...DEFAULT_LOW_STREAM }, { width: 640, height: 480 })).toEqual([
      { rid: 'l', active: true, scaleResolutionDownBy: 4, maxFramerate: 15, maxBitrate: 50_000 },
      { rid: 'h', active: true, scaleResolutionDownBy: 1 },
    ]);
  });

  it('scales to fit both sides of the profile and never scales up', () => {
    const profile = lowStreamProfile({ width: 320, height: 240 });
    expect(dualStreamEncodings(profile, { width: 1280, height: 720 })[0]!.scaleResolutionDownBy).toBe(4);
    expect(dualStreamEncodings(profile, { width: 160, height: 120 })[0]!.scaleResolutionDownBy).toBe(1);
    expect(dualStreamEncodings(profile, {})[0]!.scaleResolutionDownBy).toBe(1);
  });

  it('reads constraints the way Agora\'s LowStreamParameter allows, filling defaults', () => {
    expect(lowStreamProfile({ width: { ideal: 320, max: 640 }, height: { max: 180 }, framerate: { exact: 10 } })).toEqual({ width: 320, height: 180, framerate: 10, bitrate: 50 });
    expect(lowStreamProfile({ width: 200, height: { min: 100 }, bitrate: 80 })).toEqual({ width: 200, height: 100, framerate: 15, bitrate: 80 });
  });

  it('refuses sizes, rates and bitrates that are not positive numbers', () => {
    for (const bad of [{ width: 0, height: 120 }, { width: 160, height: -1 }, { width: {}, height: 120 }, { width: 160, height: 120, bitrate: Number.NaN }, { width: 160, height: 120, framerate: 0 }]) {
      expect(() => lowStreamProfile(bad as never)).toThrow(expect.objectContaining({ code: 'INVALID_PARAMS' }));
    }
    expect(() => lowStreamProfile(undefined as never)).toThrow(expect.objectContaining({ code: 'INVALID_PARAMS' }));
  });
});
