/**
 * When a subscriber's downlink cannot carry the video it is sent, step it down (Agora's stream
 * fallback): high layer → low layer → audio only, as far as each subscription's fallback option
 * allows; and step back up later.
 *
 * The evidence is the subscriber's receiver-side bandwidth estimate (REMB, which Chromium sends
 * for the goog-remb feedback the SFU negotiates) against the bitrate the SFU forwards to it. An
 * estimate that fell below what is sent, and stays there for CONGESTION_HOLD_MS, means the link is
 * full: one step down. Sooner if the sign repeats at the next reading: Chromium lowers its estimate
 * only when it sees its queue grow, so two falls in a row are a link filling up, not noise. At
 * once when the two signs below come together. An
 * estimate short of what is sent but rising is not congestion by itself: a new connection's
 * estimate starts low and climbs with what it receives, a kilobit a second at times, far below
 * what arrives. Then the subscriber's receiver reports tell: a full link drops packets, so a short
 * estimate with LOSSY_FRACTION lost is the same sign as a fall.
 * Going up cannot be read from REMB, which only grows with what is received, so after a quiet
 * back-off the policy tries one step up; if that congests the link again soon, the back-off grows.
 */
import type { FallbackLevel } from './layerChoice.ts';

/**
 * An estimate below this share of what is sent counts as congestion. On an idle loopback link
 * Chromium's REMB wanders around what it receives, 0.7 to 1.2 of it, from second to second
 * (measured in the dual-stream call test); a full link drives it towards 0.85 of the link's
 * capacity, and lower as the queue grows.
 */
export const CONGESTED_RATIO = 0.6;
export const CONGESTION_HOLD_MS = 3_000;
/**
 * A share of packets lost, in the subscriber's latest receiver reports, that shows a full link
 * (with a short estimate): Chromium's own sender backs off above 10% loss. A 400 kbps high layer
 * through a 300 kbps link showed 72 to 93% lost in the reports of the seconds after the throttle
 * (the link's queue full, whole frames dropped); a link that loses a few percent at random, and
 * whose estimate covers what is sent, keeps its layer.
 */
export const LOSSY_FRACTION = 0.1;
/**
 * Readings in a row, a second apart, with a sign of congestion (a short estimate that fell, or
 * came with loss) that count as congestion before the hold is over. Measured on a link throttled to 300 kbps under a 400 kbps high layer
 * (test/browser/throttle.test.ts), readings a second apart from the throttle on: 378 → 259 → 191
 * → 161 kbps. Short from 191 on, so the second fall stepped down 2.9 s after the throttle, where
 * the hold alone waited until 4.9 s and the subscriber saw the low layer only after 5.5 s. With
 * the loss in the receiver reports (72% at the 191 reading), the step comes at 1.9 s.
 */
export const CONFIRMING_SIGNS = 2;
/** …and the signs must span a reading interval at least: two reports of one moment are one sign. */
const CONFIRMING_SPAN_MS = 1_000;
/**
 * The wait before trying a step up, growing (doubling) with each try that fails, up to
 * MAX_BACKOFF_MS. The cap bounds how long a link that got better stays on the lower layer: a link
 * recovering just after a failed try waits out one full back-off, up to a second more for the
 * reading, then a switch (a keyframe from the publisher, 0.5 to 1.5 s), which must stay within
 * 15 s. Measured with a 12 s cap: the high layer was back 11.6 to 12.9 s after the throttle
 * lifted, too close; with 10 s there is room for a loaded machine. On a link that stays slow each
 * try costs the 1 to 3 s it takes to fail (loss shows at once), once per 10 s. (It used to double
 * up to 80 s: after a 20 s throttle the subscriber stayed on the low layer for up to 20 s more.)
 */
export const INITIAL_BACKOFF_MS = 6_000;
export const MAX_BACKOFF_MS = 10_000;
/** A step down this soon after a step up means the step up failed. */
const FAILED_PROBE_MS = 6_000;

