import { afterEach, describe, expect, it, vi } from 'vitest';
import { MediaStreamTrack, RTCRtpCodecParameters, RTCRtpSender, RtpHeader, RtpPacket } from 'werift';
import { srtpSink } from '../../../../../test/support/srtpSink.ts';
import { FAKE_TIMERS } from '../fakes.ts';
import type { VideoLayer } from './layerChoice.ts';
import { KEYFRAME_RETRY_MS, VideoForwarder, type LayerSource } from './videoForwarder.ts';
import { readVp8Descriptor } from './vp8Descriptor.ts';
import { vp8Payload } from './vp8TestPayload.ts';

interface Wire {
  ssrc: number;
  sequenceNumber: number;
  timestamp: number;
  pictureId: number;
  keyframe: boolean;
  extensions: number;
}

/**
 * werift's real RTCRtpSender, negotiated for VP8, over a DTLS transport with real SRTP and no
 * socket (test/support/srtpSink.ts): each packet is read back as the subscriber would, so the
 * sequence numbers and timestamps are werift's own rewriting.
 */
function wiredSender(): { sender: RTCRtpSender; wire: Wire[] } {
  const wire: Wire[] = [];
  const sender = new RTCRtpSender('video');
  sender.prepareSend({ codecs: [new RTCRtpCodecParameters({ mimeType: 'video/VP8', clockRate: 90_000, payloadType: 96 })], headerExtensions: [], muxId: '1', rtcp: {} } as never);
  const { transport, subscriber } = srtpSink({
    onWrite: async (data) => {
      const { header, payload } = RtpPacket.deSerialize(subscriber.decrypt(data));
      const descriptor = readVp8Descriptor(payload)!;
      wire.push({ ssrc: header.ssrc, sequenceNumber: header.sequenceNumber, timestamp: header.timestamp, pictureId: descriptor.pictureId, keyframe: descriptor.keyframeStart, extensions: header.extensions.length });
    },
  });
  sender.setDtlsTransport(transport as never);
  return { sender, wire };
}

/** One simulcast layer as the publish side delivers it: its own SSRC, numbering and picture ids. */
class FakeLayer {
  readonly track = new MediaStreamTrack({ kind: 'video', remote: true });
  readonly ssrc: number;
  keyframeRequests = 0;
  #sequenceNumber: number;
  #timestamp: number;
  #pictureId: number;

  constructor(ssrc: number, start: { sequenceNumber: number; timestamp: number; pictureId: number }) {
    this.ssrc = ssrc;
    this.#sequenceNumber = start.sequenceNumber;
    this.#timestamp = start.timestamp;
    this.#pictureId = start.pictureId;
  }

  get source(): LayerSource {
    return { track: this.track, requestKeyframe: () => void (this.keyframeRequests += 1) };
  }

