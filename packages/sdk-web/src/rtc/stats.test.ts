/**
 * getStats() reports turned into Agora-shaped statistics, from hand-made reports.
 */
import { describe, expect, it } from 'vitest';
import { inboundStats, outboundStats, transportTotals, type RateMemory } from './stats.ts';

const owners = new Map([
  ['video-track-of-alice', { uid: 'alice', kind: 'video' as const }],
  ['audio-track-of-alice', { uid: 'alice', kind: 'audio' as const }],
]);
const ownerOf = (trackIdentifier: string | undefined) => (trackIdentifier ? owners.get(trackIdentifier) : undefined);

function subscribeReport(timestamp: number, framesDecoded: number, bytesReceived: number, lost = { video: 5, audio: 0 }, frozenSeconds = 0) {
  return [
    { id: 'T1', type: 'transport', timestamp, selectedCandidatePairId: 'CP1', bytesSent: 500, bytesReceived },
    { id: 'CP1', type: 'candidate-pair', timestamp, currentRoundTripTime: 0.004, availableOutgoingBitrate: 1_500_000, localCandidateId: 'LC1' },
    { id: 'LC1', type: 'local-candidate', timestamp, candidateType: 'relay', relayProtocol: 'tls' },
    { id: 'C1', type: 'codec', timestamp, mimeType: 'video/VP8' },
    {
      id: 'IV1',
      type: 'inbound-rtp',
      kind: 'video',
      timestamp,
      trackIdentifier: 'video-track-of-alice',
      codecId: 'C1',
      bytesReceived,
      packetsReceived: 95 + framesDecoded,
      packetsLost: lost.video,
      totalFreezesDuration: frozenSeconds,
      jitterBufferDelay: framesDecoded * 0.03,
      jitterBufferEmittedCount: framesDecoded,
      framesReceived: framesDecoded + 1,
      framesDecoded,
      framesDropped: 1,
      frameWidth: 640,
      frameHeight: 480,
      framesPerSecond: 20,
      jitter: 0.002,
      lastPacketReceivedTimestamp: timestamp,
    },
    {
      id: 'IA1',
      type: 'inbound-rtp',
      kind: 'audio',
      timestamp,
      trackIdentifier: 'audio-track-of-alice',
      bytesReceived: 1000,
      packetsReceived: 50,
      packetsLost: lost.audio,
      packetsDiscarded: 2,
      audioLevel: 0.5,
      concealedSamples: 48_000 * frozenSeconds + 960,
      silentConcealedSamples: 960,
    },
    { id: 'IX', type: 'inbound-rtp', kind: 'video', timestamp, trackIdentifier: 'someone-unsubscribed', bytesReceived: 1 },
  ];
}

