import { describe, expect, it } from 'vitest';
import { generatePassword, hashPassword, UNUSABLE_HASH, verifyPassword } from './passwords.ts';

describe('console passwords', () => {
  it('stores a salted, self-describing scrypt hash that only the password matches', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(hash).not.toBe(await hashPassword('correct horse battery staple'));
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', hash)).toBe(false);
  });

  it('checks a hash made with other costs by the costs it names', async () => {
    const hash = await hashPassword('abcdefghijkl');
    expect(await verifyPassword('abcdefghijkl', hash.replace('scrypt$32768$', 'scrypt$16384$'))).toBe(false);
  });

  it('matches nothing against an unusable or malformed hash', async () => {
    expect(await verifyPassword('', UNUSABLE_HASH)).toBe(false);
    for (const bad of ['', 'scrypt', 'md5$1$2$3$a$b', 'scrypt$x$8$1$a$b', 'scrypt$0$8$1$a$b']) expect(await verifyPassword('x', bad)).toBe(false);
  });

  it('generates 24-character passwords that differ', () => {
    const a = generatePassword();
    expect(a).toMatch(/^[\w-]{24}$/);
    expect(generatePassword()).not.toBe(a);
  });
});
