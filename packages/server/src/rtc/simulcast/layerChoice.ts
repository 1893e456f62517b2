/**
 * Which layer of a publisher's video a subscriber receives: what it asked for (Agora's
 * setRemoteVideoStreamType, else setRemoteDefaultVideoStreamType, else high), what the publisher
 * sends (one layer without dual stream, two with it), and how far its downlink has fallen back.
 */
import { RemoteStreamFallbackType, RemoteStreamType } from '@parley/protocol';

export type VideoLayer = 'high' | 'low';

/** How far a subscriber's weak downlink has pushed it down: not at all, to the low layer, to audio only. */
export type FallbackLevel = 0 | 1 | 2;

export function layerOfStreamType(streamType: RemoteStreamType): VideoLayer {
  return streamType === RemoteStreamType.LOW_STREAM ? 'low' : 'high';
}

export function streamTypeOfLayer(layer: VideoLayer): RemoteStreamType {
  return layer === 'low' ? RemoteStreamType.LOW_STREAM : RemoteStreamType.HIGH_STREAM;
}

/** The deepest fallback a subscriber's option allows (Agora's RemoteStreamFallbackType). */
export function deepestFallback(option: RemoteStreamFallbackType): FallbackLevel {
  return option === RemoteStreamFallbackType.DISABLE ? 0 : option === RemoteStreamFallbackType.LOW_STREAM ? 1 : 2;
}

/**
 * The layer to forward, or undefined to forward no video (audio-only fallback). A layer the
 * publisher does not send is replaced by the one it does; a fallback to the low layer of a
 * publisher without dual stream keeps the only layer there is.
 */
export function chooseLayer(requested: VideoLayer, available: ReadonlySet<VideoLayer>, fallback: FallbackLevel): VideoLayer | undefined {
  if (fallback === 2 || available.size === 0) return undefined;
  const wanted = fallback === 1 ? 'low' : requested;
  if (available.has(wanted)) return wanted;
  return available.has('high') ? 'high' : 'low';
}
