/**
 * One user's decoded audio waiting to be mixed (48 kHz mono, 16-bit), with a little jitter
 * buffering: a queue starts (and restarts after running dry) once 60 ms are waiting, and never
 * lets more than half a second pile up, so a stalled source cannot delay everyone's mix.
 */
const PRIME_SAMPLES = 48 * 60;
const MAX_SAMPLES = 48 * 500;
const TRIM_TO_SAMPLES = 48 * 100;

export class AudioQueue {
  #chunks: Int16Array[] = [];
  #queued = 0;
  #primed = false;
  #odd: Buffer | undefined;

  /** Appends PCM bytes as they come from the decoder (chunks may split a sample). */
  push(bytes: Buffer): void {
    let data = this.#odd ? Buffer.concat([this.#odd, bytes]) : bytes;
    this.#odd = undefined;
    if (data.length % 2 === 1) {
      this.#odd = Buffer.from(data.subarray(data.length - 1));
      data = data.subarray(0, data.length - 1);
    }
    if (data.length === 0) return;
    const samples = new Int16Array(data.length / 2);
    for (let i = 0; i < samples.length; i += 1) samples[i] = data.readInt16LE(i * 2);
    this.#chunks.push(samples);
    this.#queued += samples.length;
    if (this.#queued >= PRIME_SAMPLES) this.#primed = true;
    if (this.#queued > MAX_SAMPLES) this.#drop(this.#queued - TRIM_TO_SAMPLES);
  }

  /** Adds the next `count` samples into `mix` (nothing while not primed). */
  addInto(mix: Int32Array, count: number): void {
    if (!this.#primed) return;
    let written = 0;
    while (written < count && this.#chunks.length > 0) {
      const chunk = this.#chunks[0]!;
      const take = Math.min(chunk.length, count - written);
      for (let i = 0; i < take; i += 1) mix[written + i]! += chunk[i]!;
      written += take;
      this.#queued -= take;
      if (take === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(take);
    }
    if (written < count) this.#primed = false;
  }

  #drop(count: number): void {
    let left = count;
    while (left > 0 && this.#chunks.length > 0) {
      const chunk = this.#chunks[0]!;
      if (chunk.length <= left) {
        left -= chunk.length;
        this.#chunks.shift();
      } else {
        this.#chunks[0] = chunk.subarray(left);
        left = 0;
      }
    }
    this.#queued -= count - left;
  }
}

/** Sums to 16-bit PCM bytes, clipping what overflows. */
export function toPcm(mix: Int32Array): Buffer {
  const out = Buffer.allocUnsafe(mix.length * 2);
  for (let i = 0; i < mix.length; i += 1) out.writeInt16LE(Math.max(-32768, Math.min(32767, mix[i]!)), i * 2);
  return out;
}
