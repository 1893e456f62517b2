/**
 * The usage API over real HTTP, on both backends: usage computed from sessions the server recorded
 * off its own event bus, exact for scenarios worked out by hand, and every bad query refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRtcToken } from '@parley/token';
import type { CreatedProject } from '@parley/server';
import { BACKENDS } from '../support/backends.ts';
import { clock, FakeSfu } from '../support/participantEvents.ts';
import { basic, call, startTestServer, type TestServer } from '../support/server.ts';

const iso = (time: string, date?: string) => new Date(clock(time, date)).toISOString();

describe.each(BACKENDS)('usage API on $name', (backend) => {
  let t: TestServer;
  let project: CreatedProject;
  let auth: string;

  const usage = async (query: Record<string, string>, as: { auth?: string; appId?: string } = {}) => {
    await t.server.services.events.drain();
    const search = new URLSearchParams(query);
    return call(t.url, 'GET', `/v1/projects/${as.appId ?? project.appId}/usage?${search}`, { auth: as.auth ?? auth });
  };

  beforeAll(async () => {
    t = await startTestServer(backend);
    project = await t.createProject('enterprise');
    auth = basic(project.customerId, project.customerSecret!);
    const sfu = new FakeSfu(t.server.services.events, project.appId);
    // A 10:00-10:30 and B 10:15-11:10 in one channel; C 10:20-10:50 in another.
    sfu.visit('standup', 'A', clock('10:00'), clock('10:30'));
    sfu.visit('standup', 'B', clock('10:15'), clock('11:10'));
    sfu.visit('design', 'C', clock('10:20'), clock('10:50'));
  });
  afterAll(() => t.stop());

  it('answers hour buckets exactly for a scenario worked out by hand', async () => {
    const res = await usage({ from: iso('10:00'), to: iso('12:00'), granularity: 'hour', channel: 'standup' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      code: 200,
      message: 'success',
      data: {
        from: iso('10:00'),
        to: iso('12:00'),
        granularity: 'hour',
        // 10:00 bucket: A 30 min + B 45 min, both on 10:15-10:30. 11:00 bucket: B 10 min alone.
        totals: { participantMinutes: 85, peakConcurrentUsers: 2, sessions: 2 },
        buckets: [
          { start: iso('10:00'), end: iso('11:00'), participantMinutes: 75, peakConcurrentUsers: 2 },
          { start: iso('11:00'), end: iso('12:00'), participantMinutes: 10, peakConcurrentUsers: 1 },
        ],
        channels: [{ channel: 'standup', participantMinutes: 85, peakConcurrentUsers: 2 }],
      },
    });
  });

  it('adds every channel, broken down busiest first, and finds the peak across channels', async () => {
    const res = await usage({ from: iso('10:00'), to: iso('12:00'), granularity: 'hour' });
    expect(res.body.data.totals).toEqual({ participantMinutes: 115, peakConcurrentUsers: 3, sessions: 3 });
    expect(res.body.data.buckets.map((b: { participantMinutes: number; peakConcurrentUsers: number }) => [b.participantMinutes, b.peakConcurrentUsers])).toEqual([
      [105, 3],
      [10, 1],
    ]);
    expect(res.body.data.channels).toEqual([
      { channel: 'standup', participantMinutes: 85, peakConcurrentUsers: 2 },
      { channel: 'design', participantMinutes: 30, peakConcurrentUsers: 1 },
    ]);
  });

  it('uses UTC days when no granularity is given, cutting the first and last to the range', async () => {
    const res = await usage({ from: iso('06:00', '2026-03-01'), to: iso('10:30', '2026-03-02') });
    expect(res.status).toBe(200);
    expect(res.body.data.granularity).toBe('day');
    expect(res.body.data.buckets).toEqual([
      { start: iso('06:00', '2026-03-01'), end: iso('00:00', '2026-03-02'), participantMinutes: 0, peakConcurrentUsers: 0 },
      // Up to 10:30 only: A 30 + B 15 + C 10 minutes.
      { start: iso('00:00', '2026-03-02'), end: iso('10:30', '2026-03-02'), participantMinutes: 55, peakConcurrentUsers: 3 },
    ]);
  });

  it.each([
    ['from after to', { from: iso('12:00'), to: iso('10:00') }, 'to'],
    ['an unknown granularity', { from: iso('10:00'), to: iso('12:00'), granularity: 'minute' }, 'granularity'],
    ['from that is not a date', { from: 'last tuesday', to: iso('12:00') }, 'from'],
    ['a missing from', { to: iso('12:00') }, 'from'],
    ['a missing to', { from: iso('10:00') }, 'to'],
    ['hours over more than 31 days', { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:01Z', granularity: 'hour' }, 'to'],
    ['days over more than 366 days', { from: '2025-01-01T00:00:00Z', to: '2026-01-03T00:00:00Z' }, 'to'],
    ['an unknown query field', { from: iso('10:00'), to: iso('12:00'), granulatiry: 'hour' }, 'granulatiry'],
    ['a bad channel name', { from: iso('10:00'), to: iso('12:00'), channel: 'a/b' }, 'channel'],
  ])('refuses %s with a 400 naming the field', async (_label, query, field) => {
    const res = await usage(query);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 400, details: { field } });
  });

  it('explains a range that is too long', async () => {
    const res = await usage({ from: '2026-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z', granularity: 'hour' });
    expect(res.body.details.reason).toMatch(/at most 31 days/);
  });

  it('answers 401 without credentials, 404 for another account\'s project, 403 for an access token', async () => {
    const query = { from: iso('10:00'), to: iso('12:00') };
    const anonymous = await call(t.url, 'GET', `/v1/projects/${project.appId}/usage?${new URLSearchParams(query)}`);
    expect(anonymous.status).toBe(401);

    const stranger = await t.createProject();
    const foreign = await usage(query, { auth: basic(stranger.customerId, stranger.customerSecret!) });
    expect(foreign.status).toBe(404);
    expect(foreign.body.details.field).toBe('projectId');

    const token = buildRtcToken({ appId: project.appId, appCertificate: project.appCertificate, channel: 'standup', uid: 1, role: 'publisher', tokenExpireSeconds: 600 });
    const bearer = await usage(query, { auth: `Bearer ${token}` });
    expect(bearer.status).toBe(403);
  });

  it('is the same after a restart: usage is computed from the stored sessions, not counters', async () => {
    const query = { from: iso('10:00'), to: iso('12:00'), granularity: 'hour' };
    const before = await usage(query);
    await t.restart();
    const after = await usage(query);
    expect(after.status).toBe(200);
    expect(after.body.data).toEqual(before.body.data);
  });
});
