/**
 * Several local audio tracks published at once — a microphone and a screen share's sound — go out
 * as one: a user has one audio stream in a channel, so, as Agora's SDK does, the client mixes its
 * published audio tracks into a single MediaStreamTrack and sends that. Each input is a source node
 * of the shared AudioContext summed into one destination (Web Audio adds inputs that meet at a
 * node), so a muted or released input simply adds silence. Built only while two or more audio
 * tracks are published: a single track is sent untouched.
 */
import { notSupported } from '../errors.ts';
import { resumeAudioContext, sharedAudioContext } from '../platform/audioContext.ts';

export interface MixSource {
  track: MediaStreamTrack;
  /** Adds silence while true. */
  silenced: boolean;
}

interface MixInput {
  track: MediaStreamTrack;
  source: MediaStreamAudioSourceNode;
  gain: GainNode;
}

export class AudioMix<Owner> {
  /** What gets published while the mix exists. */
  readonly output: MediaStreamTrack;
  readonly #context: AudioContext;
  readonly #destination: MediaStreamAudioDestinationNode;
  readonly #inputs = new Map<Owner, MixInput>();

  constructor() {
    const context = sharedAudioContext();
    if (!context) throw notSupported('This browser has no Web Audio: several audio tracks cannot be published at once');
    this.#context = context;
    this.#destination = context.createMediaStreamDestination();
    this.output = this.#destination.stream.getAudioTracks()[0]!;
    void resumeAudioContext();
  }

  /**
   * Mixes exactly `inputs` from now on: new owners are connected, gone ones disconnected, an
   * owner whose MediaStreamTrack changed (a device switch, a volume change) is reconnected, and
   * each one's mute applies.
   */
  set(inputs: ReadonlyMap<Owner, MixSource>): void {
    for (const [owner, input] of this.#inputs) {
      if (inputs.get(owner)?.track === input.track) continue;
      disconnect(input);
      this.#inputs.delete(owner);
    }
    for (const [owner, { track, silenced }] of inputs) {
      let input = this.#inputs.get(owner);
      if (!input) {
        input = { track, source: this.#context.createMediaStreamSource(new MediaStream([track])), gain: this.#context.createGain() };
        input.source.connect(input.gain).connect(this.#destination);
        this.#inputs.set(owner, input);
      }
      input.gain.gain.value = silenced ? 0 : 1;
    }
  }

  close(): void {
    for (const input of this.#inputs.values()) disconnect(input);
    this.#inputs.clear();
    this.output.stop();
  }
}

function disconnect(input: MixInput): void {
  input.source.disconnect();
  input.gain.disconnect();
}
