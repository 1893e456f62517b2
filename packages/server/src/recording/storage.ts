/**
 * Which store a recording's files go to: the server's (a local folder, or its own bucket with
 * each project under its App ID), or a bucket the request names, Agora's `storageConfig` (vendor
 * 11 S3-compatible with `extensionParams.endpoint`, vendor 1 Amazon S3) or Parley's `storage.s3`.
 *
 * The spec is stored with the recording so a restarted node can still upload; the secret is
 * sealed like App Certificates. Endpoints named in requests must not be private or loopback
 * addresses (the server would otherwise make requests into its own network on a caller's behalf),
 * unless PARLEY_RECORDING_ALLOW_PRIVATE_ENDPOINTS is set.
 */
import path from 'node:path';
import type { CloudRecordingStorageConfig, RecordingStorage } from '@parley/protocol';
import { LocalBlobStore } from '../blob/localBlobStore.ts';
import type { BlobStore } from '../blob/blobStore.ts';
import { S3BlobStore } from '../blob/s3BlobStore.ts';
import type { RecordingStorageConfig } from '../config/index.ts';
import type { CertificateCipher } from '../projects/credentials.ts';
import { classifyAddress, systemResolver } from '../net/addressPolicy.ts';
import { DomainError } from '../domainError.ts';

export interface StorageSpec {
  /** Folders in front of every file name (`fileNamePrefix`). */
  prefix: string[];
  /** A bucket named by the request; absent: the server's store. */
  s3?: { endpoint?: string; region: string; bucket: string; accessKey: string; secretKey: string; sessionToken?: string };
}

/** Agora's S3 region numbers (vendor 1). */
const AWS_REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'ap-southeast-1',
  'ap-southeast-2', 'ap-northeast-1', 'ap-northeast-2', 'sa-east-1', 'ca-central-1', 'ap-south-1', 'cn-north-1', 'cn-northwest-1', 'us-gov-west-1',
];
const MAX_PREFIX_LENGTH = 128;

function checkPrefix(prefix: string[] | undefined, field: string): string[] {
  const list = prefix ?? [];
  if (list.join('/').length > MAX_PREFIX_LENGTH) throw new DomainError('invalid_parameter', `${field} must be at most ${MAX_PREFIX_LENGTH} characters once joined with "/"`, field);
  return list;
}

export function storageFromParley(storage: RecordingStorage | undefined): StorageSpec {
  const prefix = checkPrefix(storage?.fileNamePrefix, 'storage.fileNamePrefix');
  const s3 = storage?.s3;
  if (!s3) return { prefix };
  return { prefix, s3: { ...(s3.endpoint ? { endpoint: s3.endpoint } : {}), region: s3.region ?? 'us-east-1', bucket: s3.bucket, accessKey: s3.accessKey, secretKey: s3.secretKey } };
}

export function storageFromAgora(config: CloudRecordingStorageConfig | undefined): StorageSpec {
  if (!config) return { prefix: [] };
  const prefix = checkPrefix(config.fileNamePrefix, 'storageConfig.fileNamePrefix');
  const credentials = { bucket: config.bucket, accessKey: config.accessKey, secretKey: config.secretKey, ...(config.stsToken ? { sessionToken: config.stsToken } : {}) };
  if (config.vendor === 11) {
    const endpoint = config.extensionParams?.endpoint;
    if (!endpoint) throw new DomainError('invalid_parameter', 'storageConfig vendor 11 (S3-compatible) needs extensionParams.endpoint', 'storageConfig.extensionParams.endpoint');
    return { prefix, s3: { endpoint: endpoint.includes('://') ? endpoint : `https://${endpoint}`, region: 'us-east-1', ...credentials } };
  }
  if (config.vendor === 1) {
    const region = AWS_REGIONS[config.region];
    if (!region) throw new DomainError('invalid_parameter', `storageConfig region ${config.region} is not an Amazon S3 region number (0-${AWS_REGIONS.length - 1})`, 'storageConfig.region');
    return { prefix, s3: { region, ...credentials } };
  }
  throw new DomainError('unsupported', `storageConfig vendor ${config.vendor} is not supported: use 11 (S3-compatible, with extensionParams.endpoint) or 1 (Amazon S3)`, 'storageConfig.vendor');
}

/**
 * Refuses endpoints on non-public addresses (loopback, private, link-local…), by literal address
 * or by any address the name resolves to; the ranges are the webhook guard's (classifyAddress).
 */
export async function checkEndpoint(endpoint: string): Promise<void> {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new DomainError('invalid_parameter', `storage endpoint "${endpoint}" is not a URL`, 'endpoint');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new DomainError('invalid_parameter', 'storage endpoint must be http:// or https://', 'endpoint');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = classifyAddress(host) !== undefined ? [host] : (await systemResolver(host).catch(() => [])).map((entry) => entry.address);
  if (addresses.length === 0) throw new DomainError('storage', `storage endpoint host ${host} does not resolve`, 'endpoint');
  const refused = addresses.find((address) => classifyAddress(address) !== 'public');
  if (refused !== undefined) {
    throw new DomainError(
      'storage',
      `storage endpoint ${url.host} is a ${classifyAddress(refused) ?? 'non-public'} address (${refused}); set PARLEY_RECORDING_ALLOW_PRIVATE_ENDPOINTS=true to upload to private networks`,
      'endpoint',
    );
  }
}

/** What is kept in the database: the spec with its secrets sealed. */
export function sealStorage(spec: StorageSpec, cipher: CertificateCipher): string {
  if (!spec.s3) return JSON.stringify(spec);
  const { secretKey, sessionToken, ...rest } = spec.s3;
  return JSON.stringify({ prefix: spec.prefix, s3: { ...rest, secretKey: cipher.seal(secretKey), ...(sessionToken ? { sessionToken: cipher.seal(sessionToken) } : {}) } });
}

export function openStorage(stored: string | null, cipher: CertificateCipher): StorageSpec {
  if (stored === null) return { prefix: [] };
  const spec = JSON.parse(stored) as StorageSpec;
  if (!spec.s3) return spec;
  return { prefix: spec.prefix, s3: { ...spec.s3, secretKey: cipher.open(spec.s3.secretKey), ...(spec.s3.sessionToken ? { sessionToken: cipher.open(spec.s3.sessionToken) } : {}) } };
}

/** The store a project's recording writes to. */
export function blobStoreFor(spec: StorageSpec, appId: string, server: RecordingStorageConfig): BlobStore {
  if (spec.s3) return new S3BlobStore(spec.s3);
  if (server.kind === 'local') return new LocalBlobStore(path.join(server.dir, appId));
  return new S3BlobStore({ endpoint: server.endpoint, region: server.region, bucket: server.bucket, accessKey: server.accessKey, secretKey: server.secretKey, keyPrefix: `${appId}/` });
}
