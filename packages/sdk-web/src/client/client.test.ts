/**
 * The client's signaling behaviour against a scripted server: join, events, kicks, resume, leave.
 * Media (publish/subscribe negotiation) needs a browser: see test/sdk/.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSignalingServer, type FakeSignalingServer } from '../../test/fakeSignalingServer.ts';
import { ParleyClient } from './client.ts';
// Agora's cloud-only members are added to the prototype by this module, as index.ts loads it.
import './cloudOnly.ts';
import type { ConnectionState } from './events.ts';

const APP_ID = '0123456789abcdef0123456789abcdef';

function recordEvents(client: ParleyClient): string[] {
  const events: string[] = [];
  client.on('user-joined', (user) => events.push(`joined ${user.uid}`));
  client.on('user-left', (user, reason) => events.push(`left ${user.uid} ${reason}`));
  client.on('user-published', (user, kind) => events.push(`published ${user.uid} ${kind}`));
  client.on('user-unpublished', (user, kind) => events.push(`unpublished ${user.uid} ${kind}`));
  client.on('user-info-updated', (uid, message) => events.push(`info ${uid} ${message}`));
  client.on('connection-state-change', (current, previous, reason) => events.push(`state ${previous}->${current}${reason ? ` ${reason}` : ''}`));
  client.on('token-privilege-will-expire', () => events.push('token will expire'));
  client.on('token-privilege-did-expire', () => events.push('token did expire'));
  return events;
}

function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const check = () => {
      if (condition()) resolve();
      else if (Date.now() - started > timeoutMs) reject(new Error('condition not met in time'));
      else setTimeout(check, 10);
    };
    check();
  });
}

function stateIs(client: ParleyClient, state: ConnectionState) {
  return () => client.connectionState === state;
}

describe('ParleyClient signaling', () => {
  let server: FakeSignalingServer;
  let client: ParleyClient;
  beforeEach(async () => {
    server = await startFakeSignalingServer();
    client = new ParleyClient({ mode: 'rtc', codec: 'vp8', server: server.url });
  });
  afterEach(async () => {
    await client.leave();
    await server.close();
  });

  it('joins with the arguments Agora users pass and resolves with the uid', async () => {
    const events = recordEvents(client);
    await expect(client.join(APP_ID, 'room 1', '007token', 'alice')).resolves.toBe('alice');
    const join = server.received.find((message) => message.type === 'join');
    expect(join).toMatchObject({ type: 'join', appId: APP_ID, channel: 'room 1', token: '007token', uid: 'alice', mode: 'rtc', platform: 'web' });
    expect(join).not.toHaveProperty('role');
    expect(client.connectionState).toBe('CONNECTED');
    expect(client.uid).toBe('alice');
    expect(client.channelName).toBe('room 1');
    expect(events).toEqual(['state DISCONNECTED->CONNECTING', 'state CONNECTING->CONNECTED']);
  });

  it('refuses media encryption where frames cannot be transformed (no Worker, no encoded transforms), and joins unencrypted only when asked', async () => {
    expect(() => client.setEncryptionConfig('aes-256-gcm2', 'Str0ng!secret', new Uint8Array(32))).toThrow(expect.objectContaining({ code: 'NOT_SUPPORTED' }));
    expect(() => client.setEncryptionConfig('aes-128-ecb', 'Str0ng!secret')).toThrow(expect.objectContaining({ code: 'NOT_SUPPORTED' }));
    client.setEncryptionConfig('none', '');
    await client.join(APP_ID, 'room 1', '007token', 'alice');
    expect(server.received.find((message) => message.type === 'join')).not.toHaveProperty('encrypted');
  });

  it('lets the server pick the uid when none is given', async () => {
    await expect(client.join(APP_ID, 'room', '007token')).resolves.toBe(4242);
    expect(server.received.find((message) => message.type === 'join')).not.toHaveProperty('uid');
  });

  it('announces users already in the channel, what they publish and what they muted (a muted track as not published, as Agora does)', async () => {
    server.users = [
      { uid: 7, role: 'host', published: ['audio', 'video'], muted: { audio: false, video: true } },
      { uid: 'bob', role: 'host', published: [], muted: { audio: false, video: false } },
    ];
    const events = recordEvents(client);
    await client.join(APP_ID, 'room', '007token', 'alice');
    expect(events.slice(2)).toEqual(['joined 7', 'published 7 audio', 'info 7 mute-video', 'joined bob']);
    expect(client.remoteUsers.map((user) => ({ uid: user.uid, hasAudio: user.hasAudio, hasVideo: user.hasVideo, videoMuted: user.videoMuted }))).toEqual([
      { uid: 7, hasAudio: true, hasVideo: false, videoMuted: true },
      { uid: 'bob', hasAudio: false, hasVideo: false, videoMuted: false },
    ]);
  });

  it('turns server events into client events', async () => {
    await client.join(APP_ID, 'room', '007token', 'alice');
    const events = recordEvents(client);
    server.send({ type: 'user-joined', user: { uid: 9, role: 'host', published: [], muted: { audio: false, video: false } } });
    server.send({ type: 'user-published', uid: 9, kind: 'video' });
    server.send({ type: 'user-muted', uid: 9, kind: 'video', muted: true });
    server.send({ type: 'user-muted', uid: 9, kind: 'video', muted: false });
    server.send({ type: 'user-unpublished', uid: 9, kind: 'video' });
    server.send({ type: 'token-privilege-will-expire', expiresAt: 2_000_000_000 });
    server.send({ type: 'token-privilege-did-expire' });
    server.send({ type: 'user-left', uid: 9, reason: 2 });
    await until(() => events.length === 10);
    expect(events).toEqual([
      'joined 9',
      'published 9 video',
      'info 9 mute-video',
      'unpublished 9 video',
      'info 9 unmute-video',
      'published 9 video',
      'unpublished 9 video',
      'token will expire',
      'token did expire',
      'left 9 ServerTimeOut',
    ]);
    expect(client.remoteUsers).toEqual([]);
  });

  it('turns dual-stream notices into stream-type-changed and stream-fallback', async () => {
    await client.join(APP_ID, 'room', '007token', 'alice');
    const events: string[] = [];
    client.on('stream-type-changed', (uid, streamType) => events.push(`type ${uid} ${streamType}`));
    client.on('stream-fallback', (uid, change) => events.push(`fallback ${uid} ${change}`));
    server.send({ type: 'stream-type-changed', uid: 9, streamType: 1 });
    server.send({ type: 'stream-fallback', uid: 9, isFallbackOrRecover: 'fallback' });
    server.send({ type: 'stream-fallback', uid: 9, isFallbackOrRecover: 'recover' });
    server.send({ type: 'stream-type-changed', uid: 9, streamType: 0 });
    await until(() => events.length === 4);
    expect(events).toEqual(['type 9 1', 'fallback 9 fallback', 'fallback 9 recover', 'type 9 0']);
  });

  it('checks dual-stream arguments as Agora does, and keeps layer choices for users not received yet', async () => {
    await expect(client.setRemoteVideoStreamType('bob', 2 as never)).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
    await expect(client.setRemoteVideoStreamType(0, 1)).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
    await expect(client.setRemoteDefaultVideoStreamType('low' as never)).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
    await expect(client.setStreamFallbackOption('bob', 3 as never)).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
    expect(() => client.setLowStreamParameter({ width: 0, height: 120 })).toThrow(expect.objectContaining({ code: 'INVALID_PARAMS' }));
    await expect(client.setDualStreamMode(2 as never)).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
    // Before join and for users whose video is not received: kept, nothing sent.
    await client.enableDualStream();
    client.setLowStreamParameter({ width: { ideal: 320 }, height: 180, framerate: 10, bitrate: 120 });
    await client.setRemoteDefaultVideoStreamType(1);
    await client.join(APP_ID, 'room', '007token', 'alice');
    await client.setRemoteVideoStreamType('bob', 0);
    await client.setStreamFallbackOption('bob', 2);
    await client.disableDualStream();
    expect(server.received.filter((m) => m.type === 'set-stream-type' || m.type === 'set-stream-fallback')).toEqual([]);
  });

  it('rejects join with the server\'s code and ends DISCONNECTED', async () => {
    server.respond = (message, socket) => {
      if (message.type !== 'join') return false;
      socket.send(JSON.stringify({ type: 'error', requestId: message.requestId, code: 'invalid_token', message: 'Token signature mismatch' }));
      return true;
    };
    const events = recordEvents(client);
    await expect(client.join(APP_ID, 'room', '007bad', 1)).rejects.toMatchObject({ name: 'ParleyRTCError', code: 'CAN_NOT_GET_GATEWAY_SERVER', reason: 'invalid_token' });
    expect(client.connectionState).toBe('DISCONNECTED');
    expect(events).toEqual(['state DISCONNECTED->CONNECTING', 'state CONNECTING->DISCONNECTED SERVER_ERROR']);
  });

  it('joins with a null or empty token by sending none (Agora\'s testing mode)', async () => {
    await expect(client.join(APP_ID, 'room', null, 'alice')).resolves.toBe('alice');
    expect(server.received.find((message) => message.type === 'join')).not.toHaveProperty('token');
    await client.leave();
    server.received.length = 0;
    await client.join(APP_ID, 'room', '', 'alice');
    expect(server.received.find((message) => message.type === 'join')).not.toHaveProperty('token');
  });

  it('rejects a tokenless join that the project refuses with CAN_NOT_GET_GATEWAY_SERVER, reason invalid_token', async () => {
    server.respond = (message, socket) => {
      if (message.type !== 'join' || message.token !== undefined) return false;
      socket.send(JSON.stringify({ type: 'error', requestId: message.requestId, code: 'invalid_token', message: 'This project requires a token to join' }));
      return true;
    };
    await expect(client.join(APP_ID, 'room', null)).rejects.toMatchObject({ code: 'CAN_NOT_GET_GATEWAY_SERVER', reason: 'invalid_token', message: expect.stringContaining('requires a token') });
  });

  it('rejects join with CAN_NOT_GET_GATEWAY_SERVER when the server is unreachable', async () => {
    const offline = new ParleyClient({ mode: 'rtc', codec: 'vp8', server: 'http://127.0.0.1:1' });
    await expect(offline.join(APP_ID, 'room', '007token')).rejects.toMatchObject({ code: 'CAN_NOT_GET_GATEWAY_SERVER' });
    expect(offline.connectionState).toBe('DISCONNECTED');
  });

  it('checks arguments before touching the network', async () => {
    await expect(client.join('not-an-app-id', 'room', '007token')).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
    await expect(client.join(APP_ID, 'bad/channel', '007token')).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
    expect(server.received).toEqual([]);
  });

  it('refuses Agora\'s data-channel publishing with NOT_SUPPORTED and lists no local data channels, and anything else that is not a track as INVALID_LOCAL_TRACK', async () => {
    await client.join(APP_ID, 'room', '007token', 1);
    await expect(client.publish({ id: 1, ordered: true } as never)).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
    await expect(client.publish({ kind: 'video' } as never)).rejects.toMatchObject({ code: 'INVALID_LOCAL_TRACK' });
    expect(client.localDataChannels).toEqual([]);
    expect(server.received.filter((message) => message.type === 'publish-offer')).toEqual([]);
  });

  it('refuses to join twice, and calls that need a channel before join', async () => {
    await expect(client.subscribe(1, 'video')).rejects.toMatchObject({ code: 'INVALID_OPERATION' });
    await expect(client.renewToken('007new')).rejects.toMatchObject({ code: 'INVALID_OPERATION' });
    await client.join(APP_ID, 'room', '007token', 1);
    await expect(client.join(APP_ID, 'room', '007token', 1)).rejects.toMatchObject({ code: 'INVALID_OPERATION' });
  });

  it('refuses to subscribe to users who are not there or do not publish the kind', async () => {
    server.users = [{ uid: 7, role: 'host', published: ['audio'], muted: { audio: false, video: false } }];
    await client.join(APP_ID, 'room', '007token', 1);
    await expect(client.subscribe(99, 'video')).rejects.toMatchObject({ code: 'INVALID_REMOTE_USER' });
    await expect(client.subscribe(client.remoteUsers[0]!, 'video')).rejects.toMatchObject({ code: 'REMOTE_USER_IS_NOT_PUBLISHED' });
  });

  it('renews the token', async () => {
    await client.join(APP_ID, 'room', '007token', 1);
    await client.renewToken('007fresh');
    expect(server.received.find((message) => message.type === 'renew-token')).toMatchObject({ token: '007fresh' });
    expect(client.tokenExpiresAt).toBe(2_100_000_000);
  });

  it('ends DISCONNECTED with a reason when kicked, without user-left events', async () => {
    server.users = [{ uid: 7, role: 'host', published: [], muted: { audio: false, video: false } }];
    await client.join(APP_ID, 'room', '007token', 1);
    const events = recordEvents(client);
    server.send({ type: 'kicked', reason: 3, message: 'banned by the project' });
    await until(stateIs(client, 'DISCONNECTED'));
    expect(events).toEqual(['state CONNECTED->DISCONNECTED UID_BANNED']);
    expect(client.remoteUsers).toEqual([]);
    expect(client.uid).toBeUndefined();
  });

  it.each([
    [12, 'TOKEN_EXPIRED'],
    [5, 'REPLACED'],
    [4, 'SERVER_KICKED'],
  ])('names kick reason %i %s', async (reason, expected) => {
    await client.join(APP_ID, 'room', '007token', 1);
    const reasons: Array<string | undefined> = [];
    client.on('connection-state-change', (_current, _previous, why) => reasons.push(why));
    server.send({ type: 'kicked', reason, message: 'bye' });
    await until(stateIs(client, 'DISCONNECTED'));
    expect(reasons).toEqual([expected]);
  });

  it('resumes the session on a new socket after losing it, and reports what changed meanwhile', async () => {
    server.users = [
      { uid: 7, role: 'host', published: ['video'], muted: { audio: false, video: false } },
      { uid: 8, role: 'host', published: [], muted: { audio: false, video: false } },
    ];
    await client.join(APP_ID, 'room', '007token', 1);
    const events = recordEvents(client);
    server.users = [
      { uid: 7, role: 'host', published: ['audio'], muted: { audio: true, video: false } },
      { uid: 9, role: 'host', published: ['video'], muted: { audio: false, video: false } },
    ];
    server.dropSocket();
    const resume = await server.next('resume');
    expect(resume).toMatchObject({ sessionId: 'session-1', resumeToken: 'resume-secret' });
    await until(stateIs(client, 'CONNECTED'));
    expect(events).toEqual([
      'state CONNECTED->RECONNECTING',
      'state RECONNECTING->CONNECTED',
      'left 8 Quit',
      'info 7 mute-audio',
      'unpublished 7 video',
      'joined 9',
      'published 9 video',
    ]);
    expect(server.sockets).toHaveLength(2);
  });

  it('gives up with NETWORK_ERROR when the server refuses to resume', async () => {
    await client.join(APP_ID, 'room', '007token', 1);
    server.respond = (message, socket) => {
      if (message.type !== 'resume') return false;
      socket.send(JSON.stringify({ type: 'error', requestId: message.requestId, code: 'session_not_found', message: 'expired' }));
      return true;
    };
    const events = recordEvents(client);
    server.dropSocket();
    await until(stateIs(client, 'DISCONNECTED'));
    expect(events).toEqual(['state CONNECTED->RECONNECTING', 'state RECONNECTING->DISCONNECTED NETWORK_ERROR']);
  });

  it('waits through a reconnection before sending a request', async () => {
    await client.join(APP_ID, 'room', '007token', 1);
    // Answer the resume late, so the client is still RECONNECTING when renewToken is called.
    server.respond = (message, socket) => {
      if (message.type !== 'resume') return false;
      setTimeout(() => socket.send(JSON.stringify({ type: 'resumed', requestId: message.requestId, uid: 1, users: [] })), 200);
      return true;
    };
    const states: string[] = [];
    client.on('connection-state-change', (current) => states.push(current));
    server.dropSocket();
    await until(stateIs(client, 'RECONNECTING'));
    await client.renewToken('007later');
    expect(states).toEqual(['RECONNECTING', 'CONNECTED']);
    const order = server.received.map((message) => message.type);
    expect(order.indexOf('renew-token')).toBeGreaterThan(order.indexOf('resume'));
  });

  it('leaves: tells the server, closes the socket, ends DISCONNECTED with LEAVE', async () => {
    await client.join(APP_ID, 'room', '007token', 1);
    const events = recordEvents(client);
    await client.leave();
    await server.next('leave');
    expect(events).toEqual(['state CONNECTED->DISCONNECTING', 'state DISCONNECTING->DISCONNECTED LEAVE']);
    expect(client.channelName).toBeUndefined();
  });

  it('aborts a join in progress when leave is called', async () => {
    server.respond = (message) => message.type === 'join';
    const joining = client.join(APP_ID, 'room', '007token', 1);
    await server.next('join');
    await client.leave();
    await expect(joining).rejects.toMatchObject({ code: expect.stringMatching(/OPERATION_ABORTED|WS_DISCONNECT/) });
    expect(client.connectionState).toBe('DISCONNECTED');
  });
});

describe('ParleyClient in live mode', () => {
  let server: FakeSignalingServer;
  beforeEach(async () => {
    server = await startFakeSignalingServer();
  });
  afterEach(() => server.close());

  it('joins with its role, shows hosts only, and follows role switches during the call', async () => {
    const client = new ParleyClient({ mode: 'live', codec: 'vp8', server: server.url });
    await client.setClientRole('audience');
    server.users = [
      { uid: 1, role: 'host', published: ['video'], muted: { audio: false, video: false } },
      { uid: 2, role: 'audience', published: [], muted: { audio: false, video: false } },
    ];
    await client.join(APP_ID, 'show', '007token', 3);
    expect(server.received.find((message) => message.type === 'join')).toMatchObject({ role: 'audience', mode: 'live' });
    expect(client.remoteUsers.map((user) => user.uid)).toEqual([1]);
    const left: string[] = [];
    client.on('user-left', (user, reason) => left.push(`${user.uid} ${reason}`));
    client.on('user-joined', (user) => left.push(`${user.uid} joined`));
    // Switching during the call asks the server.
    await client.setClientRole('host');
    expect(server.received.filter((message) => message.type === 'set-role')).toMatchObject([{ role: 'host' }]);
    // Others switching: a host turned audience leaves (BecomeAudience), an audience member turned host appears.
    server.send({ type: 'user-role-changed', uid: 1, role: 'audience' });
    server.send({ type: 'user-role-changed', uid: 2, role: 'host' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(left).toEqual(['1 BecomeAudience', '2 joined']);
    expect(client.remoteUsers.map((user) => user.uid)).toEqual([2]);
    await client.leave();
  });

  it('refuses setClientRole in rtc mode', async () => {
    const client = new ParleyClient({ mode: 'rtc', codec: 'vp8', server: server.url });
    await expect(client.setClientRole('audience')).rejects.toMatchObject({ code: 'INVALID_OPERATION' });
  });
});
