/**
 * Type-level views of the signaling protocol the SDK works with: which client messages are
 * requests, and which reply each request expects. Besides the reply table (plain values from the
 * protocol's constants), types only.
 */
import type { ClientMessage, ServerMessage } from '@parley/protocol';
import { SIGNALING_ALTERNATE_REPLIES, SIGNALING_REPLY_TYPES } from '../protocolConstants.ts';

export type { ClientMessage, ServerMessage };

/** Client messages that carry a requestId and wait for a reply. */
export type RequestMessage = Extract<ClientMessage, { requestId: string }>;
export type RequestType = RequestMessage['type'];

/**
 * A request as callers write it: the tracker adds the requestId. The `{type: T}` part lets the
 * compiler infer T from the literal `type` the caller writes.
 */
export type OutgoingRequest<T extends RequestType> = Omit<Extract<RequestMessage, { type: T }>, 'requestId'> & { type: T };

export type ServerMessageOf<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

/** The reply each request type resolves with (an `error` with its requestId rejects instead): the protocol's table. */
export const REPLY_TYPE = SIGNALING_REPLY_TYPES satisfies Record<RequestType, ServerMessage['type']>;

/**
 * The reply each request type resolves with. A `join` may instead be answered with `redirect`:
 * in a cluster, the node that hosts the channel is elsewhere.
 */
export type ReplyTo<T extends RequestType> = T extends 'join' ? ServerMessageOf<'joined'> | ServerMessageOf<'redirect'> : ServerMessageOf<(typeof REPLY_TYPE)[T]>;

/** Whether `message` is a reply `type` may resolve with. */
export function answers(type: RequestType, message: ServerMessage): boolean {
  return message.type === REPLY_TYPE[type] || (SIGNALING_ALTERNATE_REPLIES[type]?.includes(message.type) ?? false);
}
