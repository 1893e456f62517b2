/**
 * Turns what a recording captured into the files people play, named as Agora names them:
 * - individual: each slice (one user's track kind for one publishing period) was transcoded once
 *   while it was recorded (VP8, VP9, AV1 or H.264 → H.264, Opus → AAC: MPEG-TS and MP4 cannot
 *   carry VP8, and H.264 is re-encoded too, for a keyframe every 2 s: WebRTC encoders make one
 *   only when asked or every few thousand frames, and HLS segments start at keyframes); its
 *   MPEG-TS is cut into HLS segments and, when asked, copied into an MP4, both without
 *   re-encoding; a user's slices of a kind share one playlist, separated by discontinuities. A
 *   slice without a usable live transcode is transcoded from its raw WebM here;
 * - mix: the composite's capture is already H.264/AAC, so it is only cut and copied.
 * Truncated inputs (a crash) are read as far as they go.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { MediaKind, RecordingFileInfo } from '@parley/protocol';
import { FRAME_DURATIONS_FILTER, type MediaTools } from './mediaTools.ts';
import { individualBase, mixBase, sliceName, utcStamp } from './names.ts';

export interface SliceInput {
  file: string;
  uid: string;
  kind: MediaKind;
  startedAt: number;
}

export interface FinalFiles {
  /** Files in upload order: segments first, so no playlist names a segment not yet stored. */
  files: Array<{ name: string; path: string }>;
  entries: RecordingFileInfo[];
  /** Inputs that could not be used, and why. */
  problems: string[];
}

const SEGMENT_SECONDS = 10;
/** Transcodes at once; more would only queue behind the machine's cores. */
const PARALLEL_TRANSCODES = 2;

interface Segment {
  name: string;
  duration: number;
}

interface Packaged {
  segments: Segment[];
  mp4: string | undefined;
}

/**
 * MPEG-TS stores no frame durations: reading one back, ffmpeg assumes the stream's nominal frame
 * rate, which for WebRTC video is often twice the rate frames came at (a 15 fps camera read as
 * 30). The HLS muxer times every segment but the last by the next keyframe's timestamp, and the
 * last one by adding up frame durations, so a 2 s tail was listed as 1 s (measured: 12 s of video
 * listed as 11.03 s). Each frame's duration is set to the gap to the next frame instead, in decode
 * order (DTS), which stays positive should a stream ever carry B-frames.
 */
const FRAME_DURATIONS_FROM_TIMESTAMPS = ['-bsf:v', FRAME_DURATIONS_FILTER];

/** Cuts an MPEG-TS into HLS segments named `<base>_<utc>.ts` (and copies it into an MP4). */
async function packageTs(tools: MediaTools, label: string, input: string, options: { base: string; startMs: number; outDir: string; mp4: boolean }): Promise<Packaged> {
  const scratch = `.${path.basename(input, '.ts')}`;
  const playlist = path.join(options.outDir, `${scratch}.m3u8`);
  const mp4Name = options.mp4 ? sliceName(options.base, options.startMs, 'mp4') : undefined;
  // One ffmpeg writes both: each run costs ~150 ms of CPU before it reads a byte (Debian's ffmpeg
  // loads some 200 shared libraries), more than the copying itself.
  await tools.runFfmpeg(`${label}:package`, [
    '-i', input,
    '-map', '0', '-c', 'copy', ...FRAME_DURATIONS_FROM_TIMESTAMPS,
    '-f', 'hls', '-hls_time', String(SEGMENT_SECONDS), '-hls_list_size', '0', '-hls_playlist_type', 'vod',
    '-hls_segment_filename', path.join(options.outDir, `${scratch}_%05d.ts`), playlist,
    ...(mp4Name ? ['-map', '0', '-c', 'copy', ...FRAME_DURATIONS_FROM_TIMESTAMPS, '-movflags', '+faststart', path.join(options.outDir, mp4Name)] : []),
  ]);
  const segments: Segment[] = [];
  let offset = 0;
  let duration = 0;
  for (const line of (await fs.promises.readFile(playlist, 'utf8')).split('\n')) {
    const extinf = /^#EXTINF:([\d.]+)/.exec(line);
    if (extinf) duration = Number(extinf[1]);
    else if (line && !line.startsWith('#')) {
      const name = `${options.base}_${utcStamp(options.startMs + Math.round(offset * 1000))}.ts`;
      await fs.promises.rename(path.join(options.outDir, line), path.join(options.outDir, name));
      segments.push({ name, duration });
      offset += duration;
    }
  }
  await fs.promises.rm(playlist, { force: true });
  return { segments, mp4: mp4Name };
}

