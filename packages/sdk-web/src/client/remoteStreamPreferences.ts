/**
 * What this client asks of remote users' dual-stream video: the layer per user
 * (setRemoteVideoStreamType), the layer for everyone else (setRemoteDefaultVideoStreamType) and the
 * fallback per user (setStreamFallbackOption). Kept for the client's life, like Agora's: the server
 * hears them when a video is subscribed and whenever they change for a subscribed video.
 */
import { invalidParams } from '../errors.ts';
import { RemoteStreamFallbackType, RemoteStreamType } from '../protocolConstants.ts';
import { userKey } from './remoteUser.ts';

const STREAM_TYPES: readonly unknown[] = Object.values(RemoteStreamType);
const FALLBACK_TYPES: readonly unknown[] = Object.values(RemoteStreamFallbackType);

export function checkStreamType(streamType: unknown): RemoteStreamType {
  if (!STREAM_TYPES.includes(streamType)) throw invalidParams('streamType must be 0 (RemoteStreamType.HIGH_STREAM) or 1 (LOW_STREAM)', { field: 'streamType' });
  return streamType as RemoteStreamType;
}

export function checkFallbackType(fallbackType: unknown): RemoteStreamFallbackType {
  if (!FALLBACK_TYPES.includes(fallbackType)) {
    throw invalidParams('fallbackType must be 0 (RemoteStreamFallbackType.DISABLE), 1 (LOW_STREAM) or 2 (AUDIO_ONLY)', { field: 'fallbackType' });
  }
  return fallbackType as RemoteStreamFallbackType;
}

export class RemoteStreamPreferences {
  #defaultType: RemoteStreamType = RemoteStreamType.HIGH_STREAM;
  #types = new Map<string, RemoteStreamType>();
  #fallbacks = new Map<string, RemoteStreamFallbackType>();

  setDefaultType(streamType: RemoteStreamType): void {
    this.#defaultType = streamType;
  }

  setType(uid: number | string, streamType: RemoteStreamType): void {
    this.#types.set(userKey(uid), streamType);
  }

  setFallback(uid: number | string, fallbackType: RemoteStreamFallbackType): void {
    this.#fallbacks.set(userKey(uid), fallbackType);
  }

  /** The layer wanted of `uid`: its own setting, else the default. */
  typeOf(uid: number | string): RemoteStreamType {
    return this.#types.get(userKey(uid)) ?? this.#defaultType;
  }

  /** True when setRemoteVideoStreamType chose `uid`'s layer (the default then does not apply). */
  hasOwnType(uid: number | string): boolean {
    return this.#types.has(userKey(uid));
  }

  /** What a video subscribe tells the server; a fallback never set is left to the server's default (Agora's LOW_STREAM). */
  forSubscribe(uid: number | string): { streamType: RemoteStreamType; fallback?: RemoteStreamFallbackType } {
    const fallback = this.#fallbacks.get(userKey(uid));
    return { streamType: this.typeOf(uid), ...(fallback !== undefined ? { fallback } : {}) };
  }
}
