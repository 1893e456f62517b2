/**
 * Session recording through the real event bus, on both durable stores: events shaped as the SFU
 * publishes them open and close sessions once, whatever order or repetition they come in.
 */
import { afterEach, beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import { LeaveReason } from '@parley/protocol';
import { clock, FakeSfu } from '../../../../test/support/participantEvents.ts';
import { openTestStore, STORE_KINDS, type TestStore } from '../../../../test/support/stores.ts';
import { EventBus } from '../events/bus.ts';
import { ProjectService } from '../projects/service.ts';
import { SessionService } from './service.ts';
import { subscribeSessions } from './subscribe.ts';
import { quietLogger, type Logger } from '../log/logger.ts';

type LogFn = (details: object, message: string) => void;

describe.each(STORE_KINDS)('SessionService on %s', (kind) => {
  let opened: TestStore;
  let log: Logger & Record<'error' | 'warn' | 'debug', Mock<LogFn>>;
  let bus: EventBus;
  let sessions: SessionService;
  let unsubscribe: () => void;
  let appId: string;
  let sfu: FakeSfu;

  beforeEach(async () => {
    opened = await openTestStore(kind);
    log = { ...quietLogger, error: vi.fn<LogFn>(), warn: vi.fn<LogFn>(), debug: vi.fn<LogFn>() };
    bus = new EventBus(log);
    sessions = new SessionService(opened.store.db, 'node-a', log);
    unsubscribe = subscribeSessions(bus, sessions);
    appId = (await new ProjectService(opened.store.db, undefined).createProject({ name: 'Calls' })).appId;
    sfu = new FakeSfu(bus, appId);
  });
  afterEach(async () => {
    await bus.drain();
    await opened.close();
  });

  const list = async (filters = {}) => (await sessions.listSessions(appId, filters, {})).sessions;

  it('records a join then a leave as one closed session with its duration and reason', async () => {
    const alice = sfu.join('room', 42, clock('10:00'), { platform: 'web' });
    alice.leave(clock('10:01:30.250'), LeaveReason.connectionTimeout);
    await bus.drain();
    expect(await list()).toEqual([
      {
        sessionId: alice.sessionId,
        channel: 'room',
        uid: 42,
        role: 'host',
        platform: 'web',
        joinedAt: '2026-03-02T10:00:00.000Z',
        leftAt: '2026-03-02T10:01:30.250Z',
        durationSeconds: 90.25,
        leaveReason: 2,
        leaveReasonName: 'connectionTimeout',
      },
    ]);
    expect(log.error).not.toHaveBeenCalled();
  });

  it('keeps a session open, with no leave time, duration or reason, until its leave', async () => {
    sfu.join('room', 'user_1', clock('10:00'), { role: 'audience', mode: 'live' });
    await bus.drain();
    expect(await list()).toEqual([
      expect.objectContaining({ uid: 'user_1', role: 'audience', leftAt: null, durationSeconds: null, leaveReason: null, leaveReasonName: null }),
    ]);
  });

  it('ignores a repeated leave: the first leave\'s time and reason stay', async () => {
    const alice = sfu.join('room', 1, clock('10:00'));
    alice.leave(clock('10:10'), LeaveReason.normal);
    alice.leave(clock('10:20'), LeaveReason.tokenExpired);
    await bus.drain();
    alice.leave(clock('10:30'), LeaveReason.permission);
    await bus.drain();
    expect(await list()).toEqual([expect.objectContaining({ leftAt: '2026-03-02T10:10:00.000Z', leaveReason: 1, leaveReasonName: 'normal' })]);
    expect(log.error).not.toHaveBeenCalled();
  });

  it('ignores a repeated join: the first join time stays', async () => {
    sfu.join('room', 1, clock('10:00'), { sessionId: 'same' });
    sfu.join('room', 1, clock('10:05'), { sessionId: 'same' });
    await bus.drain();
    expect(await list()).toEqual([expect.objectContaining({ sessionId: 'same', joinedAt: '2026-03-02T10:00:00.000Z' })]);
    expect(log.error).not.toHaveBeenCalled();
  });

  it('closes a session whose leave is published right after its join, before the join is stored', async () => {
    const quick = Array.from({ length: 20 }, (_, i) => sfu.join('room', i + 1, clock('10:00')));
    for (const participant of quick) participant.leave(clock('10:00:01'));
    await bus.drain();
    const recorded = await list();
    expect(recorded).toHaveLength(20);
    expect(recorded.every((s) => s.leftAt === '2026-03-02T10:00:01.000Z' && s.durationSeconds === 1)).toBe(true);
  });

  it('logs a leave for an unknown session instead of throwing, and records the session it describes', async () => {
    bus.emit({
      type: 'participant.left',
      appId,
      channel: 'room',
      at: clock('10:30'),
      sessionId: 'never-joined',
      uid: 7,
      role: 'host',
      mode: 'rtc',
      platform: 'ios',
      joinedAt: clock('10:00'),
      reason: LeaveReason.networkError,
    });
    await bus.drain();
    expect(log.warn).toHaveBeenCalledWith(expect.objectContaining({ sessionId: 'never-joined' }), expect.stringMatching(/unknown session/));
    expect(log.error).not.toHaveBeenCalled();
    expect(await list()).toEqual([expect.objectContaining({ sessionId: 'never-joined', durationSeconds: 1800, leaveReasonName: 'networkError' })]);
  });

  it('closes the open sessions of one node at its start, with the server-internal reason, and no others', async () => {
    const open = [sfu.join('room', 1, clock('10:00')), sfu.join('room', 2, clock('10:05'))];
    sfu.visit('room', 3, clock('10:00'), clock('10:10'));
    const elsewhere = new SessionService(opened.store.db, 'node-b', log);
    await bus.drain();
    await elsewhere.recordJoin({ type: 'participant.joined', appId, channel: 'room', at: clock('10:00'), sessionId: 'on-b', uid: 4, role: 'host', mode: 'rtc', platform: 'web' });

    expect(await sessions.closeOpenSessions('node-a', LeaveReason.serverInternal, clock('11:00'))).toBe(2);
    expect(await sessions.closeOpenSessions('node-a', LeaveReason.serverInternal, clock('12:00'))).toBe(0);

    const byId = new Map((await list()).map((s) => [s.sessionId, s]));
    for (const participant of open) {
      expect(byId.get(participant.sessionId)).toMatchObject({ leftAt: '2026-03-02T11:00:00.000Z', leaveReason: 4, leaveReasonName: 'serverInternal' });
    }
    expect(byId.get('on-b')).toMatchObject({ leftAt: null });
    expect([...byId.values()].find((s) => s.uid === 3)).toMatchObject({ leftAt: '2026-03-02T10:10:00.000Z', leaveReason: 1 });
  });

  it('matches a digits-only uid filter to the numeric uid and to the account of the same digits', async () => {
    sfu.visit('room', 12345, clock('10:00'), clock('10:01'));
    sfu.visit('room', '12345', clock('10:02'), clock('10:03'));
    sfu.visit('room', 'user_12345', clock('10:04'), clock('10:05'));
    sfu.visit('room', '012345', clock('10:06'), clock('10:07'));
    await bus.drain();
    expect((await list({ uid: '12345' })).map((s) => s.uid)).toEqual(['12345', 12345]);
    expect((await list({ uid: 'user_12345' })).map((s) => s.uid)).toEqual(['user_12345']);
    expect((await list({ uid: '012345' })).map((s) => s.uid)).toEqual(['012345']);
  });

  it('lists sessions in progress during [from, to): joined before to, not left by from', async () => {
    sfu.visit('room', 1, clock('09:00'), clock('09:30')); // over before the range
    sfu.visit('room', 2, clock('09:30'), clock('10:00')); // left exactly at from
    sfu.visit('room', 3, clock('09:50'), clock('10:10')); // on at from
    sfu.visit('room', 4, clock('10:20'), clock('10:20')); // no time at all, inside
    sfu.join('room', 5, clock('08:00')); // still on
    sfu.visit('room', 6, clock('11:00'), clock('11:30')); // joined exactly at to
    await bus.drain();
    const uids = (await list({ from: '2026-03-02T10:00:00Z', to: '2026-03-02T11:00:00Z' })).map((s) => s.uid);
    expect(uids).toEqual([4, 3, 5]);
  });

  it('pages newest first without repeats or gaps while new sessions join between pages', async () => {
    for (let i = 0; i < 5; i += 1) sfu.join('room', i + 1, clock('10:00'));
    await bus.drain();
    const first = await sessions.listSessions(appId, {}, { limit: 2 });
    sfu.join('room', 99, clock('11:00'));
    await bus.drain();
    const second = await sessions.listSessions(appId, {}, { limit: 2, cursor: first.nextCursor! });
    const third = await sessions.listSessions(appId, {}, { limit: 2, cursor: second.nextCursor! });
    expect(third.nextCursor).toBeNull();
    const seen = [...first.sessions, ...second.sessions, ...third.sessions].map((s) => s.uid);
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('stops recording once unsubscribed', async () => {
    unsubscribe();
    sfu.join('room', 1, clock('10:00'));
    await bus.drain();
    expect(await list()).toEqual([]);
  });
});
