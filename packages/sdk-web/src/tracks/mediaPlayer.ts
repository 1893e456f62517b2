/**
 * The media elements tracks play into. Video: a <video> the SDK creates inside the element the
 * user gives (filling it), always muted because sound goes through a separate audio element and a
 * local preview must never echo. Audio: an <audio> element kept out of the DOM.
 *
 * Browsers may refuse to start playback without a user gesture; such failures are reported to
 * the hook set with ParleyRTC.onAutoplayFailed, once per failure, instead of rejecting.
 */
import { invalidParams, notSupported } from '../errors.ts';

type SinkCapable = HTMLMediaElement & { setSinkId?: (sinkId: string) => Promise<void> };

/** Checks an output device id and that this browser can choose outputs (setSinkId). */
export function checkPlaybackDevice(deviceId: unknown): string {
  if (typeof deviceId !== 'string') throw invalidParams('setPlaybackDevice needs a deviceId (from getPlaybackDevices())', { field: 'deviceId' });
  if (typeof document !== 'undefined' && typeof (document.createElement('audio') as SinkCapable).setSinkId !== 'function') {
    throw notSupported('This browser cannot choose the audio output (no setSinkId)');
  }
  return deviceId;
}

export interface VideoPlayerConfig {
  /** How the video fills its element (CSS object-fit). Default "cover". */
  fit?: 'cover' | 'contain' | 'fill';
  /** Mirror horizontally. Default true for local camera tracks, false for remote ones. */
  mirror?: boolean;
}

let autoplayFailed: (() => void) | undefined;

export function setAutoplayFailedHandler(handler: (() => void) | undefined): void {
  autoplayFailed = handler;
}

function startPlayback(element: HTMLMediaElement): void {
  const started = element.play();
  // Autoplay refusals are NotAllowedError; an AbortError only means a newer srcObject replaced this one.
  started?.catch((error: unknown) => {
    if (error instanceof Error && error.name === 'NotAllowedError') autoplayFailed?.();
  });
}

export function resolveContainer(elementOrId: HTMLElement | string): HTMLElement {
  const element = typeof elementOrId === 'string' ? document.getElementById(elementOrId) : elementOrId;
  if (!element || typeof element.appendChild !== 'function') {
    throw invalidParams(typeof elementOrId === 'string' ? `No element with id "${elementOrId}"` : 'play() needs an element or an element id');
  }
  return element;
}

export class VideoPlayer {
  readonly element: HTMLVideoElement;

  constructor(container: HTMLElement, track: MediaStreamTrack, config: VideoPlayerConfig) {
    const video = document.createElement('video');
    video.className = 'parley-video-player';
    video.autoplay = true;
    video.muted = true;
    video.playsInline = true;
    video.setAttribute('playsinline', '');
    video.setAttribute('aria-hidden', 'true');
    Object.assign(video.style, {
      width: '100%',
      height: '100%',
      display: 'block',
      objectFit: config.fit ?? 'cover',
      backgroundColor: '#000',
      transform: config.mirror ? 'scaleX(-1)' : '',
    });
    video.srcObject = new MediaStream([track]);
    container.appendChild(video);
    this.element = video;
    startPlayback(video);
  }

  /** Shows another track in the same element (a remote track whose source changed). */
  setTrack(track: MediaStreamTrack): void {
    this.element.srcObject = new MediaStream([track]);
    startPlayback(this.element);
  }

  stop(): void {
    this.element.pause();
    this.element.srcObject = null;
    this.element.remove();
  }
}

export class AudioPlayer {
  readonly element: HTMLAudioElement;

  constructor(track: MediaStreamTrack, volume: number) {
    const audio = document.createElement('audio');
    audio.autoplay = true;
    audio.volume = volume;
    audio.srcObject = new MediaStream([track]);
    this.element = audio;
    startPlayback(audio);
  }

  setTrack(track: MediaStreamTrack): void {
    this.element.srcObject = new MediaStream([track]);
    startPlayback(this.element);
  }

  setVolume(volume: number): void {
    this.element.volume = volume;
  }

  /** Plays through the output device `deviceId` ('' is the system default). */
  async setSinkId(deviceId: string): Promise<void> {
    await (this.element as SinkCapable).setSinkId?.(deviceId);
  }

  stop(): void {
    this.element.pause();
    this.element.srcObject = null;
  }
}
