/**
 * The VP8 payload descriptor (RFC 7741 §4.2) at the front of every VP8 RTP payload: whether the
 * packet starts a keyframe, and where its picture id and TL0PICIDX sit.
 *
 * The SFU switches a subscriber between simulcast layers only at a keyframe of the new layer, and
 * each layer counts picture ids and TL0PICIDX on its own: Chromium's decoder drops frames whose
 * picture id jumps backwards, so the forwarder rewrites both counters into one continuous series.
 *
 *   |X|R|N|S|R| PID |        S: start of a partition, PID: partition index
 *   |I|L|T|K| RSV   |  (X)   I: picture id follows, L: TL0PICIDX follows, T/K: TID/KEYIDX byte
 *   |M| PictureID   |  (I)   M: 15-bit picture id (a second byte follows)
 *   |  TL0PICIDX    |  (L)
 *   |TID|Y| KEYIDX  |  (T or K)
 * After it, on the first packet of a frame, the VP8 payload header, whose lowest bit is 0 on a keyframe.
 */

export interface Vp8Descriptor {
  /** First packet of a frame (S=1, PID=0). */
  frameStart: boolean;
  /** First packet of a keyframe: the only place a subscriber can start decoding a layer. */
  keyframeStart: boolean;
  /** Offset of the picture id in the payload; -1 without one. */
  pictureIdAt: number;
  /** 7 or 15 bits; 0 without a picture id. */
  pictureIdBits: 0 | 7 | 15;
  pictureId: number;
  /** Offset of TL0PICIDX in the payload; -1 without one. */
  tl0PicIdxAt: number;
  tl0PicIdx: number;
}

/** Reads the descriptor; undefined when the payload is too short to hold what its flags announce. */
export function readVp8Descriptor(payload: Uint8Array): Vp8Descriptor | undefined {
  const length = payload.length;
  if (length < 1) return undefined;
  const first = payload[0]!;
  const descriptor: Vp8Descriptor = {
    frameStart: (first & 0x10) !== 0 && (first & 0x07) === 0,
    keyframeStart: false,
    pictureIdAt: -1,
    pictureIdBits: 0,
    pictureId: 0,
    tl0PicIdxAt: -1,
    tl0PicIdx: 0,
  };
  let at = 1;
  if (first & 0x80) {
    if (length < 2) return undefined;
    const extension = payload[1]!;
    at = 2;
    if (extension & 0x80) {
      if (at >= length) return undefined;
      descriptor.pictureIdAt = at;
      if (payload[at]! & 0x80) {
        if (at + 1 >= length) return undefined;
        descriptor.pictureIdBits = 15;
        descriptor.pictureId = ((payload[at]! & 0x7f) << 8) | payload[at + 1]!;
        at += 2;
      } else {
        descriptor.pictureIdBits = 7;
        descriptor.pictureId = payload[at]! & 0x7f;
        at += 1;
      }
    }
    if (extension & 0x40) {
      if (at >= length) return undefined;
      descriptor.tl0PicIdxAt = at;
      descriptor.tl0PicIdx = payload[at]!;
      at += 1;
    }
    if (extension & 0x30) at += 1;
  }
  descriptor.keyframeStart = descriptor.frameStart && at < length && (payload[at]! & 0x01) === 0;
  return descriptor;
}

/** True when the payload is the first packet of a VP8 keyframe. */
export function isVp8KeyframeStart(payload: Uint8Array): boolean {
  return readVp8Descriptor(payload)?.keyframeStart ?? false;
}

/**
 * Keeps the picture ids and TL0PICIDX a subscriber sees continuous while the forwarder moves
 * between layers: `rebase` at the keyframe that starts a layer makes it follow on from the last
 * values sent, `rewrite` applies that offset to every packet after it.
 */
export class Vp8CounterRewriter {
  #pictureIdOffset = 0;
  #tl0Offset = 0;
  #lastPictureId: number | undefined;
  #lastTl0: number | undefined;

  /** The next packet (a keyframe of the new layer) continues the series sent so far. */
  rebase(descriptor: Vp8Descriptor): void {
    if (descriptor.pictureIdBits && this.#lastPictureId !== undefined) {
      const modulo = 2 ** descriptor.pictureIdBits;
      this.#pictureIdOffset = mod(this.#lastPictureId + 1 - descriptor.pictureId, modulo);
    }
    if (descriptor.tl0PicIdxAt >= 0 && this.#lastTl0 !== undefined) this.#tl0Offset = mod(this.#lastTl0 + 1 - descriptor.tl0PicIdx, 256);
  }

  /**
   * The payload to send: the same buffer when nothing changes (a publisher that never switched),
   * else a copy with the counters moved — the original is shared with every other subscriber.
   */
  rewrite(payload: Buffer, descriptor: Vp8Descriptor | undefined): Buffer {
    if (!descriptor) return payload;
    let out = payload;
    if (descriptor.pictureIdBits) {
      const pictureId = mod(descriptor.pictureId + this.#pictureIdOffset, 2 ** descriptor.pictureIdBits);
      this.#lastPictureId = pictureId;
      if (pictureId !== descriptor.pictureId) {
        out = Buffer.from(payload);
        const at = descriptor.pictureIdAt;
        if (descriptor.pictureIdBits === 15) {
          out[at] = 0x80 | (pictureId >> 8);
          out[at + 1] = pictureId & 0xff;
        } else {
          out[at] = pictureId;
        }
      }
    }
    if (descriptor.tl0PicIdxAt >= 0) {
      const tl0 = (descriptor.tl0PicIdx + this.#tl0Offset) & 0xff;
      this.#lastTl0 = tl0;
      if (tl0 !== descriptor.tl0PicIdx) {
        if (out === payload) out = Buffer.from(payload);
        out[descriptor.tl0PicIdxAt] = tl0;
      }
    }
    return out;
  }
}

function mod(value: number, modulo: number): number {
  return ((value % modulo) + modulo) % modulo;
}
