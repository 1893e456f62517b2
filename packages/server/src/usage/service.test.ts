/**
 * Usage computed from sessions recorded through the real event bus, on both durable stores:
 * participant-minutes and peaks checked against scenarios worked out by hand.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clock, FakeSfu } from '../../../../test/support/participantEvents.ts';
import { openTestStore, STORE_KINDS, type TestStore } from '../../../../test/support/stores.ts';
import { EventBus } from '../events/bus.ts';
import { DomainError } from '../domainError.ts';
import { ProjectService } from '../projects/service.ts';
import { SessionService } from '../sessions/service.ts';
import { subscribeSessions } from '../sessions/subscribe.ts';
import { UsageService } from './service.ts';
import { quietLogger } from '../log/logger.ts';

const iso = (time: string, date?: string) => new Date(clock(time, date)).toISOString();

describe.each(STORE_KINDS)('UsageService on %s', (kind) => {
  let opened: TestStore;
  let bus: EventBus;
  let usage: UsageService;
  let appId: string;
  let sfu: FakeSfu;

  beforeEach(async () => {
    opened = await openTestStore(kind);
    const log = { ...quietLogger, error: vi.fn(), warn: vi.fn(), debug: vi.fn() };
    bus = new EventBus(log);
    subscribeSessions(bus, new SessionService(opened.store.db, 'node-a', log));
    usage = new UsageService(opened.store.db);
    appId = (await new ProjectService(opened.store.db, undefined).createProject({ name: 'Calls' })).appId;
    sfu = new FakeSfu(bus, appId);
  });
  afterEach(async () => {
    await bus.drain();
    await opened.close();
  });

  it('adds up hour buckets exactly: A 10:00-10:30 and B 10:15-11:10 make 30+45 min peak 2, then 10 min peak 1', async () => {
    sfu.visit('standup', 'alice', clock('10:00'), clock('10:30'));
    sfu.visit('standup', 'bob', clock('10:15'), clock('11:10'));
    await bus.drain();
    const result = await usage.getUsage(appId, { from: iso('10:00'), to: iso('12:00'), granularity: 'hour' });
    expect(result).toEqual({
      from: iso('10:00'),
      to: iso('12:00'),
      granularity: 'hour',
      totals: { participantMinutes: 85, peakConcurrentUsers: 2, sessions: 2 },
      buckets: [
        { start: iso('10:00'), end: iso('11:00'), participantMinutes: 75, peakConcurrentUsers: 2 },
        { start: iso('11:00'), end: iso('12:00'), participantMinutes: 10, peakConcurrentUsers: 1 },
      ],
      channels: [{ channel: 'standup', participantMinutes: 85, peakConcurrentUsers: 2 }],
    });
  });

  it('counts a session already on at a bucket\'s start in that bucket\'s peak', async () => {
    sfu.visit('long', 1, clock('09:30'), clock('12:30'));
    sfu.visit('long', 2, clock('11:00'), clock('11:20'));
    await bus.drain();
    const { buckets } = await usage.getUsage(appId, { from: iso('10:00'), to: iso('13:00'), granularity: 'hour' });
    expect(buckets.map((b) => [b.participantMinutes, b.peakConcurrentUsers])).toEqual([
      [60, 1],
      [80, 2],
      [30, 1],
    ]);
  });

  it('never counts back-to-back sessions as concurrent: a leave at 10:30 comes before a join at 10:30', async () => {
    sfu.visit('relay', 1, clock('10:00'), clock('10:30'));
    sfu.visit('relay', 2, clock('10:30'), clock('11:00'));
    await bus.drain();
    const result = await usage.getUsage(appId, { from: iso('10:00'), to: iso('11:00'), granularity: 'hour' });
    expect(result.totals).toEqual({ participantMinutes: 60, peakConcurrentUsers: 1, sessions: 2 });
  });

  it('counts an open session until now, and nothing after now', async () => {
    sfu.join('live', 1, clock('10:00'));
    await bus.drain();
    const result = await usage.getUsage(appId, { from: iso('10:00'), to: iso('13:00'), granularity: 'hour' }, clock('11:15'));
    expect(result.buckets.map((b) => [b.participantMinutes, b.peakConcurrentUsers])).toEqual([
      [60, 1],
      [15, 1],
      [0, 0],
    ]);
    expect(result.totals).toEqual({ participantMinutes: 75, peakConcurrentUsers: 1, sessions: 1 });
  });

  it('cuts UTC day buckets to the range and rounds minutes to 2 decimals', async () => {
    sfu.visit('night', 1, clock('23:50', '2026-03-01'), clock('00:10:20', '2026-03-02'));
    await bus.drain();
    const result = await usage.getUsage(appId, { from: iso('12:00', '2026-03-01'), to: iso('06:00', '2026-03-02') });
    expect(result.granularity).toBe('day');
    expect(result.buckets).toEqual([
      { start: iso('12:00', '2026-03-01'), end: iso('00:00', '2026-03-02'), participantMinutes: 10, peakConcurrentUsers: 1 },
      { start: iso('00:00', '2026-03-02'), end: iso('06:00', '2026-03-02'), participantMinutes: 10.33, peakConcurrentUsers: 1 },
    ]);
    expect(result.totals.participantMinutes).toBe(20.33);
  });

  it('breaks usage down per channel over the whole range, busiest first, and filters to one channel', async () => {
    sfu.visit('small', 1, clock('10:00'), clock('10:35'));
    sfu.visit('big', 1, clock('10:00'), clock('10:40'));
    sfu.visit('big', 2, clock('10:30'), clock('11:30'));
    sfu.visit('big', 3, clock('11:00'), clock('11:20'));
    sfu.visit('tiny', 4, clock('10:05'), clock('10:05'));
    await bus.drain();
    const all = await usage.getUsage(appId, { from: iso('10:00'), to: iso('12:00'), granularity: 'hour' });
    expect(all.channels).toEqual([
      { channel: 'big', participantMinutes: 120, peakConcurrentUsers: 2 },
      { channel: 'small', participantMinutes: 35, peakConcurrentUsers: 1 },
      { channel: 'tiny', participantMinutes: 0, peakConcurrentUsers: 0 },
    ]);
    // 10:30-10:35: small, big's 1 and big's 2 together.
    expect(all.totals).toEqual({ participantMinutes: 155, peakConcurrentUsers: 3, sessions: 5 });

    const big = await usage.getUsage(appId, { from: iso('10:00'), to: iso('12:00'), granularity: 'hour', channel: 'big' });
    expect(big.totals).toEqual({ participantMinutes: 120, peakConcurrentUsers: 2, sessions: 3 });
    expect(big.channels.map((c) => c.channel)).toEqual(['big']);
  });

  it('counts only time inside the range, and only this project\'s sessions', async () => {
    sfu.visit('room', 1, clock('08:00'), clock('10:30'));
    const otherApp = (await new ProjectService(opened.store.db, undefined).createProject({ name: 'Other' })).appId;
    new FakeSfu(bus, otherApp).visit('room', 2, clock('10:00'), clock('11:00'));
    await bus.drain();
    const result = await usage.getUsage(appId, { from: iso('10:00'), to: iso('11:00'), granularity: 'hour' });
    expect(result.totals).toEqual({ participantMinutes: 30, peakConcurrentUsers: 1, sessions: 1 });
  });

  it.each([
    ['to before from', { from: iso('11:00'), to: iso('10:00') }, 'to'],
    ['to equal to from', { from: iso('10:00'), to: iso('10:00') }, 'to'],
    ['more than 31 days of hours', { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00.001Z', granularity: 'hour' as const }, 'to'],
    ['more than 366 days of days', { from: '2025-01-01T00:00:00Z', to: '2026-01-02T00:00:00.001Z', granularity: 'day' as const }, 'to'],
    ['a from that is no date', { from: 'yesterday', to: iso('10:00') }, 'from'],
  ])('refuses %s as an invalid parameter naming the field', async (_label, query, field) => {
    const error = await usage.getUsage(appId, query).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ kind: 'invalid_parameter', field });
  });

  it('accepts the longest ranges: 31 days of hours, 366 days of days', async () => {
    const hours = await usage.getUsage(appId, { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z', granularity: 'hour' });
    expect(hours.buckets).toHaveLength(31 * 24);
    const days = await usage.getUsage(appId, { from: '2025-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z', granularity: 'day' });
    expect(days.buckets).toHaveLength(366);
  });
});
