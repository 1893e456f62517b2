/** VP8 RTP payloads for the simulcast unit tests. */
/** A VP8 payload as Chromium's simulcast sends it: X, I (15-bit picture id), L (TL0PICIDX), T (TID). */
export function vp8Payload(options: { start?: boolean; keyframe?: boolean; pictureId: number; tl0: number; tid?: number }): Buffer {
  const { start = true, keyframe = false, pictureId, tl0, tid = 0 } = options;
  const descriptor = [0x80 | (start ? 0x10 : 0), 0x80 | 0x40 | 0x20, 0x80 | (pictureId >> 8), pictureId & 0xff, tl0, tid << 6];
  // The VP8 payload header's lowest bit is 0 on a keyframe (the rest is frame data).
  const frame = start ? [keyframe ? 0x10 : 0x11, 0x02, 0x00, 0x9d, 0x01, 0x2a] : [0xaa, 0xbb];
  return Buffer.from([...descriptor, ...frame]);
}
