/**
 * Uploads retry each file before reporting it failed, put playlists last, and hold a playlist
 * back while any of its segments failed (it would name files that are not there).
 */
import { describe, expect, it } from 'vitest';
import type { BlobStore } from '../blob/blobStore.ts';
import { uploadFiles } from './uploader.ts';

function storeFailing(times: Map<string, number>, order: string[]): BlobStore {
  return {
    description: 'test store',
    check: async () => {},
    putFile: async (key) => {
      const left = times.get(key) ?? 0;
      if (left > 0) {
        times.set(key, left - 1);
        throw new Error(`${key} refused`);
      }
      order.push(key);
    },
    get: async () => undefined,
    exists: async () => false,
    list: async () => [],
    delete: async () => {},
  };
}

const files = ['a/x.m3u8', 'a/x_1.ts', 'a/x_2.ts', 'a/x.mp4'].map((key) => ({ key, path: `/tmp/${key}` }));

describe('uploadFiles', () => {
  it('uploads segments and MP4s before playlists', async () => {
    const order: string[] = [];
    expect(await uploadFiles(storeFailing(new Map(), order), files, [])).toEqual({ failed: [] });
    expect(order.at(-1)).toBe('a/x.m3u8');
    expect(order.slice(0, 3).sort()).toEqual(['a/x.mp4', 'a/x_1.ts', 'a/x_2.ts']);
  });

  it('retries a file that fails, after the given pauses', async () => {
    const order: string[] = [];
    const result = await uploadFiles(storeFailing(new Map([['a/x_1.ts', 2]]), order), files, [1, 1]);
    expect(result.failed).toEqual([]);
    expect(order).toContain('a/x_1.ts');
  });

  it('reports what still fails after its retries, and keeps the playlist back with it', async () => {
    const order: string[] = [];
    const result = await uploadFiles(storeFailing(new Map([['a/x_2.ts', 5]]), order), files, [1]);
    expect(result.failed).toEqual([
      { key: 'a/x_2.ts', error: 'a/x_2.ts refused' },
      { key: 'a/x.m3u8', error: 'waits for its segments' },
    ]);
    expect(order.sort()).toEqual(['a/x.mp4', 'a/x_1.ts']);
  });
});
