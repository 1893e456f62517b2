/**
 * Agora's `volume-indicator`: once enabled (`client.enableAudioVolumeIndicator()`), every 2 s
 * while the client is connected, the level (0–100) of the local user's published audio and of
 * every remote user whose audio this client receives. Each track's meter (`getVolumeLevel`) is
 * read every 100 ms and the loudest reading of the 2 s is reported, so a word between two
 * reports is not missed. Nothing extra is sent over the network.
 */
export interface VolumeIndicatorResult {
  level: number;
  uid: number | string;
}

export const VOLUME_INDICATOR_INTERVAL_MS = 2_000;
const SAMPLE_MS = 100;

export class VolumeIndicator {
  #timer: ReturnType<typeof setInterval> | undefined;
  #ticks = 0;
  #loudest = new Map<number | string, number>();
  readonly #read: () => VolumeIndicatorResult[];
  readonly #report: (levels: VolumeIndicatorResult[]) => void;

  constructor(read: () => VolumeIndicatorResult[], report: (levels: VolumeIndicatorResult[]) => void) {
    this.#read = read;
    this.#report = report;
  }

  /** Reports while connected; the client stops it at leave and starts it again at the next connect. */
  start(): void {
    this.#timer ??= setInterval(() => this.#sample(), SAMPLE_MS);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#ticks = 0;
    this.#loudest.clear();
  }

  #sample(): void {
    const now = this.#read();
    for (const { uid, level } of now) this.#loudest.set(uid, Math.max(level, this.#loudest.get(uid) ?? 0));
    if (++this.#ticks < VOLUME_INDICATOR_INTERVAL_MS / SAMPLE_MS) return;
    // Users who left since the last report are not in `now`: report only who is still heard.
    this.#report(now.map(({ uid }) => ({ uid, level: this.#loudest.get(uid) ?? 0 })));
    this.#ticks = 0;
    this.#loudest.clear();
  }
}

/** A meter's 0–1 reading as Agora's 0–100 level, to one decimal. */
export function toLevel(volume: number): number {
  return Math.round(Math.min(1, Math.max(0, volume)) * 1000) / 10;
}
