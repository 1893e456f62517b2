/**
 * The encrypted frame format, on Node's WebCrypto: what stays in the clear, IVs that never repeat,
 * and frames that were altered or sealed with another key refused.
 */
import { describe, expect, it } from 'vitest';
import { deriveMediaKey } from './encryptionConfig.ts';
import { frameCipher } from './frameCipher.ts';

const cipher = frameCipher();
const salt = new Uint8Array(32).fill(7);
const keyOf = (secret: string, saltBytes: Uint8Array = salt) => deriveMediaKey({ mode: 'aes-128-gcm2', secret, salt: new Uint8Array(saltBytes) });

/** A VP8 frame: bit 0 of the first byte is 0 on a keyframe. */
function vp8Frame(keyframe: boolean, length = 200): ArrayBuffer {
  const bytes = new Uint8Array(length).map((_, i) => (i * 31 + 5) & 0xff);
  bytes[0] = keyframe ? 0x10 : 0x11;
  return bytes.buffer;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
const ivOf = (sealed: ArrayBuffer) => Buffer.from(new Uint8Array(sealed).subarray(sealed.byteLength - 1 - IV_BYTES, sealed.byteLength - 1)).toString('hex');

describe('frame cipher', () => {
  it('keeps VP8\'s 10-byte keyframe header, 3-byte delta header and Opus\'s TOC byte in the clear, and hides the rest', async () => {
    const key = await keyOf('Str0ng!secret');
    const cases = [
      { kind: 'video' as const, frame: vp8Frame(true), clear: 10 },
      { kind: 'video' as const, frame: vp8Frame(false), clear: 3 },
      { kind: 'audio' as const, frame: new Uint8Array(60).fill(0x7c).buffer, clear: 1 },
    ];
    for (const { kind, frame, clear } of cases) {
      const sealed = new Uint8Array(await cipher.sealer(key, kind)(frame));
      const plain = new Uint8Array(frame);
      expect(sealed.length).toBe(plain.length + TAG_BYTES + IV_BYTES + 1);
      expect(sealed.subarray(0, clear)).toEqual(plain.subarray(0, clear));
      expect(sealed.at(-1)).toBe(clear);
      expect(Buffer.from(sealed.subarray(clear, plain.length)).equals(Buffer.from(plain.subarray(clear)))).toBe(false);
      expect(new Uint8Array(await cipher.open(key, sealed.buffer))).toEqual(plain);
    }
  });

  it('seals frames shorter than the header, empty ones included', async () => {
    const key = await keyOf('Str0ng!secret');
    for (const length of [0, 1, 2, 5]) {
      const frame = vp8Frame(true, length);
      const sealed = await cipher.sealer(key, 'video')(frame);
      expect(new Uint8Array(sealed).at(-1)).toBe(length);
      expect(new Uint8Array(await cipher.open(key, sealed))).toEqual(new Uint8Array(frame));
    }
  });

  it('never repeats an IV: a counter per track after a random part that differs between tracks', async () => {
    const key = await keyOf('Str0ng!secret');
    const audio = cipher.sealer(key, 'audio');
    const video = cipher.sealer(key, 'video');
    const ivs: string[] = [];
    for (let i = 0; i < 500; i++) {
      ivs.push(ivOf(await audio(new Uint8Array(40).buffer)));
      ivs.push(ivOf(await video(vp8Frame(i % 50 === 0))));
    }
    expect(new Set(ivs).size).toBe(ivs.length);
    const audioIvs = ivs.filter((_, i) => i % 2 === 0);
    // One track: the same random part, then frame numbers 0, 1, 2…
    expect(new Set(audioIvs.map((iv) => iv.slice(0, 16))).size).toBe(1);
    expect(audioIvs.slice(0, 3).map((iv) => iv.slice(16))).toEqual(['00000000', '00000001', '00000002']);
    expect(audioIvs[0]!.slice(0, 16)).not.toBe(ivs[1]!.slice(0, 16));
  });

  it('refuses a frame altered anywhere: clear header, ciphertext, tag, IV or header length', async () => {
    const key = await keyOf('Str0ng!secret');
    const sealed = new Uint8Array(await cipher.sealer(key, 'video')(vp8Frame(true)));
    const positions = { header: 4, ciphertext: 40, tag: sealed.length - 1 - IV_BYTES - 3, iv: sealed.length - 5, length: sealed.length - 1 };
    for (const [where, at] of Object.entries(positions)) {
      const altered = sealed.slice();
      altered[at]! ^= 0x01;
      await expect(cipher.open(key, altered.buffer), where).rejects.toThrow();
    }
    await expect(cipher.open(key, sealed.slice().buffer)).resolves.toBeInstanceOf(ArrayBuffer);
  });

  it('refuses frames sealed with another secret or salt, and frames that were never sealed', async () => {
    const key = await keyOf('Str0ng!secret');
    const sealed = await cipher.sealer(key, 'audio')(new Uint8Array(80).fill(3).buffer);
    await expect(cipher.open(await keyOf('Wr0ng!secret'), sealed)).rejects.toThrow();
    await expect(cipher.open(await keyOf('Str0ng!secret', new Uint8Array(32).fill(8)), sealed)).rejects.toThrow();
    await expect(cipher.open(await keyOf('Str0ng!secret'), sealed)).resolves.toBeInstanceOf(ArrayBuffer);
    for (const plain of [vp8Frame(true), new Uint8Array(0).buffer, new Uint8Array(20).buffer]) await expect(cipher.open(key, plain)).rejects.toThrow();
  });
});
