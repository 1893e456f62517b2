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
    // A view when the bytes are aligned (they are, from a pipe); a copy otherwise.
    const aligned = data.byteOffset % 2 === 0 ? data : Buffer.from(data);
    const samples = new Int16Array(aligned.buffer, aligned.byteOffset, aligned.length / 2);
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

/** Sums to 16-bit PCM bytes (little-endian, as the host), clipping what overflows. */
export function toPcm(mix: Int32Array): Buffer {
  const out = new Int16Array(mix.length);
  for (let i = 0; i < mix.length; i += 1) {
    const value = mix[i]!;
    out[i] = value > 32767 ? 32767 : value < -32768 ? -32768 : value;
  }
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}
