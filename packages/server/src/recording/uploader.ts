/**
 * Puts a recording's files into its store: segments and MP4s first, playlists last (a playlist
 * never names a segment that is not there yet), a few at a time, each retried with a pause
 * before it counts as failed. Failed files are reported, never dropped: the caller keeps them
 * and tries again later.
 */
import { contentTypeOf, type BlobStore } from '../blob/blobStore.ts';

export interface UploadFile {
  /** The object key: `fileNamePrefix` and the file name. */
  key: string;
  path: string;
}

export interface UploadResult {
  failed: Array<{ key: string; error: string }>;
}

const PARALLEL_UPLOADS = 4;

export async function uploadFiles(store: BlobStore, files: UploadFile[], retryDelaysMs: number[] = [500, 2_000]): Promise<UploadResult> {
  const failed: UploadResult['failed'] = [];
  const upload = async (file: UploadFile) => {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await store.putFile(file.key, file.path, contentTypeOf(file.key));
        return;
      } catch (error) {
        const delay = retryDelaysMs[attempt];
        if (delay === undefined) {
          failed.push({ key: file.key, error: (error as Error).message });
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  };
  const runAll = async (batch: UploadFile[]) => {
    const queue = [...batch];
    await Promise.all(Array.from({ length: Math.min(PARALLEL_UPLOADS, queue.length) }, async () => {
      for (let file = queue.shift(); file; file = queue.shift()) await upload(file);
    }));
  };
  await runAll(files.filter((file) => !file.key.endsWith('.m3u8')));
  // A playlist whose segments did not all make it waits with them for the next attempt.
  const playlists = files.filter((file) => file.key.endsWith('.m3u8'));
  if (failed.length > 0) failed.push(...playlists.map((file) => ({ key: file.key, error: 'waits for its segments' })));
  else await runAll(playlists);
  return { failed };
}
