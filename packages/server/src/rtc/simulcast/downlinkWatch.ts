/**
 * Feeds a subscribe connection's downlink fallback (downlinkFallback.ts) once a second: the
 * subscriber's latest REMB, caught on any of the connection's senders (Chromium sends one estimate
 * for the whole connection, addressed to one of the SSRCs it receives), against the video bytes
 * the connection's forwarders sent since the last reading; and the highest loss its receiver
 * reports gave for any of those senders since then. A new fallback level goes to every
 * video subscription on the connection, each following as far as its option allows.
 */
import { ReceiverEstimatedMaxBitrate, RtcpPayloadSpecificFeedback, RtcpRrPacket, RtcpSrPacket, type RTCRtpSender, type RtcpPacket } from 'werift';
import { SharedInterval } from '../sharedInterval.ts';
import { DownlinkFallback } from './downlinkFallback.ts';
import type { FallbackLevel } from './layerChoice.ts';
import type { VideoSubscription } from './videoSubscription.ts';

const READING_INTERVAL_MS = 1_000;
/** Every subscribe connection's reading, in one wake-up a second. */
const readings = new SharedInterval(READING_INTERVAL_MS);

export class DownlinkWatch {
  #subscriptions: () => VideoSubscription[];
  #fallback = new DownlinkFallback();
  #estimateBps: number | undefined;
  /** The highest share lost in the receiver reports since the last reading. */
  #lossFraction: number | undefined;
  #bytesAtLastReading = 0;
  #lastReadingAt = Date.now();
  #stopReadings: () => void;

  constructor(subscriptions: () => VideoSubscription[]) {
    this.#subscriptions = subscriptions;
    this.#stopReadings = readings.add(() => {
      const now = Date.now();
      // The shared tick may come moments after the watch began: a rate over a few milliseconds
      // would be noise, so the first reading waits for at least half an interval.
      if (now - this.#lastReadingAt >= READING_INTERVAL_MS / 2) this.read(now);
    });
  }

  /** The subscriber's latest estimate in bits per second (undefined before its first REMB). */
  get estimateBps(): number | undefined {
    return this.#estimateBps;
  }

  get level(): FallbackLevel {
    return this.#fallback.level;
  }

  /** Listens for REMB and receiver reports on a sender of the connection; returns a function that stops listening. */
  watch(sender: RTCRtpSender): () => void {
    const { unSubscribe } = sender.onRtcp.subscribe((packet: RtcpPacket) => {
      if (packet.type === RtcpPayloadSpecificFeedback.type && packet.feedback.count === ReceiverEstimatedMaxBitrate.count) {
        this.#estimateBps = Number((packet.feedback as ReceiverEstimatedMaxBitrate).bitrate);
      } else if (packet.type === RtcpRrPacket.type || packet.type === RtcpSrPacket.type) {
        // A report block's fraction lost is in 256ths, over the interval since the subscriber's previous report.
        for (const report of packet.reports) {
          if (report.ssrc === sender.ssrc) this.#lossFraction = Math.max(this.#lossFraction ?? 0, report.fractionLost / 256);
        }
      }
    });
    return unSubscribe;
  }

  /** Takes one reading (the shared tick calls it about once a second). */
  read(now: number): void {
    const subscriptions = this.#subscriptions();
    const bytes = subscriptions.reduce((sum, s) => sum + s.forwarder.bytesSent, 0);
    const seconds = (now - this.#lastReadingAt) / 1000;
    // A subscription that ended takes its bytes along: never read that as a negative rate.
    const sendingBps = seconds > 0 && bytes >= this.#bytesAtLastReading ? ((bytes - this.#bytesAtLastReading) * 8) / seconds : 0;
    this.#bytesAtLastReading = bytes;
    this.#lastReadingAt = now;
    const deepest = Math.max(0, ...subscriptions.map((s) => s.deepestFallback)) as FallbackLevel;
    const level = this.#fallback.update({ now, estimateBps: this.#estimateBps, sendingBps, lossFraction: this.#lossFraction }, deepest);
    this.#lossFraction = undefined;
    if (level !== undefined) for (const subscription of subscriptions) subscription.applyFallback(level);
  }

  stop(): void {
    this.#stopReadings();
  }
}
