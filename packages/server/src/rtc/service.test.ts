import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LeaveReason, RESUME_WINDOW_MS, TOKEN_EXPIRY_WARNING_SECONDS } from '@parley/protocol';
import { APP_ID, FAKE_TIMERS, FakePeer, refusal, rtcHarness, type RtcHarness } from './fakes.ts';
import { CloseCode } from './signalingPeer.ts';

describe('the RTC service without media', () => {
  let h: RtcHarness;
  const join = (channel: string, uid: number | string, peer = new FakePeer(), token = h.token(channel, uid)) =>
    h.rtc.join({ type: 'join', requestId: 'r', appId: APP_ID, channel, uid, token }, peer).then((joined) => ({ ...joined, peer }));

  beforeEach(() => {
    h = rtcHarness({ perIp: 3, perToken: 2 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('puts participants in one room, tells each about the other, and lists them in the directory', async () => {
    const a = await join('room', 1);
    const b = await join('room', 2);
    expect(a.room).toBe(b.room);
    expect(a.peer.of('user-joined')).toEqual([expect.objectContaining({ user: expect.objectContaining({ uid: 2, role: 'host' }) })]);
    expect(b.room.snapshotFor(b.participant).map((user) => user.uid)).toEqual([1]);
    await h.settle();
    expect((await h.directory.list(APP_ID, 'room')).map((p) => p.uid).sort()).toEqual([1, 2]);
    expect(h.events.map((event) => event.type)).toEqual(['channel.created', 'participant.joined', 'participant.joined']);
  });

  it('ends the room with its last participant, with one leave each', async () => {
    const a = await join('room', 1);
    const b = await join('room', 2);
    await h.rtc.leave(a.participant);
    expect(b.peer.of('user-left')).toEqual([{ type: 'user-left', uid: 1, reason: LeaveReason.normal }]);
    await h.rtc.leave(b.participant);
    await h.rtc.leave(b.participant);
    expect(h.rtc.room(APP_ID, 'room')).toBeUndefined();
    expect(h.events.filter((event) => event.type === 'participant.left')).toHaveLength(2);
    expect(h.events.at(-1)).toMatchObject({ type: 'channel.destroyed', lastUid: 2 });
  });

  it('replaces the first connection when the same uid joins again (reason 5)', async () => {
    const first = await join('room', 7);
    const second = await join('room', 7);
    expect(first.peer.of('kicked')).toEqual([expect.objectContaining({ reason: LeaveReason.replaced })]);
    expect(first.peer.closed?.code).toBe(CloseCode.replaced);
    expect(second.room.find(7)).toBe(second.participant);
  });

  it('refuses a token for another channel, another app, or signed for another uid', async () => {
    expect((await refusal(join('room', 1, new FakePeer(), h.token('other', 1)))).kind).toBe('forbidden');
    expect((await refusal(join('room', 1, new FakePeer(), h.token('room', 2)))).kind).toBe('forbidden');
    expect((await refusal(join('room', 1, new FakePeer(), h.token('room', 1, { appId: 'ffffffffffffffffffffffffffffffff' })))).kind).toBe('invalid_token');
    expect((await refusal(join('room', 1, new FakePeer(), 'garbage'))).kind).toBe('invalid_token');
  });

  it('refuses a banned user and lets a publish ban take away that kind', async () => {
    h.denied.add('publish_video');
    const { participant } = await join('room', 1);
    expect([...participant.mayPublish]).toEqual(['audio']);
    h.denied.add('join_channel');
    expect((await refusal(join('room', 2))).kind).toBe('banned');
  });

  it('gives a uid-0 join a free numeric uid', async () => {
    const { participant } = await join('room', 0, new FakePeer(), h.token('room', 0));
    expect(participant.uid).toEqual(expect.any(Number));
    expect(participant.uid).toBeGreaterThan(0);
  });

  it('caps sessions per token and per address, and frees a place when one leaves', async () => {
    const shared = h.token('room', 0);
    const one = await join('room', 11, new FakePeer('198.18.0.9'), shared);
    await join('room', 12, new FakePeer('198.18.0.9'), shared);
    expect((await refusal(join('room', 13, new FakePeer('198.18.0.9'), shared))).kind).toBe('too_many_sessions');
    await join('room', 14, new FakePeer('198.18.0.9'));
    expect((await refusal(join('room', 15, new FakePeer('198.18.0.9')))).message).toMatch(/address/);
    await h.rtc.leave(one.participant);
    await join('room', 15, new FakePeer('198.18.0.9'));
    expect(h.rtc.counts.sessionsRefused).toBe(2);
  });

  it('refuses offers before werift sees them: no privilege, media from the audience, or a shape the SFU will not parse', async () => {
    const audience = await join('room', 1, new FakePeer(), h.token('room', 1, { role: 'subscriber' }));
    const refused = await refusal(h.rtc.publishOffer(audience.participant, 'v=0\r\n' + 'm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n'.repeat(500), [{ mid: '0', kind: 'audio' }]));
    expect(refused.kind).toBe('forbidden');
    // Declaring nothing, it may open the data channel, but not slip media sections in beside it.
    const undeclared = await refusal(h.rtc.publishOffer(audience.participant, 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n', []));
    expect([undeclared.kind, undeclared.message]).toEqual(['forbidden', expect.stringMatching(/data channel only/)]);
    const host = await join('room', 2);
    expect((await refusal(h.rtc.publishOffer(host.participant, 'v=0\r\n' + 'm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n'.repeat(9), []))).kind).toBe('invalid_offer');
    expect(h.rtc.counts.offersRefused).toBe(3);
  });

  it('lets a lost socket resume with its secret, and refuses a wrong one', async () => {
    const { participant, peer } = await join('room', 1);
    h.rtc.socketLost(participant);
    expect((await refusal(Promise.resolve().then(() => h.rtc.resume(participant.sessionId, 'not-the-secret', new FakePeer())))).kind).toBe('session_not_found');
    const next = new FakePeer();
    const resumed = h.rtc.resume(participant.sessionId, participant.resumeToken, next);
    expect(resumed.participant).toBe(participant);
    expect(participant.peer).toBe(next);
    expect(peer.closed).toBeUndefined();
  });

  it('ends a lost session after the resume window, billed to its last sign of life', async () => {
    vi.useFakeTimers(FAKE_TIMERS);
    const { participant } = await join('room', 1);
    const other = await join('room', 2);
    const lastSeen = Date.now();
    participant.lastSeenAt = lastSeen;
    vi.advanceTimersByTime(4_000);
    h.rtc.socketLost(participant);
    await vi.advanceTimersByTimeAsync(RESUME_WINDOW_MS - 1);
    expect(other.peer.of('user-left')).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(other.peer.of('user-left')).toEqual([{ type: 'user-left', uid: 1, reason: LeaveReason.connectionTimeout }]);
    expect(h.events.find((event) => event.type === 'participant.left')).toMatchObject({ at: lastSeen, reason: LeaveReason.connectionTimeout });
  });

  it('warns before the token expires and ends the session at expiry, unless renewed', async () => {
    vi.useFakeTimers(FAKE_TIMERS);
    const expiring = await join('room', 1, new FakePeer(), h.token('room', 1, { seconds: 60 }));
    const renewed = await join('room', 2, new FakePeer(), h.token('room', 2, { seconds: 60 }));
    await vi.advanceTimersByTimeAsync((60 - TOKEN_EXPIRY_WARNING_SECONDS) * 1000 + 1_000);
    expect(expiring.peer.of('token-privilege-will-expire')).toHaveLength(1);
    await h.rtc.renewToken(renewed.participant, h.token('room', 2, { seconds: 600 }));
    await vi.advanceTimersByTimeAsync(TOKEN_EXPIRY_WARNING_SECONDS * 1000);
    expect(expiring.peer.of('token-privilege-did-expire')).toHaveLength(1);
    expect(expiring.peer.closed?.code).toBe(CloseCode.tokenExpired);
    expect(renewed.peer.closed).toBeUndefined();
    expect((await refusal(h.rtc.renewToken(renewed.participant, h.token('room', 3)))).kind).toBe('forbidden');
  });

  it('kicks through REST: the user is told why, others see the leave with reason 3', async () => {
    const target = await join('room', 1);
    const other = await join('room', 2);
    expect(await h.rtc.kick(APP_ID, 'room', 1)).toBe(true);
    expect(await h.rtc.kick(APP_ID, 'room', 1)).toBe(false);
    expect(target.peer.of('kicked')).toEqual([expect.objectContaining({ reason: LeaveReason.permission })]);
    expect(target.peer.closed?.code).toBe(CloseCode.kicked);
    expect(other.peer.of('user-left')).toEqual([{ type: 'user-left', uid: 1, reason: LeaveReason.permission }]);
  });

  it('matches ban scopes by channel, uid and address, never recorders', async () => {
    await join('a', 1, new FakePeer('198.18.0.7'));
    await join('b', 1, new FakePeer('::ffff:198.18.0.8'));
    h.rtc.attachRecorder(APP_ID, 'a', 99, { trackPublished: () => {}, trackUnpublished: () => {}, participantLeft: () => {} });
    expect(h.rtc.participantsMatching(APP_ID, { uid: 1 })).toHaveLength(2);
    expect(h.rtc.participantsMatching(APP_ID, { channel: 'a' }).map((p) => p.uid)).toEqual([1]);
    expect(h.rtc.participantsMatching(APP_ID, { ip: '198.18.0.8' }).map((p) => p.channel)).toEqual(['b']);
  });
});
