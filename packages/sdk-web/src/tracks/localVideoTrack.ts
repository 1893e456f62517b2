/**
 * A local video track (camera or custom source): plays a mirrored, muted preview inside an
 * element of the page.
 */
import { invalidOperation } from '../errors.ts';
import { LocalTrack } from './localTrack.ts';
import { resolveContainer, VideoPlayer, type VideoPlayerConfig } from './mediaPlayer.ts';
import { chosenDeviceId, openDevice, type DeviceChoice } from './switchDevice.ts';

export class LocalVideoTrack extends LocalTrack {
  override readonly trackMediaType = 'video' as const;
  /** Camera previews are mirrored by default, as people expect of a mirror; custom sources are not. */
  readonly #mirrorByDefault: boolean;
  #player: VideoPlayer | undefined;

  constructor(track: MediaStreamTrack, options: { isCamera: boolean }) {
    super(track);
    this.#mirrorByDefault = options.isCamera;
  }

  override get isPlaying(): boolean {
    return this.#player !== undefined;
  }

  /** Shows the preview in `elementOrId` (an element, or its id), replacing an earlier preview. */
  play(elementOrId: HTMLElement | string, config: VideoPlayerConfig = {}): void {
    const container = resolveContainer(elementOrId);
    this.#player?.stop();
    this.#player = new VideoPlayer(container, this.getMediaStreamTrack(), { ...config, mirror: config.mirror ?? this.#mirrorByDefault });
  }

  override stop(): void {
    this.#player?.stop();
    this.#player = undefined;
  }

  /**
   * Switches a camera track to another camera (an id from getCameras()): the preview and every
   * client publishing it carry on with the new camera, without renegotiating.
   */
  async setDevice(device: DeviceChoice): Promise<void> {
    if (!this.#mirrorByDefault) throw invalidOperation('setDevice() is for camera tracks; a custom track has no device');
    if (this.isClosed) throw invalidOperation('The track is closed');
    const deviceId = chosenDeviceId(device);
    if (deviceId === this.currentDeviceId()) return;
    await this.swapMediaStreamTrack(await openDevice('video', this.getMediaStreamTrack(), deviceId));
  }

  protected override mediaStreamTrackSwapped(track: MediaStreamTrack): void {
    this.#player?.setTrack(track);
  }

  /** The <video> element of the preview, while playing. */
  getVideoElement(): HTMLVideoElement | undefined {
    return this.#player?.element;
  }
}
