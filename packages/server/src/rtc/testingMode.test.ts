/**
 * Testing mode (Agora's "no certificate" projects): joins without a token are let in only while
 * the project has it on, with full privileges and no expiry; bans and session caps still apply,
 * tokens sent are still checked, and switching it off ends every tokenless session.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LeaveReason, NO_TOKEN_EXPIRY } from '@parley/protocol';
import { APP_ID, FAKE_TIMERS, FakePeer, refusal, rtcHarness, type RtcHarness } from './fakes.ts';
import { CloseCode } from './signalingPeer.ts';

describe('joining without a token', () => {
  let h: RtcHarness;
  const joinTokenless = (channel: string, uid?: number | string, peer = new FakePeer()) =>
    h.rtc.join({ type: 'join', requestId: 'r', appId: APP_ID, channel, ...(uid !== undefined ? { uid } : {}) }, peer).then((joined) => ({ ...joined, peer }));

  beforeEach(() => {
    h = rtcHarness({ perIp: 10, perToken: 2 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is refused with invalid_token while testing mode is off, the default', async () => {
    const error = await refusal(joinTokenless('room', 1));
    expect(error.kind).toBe('invalid_token');
    expect(error.message).toContain('requires a token');
    expect(h.rtc.room(APP_ID, 'room')).toBeUndefined();
  });

  it('is refused for a disabled project even with testing mode on', async () => {
    h.project.testingMode = true;
    h.project.status = 'disabled';
    expect((await refusal(joinTokenless('room', 1))).kind).toBe('invalid_token');
  });

  it('is let in while testing mode is on, as a host who may publish both kinds, with no token expiry', async () => {
    vi.useFakeTimers(FAKE_TIMERS);
    h.project.testingMode = true;
    const { participant, peer } = await joinTokenless('room', 'alice');
    expect(participant.role).toBe('host');
    expect([...participant.mayPublish].sort()).toEqual(['audio', 'video']);
    expect(participant.tokenExpiresAt).toBe(NO_TOKEN_EXPIRY);
    expect(participant.tokenless).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(peer.of('token-privilege-will-expire')).toEqual([]);
    expect(peer.of('token-privilege-did-expire')).toEqual([]);
    expect(participant.leftReason).toBeUndefined();
  });

  it('gets a server-chosen numeric uid when it asks for none', async () => {
    h.project.testingMode = true;
    const { participant } = await joinTokenless('room');
    expect(typeof participant.uid).toBe('number');
  });

  it('still checks a token that is sent: a bad one is refused in testing mode', async () => {
    h.project.testingMode = true;
    const bad = h.rtc.join({ type: 'join', requestId: 'r', appId: APP_ID, channel: 'room', uid: 1, token: h.token('other', 1) }, new FakePeer());
    expect((await refusal(bad)).kind).toBe('forbidden');
    const garbage = h.rtc.join({ type: 'join', requestId: 'r', appId: APP_ID, channel: 'room', uid: 1, token: '007garbage' }, new FakePeer());
    expect((await refusal(garbage)).kind).toBe('invalid_token');
    const good = await h.rtc.join({ type: 'join', requestId: 'r', appId: APP_ID, channel: 'room', uid: 1, token: h.token('room', 1) }, new FakePeer());
    expect(good.participant.tokenless).toBe(false);
  });

  it('is still subject to bans: a join ban refuses it, a publish ban takes that kind away', async () => {
    h.project.testingMode = true;
    h.denied.add('join_channel');
    expect((await refusal(joinTokenless('room', 1))).kind).toBe('banned');
    h.denied.clear();
    h.denied.add('publish_audio');
    expect([...(await joinTokenless('room', 2)).participant.mayPublish]).toEqual(['video']);
  });

  it('counts tokenless sessions from one address under one key, so the per-token cap still bounds them', async () => {
    h.project.testingMode = true;
    const address = '198.18.0.7';
    await joinTokenless('room', 1, new FakePeer(address));
    await joinTokenless('room', 2, new FakePeer(address));
    expect((await refusal(joinTokenless('room', 3, new FakePeer(address)))).kind).toBe('too_many_sessions');
    await joinTokenless('room', 4, new FakePeer('198.18.0.8'));
  });

  it('ends every tokenless session, and only those, when testing mode is switched off', async () => {
    h.project.testingMode = true;
    const tokenless = await joinTokenless('room', 1);
    const elsewhere = await joinTokenless('other room', 2);
    const withToken = await h.rtc.join({ type: 'join', requestId: 'r', appId: APP_ID, channel: 'room', uid: 3, token: h.token('room', 3) }, new FakePeer());
    h.project.testingMode = false;
    expect(await h.rtc.endTokenlessSessions(APP_ID)).toBe(2);
    for (const { participant, peer } of [tokenless, elsewhere]) {
      expect(participant.leftReason).toBe(LeaveReason.permission);
      expect(peer.of('kicked')).toEqual([expect.objectContaining({ message: expect.stringContaining('Testing mode was switched off') })]);
      expect(peer.closed?.code).toBe(CloseCode.kicked);
    }
    expect(withToken.participant.leftReason).toBeUndefined();
    expect((await refusal(joinTokenless('room', 1))).kind).toBe('invalid_token');
  });
});
