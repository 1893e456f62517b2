/**
 * Raw audio of a track for the application (Agora's `setAudioFrameCallback`): AudioBuffers of
 * `frameSize` samples per channel, delivered as the shared AudioContext processes them. Uses a
 * ScriptProcessorNode because it hands over exactly such buffers on the main thread, as Agora's
 * API promises, without a worklet module to load; its output goes nowhere audible.
 */
import { invalidParams } from '../errors.ts';
import { sharedAudioContext } from '../platform/audioContext.ts';

const FRAME_SIZES = [256, 512, 1024, 2048, 4096, 8192, 16384];

export type AudioFrameCallback = (buffer: AudioBuffer) => void;

export class AudioFrameTap {
  #source: MediaStreamAudioSourceNode | undefined;
  #processor: ScriptProcessorNode | undefined;
  #silence: GainNode | undefined;
  #callback: AudioFrameCallback | undefined;
  #frameSize = 4096;

  /** Starts (or with null, stops) delivering frames of `track`. */
  set(track: MediaStreamTrack, callback: AudioFrameCallback | null, frameSize = 4096): void {
    if (callback !== null && typeof callback !== 'function') throw invalidParams('setAudioFrameCallback needs a function or null', { field: 'audioFrameCallback' });
    if (!FRAME_SIZES.includes(frameSize)) throw invalidParams(`frameSize must be one of ${FRAME_SIZES.join(', ')}`, { field: 'frameSize' });
    this.close();
    if (!callback) return;
    this.#callback = callback;
    this.#frameSize = frameSize;
    this.follow(track);
  }

  /** The track now carries another MediaStreamTrack: tap that one. */
  follow(track: MediaStreamTrack): void {
    const context = sharedAudioContext();
    const callback = this.#callback;
    if (!context || !callback) return;
    this.#disconnect();
    this.#source = context.createMediaStreamSource(new MediaStream([track]));
    this.#processor = context.createScriptProcessor(this.#frameSize, 2, 2);
    this.#silence = context.createGain();
    this.#silence.gain.value = 0;
    this.#processor.onaudioprocess = (event) => callback(event.inputBuffer);
    // A processor only runs while connected to the destination; the zero gain keeps it inaudible.
    this.#source.connect(this.#processor).connect(this.#silence).connect(context.destination);
  }

  #disconnect(): void {
    this.#source?.disconnect();
    this.#processor?.disconnect();
    this.#silence?.disconnect();
    if (this.#processor) this.#processor.onaudioprocess = null;
    this.#source = this.#processor = this.#silence = undefined;
  }

  close(): void {
    this.#disconnect();
    this.#callback = undefined;
  }
}
