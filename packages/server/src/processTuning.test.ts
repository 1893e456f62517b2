import { spawnSync } from 'node:child_process';
import v8 from 'node:v8';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BACKENDS } from '../../../test/support/backends.ts';
import { startTestServer } from '../../../test/support/server.ts';
import { MAIN_THREAD_ARRAY_BUFFER_SWEEPING, tuneProcess } from './processTuning.ts';

describe('process tuning', () => {
  afterEach(() => vi.restoreAllMocks());

  it('names a flag this Node’s V8 has (V8 ignores a flag it does not know, so a rename would go unnoticed)', () => {
    const listed = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
    expect(listed.status).toBe(0);
    const name = MAIN_THREAD_ARRAY_BUFFER_SWEEPING.replace(/^--no-/, '--');
    expect(listed.stdout).toMatch(new RegExp(`^\\s*${name} \\(`, 'm'));
  });

  it('sets it on the process', () => {
    const setFlags = vi.spyOn(v8, 'setFlagsFromString');
    tuneProcess();
    expect(setFlags).toHaveBeenCalledWith(MAIN_THREAD_ARRAY_BUFFER_SWEEPING);
  });

  it('is applied by every server start', async () => {
    const setFlags = vi.spyOn(v8, 'setFlagsFromString');
    const t = await startTestServer(BACKENDS[0]!);
    try {
      expect(setFlags).toHaveBeenCalledWith(MAIN_THREAD_ARRAY_BUFFER_SWEEPING);
    } finally {
      await t.stop();
    }
  });
});
