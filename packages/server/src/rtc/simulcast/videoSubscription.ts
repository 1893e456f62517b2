/**
 * One subscriber's subscription to one publisher's video: the layer it asked for, its fallback
 * option and how far its downlink has fallen back, turned into the layer its forwarder sends
 * (see layerChoice.ts). It tells the subscriber when its layer changes (`stream-type-changed`, at
 * the keyframe that switches) and when its video stops or resumes for the downlink (`stream-fallback`).
 */
import { RemoteStreamFallbackType, type RemoteStreamType, type ServerMessage } from '@parley/protocol';
import type { MediaStreamTrack } from 'werift';
import { chooseLayer, deepestFallback, layerOfStreamType, streamTypeOfLayer, type FallbackLevel, type VideoLayer } from './layerChoice.ts';
import { VideoForwarder, type ForwardingSender, type LayerSource } from './videoForwarder.ts';

/** The publisher side of the subscription. */
export interface VideoPublisher {
  readonly uid: number | string;
  requestKeyframe(layer: VideoLayer): void;
}

/** What the subscriber asked for, at subscribe (Agora's defaults when it said nothing). */
export interface VideoPreferences {
  streamType?: RemoteStreamType;
  fallback?: RemoteStreamFallbackType;
}

export class VideoSubscription {
  readonly forwarder: VideoForwarder;
  #publisher: VideoPublisher;
  #notify: (message: ServerMessage) => void;
  #requested: VideoLayer;
  #option: RemoteStreamFallbackType;
  #level: FallbackLevel = 0;

  constructor(sender: ForwardingSender, publisher: VideoPublisher, layers: ReadonlyMap<VideoLayer, MediaStreamTrack>, preferences: VideoPreferences, notify: (message: ServerMessage) => void) {
    this.#publisher = publisher;
    this.#notify = notify;
    this.#requested = layerOfStreamType(preferences.streamType ?? 0);
    this.#option = preferences.fallback ?? RemoteStreamFallbackType.LOW_STREAM;
    this.forwarder = new VideoForwarder(sender, {
      switched: (layer) => notify({ type: 'stream-type-changed', uid: publisher.uid, streamType: streamTypeOfLayer(layer) }),
    });
    this.setLayers(layers);
  }

  /** What the subscriber asked for: to subscribe again the same way on a new connection. */
  get preferences(): VideoPreferences {
    return { streamType: streamTypeOfLayer(this.#requested), fallback: this.#option };
  }

  /** The furthest this subscription may fall back. */
  get deepestFallback(): FallbackLevel {
    return deepestFallback(this.#option);
  }

  /** The publisher's layers changed (it published anew, with or without dual stream). */
  setLayers(layers: ReadonlyMap<VideoLayer, MediaStreamTrack>): void {
    const sources = new Map<VideoLayer, LayerSource>();
    for (const [layer, track] of layers) sources.set(layer, { track, requestKeyframe: () => this.#publisher.requestKeyframe(layer) });
    this.forwarder.setSources(sources);
    this.#apply();
  }

  /** Agora's setRemoteVideoStreamType. */
  request(streamType: RemoteStreamType): void {
    this.#requested = layerOfStreamType(streamType);
    this.#apply();
  }

  /** Agora's setStreamFallbackOption. */
  setFallbackOption(option: RemoteStreamFallbackType): void {
    this.#option = option;
    this.#applyFallback(this.#level);
  }

  /** The connection's downlink fell back to (or recovered to) `level`; this subscription follows as far as its option allows. */
  applyFallback(connectionLevel: FallbackLevel): void {
    this.#applyFallback(connectionLevel);
  }

  stop(): void {
    this.forwarder.stop();
  }

  #applyFallback(connectionLevel: FallbackLevel): void {
    const level = Math.min(connectionLevel, this.deepestFallback) as FallbackLevel;
    if (level === this.#level) return;
    const wasAudioOnly = this.#level === 2;
    this.#level = level;
    this.#apply();
    if (wasAudioOnly !== (level === 2)) this.#notify({ type: 'stream-fallback', uid: this.#publisher.uid, isFallbackOrRecover: level === 2 ? 'fallback' : 'recover' });
  }

  #apply(): void {
    this.forwarder.select(chooseLayer(this.#requested, this.forwarder.availableLayers, this.#level));
  }
}
