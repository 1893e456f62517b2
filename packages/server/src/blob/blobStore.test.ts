/**
 * Both blob stores behave alike: a local folder and an S3-compatible bucket (s3rver on
 * 127.0.0.1, started here) store, list, read and delete files, refuse keys that would leave
 * their folder, and `check()` says clearly what is wrong with bad settings.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestS3, type TestS3 } from '../../../../test/support/s3.ts';
import { BlobStoreError, type BlobStore } from './blobStore.ts';
import { LocalBlobStore } from './localBlobStore.ts';
import { S3BlobStore } from './s3BlobStore.ts';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-blob-'));
let s3: TestS3;

beforeAll(async () => {
  s3 = await startTestS3(['blobs']);
});
afterAll(async () => {
  await s3.close();
  fs.rmSync(scratch, { recursive: true, force: true });
});

const KINDS: Array<{ name: string; make: () => BlobStore }> = [
  { name: 'local folder', make: () => new LocalBlobStore(fs.mkdtempSync(path.join(scratch, 'store-'))) },
  { name: 'S3-compatible bucket', make: () => new S3BlobStore({ endpoint: s3.endpoint, region: 'us-east-1', bucket: 'blobs', accessKey: s3.accessKey, secretKey: s3.secretKey, keyPrefix: `t${Date.now()}${Math.random().toString(36).slice(2)}/` }) },
];

function fileWith(content: string): string {
  const file = path.join(scratch, `f-${Math.random().toString(36).slice(2)}`);
  fs.writeFileSync(file, content);
  return file;
}

describe.each(KINDS)('BlobStore: $name', ({ make }) => {
  it('stores files under nested keys and lists, reads and deletes them', async () => {
    const store = make();
    await store.check();
    await store.putFile('dir/a/one.m3u8', fileWith('#EXTM3U\n'), 'application/vnd.apple.mpegurl');
    await store.putFile('dir/a/two.ts', fileWith('x'.repeat(50_000)), 'video/mp2t');
    await store.putFile('other.mp4', fileWith('mp4'), 'video/mp4');
    expect(await store.list('dir/')).toEqual(['dir/a/one.m3u8', 'dir/a/two.ts']);
    expect(await store.exists('dir/a/two.ts')).toBe(true);
    expect(await store.exists('dir/a/three.ts')).toBe(false);

    const object = await store.get('dir/a/one.m3u8');
    expect(object?.size).toBe(8);
    expect(object?.contentType).toBe('application/vnd.apple.mpegurl');
    expect(await text(object!.body)).toBe('#EXTM3U\n');
    expect(await store.get('missing.ts')).toBeUndefined();

    await store.delete('dir/a/one.m3u8');
    expect(await store.list('dir/')).toEqual(['dir/a/two.ts']);
  });

  it('replaces an object written twice', async () => {
    const store = make();
    await store.putFile('same.ts', fileWith('first'), 'video/mp2t');
    await store.putFile('same.ts', fileWith('second'), 'video/mp2t');
    expect(await text((await store.get('same.ts'))!.body)).toBe('second');
  });

  it.each(['../escape.ts', '/absolute.ts', 'a//b.ts', 'a/./b.ts', 'a\\b.ts', ''])('refuses the key %j', async (key) => {
    const store = make();
    await expect(store.putFile(key, fileWith('x'), 'video/mp2t')).rejects.toBeInstanceOf(BlobStoreError);
    await expect(store.get(key)).rejects.toBeInstanceOf(BlobStoreError);
  });
});

describe('BlobStore.check() on bad settings', () => {
  const s3With = (overrides: Partial<ConstructorParameters<typeof S3BlobStore>[0]>) =>
    new S3BlobStore({ endpoint: s3.endpoint, region: 'us-east-1', bucket: 'blobs', accessKey: s3.accessKey, secretKey: s3.secretKey, ...overrides });

  it('names refused credentials', async () => {
    await expect(s3With({ accessKey: 'not-a-key' }).check()).rejects.toMatchObject({ problem: 'credentials', message: expect.stringMatching(/access key or secret key was refused/) });
  });

  it('names a missing bucket', async () => {
    await expect(s3With({ bucket: 'no-such-bucket' }).check()).rejects.toMatchObject({ problem: 'bucket', message: expect.stringMatching(/no-such-bucket does not exist/) });
  });

  it('names an endpoint nobody answers on', async () => {
    await expect(s3With({ endpoint: 'http://127.0.0.1:9' }).check()).rejects.toMatchObject({ problem: 'unreachable' });
  });

  it('names a folder that cannot be written', async () => {
    const file = fileWith('not a folder');
    await expect(new LocalBlobStore(path.join(file, 'sub')).check()).rejects.toMatchObject({ message: expect.stringMatching(/Cannot write to/) });
  });
});
