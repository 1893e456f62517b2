/**
 * A local audio track (microphone or custom source). A microphone is never played back locally —
 * hearing yourself with a delay is confusing and feeds back through speakers — so `play()` only
 * plays custom sources.
 */
import { invalidOperation } from '../errors.ts';
import { LocalTrack } from './localTrack.ts';
import { chosenDeviceId, openDevice, type DeviceChoice } from './switchDevice.ts';
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

  /**
   * Switches a microphone track to another microphone (an id from getMicrophones()), keeping its
   * processing settings; every client publishing it carries on with the new one.
   */
  async setDevice(device: DeviceChoice): Promise<void> {
    if (!this.#isMicrophone) throw invalidOperation('setDevice() is for microphone tracks; a custom track has no device');
    if (this.isClosed) throw invalidOperation('The track is closed');
    const deviceId = chosenDeviceId(device);
    if (deviceId === this.currentDeviceId() || this.deferDeviceSwitch(deviceId)) return;
    await this.swapMediaStreamTrack(await openDevice('audio', this.getMediaStreamTrack(), deviceId));
  }

  protected override get capturesDevice(): boolean {
    return this.#isMicrophone;
  }

  protected override reopenDevice(deviceId: string | undefined): Promise<MediaStreamTrack> {
    return openDevice('audio', this.getMediaStreamTrack(), deviceId);
  }

  protected override mediaStreamTrackSwapped(track: MediaStreamTrack): void {
    this.#player?.setTrack(track);
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
