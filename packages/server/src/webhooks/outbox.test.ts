/**
 * The webhook outbox written by the sessions journal, on both durable stores, with no worker
 * running: a notice exists exactly when its session change does (same transaction), in the order
 * things happened in the channel, with one leave per join, also for sessions a crash left open.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LeaveReason, type DomainEvent } from '@parley/protocol';
import { clock, FakeSfu } from '../../../../test/support/participantEvents.ts';
import { openTestStore, refuseWrites, STORE_KINDS, type TestStore } from '../../../../test/support/stores.ts';
import { EventBus } from '../events/bus.ts';
import { ProjectService } from '../projects/service.ts';
import type { EventOutbox } from '../events/outbox.ts';
import { SessionService } from '../sessions/service.ts';
import { subscribeSessions } from '../sessions/subscribe.ts';
import type { Db } from '../store/database.ts';
import { WebhookOutbox } from './outbox.ts';
import { WebhookService } from './service.ts';
import { quietLogger } from '../log/logger.ts';

describe.each(STORE_KINDS)('webhook outbox on %s', (kind) => {
  let opened: TestStore;
  let bus: EventBus;
  let webhooks: WebhookService;
  let sessions: SessionService;
  let appId: string;
  let webhookId: string;
  let sfu: FakeSfu;
  const log = { ...quietLogger, error: vi.fn(), warn: vi.fn(), debug: vi.fn() };

  beforeEach(async () => {
    opened = await openTestStore(kind);
    bus = new EventBus(log);
    webhooks = new WebhookService(opened.store.db, { secretKey: undefined, policy: { allowPrivate: true, resolve: async () => [{ address: '127.0.0.1', family: 4 }] } });
    sessions = new SessionService(opened.store.db, 'node-a', log, new WebhookOutbox(webhooks));
    subscribeSessions(bus, sessions);
    appId = (await new ProjectService(opened.store.db, undefined).createProject({ name: 'Outbox' })).appId;
    webhookId = (await webhooks.createWebhook(appId, { url: 'http://receiver.test/hooks' })).webhookId;
    sfu = new FakeSfu(bus, appId);
    log.error.mockClear();
  });
  afterEach(async () => {
    await bus.drain();
    await opened.close();
  });

  /** The queued notices, oldest first: [eventType, payload]. */
  async function queued(): Promise<Array<[number, Record<string, any>]>> {
    await bus.drain();
    const page = await webhooks.listDeliveries(appId, webhookId, { limit: 500 });
    return page.deliveries.reverse().map((d) => [d.eventType, JSON.parse(d.body).payload]);
  }

  const created = (channel: string, at: number) => bus.emit({ type: 'channel.created', appId, channel, at });
  const destroyed = (channel: string, at: number, lastUid: number | string) => bus.emit({ type: 'channel.destroyed', appId, channel, at, lastUid });

  it('queues a channel\'s create, joins, leaves and destroy in the order they happened', async () => {
    created('room', clock('10:00'));
    const alice = sfu.join('room', 1, clock('10:00'));
    const bob = sfu.join('room', 2, clock('10:01'), { platform: 'android' });
    alice.leave(clock('10:05'), LeaveReason.normal);
    bob.leave(clock('10:06'), LeaveReason.permission);
    destroyed('room', clock('10:06'), 2);
    const notices = await queued();
    expect(notices.map(([type, p]) => [type, p.uid ?? p.lastUid ?? null])).toEqual([
      [101, null],
      [107, 1],
      [107, 2],
      [108, 1],
      [108, 2],
      [102, 2],
    ]);
    expect(notices[4]![1]).toMatchObject({ reason: 3, duration: 300, platform: 1 });
    // clientSeq increases for a user from join to leave.
    expect(notices[3]![1].clientSeq).toBeGreaterThan(notices[1]![1].clientSeq);
  });

  it('queues nothing for a repeated join or leave of the same session', async () => {
    const alice = sfu.join('room', 1, clock('10:00'), { sessionId: 'same' });
    sfu.join('room', 1, clock('10:00'), { sessionId: 'same' });
    alice.leave(clock('10:01'));
    alice.leave(clock('10:02'), LeaveReason.networkError);
    expect((await queued()).map(([type]) => type)).toEqual([107, 108]);
  });

  it('queues the join with a leave whose join was never recorded, so no leave arrives alone', async () => {
    const at = clock('10:00');
    bus.emit({ type: 'participant.left', appId, channel: 'room', at: at + 60_000, joinedAt: at, sessionId: 'lost', uid: 5, role: 'host', mode: 'rtc', platform: 'web', reason: 2 });
    expect((await queued()).map(([type, p]) => [type, p.ts])).toEqual([
      [107, at / 1000],
      [108, at / 1000 + 60],
    ]);
  });

  it('queues a leave with reason 4 for each session a crash left open, and the end of channels nobody is left in', async () => {
    created('a', clock('10:00'));
    sfu.join('a', 1, clock('10:00'));
    sfu.join('a', 2, clock('10:01'));
    sfu.join('b', 3, clock('10:02'));
    // Channel c is also in use on another node, which goes on hosting it.
    sfu.join('c', 4, clock('10:03'));
    await bus.drain();
    const elsewhere = new SessionService(opened.store.db, 'node-b', log, new WebhookOutbox(webhooks));
    await elsewhere.recordJoin({ type: 'participant.joined', appId, channel: 'c', at: clock('10:04'), sessionId: 'on-b', uid: 9, role: 'host', mode: 'rtc', platform: 'web' });
    const before = (await queued()).length;

    expect(await sessions.closeOpenSessions('node-a', LeaveReason.serverInternal, clock('11:00'))).toBe(4);
    const after = (await queued()).slice(before);
    expect(after.map(([type, p]) => [type, p.channelName, p.uid ?? p.lastUid, p.reason ?? null])).toEqual([
      [108, 'a', 1, 4],
      [108, 'a', 2, 4],
      [108, 'b', 3, 4],
      [108, 'c', 4, 4],
      [102, 'a', 2, null],
      [102, 'b', 3, null],
    ]);
    expect(after[0]![1].duration).toBe(3600);
    // Closing again finds nothing open and queues nothing.
    expect(await sessions.closeOpenSessions('node-a', LeaveReason.serverInternal, clock('12:00'))).toBe(0);
    expect((await queued()).length).toBe(before + after.length);
  });

  it('wakes the worker after a commit that queued a delivery, and only then', async () => {
    const wakes = vi.fn();
    webhooks.onWake(wakes);
    sfu.join('room', 1, clock('10:00'));
    await queued();
    expect(wakes).toHaveBeenCalledTimes(1);
    // The endpoint is off: the same kind of event queues nothing, and nothing is woken.
    await webhooks.updateWebhook(appId, webhookId, { enabled: false });
    wakes.mockClear();
    sfu.join('room', 2, clock('10:01'));
    await bus.drain();
    expect((await sessions.listSessions(appId, {}, {})).sessions.map((session) => session.uid)).toContain(2);
    expect(wakes).not.toHaveBeenCalled();
  });

  it('records neither the session change nor the notice when the outbox write fails (one transaction)', async () => {
    const failing: EventOutbox = {
      record: async (trx: Db, event: DomainEvent) => {
        await new WebhookOutbox(webhooks).record(trx, event);
        throw new Error('outbox unavailable');
      },
      committed: () => {},
    };
    const broken = new SessionService(opened.store.db, 'node-a', log, failing);
    await expect(
      broken.recordJoin({ type: 'participant.joined', appId, channel: 'room', at: clock('10:00'), sessionId: 'x', uid: 1, role: 'host', mode: 'rtc', platform: 'web' }),
    ).rejects.toThrow('outbox unavailable');
    expect(await queued()).toEqual([]);
    expect((await sessions.listSessions(appId, {}, {})).sessions).toEqual([]);
  });

  it('writes joins and leaves the store refused once it takes writes again: in order, one leave per join', async () => {
    const allowWrites = await refuseWrites(opened.store);
    created('room', clock('10:00'));
    const alice = sfu.join('room', 1, clock('10:00'));
    const bob = sfu.join('room', 2, clock('10:01'));
    alice.leave(clock('10:05'), LeaveReason.normal);
    sfu.join('other', 3, clock('10:02')).leave(clock('10:03'));
    // The store has refused the first writes (the journal or the bus said so) before it comes back.
    await vi.waitFor(() => expect(log.warn.mock.calls.length + log.error.mock.calls.length).toBeGreaterThan(0));
    expect((await sessions.listSessions(appId, {}, {})).sessions).toEqual([]);
    expect(sessions.writesFailingSince()).toBeDefined();
    expect(sessions.pendingWrites).toBe(6);
    await allowWrites();
    bob.leave(clock('10:07'), LeaveReason.permission);
    const notices = await queued();
    // Channels are written independently; within one, in the order things happened.
    const inChannel = (channel: string) => notices.filter(([, p]) => p.channelName === channel).map(([type, p]) => [type, p.uid ?? null]);
    expect(inChannel('room')).toEqual([
      [101, null],
      [107, 1],
      [107, 2],
      [108, 1],
      [108, 2],
    ]);
    expect(inChannel('other')).toEqual([
      [107, 3],
      [108, 3],
    ]);
    const closed = (await sessions.listSessions(appId, {}, {})).sessions;
    expect(closed.map((s) => [s.uid, s.leftAt])).toEqual([
      [3, '2026-03-02T10:03:00.000Z'],
      [2, '2026-03-02T10:07:00.000Z'],
      [1, '2026-03-02T10:05:00.000Z'],
    ]);
    expect(sessions.writesFailingSince()).toBeUndefined();
    expect(sessions.pendingWrites).toBe(0);
  });

  it('holds a bounded number of refused writes: a join past the bound is recorded with its leave', async () => {
    const bounded = new SessionService(opened.store.db, 'node-a', log, new WebhookOutbox(webhooks), { maxPending: 2, retryBaseMs: 10 });
    const allowWrites = await refuseWrites(opened.store);
    const join = (sessionId: string, uid: number) => bounded.recordJoin({ type: 'participant.joined', appId, channel: 'room', at: clock('10:00'), sessionId, uid, role: 'host', mode: 'rtc', platform: 'web' });
    const writes = [join('a', 1), join('b', 2), join('c', 3)];
    expect(bounded.pendingWrites).toBe(2);
    await allowWrites();
    await Promise.all(writes);
    await bounded.recordLeave({ type: 'participant.left', appId, channel: 'room', at: clock('10:09'), joinedAt: clock('10:00'), sessionId: 'c', uid: 3, role: 'host', mode: 'rtc', platform: 'web', reason: 1 });
    expect((await queued()).map(([type, p]) => [type, p.uid])).toEqual([
      [107, 1],
      [107, 2],
      [107, 3],
      [108, 3],
    ]);
  });

  it('writes a refused leave exactly once even when it is emitted again after the store is back', async () => {
    const alice = sfu.join('room', 1, clock('10:00'));
    await bus.drain();
    const allowWrites = await refuseWrites(opened.store);
    alice.leave(clock('10:05'), LeaveReason.normal);
    await vi.waitFor(() => expect(log.warn.mock.calls.length + log.error.mock.calls.length).toBeGreaterThan(0));
    await allowWrites();
    alice.leave(clock('10:06'), LeaveReason.networkError);
    expect((await queued()).map(([type, p]) => [type, p.reason ?? null])).toEqual([
      [107, null],
      [108, 1],
    ]);
  });

  it('queues only the events an endpoint asked for', async () => {
    await webhooks.updateWebhook(appId, webhookId, { events: ['participant.left'] });
    created('room', clock('10:00'));
    sfu.join('room', 1, clock('10:00')).leave(clock('10:01'));
    destroyed('room', clock('10:01'), 1);
    expect((await queued()).map(([type]) => type)).toEqual([108]);
  });
});
