/**
 * The audio level of a track now, 0 (silence) to 1 (full scale), as Agora's `getVolumeLevel()`
 * answers it: the RMS of the last 1024 samples through an AnalyserNode, scaled so that ordinary
 * speech reads around 0.1–0.5. The graph is built at the first call and follows a replaced track.
 */
import { sharedAudioContext } from '../platform/audioContext.ts';

/** RMS of a full-scale sine is 0.707; doubling maps it near 1 and keeps quiet rooms near 0. */
const RMS_SCALE = 2;

export class VolumeMeter {
  #source: MediaStreamAudioSourceNode | undefined;
  #analyser: AnalyserNode | undefined;
  #track: MediaStreamTrack | undefined;
  #samples = new Float32Array(1024);

  level(track: MediaStreamTrack): number {
    const context = sharedAudioContext();
    if (!context || track.readyState === 'ended') return 0;
    if (track !== this.#track) this.#connect(context, track);
    this.#analyser!.getFloatTimeDomainData(this.#samples);
    let sum = 0;
    for (const sample of this.#samples) sum += sample * sample;
    return Math.min(1, Math.sqrt(sum / this.#samples.length) * RMS_SCALE);
  }

  #connect(context: AudioContext, track: MediaStreamTrack): void {
    this.#source?.disconnect();
    this.#track = track;
    this.#analyser ??= Object.assign(context.createAnalyser(), { fftSize: this.#samples.length });
    this.#source = context.createMediaStreamSource(new MediaStream([track]));
    this.#source.connect(this.#analyser);
  }

  close(): void {
    this.#source?.disconnect();
    this.#source = undefined;
    this.#track = undefined;
  }
}
