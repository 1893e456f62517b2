/**
 * A full disk under a running `parley serve` (SQLite on a small tmpfs): joins and leaves that
 * happen while nothing can be written are kept and retried, /readyz says unready, channel writes
 * answer 503 in the envelope. Once the disk has room again every leave lands at the time it
 * happened, with exactly one join and one leave notice per session, and /readyz is ready again.
 * A server killed while leaves wait for room closes those sessions at its next start, once each.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startProcessFixture, type ProcessFixture } from '../support/processFixture.ts';
import { call } from '../support/server.ts';
import { mountSmallDisk, type SmallDisk } from '../support/smallDisk.ts';

describe('a full disk under a running server', () => {
  const disks: SmallDisk[] = [];
  const fixtures: ProcessFixture[] = [];
  afterAll(async () => {
    await Promise.all(fixtures.map((f) => f.close()));
    for (const disk of disks) disk.remove();
  });
  /** A server whose data dir is on a fresh 16 MiB tmpfs. */
  const onSmallDisk = async () => {
    const disk = mountSmallDisk(16);
    disks.push(disk);
    const f = await startProcessFixture(path.join(disk.dir, 'data'));
    fixtures.push(f);
    const sessions = async () =>
      (await call(f.url, 'GET', `/v1/projects/${f.project.appId}/sessions`, { auth: f.auth })).body.data.sessions as Array<{ uid: number; leftAt: string | null; leaveReason: number | null }>;
    return { disk, f, sessions };
  };

  it('keeps the leaves it could not write, is unready and answers 503 meanwhile, and lands them once there is room', { timeout: 60_000 }, async () => {
    const started = Date.now();
    const { disk, f, sessions } = await onSmallDisk();
    const { url, auth, project, receiver } = f;
    const join = (uid: number) => f.join('call', uid);

    const first = await join(1);
    await expect.poll(async () => (await sessions()).length).toBe(1);

    disk.fill();
    const second = await join(2);
    const firstLeftFrom = Date.now();
    await first.leave();
    const third = await join(3);
    await third.leave();

    // Unready while nothing can be written, and writes through the API answer 503 in the envelope.
    await expect.poll(async () => (await call(url, 'GET', '/readyz')).status, { timeout: 5_000 }).toBe(503);
    const refused = await call(url, 'POST', `/v1/projects/${project.appId}/rtc/channels`, { auth, body: { channel: 'later' } });
    expect(refused.status).toBe(503);
    expect(refused.body).toEqual({ code: 503, message: 'Service unavailable', details: { reason: expect.stringMatching(/cannot write/) } });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Reads still work: the first session is still open, its leave not written yet.
    expect((await sessions()).map((s) => [s.uid, s.leftAt])).toEqual([[1, null]]);

    const freedAt = Date.now();
    disk.free();
    await expect.poll(async () => (await call(url, 'GET', '/readyz')).status, { timeout: 10_000 }).toBe(200);
    const readyAfterMs = Date.now() - freedAt;
    await second.leave();
    await expect.poll(async () => (await sessions()).filter((s) => s.leftAt !== null).length, { timeout: 10_000 }).toBe(3);
    const closedAfterMs = Date.now() - freedAt;

    // Each leave landed at the time it happened, not when the disk had room again.
    const closed = await sessions();
    const leftAt = (uid: number) => Date.parse(closed.find((s) => s.uid === uid)!.leftAt!);
    expect(leftAt(1)).toBeGreaterThanOrEqual(firstLeftFrom);
    expect(leftAt(1)).toBeLessThan(freedAt);
    expect(leftAt(3)).toBeLessThan(freedAt);

    // One join and one leave notice per session, each delivered once.
    await receiver.waitFor(() => receiver.accepted().filter((n) => n.body.eventType === 108).length >= 3, 15_000);
    await receiver.waitFor(() => receiver.accepted().some((n) => n.body.eventType === 102), 10_000);
    const accepted = receiver.accepted();
    expect(new Set(accepted.map((n) => n.body.noticeId)).size).toBe(accepted.length);
    const sids = (type: number) => accepted.filter((n) => n.body.eventType === type).map((n) => n.body.sid as string).sort();
    expect(sids(107)).toHaveLength(3);
    expect(sids(108)).toEqual(sids(107));
    expect(accepted.filter((n) => n.body.eventType === 101)).toHaveLength(1);

    // Usage agrees: at most two were ever in the call together.
    const usage = await call(url, 'GET', `/v1/projects/${project.appId}/usage?from=${new Date(started - 3_600_000).toISOString()}&to=${new Date(Date.now() + 3_600_000).toISOString()}&granularity=hour`, { auth });
    expect(usage.body.data.totals).toMatchObject({ sessions: 3, peakConcurrentUsers: 2 });
    expect((await call(url, 'POST', `/v1/projects/${project.appId}/rtc/channels`, { auth, body: { channel: 'later' } })).status).toBe(200);
    console.info(`full disk: ready ${readyAfterMs} ms after the disk was freed; the 3 sessions closed ${closedAfterMs} ms after; ${accepted.length} notices, one join and one leave per session`);
  });

  it('closes, at its next start, the sessions whose leaves were waiting for room when it was killed', { timeout: 60_000 }, async () => {
    const { disk, f, sessions } = await onSmallDisk();
    const [first] = [await f.join('call', 1), await f.join('call', 2)];
    await expect.poll(async () => (await sessions()).length).toBe(2);

    disk.fill();
    await first!.leave();
    // A join the store could not take either: it dies with the process, and so does its session.
    await f.join('call', 3);
    await expect.poll(async () => (await call(f.url, 'GET', '/readyz')).status, { timeout: 5_000 }).toBe(503);
    await f.kill();
    disk.free();
    await f.start();

    const closed = await sessions();
    expect(closed.map((s) => [s.uid, s.leaveReason]).sort()).toEqual([
      [1, 4],
      [2, 4],
    ]);
    const noticesOf = (type: number) => f.receiver.accepted().filter((n) => n.body.eventType === type);
    await f.receiver.waitFor(() => noticesOf(108).length >= 2, 10_000);
    expect(noticesOf(107).map((n) => n.body.payload.uid).sort()).toEqual([1, 2]);
    expect(noticesOf(108).map((n) => [n.body.payload.uid, n.body.payload.reason]).sort()).toEqual([
      [1, 4],
      [2, 4],
    ]);
  });
});
