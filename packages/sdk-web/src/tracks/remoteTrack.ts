/**
 * Tracks received from remote users. A remote track object lives from the moment its media
 * arrives until the user unpublishes, the client unsubscribes or leaves; if the server moves the
 * media to another receiver meanwhile, the same object follows it and keeps playing.
 */
import type { MediaKind } from '@parley/protocol';
import { invalidParams } from '../errors.ts';
import { emptyRemoteAudioStats, emptyRemoteVideoStats, type RemoteAudioTrackStats, type RemoteVideoTrackStats } from '../rtc/stats.ts';
import { TypedEmitter } from '../typedEmitter.ts';
import { AudioFrameTap, type AudioFrameCallback } from './audioFrames.ts';
import { AudioPlayer, checkPlaybackDevice, resolveContainer, VideoPlayer, type VideoPlayerConfig } from './mediaPlayer.ts';
import { currentFrameData } from './frameData.ts';
import { videoElementVisibility, type CheckVideoVisibleResult } from './visibility.ts';
import { VolumeMeter } from './volumeMeter.ts';

/** What a remote track asks its client about itself: the transceiver and the statistics. */
export interface RemoteTrackSource {
  transceiver(uid: number | string, kind: MediaKind): RTCRtpTransceiver | undefined;
  stats(uid: number | string, kind: MediaKind): RemoteAudioTrackStats | RemoteVideoTrackStats | undefined;
}

/** A remote track's events, as Agora's IRemoteTrack has them. */
export interface RemoteTrackEvents {
  /** The first frame (video) or the first sound (audio) was decoded after play(). */
  'first-frame-decoded': () => void;
}

/** What remote audio and video tracks share: the sender's uid, playback, statistics. Received with `client.subscribe`. */
export abstract class RemoteTrack extends TypedEmitter<RemoteTrackEvents> {
  abstract readonly trackMediaType: MediaKind;
  readonly #uid: number | string;
  #track: MediaStreamTrack;
  readonly #source: RemoteTrackSource | undefined;

  constructor(uid: number | string, track: MediaStreamTrack, source?: RemoteTrackSource) {
    super();
    this.#uid = uid;
    this.#track = track;
    this.#source = source;
  }

  /** The RTCRtpTransceiver that receives this track. */
  getRTCRtpTransceiver(): RTCRtpTransceiver | undefined {
    return this.#source?.transceiver(this.#uid, this.trackMediaType);
  }

  /** Receiving statistics (Agora's deprecated track-level getStats): zeros before the first sample. */
  protected receivedStats(): RemoteAudioTrackStats | RemoteVideoTrackStats | undefined {
    return this.#source?.stats(this.#uid, this.trackMediaType);
  }

  getUserId(): number | string {
    return this.#uid;
  }

  getTrackId(): string {
    return this.#track.id;
  }

  getMediaStreamTrack(): MediaStreamTrack {
    return this.#track;
  }

  abstract get isPlaying(): boolean;
  abstract stop(): void;

  /** @internal The client points the track at the receiver that now carries it. */
  replaceMediaStreamTrack(track: MediaStreamTrack): void {
    if (track === this.#track) return;
    this.#track = track;
    this.trackReplaced(track);
  }

  protected abstract trackReplaced(track: MediaStreamTrack): void;
}

/** A remote user's camera or screen (Agora's IRemoteVideoTrack): play it into an element. */
export class RemoteVideoTrack extends RemoteTrack {
  override readonly trackMediaType = 'video' as const;
  #player: VideoPlayer | undefined;

  override get isPlaying(): boolean {
    return this.#player !== undefined;
  }

  /** Shows the video inside `elementOrId` (an element, or its id), replacing an earlier player. */
  play(elementOrId: HTMLElement | string, config: VideoPlayerConfig = {}): void {
    const container = resolveContainer(elementOrId);
    this.#player?.stop();
    this.#player = new VideoPlayer(container, this.getMediaStreamTrack(), { ...config, mirror: config.mirror ?? false });
    this.#player.element.addEventListener('loadeddata', () => this.emit('first-frame-decoded'), { once: true });
  }

