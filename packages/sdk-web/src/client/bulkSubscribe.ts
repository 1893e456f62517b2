/**
 * Agora's subscribe conveniences, built on the client's public subscribe/unsubscribe:
 * `massSubscribe` / `massUnsubscribe` (many users in one call, one result per entry, failures
 * reported in place rather than thrown), `presubscribe` (subscribe to a user's track as soon as it
 * is published, even before) and `pickSVCLayer` (a documented no-op: the SFU forwards simulcast
 * layers, chosen with setRemoteVideoStreamType, not SVC layers). Added to ParleyClient's prototype
 * so client.ts keeps to the session itself.
 */
import type { MediaKind } from '@parley/protocol';
import { invalidParams, operationAborted, ParleyRTCError } from '../errors.ts';
import { noop } from '../compat/noops.ts';
import type { RemoteAudioTrack, RemoteVideoTrack } from '../tracks/remoteTrack.ts';
import { ParleyClient } from './client.ts';
import type { RemoteUser } from './remoteUser.ts';

type RemoteTrack = RemoteAudioTrack | RemoteVideoTrack;

export interface MassSubscribeResult {
  user: RemoteUser;
  mediaType: MediaKind;
  track?: RemoteTrack;
  error?: ParleyRTCError;
}

export interface BulkSubscribeCalls {
  massSubscribe(subscribeList: Array<{ user: RemoteUser; mediaType: MediaKind }>): Promise<MassSubscribeResult[]>;
  massUnsubscribe(unsubscribeList: Array<{ user: RemoteUser; mediaType?: MediaKind }>): Promise<void>;
  presubscribe(uid: number | string, mediaType: 'audio'): Promise<RemoteAudioTrack>;
  presubscribe(uid: number | string, mediaType: 'video'): Promise<RemoteVideoTrack>;
  presubscribe(uid: number | string, mediaType: MediaKind): Promise<RemoteTrack>;
  pickSVCLayer(uid: number | string, layerOptions: { spatialLayer: number; temporalLayer: number }): Promise<void>;
}

declare module './client.ts' {
  // Declaration merging: the calls below are on every ParleyClient.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ParleyClient extends BulkSubscribeCalls {}
}

function checkList(list: unknown, call: string): asserts list is unknown[] {
  if (!Array.isArray(list)) throw invalidParams(`${call} needs an array of {user, mediaType}`, { field: 'list' });
}

function asError(error: unknown): ParleyRTCError {
  return error instanceof ParleyRTCError ? error : new ParleyRTCError('UNEXPECTED_ERROR', String(error), { cause: error });
}

async function massSubscribe(this: ParleyClient, subscribeList: Array<{ user: RemoteUser; mediaType: MediaKind }>): Promise<MassSubscribeResult[]> {
  checkList(subscribeList, 'massSubscribe');
  // All at once: the server batches the renegotiation the subscriptions cause.
  return Promise.all(
    subscribeList.map(({ user, mediaType }) =>
      this.subscribe(user, mediaType).then(
        (track): MassSubscribeResult => ({ user, mediaType, track }),
        (error: unknown): MassSubscribeResult => ({ user, mediaType, error: asError(error) }),
      ),
    ),
  );
}

async function massUnsubscribe(this: ParleyClient, unsubscribeList: Array<{ user: RemoteUser; mediaType?: MediaKind }>): Promise<void> {
  checkList(unsubscribeList, 'massUnsubscribe');
  await Promise.all(unsubscribeList.map(({ user, mediaType }) => this.unsubscribe(user, mediaType)));
}

/**
 * Subscribes to `uid`'s `mediaType` now if it is published, else the moment it is; rejects with
 * OPERATION_ABORTED if the client leaves first.
 */
function presubscribe(this: ParleyClient, uid: number | string, mediaType: MediaKind): Promise<RemoteTrack> {
  if (mediaType !== 'audio' && mediaType !== 'video') return Promise.reject(invalidParams('mediaType must be "audio" or "video"', { field: 'mediaType' }));
  const published = this.remoteUsers.find((user) => String(user.uid) === String(uid) && (mediaType === 'audio' ? user.hasAudio : user.hasVideo));
  if (published) return this.subscribe(published, mediaType);
  return new Promise((resolve, reject) => {
    const onPublished = (user: RemoteUser, kind: MediaKind) => {
      if (String(user.uid) !== String(uid) || kind !== mediaType) return;
      stop();
      this.subscribe(user, kind).then(resolve, reject);
    };
    const onState = (state: string) => {
      if (state !== 'DISCONNECTED') return;
      stop();
      reject(operationAborted('presubscribe()'));
    };
    const stop = () => {
      this.off('user-published', onPublished);
      this.off('connection-state-change', onState);
    };
    this.on('user-published', onPublished);
    this.on('connection-state-change', onState);
  });
}

async function pickSVCLayer(this: ParleyClient): Promise<void> {
  noop('IAgoraRTCClient', 'pickSVCLayer');
}

Object.assign(ParleyClient.prototype, { massSubscribe, massUnsubscribe, presubscribe, pickSVCLayer });
