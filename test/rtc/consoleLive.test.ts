/**
 * The console's live channels stream with real media: a native WebRTC peer that starts
 * publishing shows as publishing within 2 s, and stops showing so when it unpublishes or mutes
 * (a mute announces no domain event; the stream's directory check catches it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveChannels, Participant } from '@parley/protocol';
import { startCallFixture, type CallFixture } from '../support/callFixture.ts';
import { addConsoleUser, signIn } from '../support/consoleUsers.ts';
import { EventStreamClient } from '../support/eventStreamClient.ts';

/** A mute is seen by the directory check (every 2 s) and sent after the 250 ms window. */
const MUTE_WITHIN_MS = 3_000;

describe('console live channels with media', () => {
  let f: CallFixture;
  let live: EventStreamClient<LiveChannels>;

  beforeAll(async () => {
    f = await startCallFixture();
    await addConsoleUser(f.t, f.project, 'viewer@example.com', 'viewer');
    const viewer = await signIn(f.t, 'viewer@example.com');
    live = await EventStreamClient.open<LiveChannels>(`${f.t.url}/v1/console/projects/${f.project.appId}/live`, viewer.headers(false));
  });
  afterAll(async () => {
    live.close();
    await f.close();
  });

  /** The newest event in which uid 1 of `media` matches `check`. */
  const whenPublisher = (check: (p: Participant) => boolean, timeoutMs = 2_000) =>
    live.waitFor((e) => e === live.events.at(-1) && e.data.channels.some((c) => c.channel === 'media' && c.participants.some((p) => p.uid === 1 && check(p))), timeoutMs);

  it('shows publishing, unpublishing and muting as they happen', async () => {
    const bot = await f.joinBot('media', 1);
    await whenPublisher((p) => !p.publishingVideo && !p.publishingAudio);

    const publishedAt = Date.now();
    await bot.publish(['audio', 'video']);
    const publishing = await whenPublisher((p) => p.publishingVideo && p.publishingAudio);
    expect(publishing.at - publishedAt).toBeLessThan(2_000);

    expect(await bot.request({ type: 'unpublish', requestId: '', kind: 'video' })).toMatchObject({ type: 'ok' });
    await whenPublisher((p) => !p.publishingVideo && p.publishingAudio);

    bot.send({ type: 'mute', kind: 'audio', muted: true });
    await whenPublisher((p) => !p.publishingAudio, MUTE_WITHIN_MS);

    await bot.leave();
    await live.waitFor((e) => e === live.events.at(-1) && e.data.channels.length === 0, 2_000);
  });
});
