/**
 * The data channel: how Agora-style stream messages and metadata travel between clients through
 * the SFU. Plain values and byte functions with no TypeBox import, so the browser SDK bundles only
 * what it calls (`import … from '@parley/protocol/data-channel'`). A third-party client implements
 * it from this file alone.
 *
 * ## The channel
 * One RTCDataChannel per client, labelled DATA_CHANNEL_LABEL, **ordered and reliable** (no
 * maxRetransmits, no maxPacketLifeTime), opened by the client on its *publish* peer connection:
 * the client adds the channel and sends a `publish-offer` as usual (its `tracks` may be empty, so
 * someone who never publishes media can still send and receive). The SFU answers the application
 * section and accepts exactly that one channel; any other channel the client opens is closed.
 * The SFU advertises `a=max-message-size` of DATA_LIMITS.sctpMaxMessageSize.
 *
 * ## Frames (binary messages only; text messages are dropped)
 * Client → SFU: `[kind: u8][payload: 0…DATA_LIMITS.maxPayloadBytes bytes]`
 * SFU → client: `[kind: u8][uid type: u8][uid][payload]`, where the uid is the sender's:
 * - uid type 0: a numeric uid, 4 bytes, unsigned big-endian;
 * - uid type 1: a string uid, `[length: u8][length bytes of UTF-8]` (1…255 bytes).
 *
 * `kind` is DataFrameKind.streamMessage (Agora's sendStreamMessage / `stream-message`) or
 * DataFrameKind.metadata (sendMetadata / `receive-metadata`). The SFU reads the first byte and the
 * length, nothing else of the payload: it prefixes the sender's uid and sends the frame to every
 * other participant of the room whose channel is open, never back to the sender.
 *
 * ## Limits (Agora's documented data stream limits, per sending user)
 * At most 1 KB of payload a frame, 30 frames and 6 KB of payload a second, stream messages and
 * metadata together. A client that keeps DataSendBudget's pace is never dropped; the SFU keeps the
 * same rates with twice the burst (network jitter bunches frames) and drops, and counts, what
 * exceeds it, along with malformed frames. A client that keeps flooding loses its channel for the
 * rest of the session. In live mode only hosts send; the audience receives.
 */

export const DATA_CHANNEL_LABEL = 'parley-data';

export const DATA_LIMITS = {
  /** Payload bytes of one frame (Agora: 1 KB a stream message, 1024 bytes of metadata). */
  maxPayloadBytes: 1024,
  /** Frames a sender may send a second (Agora: 30 packets a second). */
  framesPerSecond: 30,
  /** Payload bytes a sender may send a second (Agora: 6 KB a second). */
  bytesPerSecond: 6 * 1024,
  /** What the SFU advertises as a=max-message-size: above a frame, so oversize frames reach the SFU's check. */
  sctpMaxMessageSize: 8 * 1024,
} as const;

export const DataFrameKind = {
  streamMessage: 1,
  metadata: 2,
} as const;
export type DataFrameKind = (typeof DataFrameKind)[keyof typeof DataFrameKind];

const UID_NUMBER = 0;
const UID_STRING = 1;

/** A client's frame: the kind byte, then the payload. */
export function encodeClientFrame(kind: DataFrameKind, payload: Uint8Array): Uint8Array<ArrayBuffer> {
  const frame = new Uint8Array(1 + payload.length);
  frame[0] = kind;
  frame.set(payload, 1);
  return frame;
}

export type ClientFrameProblem = 'empty' | 'unknown-kind' | 'oversize';

/** Reads a client's frame: only its first byte and its length. The payload is a view, not a copy. */
export function decodeClientFrame(frame: Uint8Array): { kind: DataFrameKind; payload: Uint8Array } | { problem: ClientFrameProblem } {
  if (frame.length === 0) return { problem: 'empty' };
  const kind = frame[0];
  if (kind !== DataFrameKind.streamMessage && kind !== DataFrameKind.metadata) return { problem: 'unknown-kind' };
  if (frame.length - 1 > DATA_LIMITS.maxPayloadBytes) return { problem: 'oversize' };
  return { kind, payload: frame.subarray(1) };
}

/**
 * The bytes that name a sender in the SFU's frames (uid type and uid). Made once per sender.
 * Uids come from the server's join checks: numbers are uint32, strings 1-255 ASCII characters.
 */
export function encodeSenderUid(uid: number | string): Uint8Array {
  if (typeof uid === 'number') {
    const bytes = new Uint8Array(5);
    bytes[0] = UID_NUMBER;
    new DataView(bytes.buffer).setUint32(1, uid);
    return bytes;
  }
  const text = new TextEncoder().encode(uid);
  const bytes = new Uint8Array(2 + text.length);
  bytes[0] = UID_STRING;
  bytes[1] = text.length;
  bytes.set(text, 2);
  return bytes;
}

/** The SFU's frame: kind, the sender's uid bytes (see encodeSenderUid), payload. */
export function encodeServerFrame(kind: DataFrameKind, sender: Uint8Array, payload: Uint8Array): Uint8Array<ArrayBuffer> {
  const frame = new Uint8Array(1 + sender.length + payload.length);
  frame[0] = kind;
  frame.set(sender, 1);
  frame.set(payload, 1 + sender.length);
  return frame;
}

/** Reads an SFU frame; undefined when it is not one (a client ignores it). */
export function decodeServerFrame(frame: Uint8Array): { kind: DataFrameKind; uid: number | string; payload: Uint8Array } | undefined {
  const kind = frame[0];
  if (kind !== DataFrameKind.streamMessage && kind !== DataFrameKind.metadata) return undefined;
  if (frame[1] === UID_NUMBER && frame.length >= 6) {
    const uid = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(2);
    return { kind, uid, payload: frame.slice(6) };
  }
  const length = frame[2] ?? 0;
  if (frame[1] !== UID_STRING || length === 0 || frame.length < 3 + length) return undefined;
  return { kind, uid: new TextDecoder().decode(frame.subarray(3, 3 + length)), payload: frame.slice(3 + length) };
}

/**
 * The pace of one sender: two token buckets, frames and payload bytes, each refilled at its rate
 * a second and holding `burst` seconds' worth. The SDK refuses a frame it has no budget for; the
 * SFU drops it.
 */
export class DataSendBudget {
  #frames: number;
  #bytes: number;
  #burst: number;
  #updatedAt: number;

  constructor(burst = 1, now = Date.now()) {
    this.#burst = burst;
    this.#frames = DATA_LIMITS.framesPerSecond * burst;
    this.#bytes = DATA_LIMITS.bytesPerSecond * burst;
    this.#updatedAt = now;
  }

  /** Takes one frame of `bytes` payload bytes from the budget; false (and nothing taken) when it does not fit. */
  take(bytes: number, now = Date.now()): boolean {
    // A clock step backwards refills nothing.
    const seconds = Math.max(0, now - this.#updatedAt) / 1000;
    this.#updatedAt = now;
    this.#frames = Math.min(DATA_LIMITS.framesPerSecond * this.#burst, this.#frames + seconds * DATA_LIMITS.framesPerSecond);
    this.#bytes = Math.min(DATA_LIMITS.bytesPerSecond * this.#burst, this.#bytes + seconds * DATA_LIMITS.bytesPerSecond);
    if (this.#frames < 1 || this.#bytes < bytes) return false;
    this.#frames -= 1;
    this.#bytes -= bytes;
    return true;
  }
}
