import { describe, expect, it } from 'vitest';
import { GenericNack, RTCRtpReceiver, RtcpTransportLayerFeedback, RtpHeader, RtpPacket } from 'werift';
import { nackPerLayer } from './layerNack.ts';

/** werift's receiver with a transport that records the NACKs it sends. */
function receiverSendingNacks(perLayer: boolean): { receiver: RTCRtpReceiver; nacks: GenericNack[]; add(ssrc: number, sequenceNumber: number): void } {
  const receiver = new RTCRtpReceiver({ debug: {} } as never, 'video', 1);
  const nacks: GenericNack[] = [];
  receiver.setDtlsTransport({ sendRtcp: async (packets: RtcpTransportLayerFeedback[]) => void nacks.push(...packets.map((p) => p.feedback as GenericNack)) } as never);
  if (perLayer) nackPerLayer(receiver);
  const nack = (receiver as unknown as { nack: { addPacket(packet: RtpPacket): void } }).nack;
  return { receiver, nacks, add: (ssrc, sequenceNumber) => nack.addPacket(new RtpPacket(new RtpHeader({ ssrc, sequenceNumber }), Buffer.alloc(0))) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

/** Two layers' packets in turn, each layer numbered on without gaps. */
function interleave(add: (ssrc: number, sequenceNumber: number) => void, count: number): void {
  for (let i = 0; i < count; i += 1) {
    add(1111, 100 + i);
    add(2222, 40_000 + i);
  }
}

describe('NACKs for simulcast layers', () => {
  it('follows each layer\'s sequence numbers apart: interleaved layers lose nothing, a real gap is asked for under its own SSRC', async () => {
    const { receiver, nacks, add } = receiverSendingNacks(true);
    interleave(add, 20);
    await settle();
    expect(nacks).toEqual([]);
    add(2222, 40_022);
    add(1111, 120);
    await settle();
    expect(nacks.length).toBeGreaterThan(0);
    expect(new Set(nacks.map((n) => n.mediaSourceSsrc))).toEqual(new Set([2222]));
    expect(new Set(nacks.flatMap((n) => n.lost))).toEqual(new Set([40_020, 40_021]));
    receiver.stop();
  });

  it('is needed: werift\'s one handler takes the interleaving for losses', async () => {
    const { receiver, nacks, add } = receiverSendingNacks(false);
    interleave(add, 5);
    await settle();
    expect(nacks.length).toBeGreaterThan(0);
    receiver.stop();
  });
});