  /** One frame of two packets; a keyframe when asked. */
  frame(keyframe = false): void {
    this.#timestamp = (this.#timestamp + 3000) >>> 0;
    this.#pictureId = (this.#pictureId + 1) & 0x7fff;
    for (const start of [true, false]) {
      this.#sequenceNumber = (this.#sequenceNumber + 1) & 0xffff;
      const header = new RtpHeader({ ssrc: this.ssrc, sequenceNumber: this.#sequenceNumber, timestamp: this.#timestamp, payloadType: 100, marker: !start, extensions: [{ id: 4, payload: Buffer.from('h') }] });
      this.track.onReceiveRtp.execute(new RtpPacket(header, vp8Payload({ start, keyframe, pictureId: this.#pictureId, tl0: this.#pictureId & 0xff })));
    }
  }
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('the video forwarder', () => {
  afterEach(() => vi.useRealTimers());

  function setUp() {
    const { sender, wire } = wiredSender();
    const switched: VideoLayer[] = [];
    const forwarder = new VideoForwarder(sender, { switched: (layer) => switched.push(layer) });
    const high = new FakeLayer(1111, { sequenceNumber: 65_000, timestamp: 4_000_000_000, pictureId: 32_000 });
    const low = new FakeLayer(2222, { sequenceNumber: 10, timestamp: 77, pictureId: 3 });
    forwarder.setSources(new Map([['high', high.source], ['low', low.source]]));
    return { sender, wire, switched, forwarder, high, low };
  }

  it('starts the first layer at once and forwards only it, as one stream with the sender\'s SSRC and no publisher extensions', async () => {
    const { wire, forwarder, high, low, sender } = setUp();
    forwarder.select('high');
    // Its keyframe is asked for once the subscriber's connection is up (SubscribeConnection).
    expect(high.keyframeRequests).toBe(0);
    high.frame();
    low.frame();
    high.frame();
    await flush();
    expect(wire).toHaveLength(4);
    expect(new Set(wire.map((w) => w.ssrc))).toEqual(new Set([sender.ssrc]));
    expect(wire.every((w) => w.extensions === 0)).toBe(true);
    expect(forwarder.layer).toBe('high');
  });

  it('switches at the new layer\'s keyframe, keeps the old layer until then, and numbers on without a jump back', async () => {
    const { wire, switched, forwarder, high, low } = setUp();
    forwarder.select('high');
    for (let i = 0; i < 5; i += 1) high.frame();
    forwarder.select('low');
    expect(low.keyframeRequests).toBe(1);
    low.frame();
    high.frame();
    await flush();
    // The low layer's delta frame is not forwarded; the high layer goes on.
    expect(forwarder.layer).toBe('high');
    const beforeSwitch = wire.length;
    expect(beforeSwitch).toBe(12);
    low.frame(true);
    high.frame();
    low.frame();
    await flush();
    expect(forwarder.layer).toBe('low');
    expect(switched).toEqual(['low']);
    const after = wire.slice(beforeSwitch);
    expect(after).toHaveLength(4);
    expect(after[0]!.keyframe).toBe(true);
    for (let i = 1; i < wire.length; i += 1) {
      expect(wire[i]!.sequenceNumber).toBe((wire[i - 1]!.sequenceNumber + 1) & 0xffff);
      expect(wire[i]!.pictureId - wire[i - 1]!.pictureId).toBeGreaterThanOrEqual(0);
      expect(wire[i]!.pictureId - wire[i - 1]!.pictureId).toBeLessThanOrEqual(1);
    }
    // Timestamps move forward (modulo 2^32) across the switch.
    const step = (after[0]!.timestamp - wire[beforeSwitch - 1]!.timestamp) >>> 0;
    expect(step).toBeGreaterThan(0);
    expect(step).toBeLessThan(90_000);
  });

  it('asks again for the keyframe every second until it comes, and relays a subscriber\'s PLI to the layer it receives', () => {
    vi.useFakeTimers(FAKE_TIMERS);
    const { forwarder, high, low } = setUp();
    forwarder.select('high');
    high.frame();
    forwarder.select('low');
    vi.advanceTimersByTime(3 * KEYFRAME_RETRY_MS);
    expect(low.keyframeRequests).toBe(4);
    forwarder.requestKeyframe();
    expect(high.keyframeRequests).toBe(1);
    low.frame(true);
    vi.advanceTimersByTime(3 * KEYFRAME_RETRY_MS);
    expect(low.keyframeRequests).toBe(4);
    forwarder.requestKeyframe();
    expect(low.keyframeRequests).toBe(5);
  });

  it('forwards no video when paused, resumes at a keyframe, and takes new sources at their keyframe', async () => {
    const { wire, switched, forwarder, high, low } = setUp();
    forwarder.select('high');
    high.frame();
    forwarder.select(undefined);
    high.frame(true);
    await flush();
    expect(wire).toHaveLength(2);
    forwarder.select('high');
    high.frame();
    high.frame(true);
    await flush();
    expect(wire).toHaveLength(4);
    expect(wire[2]!.keyframe).toBe(true);
    // The publisher publishes anew without dual stream: one new track, the same layer name.
    const replacement = new FakeLayer(3333, { sequenceNumber: 500, timestamp: 9, pictureId: 900 });
    forwarder.setSources(new Map([['high', replacement.source]]));
    high.frame(true);
    low.frame(true);
    replacement.frame();
    replacement.frame(true);
    await flush();
    expect(wire).toHaveLength(6);
    expect(wire[4]!.keyframe).toBe(true);
    expect(wire[4]!.sequenceNumber).toBe((wire[3]!.sequenceNumber + 1) & 0xffff);
    expect(wire[4]!.pictureId).toBe((wire[3]!.pictureId + 1) & 0x7fff);
    expect(switched).toEqual([]);
    forwarder.stop();
    replacement.frame(true);
    await flush();
    expect(wire).toHaveLength(6);
  });
  it('gives each subscriber of a layer its own numbering from the same packets (one header copy and descriptor serve them all)', async () => {
    const { wire, forwarder, high, low } = setUp();
    const other = wiredSender();
    const second = new VideoForwarder(other.sender, { switched: () => {} });
    second.setSources(new Map([['high', high.source], ['low', low.source]]));
    forwarder.select('high');
    second.select('low');
    for (let i = 0; i < 3; i += 1) low.frame();
    second.select('high');
    high.frame(true);
    high.frame();
    await flush();
    // The first subscriber gets the high layer's picture ids as sent; the second continues its low series.
    const highIds = wire.map((w) => w.pictureId);
    expect(highIds).toEqual([32_001, 32_001, 32_002, 32_002]);
    const secondIds = other.wire.map((w) => w.pictureId);
    expect(secondIds).toEqual([4, 4, 5, 5, 6, 6, 7, 7, 8, 8]);
    expect(new Set(other.wire.map((w) => w.ssrc))).toEqual(new Set([other.sender.ssrc]));
    expect(other.sender.ssrc).not.toBe(wire[0]!.ssrc);
    expect(other.wire.every((w) => w.extensions === 0)).toBe(true);
    second.stop();
  });
});
