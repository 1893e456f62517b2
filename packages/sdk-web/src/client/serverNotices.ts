/**
 * What each server notice means to the client: changes to the remote users (which fire the user
 * events), offers for the subscribe connection, token warnings and stray errors as client events.
 * The session engine delivers notices only while CONNECTED and handles kicks itself, so nothing
 * here looks at the connection state.
 */
import { serverRefused } from '../errors.ts';
import type { SubscribeConnection } from '../rtc/subscribeConnection.ts';
import type { ServerMessage, ServerMessageOf } from '../signaling/messages.ts';
import type { TypedEmitter } from '../typedEmitter.ts';
import type { ClientEvents } from './events.ts';
import { userLeftReason } from './leaveReasons.ts';
import { reconcileUsers } from './remoteUser.ts';
import type { RemoteUsers } from './remoteUsers.ts';

type WireUser = ServerMessageOf<'user-joined'>['user'];

export interface NoticeTarget {
  users: RemoteUsers;
  subscriber: SubscribeConnection | undefined;
  events: Pick<TypedEmitter<ClientEvents>, 'emit'>;
  /** The users this client shows (in live mode, hosts only). */
  visible(users: readonly WireUser[]): WireUser[];
  /** The server closed a media connection of this client that did not connect or failed: rebuild it. */
  mediaLost(connection: ServerMessageOf<'media-lost'>['connection']): void;
}

export function routeServerNotice(message: ServerMessage, target: NoticeTarget): void {
  const { users, events } = target;
  switch (message.type) {
    case 'user-joined':
      if (!users.get(message.user.uid)) users.apply(reconcileUsers(new Map(), target.visible([message.user])));
      break;
    case 'user-left':
      users.remove(message.uid, userLeftReason(message.reason));
      break;
    case 'user-published':
      users.apply([{ type: 'published', uid: message.uid, kind: message.kind }]);
      break;
    case 'user-unpublished':
      users.apply([{ type: 'unpublished', uid: message.uid, kind: message.kind }]);
      break;
    case 'user-role-changed':
      // Live mode shows hosts only: a new host appears, a host turned audience leaves as Agora says.
      if (message.role === 'audience') users.remove(message.uid, 'BecomeAudience');
      else if (!users.get(message.uid)) {
        const user: WireUser = { uid: message.uid, role: message.role, published: [], muted: { audio: false, video: false } };
        users.apply(reconcileUsers(new Map(), target.visible([user])));
      }
      break;
    case 'user-network-quality':
      users.setNetworkQuality(message.uid, message.uplink, message.downlink);
      break;
    case 'user-muted':
      users.apply([{ type: 'muted', uid: message.uid, kind: message.kind, muted: message.muted }]);
      break;
    case 'subscribe-offer':
      void target.subscriber?.handleOffer(message);
      break;
    case 'stream-type-changed':
      events.emit('stream-type-changed', message.uid, message.streamType);
      break;
    case 'stream-fallback':
      events.emit('stream-fallback', message.uid, message.isFallbackOrRecover);
      break;
    case 'token-privilege-will-expire':
      events.emit('token-privilege-will-expire');
      break;
    case 'token-privilege-did-expire':
      events.emit('token-privilege-did-expire');
      break;
    case 'media-lost':
      target.mediaLost(message.connection);
      break;
    case 'error':
      // An error no request waits for (a subscribe answer or mute the server could not apply).
      events.emit('exception', serverRefused(message.code, message.message));
      break;
    default:
      // A reply that arrived after its request timed out: nothing waits for it any more.
      break;
  }
}
