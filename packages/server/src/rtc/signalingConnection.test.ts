import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { APP_ID, FAKE_TIMERS, FakePeer, rtcHarness, type RtcHarness } from './fakes.ts';
import { CloseCode } from './signalingPeer.ts';
import { JOIN_DEADLINE_MS, SignalingConnection } from './signalingConnection.ts';
import { quietLogger } from '../log/logger.ts';

const log = { ...quietLogger, warn: vi.fn(), error: vi.fn() };

describe('a signaling connection', () => {
  let h: RtcHarness;
  let peer: FakePeer;
  let connection: SignalingConnection;
  /** Lets the connection's message queue run. */
  const flush = async () => {
    for (let i = 0; i < 20; i += 1) await Promise.resolve();
    await h.settle();
  };
  const joinMessage = (uid: number) => JSON.stringify({ type: 'join', requestId: 'j', appId: APP_ID, channel: 'room', uid, token: h.token('room', uid) });

  beforeEach(() => {
    h = rtcHarness();
    peer = new FakePeer();
    connection = new SignalingConnection(h.rtc, peer, log);
  });
  afterEach(() => {
    connection.closed();
    vi.useRealTimers();
  });

  it('answers in the order messages came: errors, refusals and pongs alike', async () => {
    connection.receive('{not json');
    connection.receive(JSON.stringify({ type: 'teleport', requestId: 'a' }));
    connection.receive(JSON.stringify({ type: 'subscribe', requestId: 'b', uid: 1, kind: 'video' }));
    connection.receive(JSON.stringify({ type: 'publish-offer', requestId: 'c', sdp: 'x'.repeat(40_000), tracks: [] }));
    connection.receive(JSON.stringify({ type: 'ping' }));
    await flush();
    expect(peer.sent).toEqual([
      { type: 'error', code: 'invalid_message', message: 'Message is not JSON' },
      { type: 'error', code: 'invalid_message', requestId: 'a', message: 'Invalid message: unknown type "teleport"' },
      expect.objectContaining({ type: 'error', code: 'not_joined', requestId: 'b' }),
      { type: 'error', code: 'invalid_message', requestId: 'c', message: 'Invalid publish-offer message: /sdp must NOT have more than 32768 characters' },
      { type: 'pong', serverTime: expect.any(Number) },
    ]);
  });

  it('joins, and refuses a second join on the same socket', async () => {
    connection.receive(joinMessage(1));
    await flush();
    expect(peer.of('joined')).toEqual([expect.objectContaining({ requestId: 'j', uid: 1 })]);
    connection.receive(joinMessage(2));
    await flush();
    expect(peer.of('error')).toEqual([expect.objectContaining({ code: 'already_joined' })]);
  });

  it('closes a socket that has not joined within the deadline, pings or not', async () => {
    vi.useFakeTimers(FAKE_TIMERS);
    connection.closed();
    connection = new SignalingConnection(h.rtc, peer, log);
    for (let t = 0; t < JOIN_DEADLINE_MS - 1_000; t += 1_000) {
      connection.receive('{"type":"ping"}');
      await vi.advanceTimersByTimeAsync(1_000);
    }
    expect(peer.closed).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(peer.closed?.code).toBe(CloseCode.joinTimeout);
  });

  it('pings at the WebSocket level and cuts off a socket that stops answering', async () => {
    vi.useFakeTimers(FAKE_TIMERS);
    connection.closed();
    connection = new SignalingConnection(h.rtc, peer, log);
    connection.receive(joinMessage(1));
    await vi.advanceTimersByTimeAsync(0);
    for (let i = 0; i < 5; i += 1) {
      await vi.advanceTimersByTimeAsync(2_000);
      connection.heard();
    }
    expect(peer.pings).toBeGreaterThanOrEqual(5);
    expect(peer.terminated).toBe(false);
    await vi.advanceTimersByTimeAsync(8_000);
    expect(peer.terminated).toBe(true);
  });

  it('drops a flood with one rate_limited error, then disconnects the flooder', async () => {
    connection.receive(joinMessage(1));
    await flush();
    peer.sent.length = 0;
    for (let i = 0; i < 400; i += 1) connection.receive(JSON.stringify({ type: 'mute', kind: 'audio', muted: i % 2 === 0 }));
    await flush();
    expect(peer.of('error').filter((m) => m.code === 'rate_limited')).toHaveLength(1);
    expect(peer.closed?.code).toBe(CloseCode.rateLimited);
    expect(h.rtc.counts.messagesDropped).toBeGreaterThan(100);
  });

  it('hands a joined session over to the resume window when the socket closes', async () => {
    connection.receive(joinMessage(1));
    await flush();
    const [joined] = peer.of('joined');
    connection.closed();
    const next = new FakePeer();
    const resumed = new SignalingConnection(h.rtc, next, log);
    resumed.receive(JSON.stringify({ type: 'resume', requestId: 'r', sessionId: joined!.sessionId, resumeToken: joined!.resumeToken }));
    await flush();
    expect(next.of('resumed')).toEqual([expect.objectContaining({ uid: 1 })]);
    resumed.closed();
  });

  it('answers bad dual-stream layer and fallback requests with structured errors, and stays up', async () => {
    const other = new SignalingConnection(h.rtc, new FakePeer(), log);
    other.receive(joinMessage(2));
    connection.receive(joinMessage(1));
    await flush();
    peer.sent.length = 0;
    const send = (message: object) => connection.receive(JSON.stringify(message));
    send({ type: 'set-stream-type', requestId: 'unknown', uid: 99, streamType: 1 });
    send({ type: 'set-stream-type', requestId: 'self', uid: 1, streamType: 1 });
    send({ type: 'set-stream-type', requestId: 'unsubscribed', uid: 2, streamType: 1 });
    send({ type: 'set-stream-fallback', requestId: 'unsubscribed-fallback', uid: 2, fallback: 2 });
    send({ type: 'set-stream-type', requestId: 'bad-type', uid: 2, streamType: 2 });
    send({ type: 'set-stream-fallback', requestId: 'bad-fallback', uid: 2, fallback: 3 });
    send({ type: 'set-stream-type', requestId: 'no-type', uid: 2 });
    send({ type: 'subscribe', requestId: 'bad-subscribe', uid: 2, kind: 'video', streamType: 'low' });
    send({ type: 'ping' });
    await flush();
    const errors = Object.fromEntries(peer.of('error').map((e) => [e.requestId, `${e.code}: ${e.message}`]));
    expect(errors).toEqual({
      unknown: 'unknown_user: No user 99 in the channel',
      self: 'unknown_user: No user 1 in the channel',
      unsubscribed: 'invalid_message: Not subscribed to the video of user 2: subscribe first',
      'unsubscribed-fallback': 'invalid_message: Not subscribed to the video of user 2: subscribe first',
      'bad-type': expect.stringMatching(/^invalid_message: Invalid set-stream-type message: \/streamType /),
      'bad-fallback': expect.stringMatching(/^invalid_message: Invalid set-stream-fallback message: \/fallback /),
      'no-type': expect.stringMatching(/^invalid_message: Invalid set-stream-type message/),
      'bad-subscribe': expect.stringMatching(/^invalid_message: Invalid subscribe message: \/streamType /),
    });
    expect(peer.sent.at(-1)).toEqual({ type: 'pong', serverTime: expect.any(Number) });
    expect(peer.closed).toBeUndefined();
    other.closed();
  });
});
