/**
 * setEncryptionConfig's arguments as Agora declares them, and the keys derived from them: the
 * modes Parley cannot honour are refused with NOT_SUPPORTED, never ignored.
 */
import { describe, expect, it } from 'vitest';
import { checkEncryptionConfig, deriveMediaKey } from './encryptionConfig.ts';

const salt = new Uint8Array(32).fill(1);
const codeOf = (run: () => unknown) => {
  try {
    run();
    return 'no error';
  } catch (error) {
    return (error as { code: string }).code;
  }
};

describe('encryption config', () => {
  it('accepts the AES-GCM modes, with a 32-byte salt for the gcm2 ones, and "none" as off', () => {
    expect(checkEncryptionConfig('aes-128-gcm2', 'Str0ng!secret', salt, undefined, true)).toEqual({ mode: 'aes-128-gcm2', secret: 'Str0ng!secret', salt });
    expect(checkEncryptionConfig('aes-256-gcm2', 'Str0ng!secret', salt, true, true)?.mode).toBe('aes-256-gcm2');
    expect(checkEncryptionConfig('aes-256-gcm', 'Str0ng!secret', undefined, false, true)).toEqual({ mode: 'aes-256-gcm', secret: 'Str0ng!secret', salt: undefined });
    expect(checkEncryptionConfig('none', '', undefined, undefined, false)).toBeUndefined();
  });

  it('throws NOT_SUPPORTED for XTS, ECB and SM4, and when the browser cannot transform frames', () => {
    for (const mode of ['aes-128-xts', 'aes-256-xts', 'aes-128-ecb', 'sm4-128-ecb']) expect(codeOf(() => checkEncryptionConfig(mode, 'Str0ng!secret', salt, undefined, true)), mode).toBe('NOT_SUPPORTED');
    expect(codeOf(() => checkEncryptionConfig('aes-128-gcm2', 'Str0ng!secret', salt, undefined, false))).toBe('NOT_SUPPORTED');
  });

  it('throws INVALID_PARAMS for an unknown mode, an empty secret, a missing or short salt, or data stream encryption without a salted mode', () => {
    const cases: Array<[unknown, unknown, unknown, unknown]> = [
      ['aes-512-gcm', 'Str0ng!secret', salt, undefined],
      [undefined, 'Str0ng!secret', salt, undefined],
      ['aes-128-gcm2', '', salt, undefined],
      ['aes-128-gcm2', 42, salt, undefined],
      ['aes-128-gcm2', 'Str0ng!secret', undefined, undefined],
      ['aes-128-gcm2', 'Str0ng!secret', new Uint8Array(16), undefined],
      ['aes-128-gcm2', 'Str0ng!secret', [...salt], undefined],
      ['aes-128-gcm', 'Str0ng!secret', undefined, true],
      ['aes-128-gcm2', 'Str0ng!secret', salt, 'yes'],
    ];
    for (const [mode, secret, saltArg, dataStream] of cases) expect(codeOf(() => checkEncryptionConfig(mode, secret, saltArg, dataStream, true)), JSON.stringify([mode, secret, dataStream])).toBe('INVALID_PARAMS');
  });

  it('keeps a copy of the salt: changing the application\'s array afterwards changes nothing', () => {
    const given = new Uint8Array(32).fill(9);
    const settings = checkEncryptionConfig('aes-128-gcm2', 'Str0ng!secret', given, undefined, true)!;
    given.fill(0);
    expect(settings.salt).toEqual(new Uint8Array(32).fill(9));
  });

  it('derives the same key from the same mode, secret and salt, of the mode\'s length', async () => {
    const seal = async (key: CryptoKey) => Buffer.from(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, key, new Uint8Array(4))).toString('hex');
    const a = await deriveMediaKey({ mode: 'aes-256-gcm2', secret: 'Str0ng!secret', salt: new Uint8Array(salt) });
    const b = await deriveMediaKey({ mode: 'aes-256-gcm2', secret: 'Str0ng!secret', salt: new Uint8Array(salt) });
    expect(await seal(a)).toBe(await seal(b));
    expect(a.algorithm).toMatchObject({ name: 'AES-GCM', length: 256 });
    expect(a.extractable).toBe(false);
    const short = await deriveMediaKey({ mode: 'aes-128-gcm', secret: 'Str0ng!secret', salt: undefined });
    expect(short.algorithm).toMatchObject({ length: 128 });
    const otherSalt = await deriveMediaKey({ mode: 'aes-256-gcm2', secret: 'Str0ng!secret', salt: new Uint8Array(32).fill(2) });
    expect(await seal(otherSalt)).not.toBe(await seal(a));
  });
});
