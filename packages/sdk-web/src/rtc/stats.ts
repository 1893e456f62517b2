/**
 * Turns RTCPeerConnection.getStats() reports into Agora-shaped track statistics: inbound-rtp of
 * the subscribe connection → per-uid remote audio/video stats; outbound-rtp (plus media-source and
 * remote-inbound-rtp) of the publish connection → local audio/video stats. Rates (bitrate, frame
 * rates) are differences against the previous sample, which the caller keeps in a RateMemory.
 * Pure functions over plain records, so they are tested without a browser.
 */
import type { MediaKind } from '@parley/protocol';

/** What Agora reports for every received track, audio or video. */
interface ReceivedTrackStats {
  codecType?: string;
  /** Bytes received since the subscription started. */
  receiveBytes: number;
  receivePackets: number;
  receivePacketsLost: number;
  /** Same as receivePacketsLost (the name RTCStats uses). */
  packetsLost: number;
  /** Lost packets as a percentage of expected packets, since the start. */
  packetLossRate: number;
  /** Lost packets as a percentage of expected packets, over the last sample interval. */
  currentPacketLossRate: number;
  /** Bits per second over the last sampling interval. */
  receiveBitrate: number;
  /** Milliseconds. */
  jitter: number;
  /** Half the round-trip time to the server, in milliseconds. */
  transportDelay: number;
  /** Milliseconds from the server sending to this page playing: the hop from the server plus the jitter buffer. */
  receiveDelay: number;
  /**
   * Milliseconds from the publisher capturing to this page playing, encode and decode left out, as
   * Agora defines it: receiveDelay plus the publisher's hop to the server (estimated by this
   * client's own hop, the publisher's not being known here).
   */
  end2EndDelay: number;
  /** Seconds frozen (video) or concealed (audio: sound lost or late), since the start. */
  totalFreezeTime: number;
  /** Share of the last sample interval frozen or concealed, 0 to 1. */
  freezeRate: number;
  /** Seconds since this track was first received. */
  totalDuration: number;
  /** Seconds since the remote user published the track (as this client saw it). */
  publishDuration: number;
}

export interface RemoteVideoTrackStats extends ReceivedTrackStats {
  /** Frames per second arriving over the network. */
  receiveFrameRate: number;
  /** Frames per second decoded. */
  decodeFrameRate: number;
  /** Frames per second shown (what the decoder hands to the page). */
  renderFrameRate: number;
  receiveResolutionWidth: number;
  receiveResolutionHeight: number;
  framesDecoded: number;
  framesReceived: number;
  framesDropped: number;
  freezeCount: number;
}

export interface RemoteAudioTrackStats extends ReceivedTrackStats {
  /** Audio level 0-32767, as Agora reports it. */
  receiveLevel: number;
  totalSamplesReceived: number;
  concealedSamples: number;
  /** Packets the jitter buffer threw away for arriving too early or too late. */
  receivePacketsDiscarded: number;
}

export interface LocalVideoTrackStats {
  codecType?: string;
  sendBytes: number;
  sendPackets: number;
  /** Packets the server reported lost (remote-inbound-rtp). */
  sendPacketsLost: number;
  packetsLost: number;
  sendBitrate: number;
  sendFrameRate: number;
  sendResolutionWidth: number;
  sendResolutionHeight: number;
  captureResolutionWidth: number;
  captureResolutionHeight: number;
  captureFrameRate: number;
  framesEncoded: number;
  targetSendBitrate: number;
  /** Average encode time per frame, in milliseconds. */
  encodeDelay: number;
  /** Why the encoder lowers quality: "none", "cpu", "bandwidth" or "other". */
  qualityLimitationReason: string;
  /** Round-trip time to the server, in milliseconds. */
  rtt: number;
  /** Same as rtt (Agora's name). */
  sendRttMs: number;
  /** Jitter the server measured on what this client sends, in milliseconds. */
  sendJitterMs: number;
  /** Packets the server reported lost, as a percentage of those sent, over the last sample interval. */
  currentPacketLossRate: number;
  /** Seconds since publishing started. */
  totalDuration: number;
  /** Seconds during which publishing sent no frame (the camera or the encoder stalled). */
  totalFreezeTime: number;
}

