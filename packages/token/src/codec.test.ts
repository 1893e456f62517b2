// ByteWriter / ByteReader: little-endian primitives and typed truncation errors.
import { describe, it, expect } from 'vitest';
import { ByteReader, ByteWriter, TokenFormatError } from './codec.ts';

describe('ByteWriter / ByteReader', () => {
  it('writes every primitive little-endian and reads it back', () => {
    const bytes = new ByteWriter()
      .u16(0x0102)
      .u32(0x01020304)
      .i16(-2)
      .bytes(Buffer.from([9, 8]))
      .string('héllo')
      .toBuffer();
    expect(bytes.subarray(0, 8).toString('hex')).toBe('020104030201feff');

    const reader = new ByteReader(bytes);
    expect(reader.u16()).toBe(0x0102);
    expect(reader.u32()).toBe(0x01020304);
    expect(reader.i16()).toBe(-2);
    expect([...reader.bytes()]).toEqual([9, 8]);
    expect(reader.string()).toBe('héllo');
    expect(reader.remaining).toBe(0);
  });

  it('emits privilege maps in ascending id order whatever the insertion order', () => {
    const bytes = new ByteWriter().privileges({ 4: 40, 1: 10, 1000: 7 }).toBuffer();
    expect(bytes.toString('hex')).toBe('0300' + '01000a000000' + '040028000000' + 'e80307000000');
    expect(new ByteReader(bytes).privileges()).toEqual({ 1: 10, 4: 40, 1000: 7 });
  });

  it('throws a TokenFormatError when a field runs past the end of the buffer', () => {
    expect(() => new ByteReader(Buffer.from([1])).u16()).toThrow(TokenFormatError);
    expect(() => new ByteReader(Buffer.from([1, 2, 3])).u32()).toThrow(TokenFormatError);
    // A length prefix promising more bytes than exist.
    expect(() => new ByteReader(Buffer.from([5, 0, 1, 2])).bytes()).toThrow(TokenFormatError);
    expect(() => new ByteReader(Buffer.from([2, 0, 1, 0, 1])).privileges()).toThrow(TokenFormatError);
  });

  it('rejects strings that are not valid UTF-8 rather than guessing', () => {
    expect(() => new ByteReader(Buffer.from([2, 0, 0xc3, 0x28])).string()).toThrow(TokenFormatError);
  });

  it('refuses to write values that do not fit their field', () => {
    expect(() => new ByteWriter().u16(0x10000)).toThrow(RangeError);
    expect(() => new ByteWriter().u32(-1)).toThrow(RangeError);
    expect(() => new ByteWriter().u32(1.5)).toThrow(RangeError);
    expect(() => new ByteWriter().bytes(Buffer.alloc(0x10000))).toThrow(RangeError);
  });
});
