/**
 * The ffmpeg check says what recordings cannot do before the first one tries. It runs a short
 * trial recording; when that fails, the encoder list says whether an encoder or the bitstream
 * filter packaging needs (which older builds lack) is missing.
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

  /** An ffmpeg that lists `encoders` and fails every conversion, printing `complaint`. */
  function fakeFfmpeg(name: string, encoders: string[], complaint: string): string {
    const file = path.join(dir, name);
    const listing = encoders.map((encoder) => ` V....D ${encoder.padEnd(20)} ${encoder}\\n`).join('');
    fs.writeFileSync(file, ['#!/bin/sh', 'case "$*" in', `  *-encoders*) printf "${listing}" ;;`, `  *) echo "${complaint}" >&2; exit 1 ;;`, 'esac', ''].join('\n'), { mode: 0o755 });
    return file;
  }

  it('passes with the machine\'s ffmpeg', async () => {
    await expect(new MediaTools({ ffmpegPath: undefined }).check()).resolves.toBeUndefined();
  });

  it('refuses an ffmpeg whose setts filter lacks NEXT_DTS, and says what to install', async () => {
    const fake = fakeFfmpeg('ffmpeg-without-next-dts', ['libx264', 'aac'], "Undefined constant or missing '(' in 'NEXT_DTS-DTS'");
    const check = new MediaTools({ ffmpegPath: fake }).check();
    await expect(check).rejects.toBeInstanceOf(MediaToolsMissing);
    await expect(check).rejects.toThrow(`ffmpeg at ${fake} (PARLEY_FFMPEG_PATH) cannot run the bitstream filter recordings need (setts=duration=NEXT_DTS-DTS: exit code 1): install ffmpeg 5 or newer`);
  });

  it('names the encoder an ffmpeg lacks', async () => {
    const fake = fakeFfmpeg('ffmpeg-without-x264', ['aac'], "Unknown encoder 'libx264'");
    await expect(new MediaTools({ ffmpegPath: fake }).check()).rejects.toThrow(`ffmpeg at ${fake} (PARLEY_FFMPEG_PATH) lacks the libx264 encoder(s) recordings need`);
  });
});