export interface DownlinkReading {
  now: number;
  /** The subscriber's latest REMB in bits per second; undefined before the first. */
  estimateBps: number | undefined;
  /** What the SFU forwarded to it over the last interval, in bits per second. */
  sendingBps: number;
  /** The highest share of packets lost (0 to 1) in the subscriber's receiver reports since the last reading; undefined without one. */
  lossFraction?: number;
}

export class DownlinkFallback {
  #level: FallbackLevel = 0;
  #congestedSince: number | undefined;
  #changedAt = 0;
  #steppedUpAt: number | undefined;
  #backoffMs = INITIAL_BACKOFF_MS;
  #previousEstimate: number | undefined;
  /** Readings in a row with a sign of congestion. */
  #signs = 0;

  /** How far the connection's video has fallen back: 0 (not), 1 (low layer), 2 (audio only). */
  get level(): FallbackLevel {
    return this.#level;
  }

  get backoffMs(): number {
    return this.#backoffMs;
  }

  /**
   * Takes a reading; `deepest` is the furthest any subscription on the connection may fall back.
   * Returns the new level when it changed.
   */
  update(reading: DownlinkReading, deepest: FallbackLevel): FallbackLevel | undefined {
    const { now, estimateBps, sendingBps, lossFraction = 0 } = reading;
    if (this.#level > deepest) return this.#set(deepest, now);
    const short = estimateBps !== undefined && sendingBps > 0 && estimateBps < CONGESTED_RATIO * sendingBps;
    const fell = estimateBps !== undefined && this.#previousEstimate !== undefined && estimateBps < this.#previousEstimate;
    this.#previousEstimate = estimateBps;
    // Congestion starts with a sign (the estimate falls short, or is short with loss), and lasts as long as it stays short.
    const lossy = lossFraction >= LOSSY_FRACTION;
    const sign = short && (fell || lossy);
    const congested = sign || (short && this.#congestedSince !== undefined);
    this.#signs = sign ? this.#signs + 1 : 0;
    if (!congested) {
      this.#congestedSince = undefined;
      if (this.#steppedUpAt !== undefined && now - this.#steppedUpAt > this.#backoffMs) {
        // The last step up held: the link has room again.
        this.#steppedUpAt = undefined;
        this.#backoffMs = INITIAL_BACKOFF_MS;
      }
    } else {
      this.#congestedSince ??= now;
      const held = now - this.#congestedSince;
      // A fall and loss in one reading are two signs that do not share a cause other than a full link.
      const confirmed = held >= CONGESTION_HOLD_MS || (this.#signs >= CONFIRMING_SIGNS && held >= CONFIRMING_SPAN_MS) || (fell && lossy);
      if (confirmed && this.#level < deepest) {
        if (this.#steppedUpAt !== undefined && now - this.#steppedUpAt < FAILED_PROBE_MS) this.#backoffMs = Math.min(this.#backoffMs * 2, MAX_BACKOFF_MS);
        this.#steppedUpAt = undefined;
        // Still short after this step: the next one comes after another hold, or two more signs.
        this.#congestedSince = now;
        this.#signs = 0;
        return this.#set((this.#level + 1) as FallbackLevel, now);
      }
    }
    // At the deepest level allowed, an estimate short of what is sent but no longer falling does
    // not hold back the next try: after a failed try Chromium's estimate crashes (to 19 kbps under a
    // 50 kbps low layer, measured) and climbs back a kilobit a second, as slowly as it likes, while
    // the low layer flows; waiting for it kept the high layer away 5 s past the back-off.
    const settled = !congested || (this.#level >= deepest && !sign);
    if (settled && this.#level > 0 && now - this.#changedAt >= this.#backoffMs) {
      this.#steppedUpAt = now;
      return this.#set((this.#level - 1) as FallbackLevel, now);
    }
    return undefined;
  }

  #set(level: FallbackLevel, now: number): FallbackLevel {
    this.#level = level;
    this.#changedAt = now;
    return level;
  }
}
