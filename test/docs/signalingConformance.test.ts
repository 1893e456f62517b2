/**
 * What the signaling reference promises, checked against a real server by a client that knows only
 * the documented protocol (a raw WebSocket, no SDK): every message the server sends matches the
 * documented union, requests are settled by the documented reply or an `error` carrying their
 * requestId with a documented code, and the socket closes with the documented close codes.
 */
import { buildRtcToken } from '@parley/token';
import { SIGNALING_CLOSE_CODES, SIGNALING_LIMITS, SIGNALING_REPLY_TYPES, ServerMessage, SignalingErrorCodes } from '@parley/protocol';
import type { CreatedProject as Project } from '@parley/server';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../support/backends.ts';
import { RawSignalingSocket } from '../support/rawSignaling.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const CHANNEL = 'docs-conformance';

describe('the signaling protocol as documented, against a real server', () => {
  let t: TestServer;
  let project: Project;
  const sockets: RawSignalingSocket[] = [];

  const open = async (): Promise<RawSignalingSocket> => {
    const socket = await RawSignalingSocket.open(t.url);
    sockets.push(socket);
    return socket;
  };
  const join = async (uid: number): Promise<{ socket: RawSignalingSocket; reply: ServerMessage }> => {
    const socket = await open();
    const token = buildRtcToken({ appId: project.appId, appCertificate: project.appCertificate, channel: CHANNEL, uid, role: 'publisher', tokenExpireSeconds: 600, privilegeExpireSeconds: 600 });
    const reply = await socket.request({ type: 'join', appId: project.appId, channel: CHANNEL, uid, token, platform: 'docs' });
    return { socket, reply };
  };

  beforeAll(async () => {
    t = await startTestServer(BACKENDS[0]!);
    project = await t.createProject('enterprise');
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await t?.stop();
  });

  it('joins, pings, refuses and leaves with the documented replies, events and close code', async () => {
    const first = await join(1001);
    expect(first.reply.type).toBe(SIGNALING_REPLY_TYPES.join);
    const second = await join(1002);
    expect(second.reply).toMatchObject({ type: 'joined', users: [expect.objectContaining({ uid: 1001 })] });
    await first.socket.waitFor((message) => message.type === 'user-joined');

    first.socket.send({ type: 'ping' });
    expect(await first.socket.waitFor((message) => message.type === 'pong')).toMatchObject({ serverTime: expect.any(Number) });

    // 1002 publishes nothing: the subscribe is refused with an error carrying its requestId.
    const refused = await first.socket.request({ type: 'subscribe', uid: 1002, kind: 'video' });
    expect(refused).toMatchObject({ type: 'error', requestId: expect.any(String), code: 'unknown_user' });
    expect(Object.keys(SignalingErrorCodes)).toContain((refused as { code: string }).code);

    second.socket.send({ type: 'leave' });
    expect(await second.socket.waitForClose()).toBe(SIGNALING_CLOSE_CODES.normal);
    expect(await first.socket.waitFor((message) => message.type === 'user-left')).toMatchObject({ uid: 1002 });

    for (const message of [...first.socket.messages, ...second.socket.messages]) {
      expect(Value.Check(ServerMessage, message), JSON.stringify(message)).toBe(true);
    }
  });

  it('answers a request before join with not_joined, and closes a socket that never joins', async () => {
    const socket = await open();
    const reply = await socket.request({ type: 'unpublish', kind: 'audio' });
    expect(reply).toMatchObject({ type: 'error', code: 'not_joined' });
    expect(await socket.waitForClose(SIGNALING_LIMITS.joinDeadlineMs + 3_000)).toBe(SIGNALING_CLOSE_CODES.joinTimeout);
  }, 15_000);

  it('closes a socket that sends a binary frame with the documented code', async () => {
    const socket = await open();
    socket.sendRaw(Buffer.from([1, 2, 3]));
    expect(await socket.waitForClose()).toBe(SIGNALING_CLOSE_CODES.textOnly);
  });

  it('refuses a join with a bad token with a documented code, then closes with joinRefused', async () => {
    const socket = await open();
    const reply = await socket.request({ type: 'join', appId: project.appId, channel: CHANNEL, uid: 7, token: '007notatoken' });
    expect(reply).toMatchObject({ type: 'error', code: 'invalid_token' });
    expect(await socket.waitForClose()).toBe(SIGNALING_CLOSE_CODES.joinRefused);
  });
});
