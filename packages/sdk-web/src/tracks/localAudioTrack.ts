/**
 * A local audio track (microphone or custom source). A microphone is never played back locally —
 * hearing yourself with a delay is confusing and feeds back through speakers — so `play()` only
 * plays custom sources.
 */
import { LocalTrack } from './localTrack.ts';
import { AudioPlayer } from './mediaPlayer.ts';
import { VolumeMeter } from './volumeMeter.ts';

export class LocalAudioTrack extends LocalTrack {
  override readonly trackMediaType = 'audio' as const;
  readonly #isMicrophone: boolean;
  #player: AudioPlayer | undefined;
  #meter = new VolumeMeter();

  constructor(track: MediaStreamTrack, options: { isMicrophone: boolean }) {
    super(track);
    this.#isMicrophone = options.isMicrophone;
  }

  /** The level of the sound the track carries now, 0 to 1 (0 while muted or disabled: nothing is sent). */
  getVolumeLevel(): number {
    return this.enabled && !this.muted ? this.#meter.level(this.getMediaStreamTrack()) : 0;
  }

  override get isPlaying(): boolean {
    return this.#player !== undefined;
  }

  /** Plays a custom audio source locally; does nothing for a microphone track (see the file header). */
  play(): void {
    if (this.#isMicrophone || this.#player) return;
    this.#player = new AudioPlayer(this.getMediaStreamTrack(), 1);
  }

  override stop(): void {
    this.#player?.stop();
    this.#player = undefined;
  }
}
