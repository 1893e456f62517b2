/**
 * Agora's names for recorded files, so code that parses them keeps working:
 * - individual: `<sid>_<cname>__uid_s_<uid>__uid_e_<type>.m3u8`, segments and MP4 slices
 *   `<sid>_<cname>__uid_s_<uid>__uid_e_<type>_<utc>.ts|.mp4`;
 * - mix: `<sid>_<cname>.m3u8`, segments and MP4 `<sid>_<cname>_<utc>.ts|.mp4`;
 * where `<utc>` is when the slice's media starts, `yyyyMMddHHmmssSSS` in UTC.
 */
import type { MediaKind } from '@parley/protocol';

/** `20190611073246073` for 2019-06-11T07:32:46.073Z. */
export function utcStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:TZ.]/g, '');
}

export function individualBase(sid: string, cname: string, uid: string, kind: MediaKind): string {
  return `${sid}_${cname}__uid_s_${uid}__uid_e_${kind}`;
}

export function mixBase(sid: string, cname: string): string {
  return `${sid}_${cname}`;
}

export function sliceName(base: string, startMs: number, extension: 'ts' | 'mp4'): string {
  return `${base}_${utcStamp(startMs)}.${extension}`;
}

/** The storage key of a file: `fileNamePrefix` folders, then the name. */
export function objectKey(prefix: readonly string[], fileName: string): string {
  return [...prefix, fileName].join('/');
}
