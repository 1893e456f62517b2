/**
 * Keyframe requests (PLIs) to a publisher, at most one per layer every MIN_KEYFRAME_INTERVAL_MS:
 * subscribers joining, switching layers or losing packets at once need one keyframe, and a client
 * switching layers in a loop must not make the publisher send nothing but keyframes.
 *
 * A request inside the interval is not dropped but sent when the interval ends, once for all the
 * requests that came meanwhile. Dropped, it left a subscriber that connected just after someone
 * else's keyframe waiting until its own decoder asked again, ~200 ms later (bench:rtc's first
 * frame: 240 ms where it took 25-50 ms when the interval had passed).
 */
export const MIN_KEYFRAME_INTERVAL_MS = 200;

export class KeyframeRequests {
  #intervalMs: number;
  /** When a request was last sent, by SSRC. */
  #lastSent = new Map<number, number>();
  /** The request due when the interval ends, by SSRC, and how to send it (the latest asker's way). */
  #pending = new Map<number, { timer: NodeJS.Timeout; send: () => void }>();

  constructor(intervalMs = MIN_KEYFRAME_INTERVAL_MS) {
    this.#intervalMs = intervalMs;
  }

  /** Asks for a keyframe of `ssrc`; `send` sends the PLI. */
  request(ssrc: number, send: () => void): void {
    const pending = this.#pending.get(ssrc);
    if (pending) {
      pending.send = send;
      return;
    }
    const wait = (this.#lastSent.get(ssrc) ?? -Infinity) + this.#intervalMs - Date.now();
    if (wait <= 0) return this.#sendNow(ssrc, send);
    const due = {
      send,
      timer: setTimeout(() => {
        this.#pending.delete(ssrc);
        this.#sendNow(ssrc, due.send);
      }, wait),
    };
    this.#pending.set(ssrc, due);
  }

  /** Drops the requests still waiting (the connection closes). */
  stop(): void {
    for (const { timer } of this.#pending.values()) clearTimeout(timer);
    this.#pending.clear();
  }

  #sendNow(ssrc: number, send: () => void): void {
    this.#lastSent.set(ssrc, Date.now());
    send();
  }
}