export interface LocalAudioTrackStats {
  codecType?: string;
  sendBytes: number;
  sendPackets: number;
  sendPacketsLost: number;
  packetsLost: number;
  sendBitrate: number;
  /** Audio level 0-32767 of what the microphone captures. */
  sendVolumeLevel: number;
  rtt: number;
  sendRttMs: number;
  sendJitterMs: number;
  currentPacketLossRate: number;
}

const EMPTY_RECEIVED = {
  receiveBytes: 0,
  receivePackets: 0,
  receivePacketsLost: 0,
  packetsLost: 0,
  packetLossRate: 0,
  receiveBitrate: 0,
  jitter: 0,
  transportDelay: 0,
  totalFreezeTime: 0,
  freezeRate: 0,
  receiveDelay: 0,
  end2EndDelay: 0,
  currentPacketLossRate: 0,
  totalDuration: 0,
  publishDuration: 0,
};

/** Statistics of a remote video before its first sample (Agora reports zeros, not undefined). */
export function emptyRemoteVideoStats(): RemoteVideoTrackStats {
  return {
    ...EMPTY_RECEIVED,
    receiveFrameRate: 0,
    decodeFrameRate: 0,
    renderFrameRate: 0,
    receiveResolutionWidth: 0,
    receiveResolutionHeight: 0,
    framesDecoded: 0,
    framesReceived: 0,
    framesDropped: 0,
    freezeCount: 0,
  };
}

export function emptyRemoteAudioStats(): RemoteAudioTrackStats {
  return { ...EMPTY_RECEIVED, receiveLevel: 0, totalSamplesReceived: 0, concealedSamples: 0, receivePacketsDiscarded: 0 };
}

/** What getLocalVideoStats() answers before anything is published. */
export function emptyLocalVideoStats(): LocalVideoTrackStats {
  return {
    sendBytes: 0,
    sendPackets: 0,
    sendPacketsLost: 0,
    packetsLost: 0,
    sendBitrate: 0,
    sendFrameRate: 0,
    sendResolutionWidth: 0,
    sendResolutionHeight: 0,
    captureResolutionWidth: 0,
    captureResolutionHeight: 0,
    captureFrameRate: 0,
    framesEncoded: 0,
    targetSendBitrate: 0,
    encodeDelay: 0,
    qualityLimitationReason: 'none',
    ...EMPTY_SENT,
    totalDuration: 0,
    totalFreezeTime: 0,
  };
}

const EMPTY_SENT = { rtt: 0, sendRttMs: 0, sendJitterMs: 0, currentPacketLossRate: 0 };

export function emptyLocalAudioStats(): LocalAudioTrackStats {
  return { sendBytes: 0, sendPackets: 0, sendPacketsLost: 0, packetsLost: 0, sendBitrate: 0, sendVolumeLevel: 0, ...EMPTY_SENT };
}

/** An RTP stream's counters at the previous sample, to compute rates and changes over the interval. */
interface Counters {
  timestamp: number;
  bytes: number;
  frames: number;
  framesDecoded: number;
  /** Packets lost and packets received (sent, for what this client sends). */
  lost: number;
  packets: number;
  /** Seconds frozen so far (concealed, for audio). */
  frozen: number;
}

/** Previous counters per RTP stream, and when each stream was first seen. */
export type RateMemory = Map<string, Counters & { since: number }>;

/** How a sample compares with the previous one of the same stream. */
interface Interval {
  seconds: number;
  /** Seconds since the stream was first seen. */
  age: number;
  bitrate: number;
  frameRate: number;
  decodeRate: number;
  /** Percentage of packets lost over the interval. */
  currentLoss: number;
  /** Share of the interval spent frozen, 0 to 1. */
  freezeRate: number;
}

