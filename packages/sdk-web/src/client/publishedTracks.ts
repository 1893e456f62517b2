/**
 * What a client publishes: at most one video track and any number of audio tracks, as Agora
 * allows. The SFU carries one stream per kind for each user, so several audio tracks are mixed
 * into one (tracks/audioMix.ts) and the user counts as muted for a kind only when every track of
 * that kind is muted or disabled.
 */
import type { MediaKind } from '@parley/protocol';
import { AudioMix } from '../tracks/audioMix.ts';
import type { LocalTrack } from '../tracks/localTrack.ts';

export class PublishedTracks {
  /** In publish order, which is the order of `localTracks`. */
  #tracks: LocalTrack[] = [];
  #mix: AudioMix<LocalTrack> | undefined;

  get all(): LocalTrack[] {
    return [...this.#tracks];
  }

  has(track: LocalTrack): boolean {
    return this.#tracks.includes(track);
  }

  ofKind(kind: MediaKind): LocalTrack[] {
    return this.#tracks.filter((track) => track.trackMediaType === kind);
  }

  kinds(): Set<MediaKind> {
    return new Set(this.#tracks.map((track) => track.trackMediaType));
  }

  /** Throws (adding nothing) when the tracks would need a mix this browser cannot make. */
  add(tracks: readonly LocalTrack[]): void {
    const before = this.#tracks;
    this.#tracks = [...before, ...tracks.filter((track) => !before.includes(track))];
    try {
      this.#remix();
    } catch (error) {
      this.#tracks = before;
      throw error;
    }
  }

  remove(tracks: readonly LocalTrack[]): void {
    this.#tracks = this.#tracks.filter((track) => !tracks.includes(track));
    this.#remix();
  }

  /** A published track's sentMediaStreamTrack() or mute changed: the mix follows. */
  refresh(): void {
    this.#remix();
  }

  /** What the client sends for `kind` now: the one track, the mix of several, or nothing. */
  sent(kind: MediaKind): MediaStreamTrack | undefined {
    const tracks = this.ofKind(kind);
    if (tracks.length > 1 && this.#mix) return this.#mix.output;
    return tracks[0]?.sentMediaStreamTrack();
  }

  /** True when remote users should hear or see nothing of `kind` from this client. */
  silenced(kind: MediaKind): boolean {
    return this.ofKind(kind).every((track) => track.silenced);
  }

  clear(): void {
    this.#tracks = [];
    this.#remix();
  }

  #remix(): void {
    const audio = this.ofKind('audio');
    if (audio.length < 2) {
      this.#mix?.close();
      this.#mix = undefined;
      return;
    }
    this.#mix ??= new AudioMix<LocalTrack>();
    this.#mix.set(new Map(audio.map((track) => [track, { track: track.sentMediaStreamTrack(), silenced: track.silenced }])));
  }
}
