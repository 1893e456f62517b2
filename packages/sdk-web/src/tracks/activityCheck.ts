/**
 * Agora's device checks: `checkAudioTrackIsActive` resolves true as soon as the track carries
 * sound (a level above silence), `checkVideoTrackIsActive` as soon as the track's picture moves
 * (new frames reach a hidden player); false when nothing does within `timeoutMs` (default 5 s).
 * For "is my microphone / camera working?" before a call.
 */
import { invalidParams } from '../errors.ts';

const DEFAULT_TIMEOUT_MS = 5_000;
const SILENCE = 0.001;

interface HasAudioLevel {
  getVolumeLevel(): number;
}
interface HasVideoTrack {
  getMediaStreamTrack(): MediaStreamTrack;
}

function checkTimeout(timeoutMs: number): number {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw invalidParams('timeout must be a positive number of milliseconds', { field: 'timeout' });
  return timeoutMs;
}

export function checkAudioTrackIsActive(track: HasAudioLevel, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<boolean> {
  if (typeof track?.getVolumeLevel !== 'function') throw invalidParams('checkAudioTrackIsActive needs an audio track', { field: 'track' });
  const deadline = Date.now() + checkTimeout(timeoutMs);
  return new Promise((resolve) => {
    const poll = () => {
      if (track.getVolumeLevel() > SILENCE) return resolve(true);
      if (Date.now() >= deadline) return resolve(false);
      setTimeout(poll, 50);
    };
    poll();
  });
}

export function checkVideoTrackIsActive(track: HasVideoTrack, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<boolean> {
  const media = track?.getMediaStreamTrack?.();
  if (!media || media.kind !== 'video') throw invalidParams('checkVideoTrackIsActive needs a video track', { field: 'track' });
  const limit = checkTimeout(timeoutMs);
  if (media.readyState === 'ended' || !media.enabled) return Promise.resolve(false);
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = new MediaStream([media]);
  return new Promise((resolve) => {
    let frames = 0;
    const finish = (active: boolean) => {
      clearTimeout(timer);
      video.pause();
      video.srcObject = null;
      resolve(active);
    };
    const timer = setTimeout(() => finish(false), limit);
    // Two presented frames: the first may be a still the source had before; the second is motion.
    const onFrame = () => {
      if (++frames >= 2) finish(true);
      else video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
    void video.play().catch(() => finish(false));
  });
}