/** Records `now` for `stat` and compares it with the stream's previous sample. */
function advance(memory: RateMemory, stat: Stat, now: Omit<Counters, 'timestamp'>): Interval {
  const previous = memory.get(stat.id);
  const since = previous?.since ?? stat.timestamp;
  memory.set(stat.id, { ...now, timestamp: stat.timestamp, since });
  const seconds = previous ? (stat.timestamp - previous.timestamp) / 1000 : 0;
  const age = Math.round((stat.timestamp - since) / 1000);
  if (!previous || seconds <= 0) return { seconds: 0, age, bitrate: 0, frameRate: 0, decodeRate: 0, currentLoss: 0, freezeRate: 0 };
  const perSecond = (delta: number) => Math.max(0, Math.round((delta / seconds) * 10) / 10);
  return {
    seconds,
    age,
    bitrate: Math.max(0, Math.round(((now.bytes - previous.bytes) * 8) / seconds)),
    frameRate: perSecond(now.frames - previous.frames),
    decodeRate: perSecond(now.framesDecoded - previous.framesDecoded),
    currentLoss: lossRate(Math.max(0, now.lost - previous.lost), Math.max(0, now.packets - previous.packets)),
    freezeRate: Math.min(1, Math.max(0, Math.round(((now.frozen - previous.frozen) / seconds) * 100) / 100)),
  };
}

type Stat = Record<string, unknown> & { id: string; type: string; timestamp: number };

/** When the remote user `uid` published `kind`, as a Date.now() time (0 when unknown). */
export type PublishedFor = (uid: string, kind: MediaKind) => number;

/** Who a received track belongs to, found by its track identifier or its mid. */
export type OwnerLookup = (trackIdentifier: string | undefined, mid: string | undefined) => { uid: number | string; kind: MediaKind } | undefined;

export interface InboundStats {
  video: Record<string, RemoteVideoTrackStats>;
  audio: Record<string, RemoteAudioTrackStats>;
}

export interface OutboundStats {
  video: LocalVideoTrackStats | undefined;
  audio: LocalAudioTrackStats | undefined;
}

function toStats(report: Iterable<unknown>): Stat[] {
  return [...report].filter((value): value is Stat => typeof value === 'object' && value !== null && 'type' in value && 'id' in value);
}

