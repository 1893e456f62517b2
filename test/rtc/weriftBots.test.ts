/**
 * Bots on werift for both connections (BotClient's `publishEngine`/`subscribeEngine`): they
 * publish ready-made Opus packets (botMedia.addPacketAudio) and count what they receive by RTP
 * packet, as the join benchmark's werift listeners do (`npm run bench:joins -- --listeners werift`).
 *
 * The werift bots run in this process with no libwebrtc peer beside them; the crowd's libwebrtc
 * speaker runs in a process of its own (benchBots.test.ts says why the two are kept apart).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotClient } from '../support/wrtcClient.ts';
import { startCallFixture, type CallFixture } from '../support/callFixture.ts';
import { startCrowd, type Crowd } from '../support/crowdBots.ts';

describe('werift bots', () => {
  let f: CallFixture;
  let crowd: Crowd | undefined;
  beforeAll(async () => {
    f = await startCallFixture();
  });
  afterAll(async () => {
    await crowd?.leave();
    await f?.close();
  });

  const joinWerift = async (channel: string, uid: number) =>
    f.track(await BotClient.join({ url: f.t.url, appId: f.project.appId, channel, uid, token: f.token(channel, uid), subscribeEngine: 'werift', publishEngine: 'werift' }));

  it('publish audio that the SFU forwards at 50 packets a second to a werift subscriber', async () => {
    const publisher = await joinWerift('werift-audio', 1);
    await publisher.publish(['audio']);
    const listener = await joinWerift('werift-audio', 2);
    expect(await listener.subscribe(1, 'audio')).toMatchObject({ type: 'ok' });
    await expect.poll(() => listener.receivedAudioFrom(1), { timeout: 10_000 }).toBe(true);
    // The server holds it as a published audio track of uid 1.
    const participants = await f.t.server.services.rtc.participants(f.project.appId, 'werift-audio');
    expect(participants.find((p) => p.uid === 1)).toMatchObject({ publishingAudio: true, publishingVideo: false });
    const count = () => listener.packetsReceived.get('1/audio') ?? 0;
    const before = count();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // One packet every 20 ms: about 50 in a second, give or take the timers' jitter.
    expect(count() - before).toBeGreaterThan(35);
    expect(count() - before).toBeLessThan(65);
    // Nothing is decoded: no sink counts chunks.
    expect(listener.audioChunksReceived.size).toBe(0);
  });

  it('refuse to publish video, which they have no encoder for', async () => {
    const bot = await joinWerift('werift-video', 3);
    await expect(bot.publish(['video'])).rejects.toThrow('a werift bot publishes audio only');
  });

  it('join a crowd as listeners that publish, each counted once the speaker\'s audio arrives', { timeout: 60_000 }, async () => {
    crowd = await startCrowd({ url: f.t.url, appId: f.project.appId, appCertificate: f.project.appCertificate, channel: 'werift-crowd', listeners: 4, perProcess: 4, listenersPublish: true, engine: 'werift' });
    expect(crowd.errors).toEqual([]);
    expect(crowd.connected).toBe(4);
    expect(crowd.joinToAudioMs).toHaveLength(4);
  });
});
