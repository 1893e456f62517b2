/**
 * The volume of what a local audio track sends (Agora's local `setVolume`, 0–1000 with 100 as
 * captured): the source goes through a GainNode of the shared AudioContext into a new
 * MediaStreamTrack, which is what gets published. Built only when a volume other than 100 is set,
 * so ordinary tracks send the device's track untouched. The context must run (a user gesture or
 * ParleyRTC.resumeAudioContext()): setVolume resumes it.
 */
import { invalidParams, notSupported } from '../errors.ts';
import { resumeAudioContext, sharedAudioContext } from '../platform/audioContext.ts';

export const MAX_LOCAL_VOLUME = 1000;

export function checkLocalVolume(volume: unknown): number {
  if (typeof volume !== 'number' || !(volume >= 0 && volume <= MAX_LOCAL_VOLUME)) {
    throw invalidParams(`volume must be a number from 0 to ${MAX_LOCAL_VOLUME} (100 sends the sound as captured)`, { field: 'volume' });
  }
  return volume;
}

export class SendGain {
  readonly output: MediaStreamTrack;
  readonly #context: AudioContext;
  readonly #gain: GainNode;
  #source: MediaStreamAudioSourceNode | undefined;

  constructor(input: MediaStreamTrack) {
    const context = sharedAudioContext();
    if (!context) throw notSupported('This browser has no Web Audio: the volume of a local track cannot change');
    this.#context = context;
    this.#gain = context.createGain();
    const destination = context.createMediaStreamDestination();
    this.#gain.connect(destination);
    this.output = destination.stream.getAudioTracks()[0]!;
    this.setInput(input);
    void resumeAudioContext();
  }

  setInput(track: MediaStreamTrack): void {
    this.#source?.disconnect();
    this.#source = this.#context.createMediaStreamSource(new MediaStream([track]));
    this.#source.connect(this.#gain);
  }

  /** `volume` on Agora's scale: 100 is unity gain. */
  setVolume(volume: number): void {
    this.#gain.gain.value = volume / 100;
  }

  close(): void {
    this.#source?.disconnect();
    this.#gain.disconnect();
    this.output.stop();
  }
}
