/**
 * Every message of the signaling protocol as the reference documents it, read from the
 * protocol's TypeBox schemas (the unions ClientMessage and ServerMessage) and its reply table:
 * direction, role (request, notification, reply, event), description, fields, an example built
 * from the schema, and which reply settles a request. Nothing here is written by hand.
 */
import { ClientMessage, COSTLY_SIGNALING_MESSAGES, ServerMessage, SIGNALING_ALTERNATE_REPLIES, SIGNALING_REPLY_TYPES } from '@parley/protocol';
import type { ApiField } from '../../../src/components/ApiMethod/types.ts';
import { sampleValue } from '../../../src/api/sampleValue.ts';
import type { JsonSchema } from '../../../src/api/types.ts';
import { messageFields } from './messageFields.ts';

export type SignalingRole = 'request' | 'notification' | 'reply' | 'event';

/** The badge beside each message: who sends it, and for the server whether it answers or announces. */
export const ROLE_BADGES: Record<SignalingRole, string> = { request: 'CLIENT', notification: 'CLIENT', reply: 'SERVER', event: 'EVENT' };

export interface SignalingMessageDoc {
  type: string;
  direction: 'client' | 'server';
  role: SignalingRole;
  description: string;
  fields: ApiField[];
  /** A complete message built from the schema's examples; the docs test checks it against the schema. */
  example: Record<string, unknown>;
  /** Requests: the message that settles it on success (an `error` with its requestId settles it otherwise). */
  reply?: string;
  /** Replies: the client messages this answers. */
  answers?: string[];
  /** Counts against the smaller budget of messages that cost the server real work. */
  costly?: boolean;
}

/** `ping` carries no requestId, yet `pong` answers it: the one answer outside the reply table. */
const UNNUMBERED_REPLIES: Record<string, string> = { ping: 'pong' };
/** Any request may be refused with an `error` in place of its reply. */
const ERROR_TYPE = 'error';

/** TypeBox schemas are JSON Schema; a JSON round trip drops anything that is not. */
function plain(schema: unknown): JsonSchema {
  return JSON.parse(JSON.stringify(schema)) as JsonSchema;
}

function messageType(schema: JsonSchema): string {
  const type = schema.properties?.type?.const;
  if (typeof type !== 'string') throw new Error(`A signaling message schema has no literal type: ${JSON.stringify(schema).slice(0, 80)}`);
  return type;
}

function replies(): Record<string, string> {
  return { ...(SIGNALING_REPLY_TYPES as Record<string, string>), ...UNNUMBERED_REPLIES };
}

function messageDoc(schema: JsonSchema, direction: SignalingMessageDoc['direction']): SignalingMessageDoc {
  const type = messageType(schema);
  const table = replies();
  const reply = direction === 'client' ? table[type] : undefined;
  const alternates = SIGNALING_ALTERNATE_REPLIES as Record<string, readonly string[] | undefined>;
  const answers = direction === 'server' ? Object.keys(table).filter((request) => table[request] === type || alternates[request]?.includes(type)) : [];
  const serverRole = answers.length > 0 || type === ERROR_TYPE ? 'reply' : 'event';
  return {
    type,
    direction,
    role: direction === 'client' ? (reply ? 'request' : 'notification') : serverRole,
    description: schema.description ?? '',
    fields: messageFields(schema),
    example: sampleValue(schema) as Record<string, unknown>,
    ...(reply ? { reply } : {}),
    ...(answers.length > 0 ? { answers } : {}),
    ...((COSTLY_SIGNALING_MESSAGES as readonly string[]).includes(type) ? { costly: true } : {}),
  };
}

export function signalingCatalogue(): SignalingMessageDoc[] {
  return [...plain(ClientMessage).anyOf!.map((schema) => messageDoc(schema, 'client')), ...plain(ServerMessage).anyOf!.map((schema) => messageDoc(schema, 'server'))];
}
