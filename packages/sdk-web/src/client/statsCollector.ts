/**
 * Samples both peer connections' getStats() once a second while the client is in a channel, so
 * the Agora-style getters (`client.getRemoteVideoStats()` and friends) can answer synchronously
 * with the latest sample, and rates can be computed between samples.
 */
import type { MediaKind } from '@parley/protocol';
import {
  inboundStats,
  outboundStats,
  transportTotals,
  type InboundStats,
  type OutboundStats,
  type OwnerLookup,
  type PublishedFor,
  type RateMemory,
} from '../rtc/stats.ts';

export const STATS_INTERVAL_MS = 1_000;

/** Agora's client-level statistics (`client.getRTCStats()`). */
export interface RTCStats {
  /** Seconds since join. */
  Duration: number;
  /** Users in the channel, this client included. */
  UserCount: number;
  SendBytes: number;
  RecvBytes: number;
  /** Bits per second over the last second. */
  SendBitrate: number;
  RecvBitrate: number;
  /** Round-trip time to the server, in milliseconds. */
  RTT: number;
  /** The uplink's estimated free capacity (the browser's bandwidth estimate), in Kbps. */
  OutgoingAvailableBandwidth: number;
  /**
   * Parley extension: how media reaches the server, from the selected ICE candidate pair of the
   * publish connection (of the subscribe connection when not publishing): `host` or `srflx`/`prflx`
   * for a direct path, `relay` through a TURN server; '' before media connects.
   */
  LocalCandidateType: string;
  /** Parley extension: with a `relay` candidate, the transport to the TURN server: `udp`, `tcp` or `tls` (else ''). */
  RelayProtocol: string;
}

export interface StatsSources {
  publishStats(): Promise<RTCStatsReport | undefined>;
  subscribeStats(): Promise<RTCStatsReport | undefined>;
  ownerOf: OwnerLookup;
  publishedFor: PublishedFor;
  sendingKinds(): ReadonlySet<MediaKind>;
  userCount(): number;
}

export class StatsCollector {
  #sources: StatsSources;
  #timer: ReturnType<typeof setInterval> | undefined;
  #memory: RateMemory = new Map();
  #startedAt = 0;
  #inbound: InboundStats = { video: {}, audio: {} };
  #outbound: OutboundStats = { video: undefined, audio: undefined };
  #rtc: RTCStats = emptyRtcStats();
  #lastTotals: { at: number; sent: number; received: number } | undefined;
  #sampling = false;

  constructor(sources: StatsSources) {
    this.#sources = sources;
  }

  get inbound(): InboundStats {
    return this.#inbound;
  }

  get outbound(): OutboundStats {
    return this.#outbound;
  }

  get rtc(): RTCStats {
    return { ...this.#rtc, Duration: this.#startedAt ? Math.round((Date.now() - this.#startedAt) / 1000) : 0, UserCount: this.#sources.userCount() };
  }

  start(): void {
    if (this.#timer) return;
    this.#startedAt = Date.now();
    this.#timer = setInterval(() => void this.sample(), STATS_INTERVAL_MS);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#startedAt = 0;
    this.#memory.clear();
    this.#inbound = { video: {}, audio: {} };
    this.#outbound = { video: undefined, audio: undefined };
    this.#rtc = emptyRtcStats();
    this.#lastTotals = undefined;
  }

  /** Takes one sample now (the timer calls this; a slow getStats never overlaps the next). */
  async sample(): Promise<void> {
    if (this.#sampling) return;
    this.#sampling = true;
    try {
      const [publish, subscribe] = await Promise.all([this.#sources.publishStats(), this.#sources.subscribeStats()]);
      if (!this.#timer) return;
      const publishEntries = publish ? [...publish.values()] : [];
      const subscribeEntries = subscribe ? [...subscribe.values()] : [];
      this.#inbound = inboundStats(subscribeEntries, this.#sources.ownerOf, this.#memory, this.#sources.publishedFor);
      this.#outbound = outboundStats(publishEntries, this.#sources.sendingKinds(), this.#memory);
      this.#updateTotals(transportTotals(publishEntries), transportTotals(subscribeEntries));
    } catch {
      // A connection closed between the call and its answer: the next sample sees the new state.
    } finally {
      this.#sampling = false;
    }
  }

  #updateTotals(publish: ReturnType<typeof transportTotals>, subscribe: ReturnType<typeof transportTotals>): void {
    const now = Date.now();
    const sent = publish.bytesSent + subscribe.bytesSent;
    const received = publish.bytesReceived + subscribe.bytesReceived;
    const previous = this.#lastTotals;
    const seconds = previous ? (now - previous.at) / 1000 : 0;
    this.#rtc = {
      ...this.#rtc,
      SendBytes: sent,
      RecvBytes: received,
      SendBitrate: previous && seconds > 0 ? Math.max(0, Math.round(((sent - previous.sent) * 8) / seconds)) : 0,
      RecvBitrate: previous && seconds > 0 ? Math.max(0, Math.round(((received - previous.received) * 8) / seconds)) : 0,
      RTT: publish.rtt || subscribe.rtt,
      OutgoingAvailableBandwidth: Math.round(publish.availableOutgoingBitrate / 1000),
      LocalCandidateType: publish.localCandidateType || subscribe.localCandidateType,
      RelayProtocol: publish.localCandidateType ? publish.relayProtocol : subscribe.relayProtocol,
    };
    this.#lastTotals = { at: now, sent, received };
  }
}

function emptyRtcStats(): RTCStats {
  return { Duration: 0, UserCount: 0, SendBytes: 0, RecvBytes: 0, SendBitrate: 0, RecvBitrate: 0, RTT: 0, OutgoingAvailableBandwidth: 0, LocalCandidateType: '', RelayProtocol: '' };
}
