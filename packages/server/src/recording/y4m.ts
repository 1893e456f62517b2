/**
 * Reads a YUV4MPEG2 stream (what the mix decoders write): a header line with the size, then
 * `FRAME` lines each followed by one 4:2:0 picture.
 */
export interface Frame {
  width: number;
  height: number;
  /** I420: the Y plane, then U, then V. */
  data: Buffer;
}

export class Y4mReader {
  #size: { width: number; height: number; bytes: number } | undefined;
  #buffer: Buffer = Buffer.alloc(0);
  #onFrame: (frame: Frame) => void;

  constructor(onFrame: (frame: Frame) => void) {
    this.#onFrame = onFrame;
  }

  push(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    let offset = 0;
    for (;;) {
      const newline = this.#buffer.indexOf(10, offset);
      if (newline < 0) break;
      if (!this.#size) {
        const header = this.#buffer.toString('latin1', offset, newline);
        const width = Number(/ W(\d+)/.exec(header)?.[1]);
        const height = Number(/ H(\d+)/.exec(header)?.[1]);
        if (!header.startsWith('YUV4MPEG2') || !width || !height) throw new Error(`not a YUV4MPEG2 stream: ${header.slice(0, 60)}`);
        this.#size = { width, height, bytes: width * height * 1.5 };
        offset = newline + 1;
        continue;
      }
      const end = newline + 1 + this.#size.bytes;
      if (this.#buffer.length < end) break;
      // Copied out: the stream's buffer is reused for what follows.
      this.#onFrame({ width: this.#size.width, height: this.#size.height, data: Buffer.from(this.#buffer.subarray(newline + 1, end)) });
      offset = end;
    }
    this.#buffer = offset === 0 ? this.#buffer : this.#buffer.subarray(offset);
  }
}
