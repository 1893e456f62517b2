/**
 * A local video track (camera or custom source): plays a mirrored, muted preview inside an
 * element of the page.
 */
import { invalidOperation, invalidParams, ParleyRTCError } from '../errors.ts';
import { LocalTrack } from './localTrack.ts';
import { encoderConstraints, VIDEO_ENCODER_PRESETS, type VideoEncoderConfiguration, type VideoEncoderPreset } from './encoderConfig.ts';
import type { LocalVideoTrackStats } from '../rtc/stats.ts';
import { currentFrameData, currentFrameImage, type ImageTypedData } from './frameData.ts';
import { videoElementVisibility, type CheckVideoVisibleResult } from './visibility.ts';
import { resolveContainer, VideoPlayer, type VideoPlayerConfig } from './mediaPlayer.ts';
import { chosenDeviceId, openDevice, type DeviceChoice } from './switchDevice.ts';

/** A camera, a shared screen or your own MediaStreamTrack (Agora's ILocalVideoTrack and ICameraVideoTrack): preview, device, encoder settings. */
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
    if (deviceId === this.currentDeviceId() || this.deferDeviceSwitch(deviceId)) return;
    await this.swapMediaStreamTrack(await openDevice('video', this.getMediaStreamTrack(), deviceId));
  }

  /**
   * Sends and shows `track` instead (a processed or other source), as Agora's replaceTrack: the
   * previous MediaStreamTrack is stopped when `stopOldTrack` is true.
   */
  async replaceTrack(track: MediaStreamTrack, stopOldTrack: boolean): Promise<void> {
    if (!(track instanceof MediaStreamTrack) || track.kind !== 'video') throw invalidParams('replaceTrack needs a video MediaStreamTrack', { field: 'track' });
    if (this.isClosed) throw invalidOperation('The track is closed');
    await this.swapMediaStreamTrack(track, stopOldTrack);
  }

  /** A new track of the same source (a clone of its MediaStreamTrack), to play or publish apart. */
  clone(): LocalVideoTrack {
    return new LocalVideoTrack(this.getMediaStreamTrack().clone(), { isCamera: this.#mirrorByDefault });
  }

  /** "detail" keeps text sharp, "motion" keeps movement fluid, "balanced" lets the browser choose. */
  async setOptimizationMode(mode: 'balanced' | 'detail' | 'motion'): Promise<void> {
    if (mode !== 'balanced' && mode !== 'detail' && mode !== 'motion') throw invalidParams('mode must be "balanced", "detail" or "motion"', { field: 'mode' });
    this.getMediaStreamTrack().contentHint = mode === 'balanced' ? '' : mode;
  }

  /** Changes the capture size and frame rate (a preset or values) while the track runs. */
  async setEncoderConfiguration(config: VideoEncoderConfiguration | VideoEncoderPreset): Promise<void> {
    try {
      await this.getMediaStreamTrack().applyConstraints(encoderConstraints(config, VIDEO_ENCODER_PRESETS));
    } catch (cause) {
      if (cause instanceof ParleyRTCError) throw cause;
      throw new ParleyRTCError('CONSTRAINT_NOT_SATISFIED', `The source cannot capture at that setting: ${(cause as Error)?.message ?? cause}`, { cause });
    }
  }

  /** The picture of the preview now (a 1×1 image while it does not play). */
  getCurrentFrameData(): ImageData {
    return currentFrameData(this.#player?.element);
  }

  protected override get capturesDevice(): boolean {
    return this.#mirrorByDefault;
  }

  protected override reopenDevice(deviceId: string | undefined): Promise<MediaStreamTrack> {
    return openDevice('video', this.getMediaStreamTrack(), deviceId);
  }

  /** The picture of the preview now, encoded as `imageType` (empty while it does not play). */
  getCurrentFrameImage(imageType: string, quality: number): Promise<ImageTypedData> {
    return currentFrameImage(this.#player?.element, imageType, quality);
  }

  /** Whether the preview can be seen, and if not why; undefined while it does not play. */
  getVideoElementVisibleStatus(): CheckVideoVisibleResult | undefined {
    return videoElementVisibility(this.#player?.element);
  }

  override getStats(): LocalVideoTrackStats {
    return super.getStats() as LocalVideoTrackStats;
  }

  protected override mediaStreamTrackSwapped(track: MediaStreamTrack): void {
    this.#player?.setTrack(track);
  }

  /** The <video> element of the preview, while playing. */
  getVideoElement(): HTMLVideoElement | undefined {
    return this.#player?.element;
  }
}
