/**
 * Turns RTCPeerConnection.getStats() reports into Agora-shaped track statistics: inbound-rtp of
 * the subscribe connection → per-uid remote audio/video stats; outbound-rtp (plus media-source and
 * remote-inbound-rtp) of the publish connection → local audio/video stats. Rates (bitrate, frame
 * rates) are differences against the previous sample, which the caller keeps in a RateMemory.
 * Pure functions over plain records, so they are tested without a browser.
 */
import type { MediaKind } from '@parley/protocol';

export interface RemoteVideoTrackStats {
  codecType?: string;
  /** Bytes received since the subscription started. */
  receiveBytes: number;
  receivePackets: number;
  receivePacketsLost: number;
  /** Same as receivePacketsLost (the name RTCStats uses). */
  packetsLost: number;
  /** Lost packets as a percentage of expected packets, since the start. */
  packetLossRate: number;
  /** Bits per second over the last sampling interval. */
  receiveBitrate: number;
  /** Frames per second arriving over the network. */
  receiveFrameRate: number;
  /** Frames per second decoded. */
  decodeFrameRate: number;
  receiveResolutionWidth: number;
  receiveResolutionHeight: number;
  framesDecoded: number;
  framesReceived: number;
  framesDropped: number;
  freezeCount: number;
  /** Seconds spent frozen, since the start. */
  totalFreezeTime: number;
  /** Milliseconds. */
  jitter: number;
  /** Half the round-trip time to the server, in milliseconds. */
  transportDelay: number;
}

export interface RemoteAudioTrackStats {
  codecType?: string;
  receiveBytes: number;
  receivePackets: number;
  receivePacketsLost: number;
  packetsLost: number;
  packetLossRate: number;
  receiveBitrate: number;
  /** Audio level 0-32767, as Agora reports it. */
  receiveLevel: number;
  totalSamplesReceived: number;
  concealedSamples: number;
  jitter: number;
  transportDelay: number;
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
}

const EMPTY_RECEIVED = { receiveBytes: 0, receivePackets: 0, receivePacketsLost: 0, packetsLost: 0, packetLossRate: 0, receiveBitrate: 0, jitter: 0, transportDelay: 0 };

/** Statistics of a remote video before its first sample (Agora reports zeros, not undefined). */
export function emptyRemoteVideoStats(): RemoteVideoTrackStats {
  return {
    ...EMPTY_RECEIVED,
    receiveFrameRate: 0,
    decodeFrameRate: 0,
    receiveResolutionWidth: 0,
    receiveResolutionHeight: 0,
    framesDecoded: 0,
    framesReceived: 0,
    framesDropped: 0,
    freezeCount: 0,
    totalFreezeTime: 0,
  };
}

export function emptyRemoteAudioStats(): RemoteAudioTrackStats {
  return { ...EMPTY_RECEIVED, receiveLevel: 0, totalSamplesReceived: 0, concealedSamples: 0 };
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
    rtt: 0,
  };
}

export function emptyLocalAudioStats(): LocalAudioTrackStats {
  return { sendBytes: 0, sendPackets: 0, sendPacketsLost: 0, packetsLost: 0, sendBitrate: 0, sendVolumeLevel: 0, rtt: 0 };
}

/** Previous counters per RTP stream, to compute rates. */
export type RateMemory = Map<string, { timestamp: number; bytes: number; frames: number; framesDecoded: number }>;

type Stat = Record<string, unknown> & { id: string; type: string; timestamp: number };

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

/** Per-second rates of bytes (as bits), frames and decoded frames since the previous sample. */
function rates(memory: RateMemory, stat: Stat, bytes: number, frames: number, framesDecoded: number) {
  const previous = memory.get(stat.id);
  memory.set(stat.id, { timestamp: stat.timestamp, bytes, frames, framesDecoded });
  const seconds = previous ? (stat.timestamp - previous.timestamp) / 1000 : 0;
  if (!previous || seconds <= 0) return { bitrate: 0, frameRate: 0, decodeRate: 0 };
  return {
    bitrate: Math.max(0, Math.round(((bytes - previous.bytes) * 8) / seconds)),
    frameRate: Math.max(0, Math.round(((frames - previous.frames) / seconds) * 10) / 10),
    decodeRate: Math.max(0, Math.round(((framesDecoded - previous.framesDecoded) / seconds) * 10) / 10),
  };
}

function lossRate(lost: number, received: number): number {
  const expected = lost + received;
  return expected > 0 ? Math.round((lost / expected) * 10_000) / 100 : 0;
}

