import { describe, expect, it } from 'vitest';
import { isVp8KeyframeStart, readVp8Descriptor, Vp8CounterRewriter } from './vp8Descriptor.ts';
import { vp8Payload } from './vp8TestPayload.ts';

describe('VP8 payload descriptor', () => {
  it('finds the picture id, TL0PICIDX and a keyframe start in what Chromium sends', () => {
    expect(readVp8Descriptor(vp8Payload({ keyframe: true, pictureId: 0x1234, tl0: 7 }))).toEqual({
      frameStart: true,
      keyframeStart: true,
      pictureIdAt: 2,
      pictureIdBits: 15,
      pictureId: 0x1234,
      tl0PicIdxAt: 4,
      tl0PicIdx: 7,
    });
    expect(readVp8Descriptor(vp8Payload({ pictureId: 5, tl0: 1 }))!.keyframeStart).toBe(false);
    // A keyframe's later packets do not start it: only its first packet carries the payload header.
    expect(readVp8Descriptor(vp8Payload({ start: false, keyframe: true, pictureId: 5, tl0: 1 }))!.keyframeStart).toBe(false);
  });

  it('reads short forms: no extension, a 7-bit picture id, no TL0PICIDX', () => {
    expect(isVp8KeyframeStart(Buffer.from([0x10, 0x10, 0x02, 0x00]))).toBe(true);
    expect(isVp8KeyframeStart(Buffer.from([0x10, 0x11, 0x02, 0x00]))).toBe(false);
    // S=1 but partition 1: not the start of a frame.
    expect(isVp8KeyframeStart(Buffer.from([0x11, 0x10]))).toBe(false);
    expect(readVp8Descriptor(Buffer.from([0x90, 0x80, 0x05, 0x10]))).toMatchObject({ pictureIdBits: 7, pictureId: 5, tl0PicIdxAt: -1, keyframeStart: true });
  });

  it('refuses payloads too short for what their flags announce', () => {
    expect(readVp8Descriptor(Buffer.alloc(0))).toBeUndefined();
    expect(readVp8Descriptor(Buffer.from([0x90]))).toBeUndefined();
    expect(readVp8Descriptor(Buffer.from([0x90, 0x80, 0x81]))).toBeUndefined();
    expect(readVp8Descriptor(Buffer.from([0x90, 0xc0, 0x05]))).toBeUndefined();
    // A frame start with nothing after the descriptor is not a keyframe.
    expect(isVp8KeyframeStart(Buffer.from([0x90, 0x80, 0x05]))).toBe(false);
  });
});

describe('VP8 counter rewriting across layers', () => {
  const read = (payload: Buffer) => readVp8Descriptor(payload)!;

  it('leaves a single layer untouched, the very same buffer', () => {
    const rewriter = new Vp8CounterRewriter();
    const payload = vp8Payload({ pictureId: 100, tl0: 3 });
    expect(rewriter.rewrite(payload, read(payload))).toBe(payload);
  });

  it('continues picture ids and TL0PICIDX from the last sent when a new layer starts, without touching the original', () => {
    const rewriter = new Vp8CounterRewriter();
    for (let id = 30_000; id < 30_010; id += 1) {
      const payload = vp8Payload({ pictureId: id, tl0: 200 + (id - 30_000) });
      rewriter.rewrite(payload, read(payload));
    }
    const keyframe = vp8Payload({ keyframe: true, pictureId: 12, tl0: 90 });
    rewriter.rebase(read(keyframe));
    const first = rewriter.rewrite(keyframe, read(keyframe));
    expect(read(first)).toMatchObject({ pictureId: 30_010, tl0PicIdx: 210, keyframeStart: true });
    expect(read(keyframe).pictureId).toBe(12);
    const next = vp8Payload({ pictureId: 13, tl0: 91 });
    expect(read(rewriter.rewrite(next, read(next)))).toMatchObject({ pictureId: 30_011, tl0PicIdx: 211 });
  });

  it('wraps picture ids at 15 bits and TL0PICIDX at 8', () => {
    const rewriter = new Vp8CounterRewriter();
    const last = vp8Payload({ pictureId: 0x7fff, tl0: 255 });
    rewriter.rewrite(last, read(last));
    const keyframe = vp8Payload({ keyframe: true, pictureId: 500, tl0: 10 });
    rewriter.rebase(read(keyframe));
    expect(read(rewriter.rewrite(keyframe, read(keyframe)))).toMatchObject({ pictureId: 0, tl0PicIdx: 0 });
  });
});
