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

/**
 * A 12 s video slice as the live transcoder leaves it: every other frame of a 30 fps source, keeping
 * timestamps, so 15 frames a second in a stream ffmpeg reads back as 30 fps.
 */
async function slowFrameSlice(dir: string, bFrames: number): Promise<string> {
  const raw = path.join(dir, `slice-b${bFrames}.webm`);
  const transcoded = raw.replace(/\.webm$/, '.ts');
  await run('ffmpeg', [
    '-v', 'error', '-f', 'lavfi', '-i', `testsrc=rate=30:size=320x240:duration=${SECONDS}`,
    '-vf', "select='not(mod(n,2))'", '-fps_mode', 'passthrough',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-x264-params', `bframes=${bFrames}`, '-force_key_frames', 'expr:gte(t,n_forced*2)', '-f', 'mpegts', transcoded,
  ]);
  const probe = await run('ffprobe', ['-v', 'error', '-select_streams', 'v', '-show_entries', 'packet=duration_time', '-of', 'csv=p=0', transcoded]);
  const read = new Set(probe.stdout.split('\n').filter(Boolean).map((line) => Number.parseFloat(line)));
  expect([...read], 'ffmpeg reads each 1/15 s frame as 1/30 s long').toEqual([0.033333]);
  return raw;
}

describe('finalizeIndividual', () => {
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-finalize-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  // Parley's encoders make no B-frames (zerolatency); a stream with them must come out whole too.
  it.each([0, 2])('lists and plays the whole slice when frames come slower than the stream declares (%i B-frames)', async (bFrames) => {
    const raw = await slowFrameSlice(dir, bFrames);
    const outDir = path.join(dir, `out-b${bFrames}`);
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
    // An MP4 with B-frames starts presenting a frame later for each B-frame it may reorder.
    expect(Math.abs(Number(played.stdout) - listed), `MP4 plays ${played.stdout.trim()} s, the playlist lists ${listed} s`).toBeLessThan((1 + bFrames) * FRAME);
  });
});
