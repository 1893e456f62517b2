/**
 * Recording resources, Agora's first step: `acquire` reserves a resource for one channel and uid,
 * valid 5 minutes and good for one recording; `start` must present it unchanged (same cname and
 * uid, the same `clientRequest` as acquire's `startParameter`).
 */
import { randomBytes } from 'node:crypto';
import { CHANNEL_NAME_PATTERN } from '@parley/protocol';
import type { Db } from '../store/database.ts';
import { DomainError } from '../domainError.ts';
import * as store from './store.ts';

/** Agora: a resource id is valid this long after acquire. */
const RESOURCE_TTL_MS = 5 * 60_000;
const DEFAULT_RESOURCE_EXPIRED_HOUR = 72;
const CHANNEL_NAME = new RegExp(CHANNEL_NAME_PATTERN);

export interface AcquireInput {
  cname: string;
  uid: string;
  resourceExpiredHour?: number | undefined;
  startParameter?: object | undefined;
}

/** What start presents of its resource. */
export interface ResourceClaim {
  cname: string;
  uid: string;
  /** Agora's start `clientRequest`, compared with acquire's `startParameter` when one was given. */
  clientRequest?: object;
}

export function checkChannelName(cname: string): void {
  if (!CHANNEL_NAME.test(cname)) throw new DomainError('invalid_channel_name', `"${cname}" is not a valid channel name`, 'cname');
}

/** JSON with sorted keys: two requests that differ only in key order are the same request. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export async function acquireResource(db: Db, appId: string, input: AcquireInput, now = Date.now()): Promise<{ resourceId: string }> {
  checkChannelName(input.cname);
  const resourceId = randomBytes(48).toString('base64url');
  await store.insertResource(db, {
    resource_id: resourceId,
    app_id: appId,
    channel: input.cname,
    uid: input.uid,
    resource_expired_hour: Math.round(input.resourceExpiredHour ?? DEFAULT_RESOURCE_EXPIRED_HOUR),
    start_parameter: input.startParameter ? stableJson(input.startParameter) : null,
    created_at: now,
    expires_at: now + RESOURCE_TTL_MS,
    sid: null,
  });
  return { resourceId };
}

/** The resource a start presents, once it is shown to be unused, unexpired and the one acquired for this. */
export async function resourceForStart(db: Db, appId: string, resourceId: string, claim: ResourceClaim, now = Date.now()): Promise<store.ResourceRow> {
  const resource = await store.findResource(db, appId, resourceId);
  if (!resource) throw new DomainError('resource_not_found', 'No such resourceId: call acquire first', 'resourceid');
  if (resource.sid !== null) throw new DomainError('already_started', 'This resourceId has already started a recording');
  if (resource.expires_at < now) throw new DomainError('resource_expired', 'The resourceId has expired (they are valid for 5 minutes): call acquire again', 'resourceid');
  if (resource.channel !== claim.cname || resource.uid !== claim.uid) {
    throw new DomainError('resource_mismatch', 'cname and uid must be those given to acquire', resource.channel !== claim.cname ? 'cname' : 'uid');
  }
  if (resource.start_parameter !== null && stableJson(claim.clientRequest ?? {}) !== resource.start_parameter) {
    throw new DomainError('resource_mismatch', 'clientRequest must match the startParameter given to acquire', 'clientRequest');
  }
  return resource;
}
