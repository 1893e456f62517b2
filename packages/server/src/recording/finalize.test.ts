/**
 * Packaging a slice's transcode into HLS and MP4 lists every second it holds. WebRTC video comes
 * at a lower frame rate than its stream declares (here 15 fps frames in a stream ffmpeg reads as
 * 30 fps, as the live transcoder writes them); the playlist's last segment was listed by the
 * declared rate and came out half as long as it plays.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finalizeIndividual } from './finalize.ts';
import { MediaTools } from './mediaTools.ts';

const run = promisify(execFile);
const SECONDS = 12;
const FRAME = 1 / 15;

describe('finalizeIndividual', () => {
  let dir: string;
  let raw: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-finalize-'));
    raw = path.join(dir, 'slice.webm');
    // Every other frame of a 30 fps source, keeping timestamps: 15 frames a second, declared 30.
    await run('ffmpeg', [
      '-v', 'error', '-f', 'lavfi', '-i', `testsrc=rate=30:size=320x240:duration=${SECONDS}`,
      '-vf', "select='not(mod(n,2))'", '-fps_mode', 'passthrough',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-force_key_frames', 'expr:gte(t,n_forced*2)', '-f', 'mpegts', raw.replace(/\.webm$/, '.ts'),
    ]);
    const probe = await run('ffprobe', ['-v', 'error', '-select_streams', 'v', '-show_entries', 'packet=duration_time', '-of', 'csv=p=0', raw.replace(/\.webm$/, '.ts')]);
    const read = new Set(probe.stdout.split('\n').filter(Boolean).map((line) => Number.parseFloat(line)));
    expect([...read], 'ffmpeg reads each 1/15 s frame as 1/30 s long').toEqual([0.033333]);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lists and plays the whole slice when frames come slower than the stream declares', async () => {
    const outDir = path.join(dir, 'out');
    const startedAt = Date.UTC(2026, 11, 6, 5, 0, 0);
    const final = await finalizeIndividual(new MediaTools({ ffmpegPath: undefined }), {
      sid: 'sid1', cname: 'room', mp4: true, outDir, slices: [{ file: raw, uid: '7', kind: 'video', startedAt }],
    });
    expect(final.problems).toEqual([]);

    const playlist = final.entries.find((entry) => entry.fileName.endsWith('.m3u8'))!;
    const text = fs.readFileSync(path.join(outDir, playlist.fileName), 'utf8');
    const durations = [...text.matchAll(/^#EXTINF:([\d.]+),/gm)].map((match) => Number(match[1]));
    expect(durations).toHaveLength(2);
    const listed = durations.reduce((sum, seconds) => sum + seconds, 0);
    // The last frame's own duration is still the declared one (nothing follows it): up to one frame short.
    expect(listed, text).toBeGreaterThan(SECONDS - FRAME - 0.001);
    expect(listed, text).toBeLessThanOrEqual(SECONDS + 0.001);

    const mp4 = final.entries.find((entry) => entry.fileName.endsWith('.mp4'))!;
    const played = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', path.join(outDir, mp4.fileName)]);
    expect(Math.abs(Number(played.stdout) - listed), `MP4 plays ${played.stdout.trim()} s, the playlist lists ${listed} s`).toBeLessThan(FRAME);
  });
});
