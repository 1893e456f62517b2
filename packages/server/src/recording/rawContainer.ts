/**
 * The container a recorded track's raw file is: WebM for VP8, VP9, AV1 and Opus, Matroska for
 * H.264, which WebM does not allow. werift's recorder labels every file WebM (EBML DocType
 * "webm"), so an H.264 file's header is relabelled "matroska", and the file is named .mkv: what
 * it says it is, for ffprobe and for anyone who opens the work folder after a crash.
 */
import type { MediaStreamTrack } from 'werift';

export interface RawContainer {
  docType: 'webm' | 'matroska';
  extension: 'webm' | 'mkv';
}

const WEBM: RawContainer = { docType: 'webm', extension: 'webm' };
const MATROSKA: RawContainer = { docType: 'matroska', extension: 'mkv' };

export function rawContainerOf(track: MediaStreamTrack): RawContainer {
  return track.codec?.name.toLowerCase() === 'h264' ? MATROSKA : WEBM;
}

const EBML_ID = Buffer.from([0x1a, 0x45, 0xdf, 0xa3]);
/** DocType element (ID 0x4282), 4 bytes long, "webm". */
const WEBM_DOCTYPE = Buffer.from([0x42, 0x82, 0x84, ...Buffer.from('webm')]);
const MATROSKA_DOCTYPE = Buffer.from([0x42, 0x82, 0x88, ...Buffer.from('matroska')]);
const GROWTH = MATROSKA_DOCTYPE.length - WEBM_DOCTYPE.length;

/**
 * The recorder's first chunk (EBML header, then the segment's start) with DocType "matroska".
 * werift writes the header's size as one byte, as its ~31 bytes need; anything else is left as it is.
 */
export function relabelAsMatroska(initial: Buffer): Buffer {
  const sizeByte = initial[EBML_ID.length];
  if (!initial.subarray(0, EBML_ID.length).equals(EBML_ID) || sizeByte === undefined || (sizeByte & 0x80) === 0) return initial;
  const size = sizeByte & 0x7f;
  if (size + GROWTH >= 0x7f) return initial;
  const start = EBML_ID.length + 1;
  const header = initial.subarray(start, start + size);
  const at = header.indexOf(WEBM_DOCTYPE);
  if (at < 0) return initial;
  return Buffer.concat([
    EBML_ID,
    Buffer.from([0x80 | (size + GROWTH)]),
    header.subarray(0, at),
    MATROSKA_DOCTYPE,
    header.subarray(at + WEBM_DOCTYPE.length),
    initial.subarray(start + size),
  ]);
}
