/**
 * Looking at recorded files the way a player would: ffprobe's view of codecs, sizes, duration and bitrate,
 * HLS playlists and their segments, and the brightness of regions of a composite's pictures.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ProbeResult {
  duration: number;
  /** Bits a second over the whole file (its size over its duration). */
  bitRate: number;
  video?: { codec: string; width: number; height: number };
  audio?: { codec: string; channels: number };
}

export async function ffprobe(file: string, headers?: string): Promise<ProbeResult> {
  const args = ['-v', 'error', ...(headers ? ['-headers', headers] : []), '-show_entries', 'format=duration,bit_rate:stream=codec_type,codec_name,width,height,channels', '-of', 'json', file];
  const parsed = JSON.parse((await run('ffprobe', args)).stdout) as {
    format: { duration?: string; bit_rate?: string };
    streams: Array<{ codec_type: string; codec_name: string; width?: number; height?: number; channels?: number }>;
  };
  const video = parsed.streams.find((s) => s.codec_type === 'video');
  const audio = parsed.streams.find((s) => s.codec_type === 'audio');
  return {
    duration: Number(parsed.format.duration ?? 0),
    bitRate: Number(parsed.format.bit_rate ?? 0),
    ...(video ? { video: { codec: video.codec_name, width: video.width!, height: video.height! } } : {}),
    ...(audio ? { audio: { codec: audio.codec_name, channels: audio.channels! } } : {}),
  };
}

/** The segments a playlist names, with their durations. */
export function playlistSegments(text: string): Array<{ uri: string; duration: number }> {
  const segments: Array<{ uri: string; duration: number }> = [];
  let duration = 0;
  for (const line of text.split('\n')) {
    const extinf = /^#EXTINF:([\d.]+)/.exec(line);
    if (extinf) duration = Number(extinf[1]);
    else if (line.trim() && !line.startsWith('#')) segments.push({ uri: line.trim(), duration });
  }
  return segments;
}

/**
 * The brightest luma of each region of a video's pictures between `from` and `to` seconds
 * (all frames, grey), for checking what a composite shows where.
 */
export async function regionPeaks(file: string, from: number, to: number, size: { width: number; height: number }, regions: Record<string, { x: number; y: number; width: number; height: number }>): Promise<Record<string, number>> {
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-ss', String(from), '-to', String(to), '-i', file, '-an', '-vf', 'format=gray', '-f', 'rawvideo', 'pipe:1'], {
    encoding: 'buffer',
    maxBuffer: 512 * 1024 * 1024,
  });
  const frameBytes = size.width * size.height;
  const peaks = Object.fromEntries(Object.keys(regions).map((name) => [name, 0]));
  for (let offset = 0; offset + frameBytes <= stdout.length; offset += frameBytes) {
    for (const [name, r] of Object.entries(regions)) {
      for (let y = r.y; y < r.y + r.height; y += 2) {
        for (let x = r.x; x < r.x + r.width; x += 2) peaks[name] = Math.max(peaks[name]!, stdout[offset + y * size.width + x]!);
      }
    }
  }
  return peaks;
}

/** How long a recording can be: from the start answer to the stop request at the least, from the start request to the stop answer at the most. */
export interface RecordedSpan {
  shortest: number;
  longest: number;
}

export function within(actual: number, expected: number | RecordedSpan, share = 0.1): boolean {
  const { shortest, longest } = typeof expected === 'number' ? { shortest: expected, longest: expected } : expected;
  return actual >= shortest * (1 - share) && actual <= longest * (1 + share);
}
