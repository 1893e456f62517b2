import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GenericNack, RTCRtpReceiver, RtcpTransportLayerFeedback, RtpHeader, RtpPacket } from 'werift';
import { generateNacks, GIVE_UP_MS, MAX_MISSING, RETRY_INTERVAL_MS, sequenceDistance } from './nackGenerator.ts';

/** werift's receiver with the generator in place and a transport that records the NACKs it sends. */
function receiverSendingNacks() {
  const receiver = new RTCRtpReceiver({ debug: {} } as never, 'video', 1);
  const nacks: GenericNack[] = [];
  const keyframes: number[] = [];
  receiver.setDtlsTransport({ sendRtcp: async (packets: RtcpTransportLayerFeedback[]) => void nacks.push(...packets.map((p) => p.feedback as GenericNack)) } as never);
  generateNacks(receiver, (ssrc) => keyframes.push(ssrc));
  const nack = (receiver as unknown as { nack: { addPacket(packet: RtpPacket): void } }).nack;
  const add = (ssrc: number, ...sequenceNumbers: number[]) => {
    for (const sequenceNumber of sequenceNumbers) nack.addPacket(new RtpPacket(new RtpHeader({ ssrc, sequenceNumber }), Buffer.alloc(0)));
  };
  /** Every sequence number asked for so far, in order, with repeats. */
  const asked = (ssrc: number) => nacks.filter((n) => n.mediaSourceSsrc === ssrc).flatMap((n) => n.lost);
  return { receiver, nacks, keyframes, add, asked };
}

describe('NACK generation for a publisher\'s video', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('measures sequence distance across the 16-bit wrap', () => {
    expect(sequenceDistance(65_535, 0)).toBe(1);
    expect(sequenceDistance(0, 65_535)).toBe(-1);
    expect(sequenceDistance(100, 90)).toBe(-10);
    expect(sequenceDistance(65_530, 4)).toBe(10);
  });

  it('follows each SSRC apart: interleaved simulcast layers lose nothing, a real gap is asked for under its own SSRC at once', () => {
    const { receiver, nacks, add, asked } = receiverSendingNacks();
    for (let i = 0; i < 20; i += 1) {
      add(1111, 100 + i);
      add(2222, 40_000 + i);
    }
    expect(nacks).toEqual([]);
    add(2222, 40_022);
    add(1111, 120);
    expect(asked(2222)).toEqual([40_020, 40_021]);
    expect(asked(1111)).toEqual([]);
    receiver.stop();
  });

  it('asks again every retry interval until the packet comes, then stops', () => {
    const { receiver, add, asked } = receiverSendingNacks();
    add(7, 10, 12);
    expect(asked(7)).toEqual([11]);
    vi.advanceTimersByTime(RETRY_INTERVAL_MS * 3);
    expect(asked(7)).toEqual([11, 11, 11, 11]);
    add(7, 11);
    vi.advanceTimersByTime(RETRY_INTERVAL_MS * 5);
    expect(asked(7)).toHaveLength(4);
    expect(vi.getTimerCount(), 'no timer runs while nothing is missing').toBe(0);
    receiver.stop();
  });

  it('finds gaps across the wrap and asks in sequence order', () => {
    const { receiver, add, asked } = receiverSendingNacks();
    add(7, 65_533, 65_534, 1);
    expect(asked(7)).toEqual([65_535, 0]);
    receiver.stop();
  });

  it('gives up on a packet after a while and asks the publisher for a keyframe instead', () => {
    const { receiver, add, asked, keyframes } = receiverSendingNacks();
    add(7, 10, 12);
    vi.advanceTimersByTime(GIVE_UP_MS - RETRY_INTERVAL_MS);
    expect(keyframes).toEqual([]);
    const requests = asked(7).length;
    expect(requests).toBeGreaterThan(10);
    vi.advanceTimersByTime(RETRY_INTERVAL_MS * 2);
    expect(keyframes).toEqual([7]);
    vi.advanceTimersByTime(GIVE_UP_MS);
    expect(asked(7).length, 'nothing asked for after giving up').toBeLessThanOrEqual(requests + 1);
    receiver.stop();
  });

  it('takes a gap wider than it would ask for as an outage: a keyframe, no NACK', () => {
    const { receiver, add, nacks, keyframes } = receiverSendingNacks();
    add(7, 1_000, 1_000 + MAX_MISSING + 2);
    expect(nacks).toEqual([]);
    expect(keyframes).toEqual([7]);
    // And it goes on from there.
    add(7, 1_000 + MAX_MISSING + 4);
    expect(nacks.flatMap((n) => n.lost)).toEqual([1_000 + MAX_MISSING + 3]);
    receiver.stop();
  });

  it('follows a sender that numbers from scratch again', () => {
    const { receiver, add, asked } = receiverSendingNacks();
    add(7, 30_000, 30_001, 5, 7);
    expect(asked(7)).toEqual([6]);
    receiver.stop();
  });

  it('counts its NACKs in werift\'s receiver statistics', async () => {
    const { receiver, add } = receiverSendingNacks();
    add(7, 1, 3);
    const counted = (receiver as unknown as { nackCountBySsrc: Record<number, number> }).nackCountBySsrc;
    expect(counted[7]).toBe(1);
    receiver.stop();
  });
});
