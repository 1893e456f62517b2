/**
 * A local audio track (microphone or custom source). A microphone is never played back locally —
 * hearing yourself with a delay is confusing and feeds back through speakers — so `play()` only
 * plays custom sources.
 */
import { invalidOperation } from '../errors.ts';
import type { LocalAudioTrackStats } from '../rtc/stats.ts';
import { AudioFrameTap, type AudioFrameCallback } from './audioFrames.ts';
import { LocalTrack } from './localTrack.ts';
import { checkPlaybackDevice } from './mediaPlayer.ts';
import { checkLocalVolume, SendGain } from './sendGain.ts';
import { chosenDeviceId, openDevice, type DeviceChoice } from './switchDevice.ts';
import { AudioPlayer } from './mediaPlayer.ts';
import { VolumeMeter } from './volumeMeter.ts';

/** A microphone, a screen share's sound, an audio file or your own MediaStreamTrack (Agora's ILocalAudioTrack and IMicrophoneAudioTrack): level, volume, playback device. */
export class LocalAudioTrack extends LocalTrack {
  override readonly trackMediaType = 'audio' as const;
  readonly #isMicrophone: boolean;
  #player: AudioPlayer | undefined;
  #meter = new VolumeMeter();
  #gain: SendGain | undefined;
  #frames = new AudioFrameTap();
  #sinkId = '';

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
    this.#gain?.setInput(track);
    this.#player?.setTrack(this.sentMediaStreamTrack());
    this.#frames.follow(track);
  }

  override sentMediaStreamTrack(): MediaStreamTrack {
    return this.#gain?.output ?? this.getMediaStreamTrack();
  }

  /**
   * The volume sent (and played locally), 0 to 1000 with 100 as captured. Goes through Web Audio,
   * so the page's audio context must run: call it from a user gesture (it resumes the context).
   */
  setVolume(volume: number): void {
    checkLocalVolume(volume);
    if (!this.#gain) {
      if (volume === 100) return;
      this.#gain = new SendGain(this.getMediaStreamTrack());
      this.#player?.setTrack(this.#gain.output);
      void this.resend().catch(() => {});
    }
    this.#gain.setVolume(volume);
  }

  /** Raw audio of the track in AudioBuffers of `frameSize` samples; null stops it. */
  setAudioFrameCallback(audioFrameCallback: AudioFrameCallback | null, frameSize?: number): void {
    this.#frames.set(this.getMediaStreamTrack(), audioFrameCallback, frameSize);
  }

  /** Plays a custom source's local playback through output device `deviceId` (from getPlaybackDevices()). */
  async setPlaybackDevice(deviceId: string): Promise<void> {
    this.#sinkId = checkPlaybackDevice(deviceId);
    await this.#player?.setSinkId(this.#sinkId);
  }

  override getStats(): LocalAudioTrackStats {
    return super.getStats() as LocalAudioTrackStats;
  }

  override get isPlaying(): boolean {
    return this.#player !== undefined;
  }

  /** Plays a custom audio source locally; does nothing for a microphone track (see the file header). */
  play(): void {
    if (this.#isMicrophone || this.#player) return;
    this.#player = new AudioPlayer(this.sentMediaStreamTrack(), 1);
    if (this.#sinkId) void this.#player.setSinkId(this.#sinkId).catch(() => {});
  }

  override stop(): void {
    this.#player?.stop();
    this.#player = undefined;
  }

  override close(): void {
    super.close();
    this.#frames.close();
    this.#gain?.close();
    this.#gain = undefined;
  }
}
