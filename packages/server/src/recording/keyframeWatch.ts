/**
 * Decides when a recorded video track needs a keyframe from its publisher, as a WebRTC receiver
 * does: WebRTC encoders send one only when asked, and a recording can neither start without one
 * nor decode past a lost packet until the next.
 * - Until the first keyframe arrives, and again after a loss, it asks every RETRY_MS: one request
 *   is not enough when the keyframe itself is lost (a camera's keyframe is dozens of packets).
 * - A packet missing for LOSS_GRACE_MS is lost for good (werift's recorder waits 200 ms for
 *   reordered and retransmitted packets, then drops the frame and writes the ones after it,
 *   which refer to it).
 * - While the publisher sends nothing (its video is muted) it does not ask again: once packets
 *   flow, the next check does.
 * The caller feeds it sequence numbers, tells it when a keyframe was written, and calls `check`
 * on a timer.
 */

/** How often to ask again while no keyframe has come. */
export const RETRY_MS = 1_000;
/** How long a missing packet may still arrive (a retransmission) before the frame is broken. */
export const LOSS_GRACE_MS = 400;
/** A gap this long is not waited for: the sender keeps no history that far back. */
const LONGEST_REPAIRABLE_GAP = 512;

export class KeyframeWatch {
  #request: () => void;
  /** Missing sequence numbers → when they were found missing (in insertion order, so oldest first). */
  #missing = new Map<number, number>();
  #highest: number | undefined;
  #waiting = true;
  #lastRequest = -Infinity;
  #packetSinceRequest = true;

  constructor(request: () => void) {
    this.#request = request;
  }

  /** Asks for a keyframe now and keeps asking until one is written (`keyframe`). */
  need(now: number): void {
    this.#waiting = true;
    this.#ask(now);
  }

  /** A keyframe was written: the track decodes from here on. */
  keyframe(): void {
    this.#waiting = false;
  }

  /** An RTP packet arrived (retransmissions too, with their original sequence number). */
  packet(sequenceNumber: number, now: number): void {
    this.#packetSinceRequest = true;
    if (this.#highest === undefined) {
      this.#highest = sequenceNumber;
      return;
    }
    const ahead = (sequenceNumber - this.#highest) & 0xffff;
    if (ahead === 0) return;
    if (ahead >= 0x8000) {
      // Late: reordered or retransmitted.
      this.#missing.delete(sequenceNumber);
      return;
    }
    if (ahead - 1 > LONGEST_REPAIRABLE_GAP) this.#lost(now);
    else for (let skipped = 1; skipped < ahead; skipped += 1) this.#missing.set((this.#highest + skipped) & 0xffff, now);
    this.#highest = sequenceNumber;
  }

  check(now: number): void {
    const oldest = this.#missing.values().next();
    if (!oldest.done && now - oldest.value >= LOSS_GRACE_MS) this.#lost(now);
    else if (this.#waiting && this.#packetSinceRequest && now - this.#lastRequest >= RETRY_MS) this.#ask(now);
  }

  #lost(now: number): void {
    this.#missing.clear();
    this.#waiting = true;
    if (now - this.#lastRequest >= RETRY_MS) this.#ask(now);
  }

  #ask(now: number): void {
    this.#lastRequest = now;
    this.#packetSinceRequest = false;
    this.#request();
  }
}