/** An HLS playlist over several periods, each marked with its wall-clock start. */
function playlistText(periods: Array<{ startMs: number; segments: Segment[] }>): string {
  const target = Math.max(1, ...periods.flatMap((p) => p.segments.map((s) => Math.ceil(s.duration))));
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', `#EXT-X-TARGETDURATION:${target}`, '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-PLAYLIST-TYPE:VOD'];
  periods.forEach((period, i) => {
    if (i > 0) lines.push('#EXT-X-DISCONTINUITY');
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(period.startMs).toISOString()}`);
    for (const segment of period.segments) lines.push(`#EXTINF:${segment.duration.toFixed(6)},`, encodeURIComponent(segment.name));
  });
  lines.push('#EXT-X-ENDLIST', '');
  return lines.join('\n');
}

/**
 * How a raw slice becomes H.264 or AAC in MPEG-TS. The same settings serve the live transcoder
 * (task.ts, while recording) and the fallback here: ultrafast and one thread, so a live
 * transcoder costs a few percent of a core per stream; audio is mono 48 Kbps, Agora's default
 * audio profile.
 */
export function sliceCodecArgs(kind: MediaKind): string[] {
  return kind === 'video'
    ? ['-map', '0:v:0', '-vf', 'scale=trunc(iw/2)*2:trunc(ih/2)*2', '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-crf', '23', '-pix_fmt', 'yuv420p',
      '-force_key_frames', 'expr:gte(t,n_forced*2)', '-threads', '1']
    : ['-map', '0:a:0', '-c:a', 'aac', '-b:a', '48k', '-ar', '48000', '-ac', '1'];
}

/** Input options of a slice decode: one thread, as one small stream gains nothing from more. */
export const SLICE_INPUT_ARGS = ['-threads', '1'];

/** Where a slice's H.264/AAC transcode is written, live or at stop (beside its .webm or .mkv). */
export function transcodedPath(raw: string): string {
  return raw.replace(/\.(webm|mkv)$/, '.ts');
}

async function isUsable(file: string): Promise<boolean> {
  return ((await fs.promises.stat(file).catch(() => undefined))?.size ?? 0) > 0;
}

async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  }));
}

