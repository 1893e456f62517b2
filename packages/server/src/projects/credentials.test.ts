import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashSecret, newHex32, secretMatches } from './credentials.ts';

describe('Customer Secret hashes', () => {
  it('are SHA-256 in hex, as stored by earlier versions (FIPS 180-2 "abc" vector)', () => {
    expect(hashSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('hash the UTF-8 text, as createHash did', () => {
    for (const secret of [newHex32(), 'sécret-ü-😀', '']) {
      expect(hashSecret(secret)).toBe(createHash('sha256').update(secret, 'utf8').digest('hex'));
    }
  });

  it('match only the secret they were made from, and never an unknown ID', () => {
    const secret = newHex32();
    const stored = hashSecret(secret);
    expect(secretMatches(secret, stored)).toBe(true);
    expect(secretMatches(newHex32(), stored)).toBe(false);
    expect(secretMatches(`${secret.slice(0, 31)}${secret[31] === 'a' ? 'b' : 'a'}`, stored)).toBe(false);
    expect(secretMatches(secret, undefined)).toBe(false);
  });
});
