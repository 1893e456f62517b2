/**
 * The ffmpeg check says what recordings cannot do before the first one tries: here, an ffmpeg that
 * has the encoders but not the bitstream filter packaging needs (as older builds lack NEXT_DTS).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaTools, MediaToolsMissing } from './mediaTools.ts';

describe('MediaTools.check', () => {
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-ffmpeg-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('passes with the machine\'s ffmpeg', async () => {
    await expect(new MediaTools({ ffmpegPath: undefined }).check()).resolves.toBeUndefined();
  });

  it('refuses an ffmpeg whose setts filter lacks NEXT_DTS, and says what to install', async () => {
    const fake = path.join(dir, 'ffmpeg-without-next-dts');
    // Lists the encoders; refuses the filter expression as an older setts does.
    fs.writeFileSync(fake, [
      '#!/bin/sh',
      'case "$*" in',
      '  *-encoders*) printf " V....D libx264              libx264 H.264\\n A....D aac                  AAC\\n" ;;',
      '  *NEXT_DTS*) echo "Undefined constant or missing \'(\' in \'NEXT_DTS-DTS\'" >&2; exit 1 ;;',
      'esac',
      '',
    ].join('\n'), { mode: 0o755 });
    const check = new MediaTools({ ffmpegPath: fake }).check();
    await expect(check).rejects.toBeInstanceOf(MediaToolsMissing);
    await expect(check).rejects.toThrow(`ffmpeg at ${fake} (PARLEY_FFMPEG_PATH) cannot run the bitstream filter recordings need (setts=duration=NEXT_DTS-DTS: exit code 1): install ffmpeg 5 or newer`);
  });
});