export async function finalizeIndividual(
  tools: MediaTools,
  options: { sid: string; cname: string; slices: SliceInput[]; mp4: boolean; outDir: string },
): Promise<FinalFiles> {
  await fs.promises.mkdir(options.outDir, { recursive: true });
  const problems: string[] = [];
  const done = new Map<SliceInput, { startMs: number; packaged: Packaged }>();
  await inParallel([...options.slices].sort((a, b) => a.startedAt - b.startedAt), PARALLEL_TRANSCODES, async (slice) => {
    const label = `${options.sid}:${slice.uid}:${slice.kind}`;
    const transcoded = transcodedPath(slice.file);
    const base = individualBase(options.sid, options.cname, slice.uid, slice.kind);
    const pack = async () => {
      const packaged = await packageTs(tools, label, transcoded, { base, startMs: slice.startedAt, outDir: options.outDir, mp4: options.mp4 });
      if (packaged.segments.length === 0) throw new Error('no media');
      return packaged;
    };
    try {
      // The live transcode is normally there and complete; without it (it failed, or a crash cut
      // it short) the raw WebM is transcoded now.
      const live = (await isUsable(transcoded)) ? await pack().catch(() => undefined) : undefined;
      let packaged = live;
      if (!packaged) {
        await tools.runFfmpeg(`${label}:transcode`, [...SLICE_INPUT_ARGS, '-err_detect', 'ignore_err', '-i', slice.file, ...sliceCodecArgs(slice.kind), '-f', 'mpegts', transcoded]);
        packaged = await pack();
      }
      done.set(slice, { startMs: slice.startedAt, packaged });
    } catch (error) {
      problems.push(`${path.basename(slice.file)}: ${(error as Error).message.split('\n')[0]}`);
    }
  });

  const segments: FinalFiles['files'] = [];
  const others: FinalFiles['files'] = [];
  const entries: RecordingFileInfo[] = [];
  const tracks = new Map<string, { uid: string; kind: MediaKind; periods: Array<{ startMs: number; segments: Segment[] }> }>();
  for (const slice of [...done.keys()].sort((a, b) => a.startedAt - b.startedAt)) {
    const { startMs, packaged } = done.get(slice)!;
    const key = `${slice.uid}\u0000${slice.kind}`;
    const track = tracks.get(key) ?? { uid: slice.uid, kind: slice.kind, periods: [] };
    track.periods.push({ startMs, segments: packaged.segments });
    tracks.set(key, track);
    for (const segment of packaged.segments) segments.push({ name: segment.name, path: path.join(options.outDir, segment.name) });
    if (packaged.mp4) {
      const file = path.join(options.outDir, packaged.mp4);
      others.push({ name: packaged.mp4, path: file });
      // The MP4 came from the run that made the segments, out of the same packets: written is playable.
      entries.push({ fileName: packaged.mp4, trackType: slice.kind, uid: slice.uid, mixedAllUser: false, isPlayable: await isUsable(file), sliceStartTime: startMs });
    }
  }
  for (const track of tracks.values()) {
    const name = `${individualBase(options.sid, options.cname, track.uid, track.kind)}.m3u8`;
    const file = path.join(options.outDir, name);
    await fs.promises.writeFile(file, playlistText(track.periods));
    others.push({ name, path: file });
    entries.push({ fileName: name, trackType: track.kind, uid: track.uid, mixedAllUser: false, isPlayable: true, sliceStartTime: track.periods[0]!.startMs });
  }
  entries.sort((a, b) => a.sliceStartTime - b.sliceStartTime || a.fileName.localeCompare(b.fileName));
  return { files: [...segments, ...others], entries, problems };
}

export async function finalizeMix(
  tools: MediaTools,
  options: { sid: string; cname: string; capture: string; startedAt: number; mp4: boolean; outDir: string },
): Promise<FinalFiles> {
  await fs.promises.mkdir(options.outDir, { recursive: true });
  const base = mixBase(options.sid, options.cname);
  let packaged: Packaged;
  try {
    packaged = await packageTs(tools, `${options.sid}:mix`, options.capture, { base, startMs: options.startedAt, outDir: options.outDir, mp4: options.mp4 });
  } catch (error) {
    return { files: [], entries: [], problems: [`composite: ${(error as Error).message.split('\n')[0]}`] };
  }
  if (packaged.segments.length === 0) return { files: [], entries: [], problems: ['composite: no media'] };
  const playlist = `${base}.m3u8`;
  await fs.promises.writeFile(path.join(options.outDir, playlist), playlistText([{ startMs: options.startedAt, segments: packaged.segments }]));
  const files = packaged.segments.map((segment) => ({ name: segment.name, path: path.join(options.outDir, segment.name) }));
  const entry = { trackType: 'audio_and_video' as const, uid: '0', mixedAllUser: true, sliceStartTime: options.startedAt };
  const entries: RecordingFileInfo[] = [{ fileName: playlist, isPlayable: true, ...entry }];
  if (packaged.mp4) {
    const file = path.join(options.outDir, packaged.mp4);
    files.push({ name: packaged.mp4, path: file });
    entries.push({ fileName: packaged.mp4, isPlayable: await isUsable(file), ...entry });
  }
  files.push({ name: playlist, path: path.join(options.outDir, playlist) });
  return { files, entries, problems: [] };
}
