/**
 * Agora's `network-quality` event: every 2 s while joined, how well this client's links carry
 * media, 0–6 (0 unknown, 1 excellent, 2 good, 3 poor, 4 bad, 5 very bad, 6 down). Uplink is read
 * from what the server reports of the packets this client sends (loss) and the round trip;
 * downlink from the packets this client receives. A direction with nothing to carry is 0; a
 * signaling connection that is reconnecting is 6 both ways.
 */
export interface NetworkQuality {
  uplinkNetworkQuality: number;
  downlinkNetworkQuality: number;
}

export const NETWORK_QUALITY_INTERVAL_MS = 2_000;

/** Packet counters, cumulative since the connection started, and the round trip now. */
export interface LinkCounters {
  packets: number;
  lost: number;
  rttMs: number;
}

/** Quality of one direction from its loss over the last interval and the round trip. */
export function qualityOf(lossRate: number, rttMs: number): number {
  if (lossRate >= 0.3) return 6;
  if (lossRate >= 0.15 || rttMs >= 1_200) return 5;
  if (lossRate >= 0.08 || rttMs >= 800) return 4;
  if (lossRate >= 0.03 || rttMs >= 400) return 3;
  if (lossRate >= 0.01 || rttMs >= 150) return 2;
  return 1;
}

/** Turns cumulative counters into a quality per interval: the change since the last reading counts. */
export class LinkQuality {
  #last: LinkCounters | undefined;

  next(now: LinkCounters | undefined): number {
    const last = this.#last;
    this.#last = now;
    if (!now) return 0;
    if (!last) return qualityOf(0, now.rttMs);
    const packets = now.packets - last.packets;
    const lost = Math.max(0, now.lost - last.lost);
    // Nothing went through in 2 s on a link that carries media: it is down.
    if (packets <= 0) return 6;
    return qualityOf(lost / (packets + lost), now.rttMs);
  }

  reset(): void {
    this.#last = undefined;
  }
}

/** What the monitor reads every interval: whether signaling is reconnecting, and each link's counters (undefined: nothing to carry). */
export interface LinkReading {
  reconnecting: boolean;
  uplink: LinkCounters | undefined;
  downlink: LinkCounters | undefined;
}

/** Reports `network-quality` every 2 s between start (join) and stop (leave). */
export class NetworkQualityMonitor {
  #timer: ReturnType<typeof setInterval> | undefined;
  #uplink = new LinkQuality();
  #downlink = new LinkQuality();
  #latest: NetworkQuality = { uplinkNetworkQuality: 0, downlinkNetworkQuality: 0 };
  readonly #read: () => LinkReading;
  readonly #report: (quality: NetworkQuality) => void;

  constructor(read: () => LinkReading, report: (quality: NetworkQuality) => void) {
    this.#read = read;
    this.#report = report;
  }

  get latest(): NetworkQuality {
    return this.#latest;
  }

  start(): void {
    this.#timer ??= setInterval(() => this.#tick(), NETWORK_QUALITY_INTERVAL_MS);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#uplink.reset();
    this.#downlink.reset();
    this.#latest = { uplinkNetworkQuality: 0, downlinkNetworkQuality: 0 };
  }

  #tick(): void {
    const reading = this.#read();
    this.#latest = reading.reconnecting
      ? { uplinkNetworkQuality: 6, downlinkNetworkQuality: 6 }
      : { uplinkNetworkQuality: this.#uplink.next(reading.uplink), downlinkNetworkQuality: this.#downlink.next(reading.downlink) };
    if (reading.reconnecting) {
      this.#uplink.reset();
      this.#downlink.reset();
    }
    this.#report(this.#latest);
  }
}
