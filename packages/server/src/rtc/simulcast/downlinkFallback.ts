/**
 * When a subscriber's downlink cannot carry the video it is sent, step it down (Agora's stream
 * fallback): high layer → low layer → audio only, as far as each subscription's fallback option
 * allows; and step back up later.
 *
 * The evidence is the subscriber's receiver-side bandwidth estimate (REMB, which Chromium sends
 * for the goog-remb feedback the SFU negotiates) against the bitrate the SFU forwards to it. An
 * estimate that fell below what is sent, and stays there for CONGESTION_HOLD_MS, means the link is
 * full: one step down. An estimate below what is sent but rising is not congestion: a new
 * connection's estimate starts low and climbs with what it receives.
 * Going up cannot be read from REMB, which only grows with what is received, so after a quiet
 * back-off the policy tries one step up; if that congests the link again soon, the back-off doubles.
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
export const INITIAL_BACKOFF_MS = 10_000;
export const MAX_BACKOFF_MS = 80_000;
/** A step down this soon after a step up means the step up failed. */
const FAILED_PROBE_MS = 5_000;

export interface DownlinkReading {
  now: number;
  /** The subscriber's latest REMB in bits per second; undefined before the first. */
  estimateBps: number | undefined;
  /** What the SFU forwarded to it over the last interval, in bits per second. */
  sendingBps: number;
}

export class DownlinkFallback {
  #level: FallbackLevel = 0;
  #congestedSince: number | undefined;
  #changedAt = 0;
  #steppedUpAt: number | undefined;
  #backoffMs = INITIAL_BACKOFF_MS;
  #previousEstimate: number | undefined;

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
    const { now, estimateBps, sendingBps } = reading;
    if (this.#level > deepest) return this.#set(deepest, now);
    const short = estimateBps !== undefined && sendingBps > 0 && estimateBps < CONGESTED_RATIO * sendingBps;
    const fell = estimateBps !== undefined && this.#previousEstimate !== undefined && estimateBps < this.#previousEstimate;
    this.#previousEstimate = estimateBps;
    // Congestion starts when the estimate falls short, and lasts as long as it stays short.
    const congested = short && (fell || this.#congestedSince !== undefined);
    if (!congested) {
      this.#congestedSince = undefined;
      if (this.#steppedUpAt !== undefined && now - this.#steppedUpAt > this.#backoffMs) {
        // The last step up held: the link has room again.
        this.#steppedUpAt = undefined;
        this.#backoffMs = INITIAL_BACKOFF_MS;
      }
      if (this.#level > 0 && now - this.#changedAt >= this.#backoffMs) {
        this.#steppedUpAt = now;
        return this.#set((this.#level - 1) as FallbackLevel, now);
      }
      return undefined;
    }
    this.#congestedSince ??= now;
    if (now - this.#congestedSince < CONGESTION_HOLD_MS || this.#level >= deepest) return undefined;
    if (this.#steppedUpAt !== undefined && now - this.#steppedUpAt < FAILED_PROBE_MS) this.#backoffMs = Math.min(this.#backoffMs * 2, MAX_BACKOFF_MS);
    this.#steppedUpAt = undefined;
    // Still short after this step: the next one comes after another hold.
    this.#congestedSince = now;
    return this.#set((this.#level + 1) as FallbackLevel, now);
  }

  #set(level: FallbackLevel, now: number): FallbackLevel {
    this.#level = level;
    this.#changedAt = now;
    return level;
  }
}
