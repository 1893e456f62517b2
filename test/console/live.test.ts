/**
 * The console's live channels stream over real HTTP on both backends: a participant who joins
 * through real signaling shows up within 2 s, described exactly as Get channel describes the
 * channel, and is gone within 2 s of leaving. Callers without a session, or with another
 * account's project, get the error envelope instead of a stream; a dropped connection leaves no
 * listener behind; a user may hold only so many streams; a stopping server ends them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRtcToken } from '@parley/token';
import { LIVE_CHANNELS_EVENT, type LiveChannels } from '@parley/protocol';
import type { CreatedProject } from '@parley/server';
import { BACKENDS } from '../support/backends.ts';
import { addConsoleUser, signIn, type SignedInUser } from '../support/consoleUsers.ts';
import { EventStreamClient } from '../support/eventStreamClient.ts';
import { RawSignalingSocket } from '../support/rawSignaling.ts';
import { basic, call, startTestServer, type TestServer } from '../support/server.ts';
import { waitUntil } from '../support/waitUntil.ts';

const WITHIN_MS = 2_000;

describe.each(BACKENDS)('console live channels on $name', (backend) => {
  let t: TestServer;
  let project: CreatedProject;
  let viewer: SignedInUser;
  const opened: Array<{ close(): void }> = [];

  beforeAll(async () => {
    t = await startTestServer(backend);
    project = await t.createProject('pro');
    await addConsoleUser(t, project, 'viewer@example.com', 'viewer');
    viewer = await signIn(t, 'viewer@example.com');
  });
  afterAll(async () => {
    for (const each of opened) each.close();
    await t.stop();
  });

  const livePath = (appId = project.appId) => `/v1/console/projects/${appId}/live`;

  async function watch(headers: Record<string, string> = viewer.headers(false), appId = project.appId): Promise<EventStreamClient<LiveChannels>> {
    const client = await EventStreamClient.open<LiveChannels>(`${t.url}${livePath(appId)}`, headers);
    opened.push(client);
    return client;
  }

  async function join(channel: string, uid: number): Promise<RawSignalingSocket> {
    const socket = await RawSignalingSocket.open(t.url);
    opened.push(socket);
    const token = buildRtcToken({ appId: project.appId, appCertificate: project.appCertificate, channel, uid, role: 'publisher', tokenExpireSeconds: 600, privilegeExpireSeconds: 600 });
    expect(await socket.request({ type: 'join', appId: project.appId, channel, uid, token, platform: 'test' })).toMatchObject({ type: 'joined' });
    return socket;
  }

  const channelsOf = (data: LiveChannels) => data.channels.map((channel) => [channel.channel, channel.participants.map((p) => p.uid)]);

  it('shows a join within 2 s, as Get channel describes the channel, and the leave within 2 s', async () => {
    const live = await watch();
    expect(live.status).toBe(200);
    expect(live.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(live.headers['cache-control']).toBe('no-cache, no-transform');
    // The first event comes at once, with nobody in any channel yet.
    const first = await live.waitFor(() => true, WITHIN_MS);
    expect(first).toMatchObject({ event: LIVE_CHANNELS_EVENT, data: { channels: [] } });

    const joinedAt = Date.now();
    const socket = await join('standup', 7);
    const shown = await live.waitFor((e) => e.data.channels.some((c) => c.channel === 'standup'), WITHIN_MS);
    expect(shown.at - joinedAt).toBeLessThan(WITHIN_MS);
    expect(channelsOf(shown.data)).toEqual([['standup', [7]]]);
    const described = await call(t.url, 'GET', `/v1/projects/${project.appId}/channels/standup`, { auth: basic(project.customerId, project.customerSecret!) });
    expect(shown.data.channels[0]).toEqual(described.body.data);
    expect(shown.data.channels[0]).toMatchObject({ projectId: project.appId, participantCount: 1, participants: [{ uid: 7, role: 'host', platform: 'test', publishingAudio: false, publishingVideo: false }] });

    const second = await join('standup', 8);
    await live.waitFor((e) => channelsOf(e.data).some(([, uids]) => (uids as number[]).length === 2), WITHIN_MS);
    // A leave, not a dropped socket: a lost client keeps its place for the resume window.
    const leftAt = Date.now();
    second.send({ type: 'leave' });
    socket.send({ type: 'leave' });
    const gone = await live.waitFor((e) => e.data.channels.length === 0, WITHIN_MS + 1_000, live.events.indexOf(shown) + 1);
    expect(gone.at - leftAt).toBeLessThan(WITHIN_MS);
  });

  it('sends nothing for another project\'s channels, and nothing twice', async () => {
    const own = await t.createProject('pro', project.customerId);
    const live = await watch(viewer.headers(false), own.appId);
    await live.waitFor(() => true, WITHIN_MS);
    await join('elsewhere', 1);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(live.events.map((e) => e.data)).toEqual([{ channels: [] }]);
  });

  it('refuses callers without a session, and projects that are not the account\'s, in the error envelope', async () => {
    const cases: Array<[Record<string, string>, string, number]> = [
      [{}, project.appId, 401],
      [{ authorization: basic(project.customerId, project.customerSecret!) }, project.appId, 401],
      [{ cookie: 'parley_session=pcs_notasession' }, project.appId, 401],
      [viewer.headers(false), (await t.createProject('starter')).appId, 404],
      [viewer.headers(false), 'f'.repeat(32), 404],
      [viewer.headers(false), 'not-an-app-id', 404],
    ];
    for (const [headers, appId, status] of cases) {
      const refused = await watch(headers, appId);
      expect(refused.status, `${appId} ${JSON.stringify(headers)}`).toBe(status);
      expect(refused.headers['content-type']).toMatch(/^application\/json/);
      expect(refused.refusal).toEqual({ code: status, message: expect.any(String), details: expect.objectContaining({ reason: expect.any(String) }) });
    }
    expect((await call(t.url, 'POST', livePath(), { headers: viewer.headers() })).status).toBe(405);
  });

  it('removes its listeners when the client goes away', async () => {
    const events = t.server.services.events;
    const before = events.listenerCount('participant.joined');
    const live = await watch();
    await live.waitFor(() => true, WITHIN_MS);
    for (const type of ['participant.joined', 'participant.left', 'track.published', 'track.unpublished'] as const) expect(events.listenerCount(type)).toBeGreaterThan(0);
    expect(events.listenerCount('participant.joined')).toBe(before + 1);
    live.close();
    await waitUntil(() => events.listenerCount('participant.joined') === before, 'the stream\'s listener to be removed', { timeoutMs: WITHIN_MS });
    // Joins after it left reach nobody's stream and break nothing.
    await join('after-close', 3);
  });

  it('lets one user hold 10 streams at once, refusing the next with 429 until one closes', async () => {
    await addConsoleUser(t, project, `tabs-${backend.store}@example.com`, 'viewer');
    const tabs = await signIn(t, `tabs-${backend.store}@example.com`);
    const streams = await Promise.all(Array.from({ length: 10 }, () => watch(tabs.headers(false))));
    expect(streams.map((s) => s.status)).toEqual(Array(10).fill(200));
    const eleventh = await watch(tabs.headers(false));
    expect(eleventh.status).toBe(429);
    expect(eleventh.refusal?.details?.reason).toMatch(/At most 10 live streams/);
    // Other users are not affected.
    expect((await watch()).status).toBe(200);
    streams[0]!.close();
    await waitUntil(async () => (await watch(tabs.headers(false))).status === 200, 'a place to free up', { timeoutMs: WITHIN_MS });
  });
});

describe('console live channels when the server stops', () => {
  it('ends open streams so the server can stop', async () => {
    const t = await startTestServer(BACKENDS[0]!);
    const project = await t.createProject('pro');
    await addConsoleUser(t, project, 'owner@example.com', 'owner');
    const owner = await signIn(t, 'owner@example.com');
    const live = await EventStreamClient.open<LiveChannels>(`${t.url}/v1/console/projects/${project.appId}/live`, owner.headers(false));
    await live.waitFor(() => true);
    const started = Date.now();
    await t.stop();
    expect(Date.now() - started).toBeLessThan(5_000);
    await waitUntil(() => live.ended, 'the stream to end');
  });
});