describe('inboundStats', () => {
  it('reports each subscribed remote track by uid, with rates between samples', () => {
    const memory: RateMemory = new Map();
    const first = inboundStats(subscribeReport(1_000, 20, 100_000), ownerOf, memory, (uid, kind) => (uid === 'alice' && kind === 'video' ? 500 : 0));
    expect(Object.keys(first.video)).toEqual(['alice']);
    expect(first.video.alice).toMatchObject({
      codecType: 'VP8',
      framesDecoded: 20,
      receiveResolutionWidth: 640,
      receiveResolutionHeight: 480,
      receiveBytes: 100_000,
      receivePackets: 115,
      packetsLost: 5,
      receivePacketsLost: 5,
      receiveFrameRate: 20,
      jitter: 2,
      transportDelay: 2,
      // 2 ms from the server plus 30 ms in the jitter buffer; plus the publisher's hop, estimated by ours.
      receiveDelay: 32,
      end2EndDelay: 34,
      totalDuration: 0,
      publishDuration: 1,
    });
    expect(first.audio.alice).toMatchObject({ receiveBytes: 1000, receiveLevel: 16384, receivePacketsDiscarded: 2, totalFreezeTime: 0, publishDuration: 0 });

    // Two seconds later: 10 more video packets lost of 50, half a second frozen, 0.25 s of sound concealed.
    const second = inboundStats(subscribeReport(3_000, 60, 150_000, { video: 15, audio: 0 }, 0.5), ownerOf, memory);
    expect(second.video.alice).toMatchObject({
      receiveBitrate: 200_000,
      receiveFrameRate: 20,
      decodeFrameRate: 20,
      renderFrameRate: 20,
      currentPacketLossRate: 20,
      totalFreezeTime: 0.5,
      freezeRate: 0.25,
      totalDuration: 2,
    });
    expect(second.audio.alice).toMatchObject({ totalFreezeTime: 0.5, freezeRate: 0.25, totalDuration: 2, currentPacketLossRate: 0 });
    for (const stats of [second.video.alice, second.audio.alice]) {
      for (const [field, value] of Object.entries(stats!)) if (field !== 'codecType') expect(Number.isFinite(value), field).toBe(true);
    }
  });

  it('keeps the most recently active stream when a reused receiver lists an old one too', () => {
    const report = [
      { id: 'old', type: 'inbound-rtp', kind: 'video', timestamp: 5, trackIdentifier: 'video-track-of-alice', framesDecoded: 900, lastPacketReceivedTimestamp: 1 },
      { id: 'new', type: 'inbound-rtp', kind: 'video', timestamp: 5, trackIdentifier: 'video-track-of-alice', framesDecoded: 3, lastPacketReceivedTimestamp: 4 },
    ];
    expect(inboundStats(report, ownerOf, new Map()).video.alice?.framesDecoded).toBe(3);
  });
});

describe('outboundStats', () => {
  it('reports the published kinds only, with capture size from the media source and loss from the server\'s reports', () => {
    const report = [
      { id: 'S1', type: 'media-source', kind: 'video', timestamp: 1, width: 640, height: 480, framesPerSecond: 20 },
      {
        id: 'OV',
        type: 'outbound-rtp',
        kind: 'video',
        timestamp: 1,
        mediaSourceId: 'S1',
        bytesSent: 5000,
        packetsSent: 10,
        framesEncoded: 10,
        framesSent: 10,
        totalEncodeTime: 0.05,
        frameWidth: 640,
        frameHeight: 480,
        qualityLimitationReason: 'none',
      },
      { id: 'RV', type: 'remote-inbound-rtp', kind: 'video', timestamp: 1, localId: 'OV', packetsLost: 2, roundTripTime: 0.01 },
      { id: 'OA', type: 'outbound-rtp', kind: 'audio', timestamp: 1, bytesSent: 700 },
    ];
    const memory: RateMemory = new Map();
    const stats = outboundStats(report, new Set(['video'] as const), memory);
    expect(stats.audio).toBeUndefined();
    expect(stats.video).toMatchObject({
      sendBytes: 5000,
      sendPackets: 10,
      packetsLost: 2,
      captureResolutionWidth: 640,
      captureFrameRate: 20,
      sendResolutionHeight: 480,
      framesEncoded: 10,
      encodeDelay: 5,
      rtt: 10,
      sendRttMs: 10,
      totalFreezeTime: 0,
    });
    // A second later nothing more was sent: a second frozen for everyone watching.
    const later = report.map((stat) => ({ ...stat, timestamp: 1_001 }));
    expect(outboundStats(later, new Set(['video'] as const), memory).video).toMatchObject({ totalFreezeTime: 1, sendFrameRate: 0 });
  });
});

describe('transportTotals', () => {
  it('sums the transport counters and reads the selected pair\'s round-trip time', () => {
    expect(transportTotals(subscribeReport(1, 0, 1234))).toEqual({
      bytesSent: 500,
      bytesReceived: 1234,
      rtt: 4,
      availableOutgoingBitrate: 1_500_000,
      localCandidateType: 'relay',
      relayProtocol: 'tls',
    });
  });
});
