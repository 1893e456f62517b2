/**
 * Reads a YUV4MPEG2 stream (what the mix decoders write): a header line with the size, then
 * `FRAME` lines each followed by one 4:2:0 picture.
 *
 * Pictures are copied straight from the pipe's chunks into one of two buffers, used in turn: the
 * compositor only ever reads the latest complete picture, and does so synchronously, so the other
 * buffer is free to fill. No allocation per picture, which at 15 pictures a second per user
 * would otherwise keep the garbage collector busy.
 */
export interface Frame {
  width: number;
  height: number;
  /** I420: the Y plane, then U, then V. */
  data: Buffer;
}

const MAX_LINE = 256;

export class Y4mReader {
  #onFrame: (frame: Frame) => void;
  #frames: [Frame, Frame] | undefined;
  #next = 0;
  /** Bytes of the current picture received so far, or -1 while reading a header or FRAME line. */
  #filled = -1;
  #line = '';

  constructor(onFrame: (frame: Frame) => void) {
    this.#onFrame = onFrame;
  }

  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.#filled < 0) {
        const newline = chunk.indexOf(10, offset);
        const end = newline < 0 ? chunk.length : newline;
        this.#line += chunk.toString('latin1', offset, end);
        if (this.#line.length > MAX_LINE) throw new Error('not a YUV4MPEG2 stream: line too long');
        offset = end;
        if (newline < 0) break;
        offset += 1;
        this.#takeLine(this.#line);
        this.#line = '';
        continue;
      }
      const frame = this.#frames![this.#next]!;
      const take = Math.min(frame.data.length - this.#filled, chunk.length - offset);
      chunk.copy(frame.data, this.#filled, offset, offset + take);
      this.#filled += take;
      offset += take;
      if (this.#filled === frame.data.length) {
        this.#filled = -1;
        this.#next = 1 - this.#next;
        this.#onFrame(frame);
      }
    }
  }

  #takeLine(line: string): void {
    if (this.#frames) {
      if (!line.startsWith('FRAME')) throw new Error(`not a YUV4MPEG2 stream: expected FRAME, got ${line.slice(0, 20)}`);
      this.#filled = 0;
      return;
    }
    const width = Number(/ W(\d+)/.exec(line)?.[1]);
    const height = Number(/ H(\d+)/.exec(line)?.[1]);
    if (!line.startsWith('YUV4MPEG2') || !width || !height) throw new Error(`not a YUV4MPEG2 stream: ${line.slice(0, 60)}`);
    const bytes = width * height * 1.5;
    this.#frames = [
      { width, height, data: Buffer.alloc(bytes) },
      { width, height, data: Buffer.alloc(bytes) },
    ];
  }
}
