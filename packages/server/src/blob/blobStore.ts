/**
 * Where recorded files go: the `BlobStore` interface, with a local folder (the default, under
 * `<dataDir>/recordings`) and an S3-compatible bucket behind it. Keys are `/`-separated object
 * names; a store never lets a key climb out of its folder or prefix.
 */
import type { Readable } from 'node:stream';

export interface BlobObject {
  body: Readable;
  size: number;
  contentType: string | undefined;
}

export interface BlobStore {
  /** Where the files go, for logs and errors (never credentials). */
  readonly description: string;
  /**
   * Proves the store is usable now: the folder can be written, or the bucket exists and the
   * credentials are accepted. Throws a BlobStoreError saying what is wrong.
   */
  check(): Promise<void>;
  putFile(key: string, filePath: string, contentType: string): Promise<void>;
  get(key: string): Promise<BlobObject | undefined>;
  exists(key: string): Promise<boolean>;
  /** Every key that starts with `prefix`, in name order. */
  list(prefix: string): Promise<string[]>;
  delete(key: string): Promise<void>;
}

/** Why a store failed: `credentials` and `bucket` are the caller's to fix, `unreachable` may pass. */
export type BlobStoreProblem = 'credentials' | 'bucket' | 'unreachable' | 'other';

export class BlobStoreError extends Error {
  readonly problem: BlobStoreProblem;

  constructor(problem: BlobStoreProblem, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.problem = problem;
  }
}

const MAX_KEY_LENGTH = 1024;

/** Throws unless `key` is a plain relative object name: no empty, `.` or `..` segments, no backslashes. */
export function checkKey(key: string): void {
  const segments = key.split('/');
  if (key.length === 0 || key.length > MAX_KEY_LENGTH || key.includes('\\') || key.includes('\0') || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new BlobStoreError('other', `Invalid object name "${key}"`);
  }
}

/** The MIME type of a recorded file, by its extension. */
export function contentTypeOf(fileName: string): string {
  if (fileName.endsWith('.m3u8')) return 'application/vnd.apple.mpegurl';
  if (fileName.endsWith('.ts')) return 'video/mp2t';
  if (fileName.endsWith('.mp4')) return 'video/mp4';
  if (fileName.endsWith('.webm')) return 'video/webm';
  return 'application/octet-stream';
}