  override stop(): void {
    this.#player?.stop();
    this.#player = undefined;
  }

  getVideoElement(): HTMLVideoElement | undefined {
    return this.#player?.element;
  }

  /** The picture shown now (a 1×1 image while the track does not play). */
  getCurrentFrameData(): ImageData {
    return currentFrameData(this.#player?.element);
  }

  /** Whether the video can be seen, and if not why; undefined while it does not play. */
  getVideoElementVisibleStatus(): CheckVideoVisibleResult | undefined {
    return videoElementVisibility(this.#player?.element);
  }

  getStats(): RemoteVideoTrackStats {
    return (this.receivedStats() as RemoteVideoTrackStats | undefined) ?? emptyRemoteVideoStats();
  }

  protected override trackReplaced(track: MediaStreamTrack): void {
    this.#player?.setTrack(track);
  }
}

/** A remote user's sound (Agora's IRemoteAudioTrack): play it, set its volume and output device. */
export class RemoteAudioTrack extends RemoteTrack {
  override readonly trackMediaType = 'audio' as const;
  #player: AudioPlayer | undefined;
  /** Agora's scale: 100 plays the sound as received. */
  #volume = 100;
  #meter = new VolumeMeter();
  #frames = new AudioFrameTap();
  #sinkId = '';

  override get isPlaying(): boolean {
    return this.#player !== undefined;
  }

  /** Plays the sound through the default output device. */
  play(): void {
    if (this.#player) return;
    this.#player = new AudioPlayer(this.getMediaStreamTrack(), this.#volume / 100);
    if (this.#sinkId) void this.#player.setSinkId(this.#sinkId).catch(() => {});
  }

  /** Plays through the output device `deviceId` (from getPlaybackDevices()), now and at the next play(). */
  async setPlaybackDevice(deviceId: string): Promise<void> {
    this.#sinkId = checkPlaybackDevice(deviceId);
    await this.#player?.setSinkId(this.#sinkId);
  }

  override stop(): void {
    this.#player?.stop();
    this.#player = undefined;
    this.#frames.close();
  }

  /** The level of the sound received now, 0 to 1, whether or not it is played. */
  getVolumeLevel(): number {
    return this.#meter.level(this.getMediaStreamTrack());
  }

  /** Playback volume from 0 (silent) to 100 (as received). */
  setVolume(volume: number): void {
    if (typeof volume !== 'number' || Number.isNaN(volume)) throw invalidParams('volume must be a number from 0 to 100', { field: 'volume' });
    this.#volume = Math.min(100, Math.max(0, volume));
    this.#player?.setVolume(this.#volume / 100);
  }

  /** The playback volume set with setVolume or setAmplifiedVolume (100 as received). */
  getVolume(): number {
    return this.#volume;
  }

  /**
   * Playback volume 0–100 as setVolume. A media element cannot play louder than received, so
   * amplification above 100 is not offered: the value is capped, as the browser would cap it.
   */
  setAmplifiedVolume(volume: number): void {
    this.setVolume(volume);
  }

  /** Raw audio of the track in AudioBuffers of `frameSize` samples; null stops it. */
  setAudioFrameCallback(audioFrameCallback: AudioFrameCallback | null, frameSize?: number): void {
    this.#frames.set(this.getMediaStreamTrack(), audioFrameCallback, frameSize);
  }

  getStats(): RemoteAudioTrackStats {
    return (this.receivedStats() as RemoteAudioTrackStats | undefined) ?? emptyRemoteAudioStats();
  }

  protected override trackReplaced(track: MediaStreamTrack): void {
    this.#player?.setTrack(track);
    this.#frames.follow(track);
  }
}
