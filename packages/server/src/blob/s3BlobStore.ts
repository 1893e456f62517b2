/**
 * A BlobStore in an S3 bucket: Amazon S3 or any S3-compatible server (MinIO, Ceph, s3rver) at an
 * endpoint, addressed path-style. Checksums are only sent where S3 requires them, because older
 * S3-compatible servers reject the SDK's newer default (aws-chunked bodies with trailers).
 */
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { BlobStoreError, checkKey, type BlobObject, type BlobStore, type BlobStoreProblem } from './blobStore.ts';

export interface S3BlobStoreOptions {
  /** An S3-compatible endpoint; unset means Amazon S3 in `region`. */
  endpoint?: string | undefined;
  region: string;
  bucket: string;
  accessKey: string;
  secretKey: string;
  sessionToken?: string | undefined;
  /** Put in front of every key (the server's own bucket keeps each project under its App ID). */
  keyPrefix?: string;
}

/** Files up to this size are read into memory, so the SDK can retry their upload by itself. */
const BUFFERED_UPLOAD_BYTES = 16 * 1024 * 1024;

export class S3BlobStore implements BlobStore {
  readonly description: string;
  #client: S3Client;
  #bucket: string;
  #keyPrefix: string;

  constructor(options: S3BlobStoreOptions) {
    this.#bucket = options.bucket;
    this.#keyPrefix = options.keyPrefix ?? '';
    this.description = `bucket ${options.bucket} at ${options.endpoint ?? `Amazon S3 ${options.region}`}`;
    this.#client = new S3Client({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
      credentials: { accessKeyId: options.accessKey, secretAccessKey: options.secretKey, ...(options.sessionToken ? { sessionToken: options.sessionToken } : {}) },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 2,
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 120_000 },
    });
  }

  #key(key: string): string {
    checkKey(key);
    return `${this.#keyPrefix}${key}`;
  }

  async check(): Promise<void> {
    try {
      await this.#client.send(new HeadBucketCommand({ Bucket: this.#bucket }));
    } catch (error) {
      throw this.#explain(error, 'check');
    }
  }

  async putFile(key: string, filePath: string, contentType: string): Promise<void> {
    const size = (await fs.promises.stat(filePath)).size;
    const body = size <= BUFFERED_UPLOAD_BYTES ? await fs.promises.readFile(filePath) : fs.createReadStream(filePath);
    try {
      await this.#client.send(new PutObjectCommand({ Bucket: this.#bucket, Key: this.#key(key), Body: body, ContentLength: size, ContentType: contentType }));
    } catch (error) {
      throw this.#explain(error, `upload ${key}`);
    }
  }

  async get(key: string): Promise<BlobObject | undefined> {
    try {
      const result = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: this.#key(key) }));
      return { body: result.Body as Readable, size: result.ContentLength ?? 0, contentType: result.ContentType };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw this.#explain(error, `read ${key}`);
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.#client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: this.#key(key) }));
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw this.#explain(error, `look up ${key}`);
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.#client.send(
          new ListObjectsV2Command({ Bucket: this.#bucket, Prefix: `${this.#keyPrefix}${prefix}`, ...(token ? { ContinuationToken: token } : {}) }),
        );
        for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key.slice(this.#keyPrefix.length));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (error) {
      throw this.#explain(error, 'list');
    }
    return keys.sort();
  }

  async delete(key: string): Promise<void> {
    try {
      await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: this.#key(key) }));
    } catch (error) {
      throw this.#explain(error, `delete ${key}`);
    }
  }

  /** Turns an SDK or network failure into a message a customer can act on. */
  #explain(error: unknown, action: string): BlobStoreError {
    const status = statusOf(error);
    const name = (error as { name?: string }).name ?? '';
    let problem: BlobStoreProblem = 'other';
    let detail: string;
    if (status === 403 || ['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AccessDenied', 'Forbidden'].includes(name)) {
      problem = 'credentials';
      detail = 'the access key or secret key was refused';
    } else if (status === 404 || name === 'NoSuchBucket' || name === 'NotFound') {
      problem = 'bucket';
      detail = `bucket ${this.#bucket} does not exist`;
    } else if (status === 301) {
      problem = 'bucket';
      detail = 'the bucket is in another region';
    } else if (status === undefined) {
      problem = 'unreachable';
      detail = `cannot reach the storage (${(error as { code?: string }).code ?? (error as Error).message})`;
    } else {
      detail = `the storage answered ${status} ${name}`.trim();
    }
    return new BlobStoreError(problem, `Cannot ${action} in ${this.description}: ${detail}`, { cause: error });
  }
}

function statusOf(error: unknown): number | undefined {
  if (error instanceof S3ServiceException) return error.$metadata.httpStatusCode;
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}
