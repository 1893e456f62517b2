/**
 * The encrypted frame format: how one encoded audio or video frame is sealed with AES-GCM before
 * the browser packetizes it, and opened after the browser depacketizes it.
 *
 *     | clear header | AES-GCM ciphertext of the rest, with its 16-byte tag | IV (12) | header length (1) |
 *
 * - The clear header is what packetizers, the SFU's keyframe requests and recorders read: a VP8
 *   frame keeps its 3-byte frame tag (10 bytes with a keyframe's start code and size), an Opus
 *   frame its TOC byte, as WebRTC's insertable-streams and SFrame samples do. It is the AES-GCM
 *   additional data, so changing it fails authentication like changing the ciphertext does.
 * - The IV is unique per frame under one key: 8 random bytes chosen per sending track, then a
 *   32-bit frame counter (a new random part before the counter wraps). Every sender of a channel
 *   shares the key, so the random part is what keeps two senders' IVs apart.
 *
 * `frameCipher` must stay self-contained (no imports, nothing from this module's scope): its
 * source text runs as is in the transform worker (see transformWorker.ts), and Node runs it in
 * the unit tests.
 */
export interface FrameCipher {
  /** A sealing function for one sending track of `kind`, with its own IV sequence. */
  sealer(key: CryptoKey, kind: 'audio' | 'video'): (frame: ArrayBuffer) => Promise<ArrayBuffer>;
  /** Opens a sealed frame; rejects when it is not one or fails authentication (wrong key, altered). */
  open(key: CryptoKey, frame: ArrayBuffer): Promise<ArrayBuffer>;
  /** How many leading bytes of a `kind` frame stay in the clear. */
  clearBytes(kind: 'audio' | 'video', frame: Uint8Array): number;
}

export function frameCipher(): FrameCipher {
  const IV_BYTES = 12;
  const TAG_BYTES = 16;
  const RANDOM_IV_BYTES = 8;
  const COUNTER_LIMIT = 2 ** 32;

  // VP8's frame tag: bit 0 of the first byte is 0 on a keyframe (RFC 6386 §9.1).
  const clearBytes = (kind: 'audio' | 'video', frame: Uint8Array): number =>
    Math.min(frame.length, kind === 'audio' ? 1 : (frame[0]! & 1) === 0 ? 10 : 3);

  return {
    clearBytes,

    sealer(key, kind) {
      const iv = new Uint8Array(IV_BYTES);
      const counter = new DataView(iv.buffer);
      let sent = COUNTER_LIMIT;
      return async (frame) => {
        if (sent >= COUNTER_LIMIT) {
          crypto.getRandomValues(iv.subarray(0, RANDOM_IV_BYTES));
          sent = 0;
        }
        counter.setUint32(RANDOM_IV_BYTES, sent++);
        const frameIv = iv.slice();
        const bytes = new Uint8Array(frame);
        const clear = clearBytes(kind, bytes);
        const header = bytes.subarray(0, clear);
        const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: frameIv, additionalData: header }, key, bytes.subarray(clear)));
        const out = new Uint8Array(clear + sealed.length + IV_BYTES + 1);
        out.set(header);
        out.set(sealed, clear);
        out.set(frameIv, clear + sealed.length);
        out[out.length - 1] = clear;
        return out.buffer;
      };
    },

    async open(key, frame) {
      const bytes = new Uint8Array(frame);
      const ivStart = bytes.length - 1 - IV_BYTES;
      const clear = bytes[bytes.length - 1] ?? 0;
      if (ivStart - clear < TAG_BYTES) throw new Error('Not an encrypted frame');
      const header = bytes.subarray(0, clear);
      const plain = new Uint8Array(
        await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes.slice(ivStart, ivStart + IV_BYTES), additionalData: header }, key, bytes.subarray(clear, ivStart)),
      );
      const out = new Uint8Array(clear + plain.length);
      out.set(header);
      out.set(plain, clear);
      return out.buffer;
    },
  };
}