function num(stat: Stat | undefined, field: string): number {
  const value = stat?.[field];
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function str(stat: Stat | undefined, field: string): string | undefined {
  const value = stat?.[field];
  return typeof value === 'string' ? value : undefined;
}

function codecName(byId: Map<string, Stat>, stat: Stat): string | undefined {
  const mimeType = str(byId.get(str(stat, 'codecId') ?? ''), 'mimeType');
  return mimeType?.split('/')[1];
}

function lossRate(lost: number, received: number): number {
  const expected = lost + received;
  return expected > 0 ? Math.round((lost / expected) * 10_000) / 100 : 0;
}

function selectedPair(stats: Stat[], byId: Map<string, Stat>): Stat | undefined {
  const transport = stats.find((stat) => stat.type === 'transport');
  return (
    byId.get(str(transport, 'selectedCandidatePairId') ?? '') ??
    stats.find((stat) => stat.type === 'candidate-pair' && (stat.selected === true || (stat.nominated === true && stat.state === 'succeeded')))
  );
}

/** Round-trip time of the selected candidate pair, in milliseconds. */
function transportRtt(stats: Stat[], byId: Map<string, Stat>): number {
  return Math.round(num(selectedPair(stats, byId), 'currentRoundTripTime') * 1000);
}

/** Statistics of every received track, keyed by the sender's uid (as a string). */
export function inboundStats(report: Iterable<unknown>, ownerOf: OwnerLookup, memory: RateMemory, publishedFor: PublishedFor = () => 0): InboundStats {
  const stats = toStats(report);
  const byId = new Map(stats.map((stat) => [stat.id, stat]));
  const transportDelay = Math.round(transportRtt(stats, byId) / 2);
  // A reused transceiver may still list its previous stream: keep the most recently active one.
  const chosen = new Map<string, Stat>();
  for (const stat of stats) {
    if (stat.type !== 'inbound-rtp') continue;
    const owner = ownerOf(str(stat, 'trackIdentifier'), str(stat, 'mid'));
    if (!owner || owner.kind !== (str(stat, 'kind') ?? str(stat, 'mediaType'))) continue;
    const key = `${owner.kind}:${String(owner.uid)}`;
    const current = chosen.get(key);
    if (!current || num(stat, 'lastPacketReceivedTimestamp') > num(current, 'lastPacketReceivedTimestamp')) chosen.set(key, stat);
  }
  const result: InboundStats = { video: {}, audio: {} };
  for (const [key, stat] of chosen) {
    const separator = key.indexOf(':');
    const kind = key.slice(0, separator) as MediaKind;
    const uid = key.slice(separator + 1);
    const bytes = num(stat, 'bytesReceived');
    const packets = num(stat, 'packetsReceived');
    const lost = Math.max(0, num(stat, 'packetsLost'));
    // The jitter buffer's average hold per emitted frame or sample.
    const emitted = num(stat, 'jitterBufferEmittedCount');
    const bufferMs = emitted > 0 ? (num(stat, 'jitterBufferDelay') / emitted) * 1000 : 0;
    const receiveDelay = Math.round(transportDelay + bufferMs);
    const publishedAt = publishedFor(uid, kind);
    const common = {
      codecType: codecName(byId, stat),
      receiveBytes: bytes,
      receivePackets: packets,
      receivePacketsLost: lost,
      packetsLost: lost,
      packetLossRate: lossRate(lost, packets),
      jitter: Math.round(num(stat, 'jitter') * 1000),
      transportDelay,
      receiveDelay,
      end2EndDelay: receiveDelay + transportDelay,
      publishDuration: publishedAt > 0 ? Math.max(0, Math.round((stat.timestamp - publishedAt) / 1000)) : 0,
    };
    if (kind === 'video') {
      const framesReceived = num(stat, 'framesReceived');
      const framesDecoded = num(stat, 'framesDecoded');
      const frozen = num(stat, 'totalFreezesDuration');
      const interval = advance(memory, stat, { bytes, frames: framesReceived, framesDecoded, lost, packets, frozen });
      const decodeFrameRate = interval.decodeRate || num(stat, 'framesPerSecond');
      result.video[uid] = {
        ...common,
        receiveBitrate: interval.bitrate,
        receiveFrameRate: interval.frameRate || num(stat, 'framesPerSecond'),
        decodeFrameRate,
        renderFrameRate: num(stat, 'framesPerSecond') || decodeFrameRate,
        receiveResolutionWidth: num(stat, 'frameWidth'),
        receiveResolutionHeight: num(stat, 'frameHeight'),
        framesDecoded,
        framesReceived,
        framesDropped: num(stat, 'framesDropped'),
        freezeCount: num(stat, 'freezeCount'),
        totalFreezeTime: frozen,
        freezeRate: interval.freezeRate,
        currentPacketLossRate: interval.currentLoss,
        totalDuration: interval.age,
      };
    } else {
      // Concealed sound, silence excepted, is what a listener hears as a dropout.
      const sampleRate = num(byId.get(str(stat, 'codecId') ?? ''), 'clockRate') || 48_000;
      const frozen = Math.max(0, num(stat, 'concealedSamples') - num(stat, 'silentConcealedSamples')) / sampleRate;
      const interval = advance(memory, stat, { bytes, frames: 0, framesDecoded: 0, lost, packets, frozen });
      result.audio[uid] = {
        ...common,
        receiveBitrate: interval.bitrate,
        receiveLevel: Math.round(num(stat, 'audioLevel') * 32767),
        totalSamplesReceived: num(stat, 'totalSamplesReceived'),
        concealedSamples: num(stat, 'concealedSamples'),
        receivePacketsDiscarded: num(stat, 'packetsDiscarded'),
        totalFreezeTime: Math.round(frozen * 100) / 100,
        freezeRate: interval.freezeRate,
        currentPacketLossRate: interval.currentLoss,
        totalDuration: interval.age,
      };
    }
  }
  return result;
}

/** Statistics of what this client sends, for the kinds in `sending`. */
export function outboundStats(report: Iterable<unknown>, sending: ReadonlySet<MediaKind>, memory: RateMemory): OutboundStats {
  const stats = toStats(report);
  const byId = new Map(stats.map((stat) => [stat.id, stat]));
  const rtt = transportRtt(stats, byId);
  const result: OutboundStats = { video: undefined, audio: undefined };
  for (const stat of stats) {
    if (stat.type !== 'outbound-rtp') continue;
    const kind = (str(stat, 'kind') ?? str(stat, 'mediaType')) as MediaKind | undefined;
    if (!kind || !sending.has(kind) || result[kind]) continue;
    const remote = stats.find((other) => other.type === 'remote-inbound-rtp' && other.localId === stat.id);
    const source = byId.get(str(stat, 'mediaSourceId') ?? '');
    const bytes = num(stat, 'bytesSent');
    const packets = num(stat, 'packetsSent');
    const lost = Math.max(0, num(remote, 'packetsLost'));
    const framesSent = num(stat, 'framesSent');
    const framesEncoded = num(stat, 'framesEncoded');
    const previous = memory.get(stat.id);
    // Seconds in which not one frame left: a frozen picture for everyone watching.
    const stalled = kind === 'video' && previous && framesSent === previous.frames ? (stat.timestamp - previous.timestamp) / 1000 : 0;
    const frozen = (previous?.frozen ?? 0) + stalled;
    // What the server received of the packets sent: remote-inbound-rtp counts lost against sent.
    const interval = advance(memory, stat, { bytes, frames: framesSent, framesDecoded: framesEncoded, lost, packets: Math.max(0, packets - lost), frozen });
    const rttMs = remote && num(remote, 'roundTripTime') > 0 ? Math.round(num(remote, 'roundTripTime') * 1000) : rtt;
    const common = {
      codecType: codecName(byId, stat),
      sendBytes: bytes,
      sendPackets: packets,
      sendPacketsLost: lost,
      packetsLost: lost,
      rtt: rttMs,
      sendRttMs: rttMs,
      sendJitterMs: Math.round(num(remote, 'jitter') * 1000),
      currentPacketLossRate: interval.currentLoss,
    };
    if (kind === 'video') {
      result.video = {
        ...common,
        sendBitrate: interval.bitrate,
        sendFrameRate: interval.frameRate || num(stat, 'framesPerSecond'),
        sendResolutionWidth: num(stat, 'frameWidth'),
        sendResolutionHeight: num(stat, 'frameHeight'),
        captureResolutionWidth: num(source, 'width'),
        captureResolutionHeight: num(source, 'height'),
        captureFrameRate: num(source, 'framesPerSecond'),
        framesEncoded,
        targetSendBitrate: num(stat, 'targetBitrate'),
        encodeDelay: framesEncoded > 0 ? Math.round((num(stat, 'totalEncodeTime') / framesEncoded) * 1000 * 10) / 10 : 0,
        qualityLimitationReason: str(stat, 'qualityLimitationReason') ?? 'none',
        totalDuration: interval.age,
        totalFreezeTime: Math.round(frozen * 10) / 10,
      };
    } else {
      result.audio = { ...common, sendBitrate: interval.bitrate, sendVolumeLevel: Math.round(num(source, 'audioLevel') * 32767) };
    }
  }
  return result;
}

/** Totals of one peer connection's transport: bytes both ways and the round-trip time. */
export interface TransportTotals {
  bytesSent: number;
  bytesReceived: number;
  rtt: number;
  /** The browser's estimate of the uplink's free capacity, bits per second (0 before it has one). */
  availableOutgoingBitrate: number;
  /** The type of this end's candidate in the selected pair: `host`, `srflx`, `prflx` or `relay` ('' before ICE connects). */
  localCandidateType: string;
  /** For a `relay` candidate, how the browser reaches the TURN server: `udp`, `tcp` or `tls` (else ''). */
  relayProtocol: string;
}

export function transportTotals(report: Iterable<unknown>): TransportTotals {
  const stats = toStats(report);
  const byId = new Map(stats.map((stat) => [stat.id, stat]));
  const transports = stats.filter((stat) => stat.type === 'transport');
  return {
    bytesSent: transports.reduce((sum, stat) => sum + num(stat, 'bytesSent'), 0),
    bytesReceived: transports.reduce((sum, stat) => sum + num(stat, 'bytesReceived'), 0),
    rtt: transportRtt(stats, byId),
    availableOutgoingBitrate: num(selectedPair(stats, byId), 'availableOutgoingBitrate'),
    ...localCandidate(stats, byId),
  };
}

function localCandidate(stats: Stat[], byId: Map<string, Stat>): Pick<TransportTotals, 'localCandidateType' | 'relayProtocol'> {
  const candidate = byId.get(str(selectedPair(stats, byId), 'localCandidateId') ?? '');
  const localCandidateType = str(candidate, 'candidateType') ?? '';
  return { localCandidateType, relayProtocol: localCandidateType === 'relay' ? (str(candidate, 'relayProtocol') ?? '') : '' };
}
