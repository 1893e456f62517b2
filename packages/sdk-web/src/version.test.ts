/**
 * ParleyRTC.VERSION follows the package version.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VERSION } from './version.ts';

describe('VERSION', () => {
  it('is the package version', () => {
    const packageJson = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(VERSION).toBe(packageJson.version);
  });
});
