/**
 * Tracks received from remote users. A remote track object lives from the moment its media
 * arrives until the user unpublishes, the client unsubscribes or leaves; if the server moves the
 * media to another receiver meanwhile, the same object follows it and keeps playing.
 */
import type { MediaKind } from '@parley/protocol';
import { TypedEmitter } from '../typedEmitter.ts';
import { AudioPlayer, checkPlaybackDevice, resolveContainer, VideoPlayer, type VideoPlayerConfig } from './mediaPlayer.ts';
import { currentFrameData } from './frameData.ts';
import { VolumeMeter } from './volumeMeter.ts';

/** A remote track's events, as Agora's IRemoteTrack has them. */
export interface RemoteTrackEvents {
  /** The first frame (video) or the first sound (audio) was decoded after play(). */
  'first-frame-decoded': () => void;
}

export abstract class RemoteTrack extends TypedEmitter<RemoteTrackEvents> {
  abstract readonly trackMediaType: MediaKind;
  readonly #uid: number | string;
  #track: MediaStreamTrack;

  constructor(uid: number | string, track: MediaStreamTrack) {
    super();
    this.#uid = uid;
    this.#track = track;
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

  protected override trackReplaced(track: MediaStreamTrack): void {
    this.#player?.setTrack(track);
  }
}

export class RemoteAudioTrack extends RemoteTrack {
  override readonly trackMediaType = 'audio' as const;
  #player: AudioPlayer | undefined;
  #volume = 1;
  #meter = new VolumeMeter();
  #sinkId = '';

  override get isPlaying(): boolean {
    return this.#player !== undefined;
  }

  /** Plays the sound through the default output device. */
  play(): void {
    if (this.#player) return;
    this.#player = new AudioPlayer(this.getMediaStreamTrack(), this.#volume);
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
  }

  /** The level of the sound received now, 0 to 1, whether or not it is played. */
  getVolumeLevel(): number {
    return this.#meter.level(this.getMediaStreamTrack());
  }

  /** Playback volume from 0 (silent) to 100 (as received). */
  setVolume(volume: number): void {
    this.#volume = Math.min(100, Math.max(0, volume)) / 100;
    this.#player?.setVolume(this.#volume);
  }

  protected override trackReplaced(track: MediaStreamTrack): void {
    this.#player?.setTrack(track);
  }
}
