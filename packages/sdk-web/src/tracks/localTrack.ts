/**
 * What local audio and video tracks share: the MediaStreamTrack they wrap, enabling and muting,
 * closing, and the link to the client that publishes them — so `setEnabled(false)` reaches the
 * server as a `mute` message and closing a published track unpublishes it.
 */
import type { MediaKind } from '@parley/protocol';
import { emptyLocalAudioStats, emptyLocalVideoStats, type LocalAudioTrackStats, type LocalVideoTrackStats } from '../rtc/stats.ts';
import { TypedEmitter } from '../typedEmitter.ts';

export interface LocalTrackEvents {
  /** The source stopped on its own: camera unplugged, permission revoked, screen share ended. */
  'track-ended': () => void;
  /** The track carries another MediaStreamTrack now (after setDevice). */
  'track-updated': (track: MediaStreamTrack) => void;
  /** Publishing gave the track a (new) RTCRtpTransceiver. */
  'transceiver-updated': (transceiver: RTCRtpTransceiver) => void;
  /** Buffer source tracks only: playback of the file started, paused or stopped. */
  'source-state-change': (currentState: 'stopped' | 'playing' | 'paused') => void;
}

/**
 * How a publishing client hears about its tracks. Internal: added by a client on publish,
 * removed on unpublish and leave (a track may be published by several clients at once).
 */
export interface PublishedTrackLink {
  mutedChanged(track: LocalTrack, muted: boolean): void;
  /** The track now carries another MediaStreamTrack (a device switch): send that one instead. */
  replaced(track: LocalTrack): Promise<void>;
  closed(track: LocalTrack): void;
  /** The transceiver that sends the track, while published. */
  transceiver(track: LocalTrack): RTCRtpTransceiver | undefined;
  /** The sending statistics of the track, while published. */
  stats(track: LocalTrack): LocalAudioTrackStats | LocalVideoTrackStats | undefined;
}

let trackCount = 0;

/** What local audio and video tracks share: enabling, muting, closing, and the transceiver and statistics while published. */
export abstract class LocalTrack extends TypedEmitter<LocalTrackEvents> {
  abstract readonly trackMediaType: MediaKind;
  readonly #trackId: string;
  #track: MediaStreamTrack;
  #enabled = true;
  #muted = false;
  /** Set while setEnabled(false) has released the device: the id to open again. */
  #released: { deviceId: string | undefined } | undefined;
  /** setEnabled calls run one after another (opening a device takes time). */
  #enabling: Promise<void> = Promise.resolve();
  #closed = false;
  #links = new Set<PublishedTrackLink>();

  constructor(track: MediaStreamTrack) {
    super();
    this.#track = track;
    this.#trackId = `track-${track.kind}-${++trackCount}-${track.id.slice(0, 8)}`;
    this.#watchEnd(track);
  }

  #watchEnd(track: MediaStreamTrack): void {
    track.addEventListener('ended', () => {
      if (!this.#closed && track === this.#track) this.emit('track-ended');
    });
  }

  /**
   * Switches the source under this track (setDevice): the new MediaStreamTrack takes the old one's
   * place everywhere (publishing clients, local playback) with the same enabled and muted state;
   * the old one is stopped. Publishing continues without renegotiation.
   */
  protected async swapMediaStreamTrack(next: MediaStreamTrack, stopPrevious = true, announce = true): Promise<void> {
    const previous = this.#track;
    this.#track = next;
    next.enabled = !this.silenced;
    this.#watchEnd(next);
    this.mediaStreamTrackSwapped(next);
    await this.resend();
    if (stopPrevious) previous.stop();
    if (announce) this.emit('track-updated', next);
  }

  /**
   * True for camera and microphone tracks: setEnabled(false) releases their device (the camera
   * light goes off, as with Agora) and setEnabled(true) opens it again with reopenDevice. Other
   * sources (custom, screen) only stop sending.
   */
  protected get capturesDevice(): boolean {
    return false;
  }

