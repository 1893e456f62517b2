/**
 * Domain events as Agora NCS notices: event types by role and mode, payload fields, the body bytes
 * and both signatures (checked against published HMAC test values, not against our own code).
 */
import { describe, expect, it } from 'vitest';
import { LeaveReason, type ParticipantJoinedEvent, type ParticipantLeftEvent } from '@parley/protocol';
import { agoraPlatform, ClientSequence, noticeBody, noticeForEvent, signatureHeaders } from './notices.ts';

const APP = '0123456789abcdef0123456789abcdef';
const AT = Date.parse('2026-03-02T10:00:00.250Z');

function joined(overrides: Partial<ParticipantJoinedEvent> = {}): ParticipantJoinedEvent {
  return { type: 'participant.joined', appId: APP, channel: 'room', at: AT, sessionId: 's1', uid: 42, role: 'host', mode: 'rtc', platform: 'web', ...overrides };
}

function left(overrides: Partial<ParticipantLeftEvent> = {}): ParticipantLeftEvent {
  return { ...joined(), type: 'participant.left', at: AT + 90_600, joinedAt: AT, reason: LeaveReason.permission, ...overrides } as ParticipantLeftEvent;
}

describe('noticeForEvent', () => {
  it('makes a communication-mode join a 107 with Agora\'s payload fields', () => {
    const notice = noticeForEvent(joined(), new ClientSequence())!;
    expect(notice).toMatchObject({ appId: APP, event: 'participant.joined', productId: 1, eventType: 107, sid: 's1', channel: 'room', orderKey: 'rtc:room', at: AT });
    expect(notice.payload).toEqual({ channelName: 'room', uid: 42, platform: 7, clientSeq: expect.any(Number), ts: Math.floor(AT / 1000), account: '42' });
  });

  it('adds the leave reason and whole seconds in the channel to a leave', () => {
    const notice = noticeForEvent(left(), new ClientSequence())!;
    expect(notice.eventType).toBe(108);
    expect(notice.payload).toMatchObject({ reason: 3, duration: 91, ts: Math.floor((AT + 90_600) / 1000) });
    // A clock that stepped back never makes a negative duration.
    expect(noticeForEvent(left({ at: AT - 5_000 }), new ClientSequence())!.payload.duration).toBe(0);
  });

  it('maps a live-mode role switch to 111 (to host) and 112 (to audience), with the session as sid', () => {
    const switched = (role: 'host' | 'audience') =>
      noticeForEvent({ type: 'participant.role-changed', appId: APP, channel: 'room', at: AT, sessionId: 's9', uid: 'anna', role, mode: 'live', platform: 'web' }, new ClientSequence());
    expect(switched('host')).toMatchObject({ event: 'participant.role-changed', productId: 1, eventType: 111, sid: 's9', orderKey: 'rtc:room' });
    expect(switched('audience')!.eventType).toBe(112);
    expect(switched('host')!.payload).toMatchObject({ channelName: 'room', uid: 0, account: 'anna', ts: Math.floor(AT / 1000) });
  });

  it.each([
    ['live', 'host', 103, 104],
    ['live', 'audience', 105, 106],
    ['live', 'recorder', 105, 106],
    ['rtc', 'host', 107, 108],
  ] as const)('maps a %s-mode %s to %i on join and %i on leave', (mode, role, join, leave) => {
    const sequence = new ClientSequence();
    expect(noticeForEvent(joined({ mode, role }), sequence)!.eventType).toBe(join);
    expect(noticeForEvent(left({ mode, role }), sequence)!.eventType).toBe(leave);
  });

  it('reports a cloud recorder as a Linux client of type 10, as Agora\'s recorder appears', () => {
    const payload = noticeForEvent(joined({ role: 'recorder', platform: 'cloud-recording', mode: 'live' }), new ClientSequence())!.payload;
    expect(payload).toMatchObject({ platform: 6, clientType: 10 });
    expect(noticeForEvent(joined(), new ClientSequence())!.payload).not.toHaveProperty('clientType');
  });

  it('puts a string account in `account` with uid 0, since Agora\'s uids are numbers', () => {
    expect(noticeForEvent(joined({ uid: 'alice' }), new ClientSequence())!.payload).toMatchObject({ uid: 0, account: 'alice' });
  });

  it('makes channel create and destroy 101 and 102 without a sid', () => {
    const sequence = new ClientSequence();
    const created = noticeForEvent({ type: 'channel.created', appId: APP, channel: 'room', at: AT }, sequence)!;
    expect(created).toMatchObject({ eventType: 101, event: 'channel.created', payload: { channelName: 'room', ts: Math.floor(AT / 1000) } });
    expect(created.sid).toBeUndefined();
    const destroyed = noticeForEvent({ type: 'channel.destroyed', appId: APP, channel: 'room', at: AT, lastUid: 7 }, sequence)!;
    expect(destroyed).toMatchObject({ eventType: 102, payload: { channelName: 'room', ts: Math.floor(AT / 1000), lastUid: 7 } });
  });

  it('has no notice for track events', () => {
    expect(noticeForEvent({ type: 'track.published', appId: APP, channel: 'room', at: AT, sessionId: 's1', uid: 1, kind: 'video' }, new ClientSequence())).toBeUndefined();
  });

  it('numbers a client\'s events in increasing order even within one millisecond', () => {
    const sequence = new ClientSequence();
    const seqs = [sequence.next(1000), sequence.next(1000), sequence.next(999), sequence.next(5000)];
    expect(seqs).toEqual([1000, 1001, 1002, 5000]);
  });
});

describe('agoraPlatform', () => {
  it.each([
    ['android', 1],
    ['iOS', 2],
    ['windows', 5],
    ['linux', 6],
    ['web', 7],
    ['macOS', 8],
    ['bot', 0],
    ['', 0],
  ])('%s is %i', (platform, number) => {
    expect(agoraPlatform(platform)).toBe(number);
  });
});

describe('noticeBody and signatureHeaders', () => {
  it('writes the NCS body with its fields in Agora\'s order, notifyMs the notice time', () => {
    const notice = noticeForEvent(joined(), new ClientSequence())!;
    const body = noticeBody('n-1', notice);
    expect(Object.keys(JSON.parse(body))).toEqual(['noticeId', 'productId', 'eventType', 'notifyMs', 'sid', 'payload']);
    expect(JSON.parse(body)).toMatchObject({ noticeId: 'n-1', productId: 1, eventType: 107, notifyMs: AT, sid: 's1' });
    expect(noticeBody('n-1', notice)).toBe(body);
  });

  it('signs the raw body as hex HMAC-SHA1 and HMAC-SHA256 (RFC 2104 test values)', () => {
    // Published values for key "key" and this message (e.g. Wikipedia's HMAC article).
    expect(signatureHeaders('key', 'The quick brown fox jumps over the lazy dog')).toEqual({
      'Agora-Signature': 'de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9',
      'Agora-Signature-V2': 'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
    });
  });
});