/** Round-trip time of the selected candidate pair, in milliseconds. */
function transportRtt(stats: Stat[], byId: Map<string, Stat>): number {
  const transport = stats.find((stat) => stat.type === 'transport');
  const pair =
    byId.get(str(transport, 'selectedCandidatePairId') ?? '') ??
    stats.find((stat) => stat.type === 'candidate-pair' && (stat.selected === true || (stat.nominated === true && stat.state === 'succeeded')));
  return Math.round(num(pair, 'currentRoundTripTime') * 1000);
}

/** Statistics of every received track, keyed by the sender's uid (as a string). */
export function inboundStats(report: Iterable<unknown>, ownerOf: OwnerLookup, memory: RateMemory): InboundStats {
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
    const common = {
      codecType: codecName(byId, stat),
      receiveBytes: bytes,
      receivePackets: packets,
      receivePacketsLost: lost,
      packetsLost: lost,
      packetLossRate: lossRate(lost, packets),
      jitter: Math.round(num(stat, 'jitter') * 1000),
      transportDelay,
    };
    if (kind === 'video') {
      const framesReceived = num(stat, 'framesReceived');
      const framesDecoded = num(stat, 'framesDecoded');
      const rate = rates(memory, stat, bytes, framesReceived, framesDecoded);
      result.video[uid] = {
        ...common,
        receiveBitrate: rate.bitrate,
        receiveFrameRate: rate.frameRate || num(stat, 'framesPerSecond'),
        decodeFrameRate: rate.decodeRate || num(stat, 'framesPerSecond'),
        receiveResolutionWidth: num(stat, 'frameWidth'),
        receiveResolutionHeight: num(stat, 'frameHeight'),
        framesDecoded,
        framesReceived,
        framesDropped: num(stat, 'framesDropped'),
        freezeCount: num(stat, 'freezeCount'),
        totalFreezeTime: num(stat, 'totalFreezesDuration'),
      };
    } else {
      const rate = rates(memory, stat, bytes, 0, 0);
      result.audio[uid] = {
        ...common,
        receiveBitrate: rate.bitrate,
        receiveLevel: Math.round(num(stat, 'audioLevel') * 32767),
        totalSamplesReceived: num(stat, 'totalSamplesReceived'),
        concealedSamples: num(stat, 'concealedSamples'),
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
    const lost = Math.max(0, num(remote, 'packetsLost'));
    const common = {
      codecType: codecName(byId, stat),
      sendBytes: bytes,
      sendPackets: num(stat, 'packetsSent'),
      sendPacketsLost: lost,
      packetsLost: lost,
      rtt: remote && num(remote, 'roundTripTime') > 0 ? Math.round(num(remote, 'roundTripTime') * 1000) : rtt,
    };
    if (kind === 'video') {
      const framesEncoded = num(stat, 'framesEncoded');
      const rate = rates(memory, stat, bytes, num(stat, 'framesSent'), framesEncoded);
      result.video = {
        ...common,
        sendBitrate: rate.bitrate,
        sendFrameRate: rate.frameRate || num(stat, 'framesPerSecond'),
        sendResolutionWidth: num(stat, 'frameWidth'),
        sendResolutionHeight: num(stat, 'frameHeight'),
        captureResolutionWidth: num(source, 'width'),
        captureResolutionHeight: num(source, 'height'),
        captureFrameRate: num(source, 'framesPerSecond'),
        framesEncoded,
        targetSendBitrate: num(stat, 'targetBitrate'),
        encodeDelay: framesEncoded > 0 ? Math.round((num(stat, 'totalEncodeTime') / framesEncoded) * 1000 * 10) / 10 : 0,
        qualityLimitationReason: str(stat, 'qualityLimitationReason') ?? 'none',
      };
    } else {
      const rate = rates(memory, stat, bytes, 0, 0);
      result.audio = { ...common, sendBitrate: rate.bitrate, sendVolumeLevel: Math.round(num(source, 'audioLevel') * 32767) };
    }
  }
  return result;
}

/** Totals of one peer connection's transport: bytes both ways and the round-trip time. */
export interface TransportTotals {
  bytesSent: number;
  bytesReceived: number;
  rtt: number;
}

export function transportTotals(report: Iterable<unknown>): TransportTotals {
  const stats = toStats(report);
  const byId = new Map(stats.map((stat) => [stat.id, stat]));
  const transports = stats.filter((stat) => stat.type === 'transport');
  return {
    bytesSent: transports.reduce((sum, stat) => sum + num(stat, 'bytesSent'), 0),
    bytesReceived: transports.reduce((sum, stat) => sum + num(stat, 'bytesReceived'), 0),
    rtt: transportRtt(stats, byId),
  };
}
