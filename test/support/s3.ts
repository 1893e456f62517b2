/**
 * An S3-compatible server for tests: s3rver on 127.0.0.1 with its files in a temporary folder.
 * s3rver checks that the access key exists (its only key is S3RVER) but not V4 signatures, so a
 * wrong secret is only caught by a real S3; tests of bad credentials use an unknown access key.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { S3BlobStore } from '@parley/server';

export interface TestS3 {
  endpoint: string;
  port: number;
  accessKey: string;
  secretKey: string;
  /** A store on `bucket` with no key prefix, to look at what landed there. */
  store(bucket: string): S3BlobStore;
  /** Stops answering (uploads then fail) until `start` is called again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestS3(buckets: string[]): Promise<TestS3> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-s3-'));
  let port = 0;
  let server: S3rver | undefined;
  const start = async () => {
    server = new S3rver({ address: '127.0.0.1', port, silent: true, directory, configureBuckets: buckets.map((name) => ({ name })) });
    port = (await server.run()).port;
  };
  await start();
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await server?.close();
    server = undefined;
  };
  return {
    endpoint,
    port,
    accessKey: 'S3RVER',
    secretKey: 'S3RVER',
    store: (bucket) => new S3BlobStore({ endpoint, region: 'us-east-1', bucket, accessKey: 'S3RVER', secretKey: 'S3RVER' }),
    stop,
    start,
    async close() {
      await stop();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
