/**
 * The compositor's pieces without media: the YUV4MPEG2 reader across arbitrary chunking, the
 * canvas drawing a picture centred and clipped in its tile, and the audio queue's priming, mixing
 * and clipping.
 */
import { describe, expect, it } from 'vitest';
import { AudioQueue, toPcm } from './audioQueue.ts';
import { Canvas, yuvOf } from './canvas.ts';
import { Y4mReader, type Frame } from './y4m.ts';

describe('Y4mReader', () => {
  it('reads pictures however the stream is cut', () => {
    const picture = (fill: number) => Buffer.alloc(4 * 2 * 1.5, fill);
    const stream = Buffer.concat([Buffer.from('YUV4MPEG2 W4 H2 F15:1 Ip A1:1 C420jpeg\n'), Buffer.from('FRAME\n'), picture(1), Buffer.from('FRAME\n'), picture(2)]);
    for (const size of [1, 3, 7, stream.length]) {
      const seen: number[] = [];
      const reader = new Y4mReader((frame: Frame) => seen.push(frame.data[0]!, frame.width, frame.height));
      for (let offset = 0; offset < stream.length; offset += size) reader.push(stream.subarray(offset, offset + size));
      expect(seen, `chunks of ${size}`).toEqual([1, 4, 2, 2, 4, 2]);
    }
  });

  it('refuses a stream that is not YUV4MPEG2', () => {
    expect(() => new Y4mReader(() => {}).push(Buffer.from('RIFF....\n'))).toThrow(/not a YUV4MPEG2 stream/);
  });
});

describe('Canvas', () => {
  it('fills the background in BT.601 and copies a picture into its tile', () => {
    const canvas = new Canvas(8, 4, yuvOf('#000000'));
    expect(yuvOf('#000000')).toEqual({ y: 16, u: 128, v: 128 });
    expect(yuvOf('#ffffff')).toEqual({ y: 235, u: 128, v: 128 });
    const frame = { width: 4, height: 4, data: Buffer.alloc(4 * 4 * 1.5, 200) };
    const picture = canvas.compose(Buffer.alloc(canvas.frameBytes), [{ rect: { x: 4, y: 0, width: 4, height: 4 }, frame }]);
    const luma = [...picture.subarray(0, 32)];
    expect(luma.slice(0, 8)).toEqual([16, 16, 16, 16, 200, 200, 200, 200]);
    expect(luma.slice(24, 32)).toEqual([16, 16, 16, 16, 200, 200, 200, 200]);
  });

  it('centres a picture of another size in its tile (on even offsets) and clips what overflows', () => {
    const canvas = new Canvas(8, 8, yuvOf('#000000'));
    const data = Buffer.alloc(8 * 4 * 1.5, 128);
    for (let row = 0; row < 4; row += 1) for (let x = 0; x < 8; x += 1) data[row * 8 + x] = 50 + x;
    const picture = canvas.compose(Buffer.alloc(canvas.frameBytes), [{ rect: { x: 0, y: 0, width: 4, height: 8 }, frame: { width: 8, height: 4, data } }]);
    const rows = [0, 1, 2, 3, 4, 5, 6, 7].map((row) => [...picture.subarray(row * 8, row * 8 + 8)]);
    const background = [16, 16, 16, 16, 16, 16, 16, 16];
    const middle = [52, 53, 54, 55, 16, 16, 16, 16];
    expect(rows).toEqual([background, background, middle, middle, middle, middle, background, background]);
  });
});

describe('AudioQueue', () => {
  const pcm = (values: number[]) => Buffer.from(new Int16Array(values).buffer);

  it('stays silent until 60 ms are queued, then mixes and clips', () => {
    const a = new AudioQueue();
    const b = new AudioQueue();
    a.push(pcm(new Array(48 * 30).fill(20_000)));
    const mix = new Int32Array(4);
    a.addInto(mix, 4);
    expect([...mix]).toEqual([0, 0, 0, 0]);
    a.push(pcm(new Array(48 * 30).fill(20_000)));
    b.push(pcm(new Array(48 * 60).fill(20_000)));
    a.addInto(mix, 4);
    b.addInto(mix, 4);
    expect([...new Int16Array(new Uint8Array(toPcm(mix)).buffer)]).toEqual([32767, 32767, 32767, 32767]);
  });

  it('joins samples split across chunks', () => {
    const queue = new AudioQueue();
    const bytes = pcm(new Array(48 * 60).fill(-300));
    queue.push(bytes.subarray(0, 101));
    queue.push(bytes.subarray(101));
    const mix = new Int32Array(48 * 60);
    queue.addInto(mix, mix.length);
    expect(mix.every((v) => v === -300)).toBe(true);
  });
});
