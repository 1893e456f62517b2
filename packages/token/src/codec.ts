/**
 * The byte layer shared by both token formats: little-endian writers and readers for the handful of
 * primitives Agora tokens are made of (u16, u32, i16, length-prefixed bytes and strings, privilege
 * maps).
 *
 * The reader throws `TokenFormatError` whenever a field runs past the end of its buffer, so a parser
 * built on it can treat "truncated" and "garbage" the same way: one catch, one `malformed` answer.
 */

/** Raised for any token whose bytes do not follow the format; callers turn it into `malformed`. */
export class TokenFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenFormatError';
  }
}

/** A privilege map: privilege id → value (relative seconds in 007, absolute unix seconds in 006). */
export type PrivilegeMap = Readonly<Record<number, number>>;

const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;

// `fatal` so a string with broken UTF-8 is reported instead of silently becoming U+FFFD, which could
// make two different byte strings compare equal as channel names or accounts.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function checkInteger(value: number, min: number, max: number, what: string): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${what} must be an integer in ${min}..${max}, got ${value}`);
  }
}

/** Appends primitives into a growing list of chunks; `toBuffer()` joins them once at the end. */
export class ByteWriter {
  #chunks: Buffer[] = [];

  u16(value: number): this {
    checkInteger(value, 0, U16_MAX, 'u16');
    const chunk = Buffer.allocUnsafe(2);
    chunk.writeUInt16LE(value, 0);
    this.#chunks.push(chunk);
    return this;
  }

  u32(value: number): this {
    checkInteger(value, 0, U32_MAX, 'u32');
    const chunk = Buffer.allocUnsafe(4);
    chunk.writeUInt32LE(value, 0);
    this.#chunks.push(chunk);
    return this;
  }

  i16(value: number): this {
    checkInteger(value, -0x8000, 0x7fff, 'i16');
    const chunk = Buffer.allocUnsafe(2);
    chunk.writeInt16LE(value, 0);
    this.#chunks.push(chunk);
    return this;
  }

  /** u16 length, then the raw bytes. */
  bytes(value: Uint8Array): this {
    if (value.length > U16_MAX) {
      throw new RangeError(`a length-prefixed field holds at most ${U16_MAX} bytes, got ${value.length}`);
    }
    this.u16(value.length);
    this.#chunks.push(Buffer.from(value));
    return this;
  }

  /** UTF-8 bytes with a u16 length prefix. */
  string(value: string): this {
    return this.bytes(Buffer.from(value, 'utf8'));
  }

  /** u16 count, then (u16 id, u32 value) pairs in ascending id order, as the official builders emit. */
  privileges(map: PrivilegeMap): this {
    const ids = Object.keys(map)
      .map(Number)
      .sort((a, b) => a - b);
    this.u16(ids.length);
    for (const id of ids) {
      this.u16(id).u32(map[id] ?? 0);
    }
    return this;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.#chunks);
  }
}

/** Reads primitives from a buffer front to back; every read checks the remaining length first. */
export class ByteReader {
  readonly #buffer: Buffer;
  #offset = 0;

  constructor(buffer: Buffer) {
    this.#buffer = buffer;
  }

  /** Bytes consumed so far. */
  get offset(): number {
    return this.#offset;
  }

  get remaining(): number {
    return this.#buffer.length - this.#offset;
  }

  #take(length: number, what: string): Buffer {
    if (length > this.remaining) {
      throw new TokenFormatError(
        `truncated ${what} at byte ${this.#offset}: need ${length}, have ${this.remaining}`,
      );
    }
    const slice = this.#buffer.subarray(this.#offset, this.#offset + length);
    this.#offset += length;
    return slice;
  }

  u16(): number {
    return this.#take(2, 'u16').readUInt16LE(0);
  }

  u32(): number {
    return this.#take(4, 'u32').readUInt32LE(0);
  }

  i16(): number {
    return this.#take(2, 'i16').readInt16LE(0);
  }

  /** A u16-length-prefixed byte field; the result is a view into the source buffer, not a copy. */
  bytes(): Buffer {
    const length = this.u16();
    return this.#take(length, 'byte field');
  }

  string(): string {
    const raw = this.bytes();
    try {
      return utf8.decode(raw);
    } catch {
      throw new TokenFormatError(`string field ending at byte ${this.#offset} is not valid UTF-8`);
    }
  }

  /** A privilege map; a repeated id keeps its last value (no official builder emits repeats). */
  privileges(): Record<number, number> {
    const count = this.u16();
    const map: Record<number, number> = {};
    for (let i = 0; i < count; i++) {
      const id = this.u16();
      map[id] = this.u32();
    }
    return map;
  }

  /** Everything not yet read, as a view. */
  rest(): Buffer {
    return this.#take(this.remaining, 'rest');
  }
}