  /**
   * setDevice while disabled: the device stays released and this one opens on setEnabled(true).
   * True when the choice was kept that way.
   */
  protected deferDeviceSwitch(deviceId: string): boolean {
    if (!this.#released) return false;
    this.#released = { deviceId };
    return true;
  }

  protected reopenDevice(deviceId: string | undefined): Promise<MediaStreamTrack> {
    return Promise.reject(new Error(`track ${this.#trackId} has no device to open (${deviceId})`));
  }

  /** Subclasses point their local player at the new source. */
  protected abstract mediaStreamTrackSwapped(track: MediaStreamTrack): void;

  /** The device id this track's source has now (for setDevice's "same device" check). */
  protected currentDeviceId(): string | undefined {
    return this.#track.getSettings?.().deviceId;
  }

  getTrackId(): string {
    return this.#trackId;
  }

  getTrackLabel(): string {
    return this.#track.label;
  }

  getMediaStreamTrack(): MediaStreamTrack {
    return this.#track;
  }

  /** @internal What publishing sends: the source, or the source after processing (a volume change). */
  sentMediaStreamTrack(): MediaStreamTrack {
    return this.#track;
  }

  /** Tells publishing clients that sentMediaStreamTrack() changed. */
  protected async resend(): Promise<void> {
    await Promise.all([...this.#links].map((link) => link.replaced(this)));
  }

  /** The RTCRtpTransceiver that sends this track, while a client publishes it. */
  getRTCRtpTransceiver(): RTCRtpTransceiver | undefined {
    for (const link of this.#links) {
      const transceiver = link.transceiver(this);
      if (transceiver) return transceiver;
    }
    return undefined;
  }

  /** Sending statistics (Agora's deprecated track-level getStats): zeros while unpublished. */
  getStats(): LocalAudioTrackStats | LocalVideoTrackStats {
    for (const link of this.#links) {
      const stats = link.stats(this);
      if (stats) return stats;
    }
    return this.trackMediaType === 'audio' ? emptyLocalAudioStats() : emptyLocalVideoStats();
  }

  /** False after `setEnabled(false)`. */
  get enabled(): boolean {
    return this.#enabled;
  }

  /** True after `setMuted(true)`. */
  get muted(): boolean {
    return this.#muted;
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  abstract get isPlaying(): boolean;

  /**
   * Turns the track off or on, as Agora's setEnabled: while off nothing is sent, a camera or
   * microphone is released (and opened again on the same device when turned on), and when the
   * track is published remote users get `user-info-updated` ("mute-video"…) and `user-unpublished`
   * (then "unmute-video" and `user-published` when it comes back).
   */
  setEnabled(enabled: boolean): Promise<void> {
    const next = this.#enabling.then(() => this.#setEnabled(enabled));
    this.#enabling = next.catch(() => {});
    return next;
  }

  async #setEnabled(enabled: boolean): Promise<void> {
    if (enabled === this.#enabled || this.#closed) return;
    if (!enabled) {
      this.#enabled = false;
      this.#apply();
      if (!this.capturesDevice) return;
      this.#released = { deviceId: this.currentDeviceId() };
      this.#track.stop();
      return;
    }
    const released = this.#released;
    if (released) {
      // Opened before the flag flips, so a device that cannot open leaves the track disabled.
      await this.swapMediaStreamTrack(await this.reopenDevice(released.deviceId), false, false);
      this.#released = undefined;
    }
    this.#enabled = true;
    this.#apply();
  }

  /**
   * Stops or resumes sending without releasing the device (quicker than setEnabled); remote users
   * see the same as for setEnabled. The two flags are independent locally.
   */
  async setMuted(muted: boolean): Promise<void> {
    this.#muted = muted;
    this.#apply();
  }

  /** True when nothing should reach remote users (disabled or muted). */
  get silenced(): boolean {
    return !this.#enabled || this.#muted;
  }

  abstract stop(): void;

  /** Stops playback and releases the device; a published track is unpublished first. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.stop();
    this.#track.stop();
    const links = [...this.#links];
    this.#links.clear();
    for (const link of links) link.closed(this);
  }

  /** @internal Called by a client that publishes this track. */
  linkPublisher(link: PublishedTrackLink): void {
    this.#links.add(link);
  }

  /** @internal Called by a client that stops publishing this track. */
  unlinkPublisher(link: PublishedTrackLink): void {
    this.#links.delete(link);
  }

  #apply(): void {
    const silenced = this.silenced;
    this.#track.enabled = !silenced;
    for (const link of this.#links) link.mutedChanged(this, silenced);
  }
}
