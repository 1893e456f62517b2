/**
 * The server's clock as seen from this page (Agora's `getNtpWallTimeInMs`): every client of one
 * server reads the same time, so they can line up playback (lyrics in a chorus, say). Each
 * keepalive pong carries the server's time; the sample with the shortest round trip is kept, its
 * offset corrected by half the round trip, as NTP's clock filter does.
 */
export class ServerClock {
  #offsetMs = 0;
  #bestRttMs = Number.POSITIVE_INFINITY;

  /** A pong sent by the server at `serverTime`, for a ping sent at `sentAt` and answered at `receivedAt` (Date.now()). */
  sample(sentAt: number, receivedAt: number, serverTime: number): void {
    const rtt = receivedAt - sentAt;
    if (!(rtt >= 0) || !Number.isFinite(serverTime) || rtt > this.#bestRttMs) return;
    this.#bestRttMs = rtt;
    this.#offsetMs = serverTime + rtt / 2 - receivedAt;
  }

  /** True once a pong has been heard. */
  get synced(): boolean {
    return Number.isFinite(this.#bestRttMs);
  }

  /** The server's time now, in Unix milliseconds (this page's clock until the first pong). */
  now(): number {
    return Math.round(Date.now() + this.#offsetMs);
  }
}
