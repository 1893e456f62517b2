/**
 * kill -9 again and again while participants join and leave and webhook notices are being
 * delivered (the receiver fails every third one, so sends and retries are always in flight). After
 * the last restart: every session is closed, each has exactly one join and one leave notice (a
 * notice may arrive twice with the same noticeId, never as two notices), and the notices name
 * exactly the sessions the API lists. test/rtc/webhookRestart.test.ts shows one crash in detail;
 * this drives several, at random moments.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startProcessFixture, type ProcessFixture } from '../support/processFixture.ts';
import { call } from '../support/server.ts';
import type { BotClient } from '../support/wrtcClient.ts';

const CRASHES = 4;
const CHANNELS = ['north', 'south'];
const PARTICIPANTS_PER_ROUND = 8;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('kill -9 during joins, leaves and webhook delivery', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-crash-'));
  let f: ProcessFixture | undefined;
  afterAll(async () => {
    await f?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps one join and one leave notice per session across crashes', { timeout: 60_000 }, async () => {
    f = await startProcessFixture(dataDir);
    const { receiver } = f;
    let answered = 0;
    receiver.respond = () => (++answered % 3 === 0 ? 503 : 200);

    const connected: BotClient[] = [];
    let nextUid = 1;
    const joinAndMaybeLeave = async (channel: string, uid: number) => {
      // A join or leave cut off by the kill fails here; what the server recorded of it is checked at the end.
      const bot = await f!.join(channel, uid).catch(() => undefined);
      if (!bot) return;
      connected.push(bot);
      await sleep(Math.random() * 200);
      if (Math.random() < 0.6) await bot.leave();
    };
    for (let crash = 0; crash < CRASHES; crash += 1) {
      const churn = Array.from({ length: PARTICIPANTS_PER_ROUND }, (_, i) => sleep(i * 25).then(() => joinAndMaybeLeave(CHANNELS[i % 2]!, nextUid++)));
      // Killed in the middle of the churn: some joins and leaves in flight, some notices being sent.
      await sleep(100 + Math.random() * 200);
      await f.kill();
      await Promise.all(churn);
      await f.start();
    }
    receiver.respond = () => 200;

    const sessions = async () => (await call(f!.url, 'GET', `/v1/projects/${f!.project.appId}/sessions?limit=500`, { auth: f!.auth })).body.data.sessions as Array<{ sessionId: string; leftAt: string | null }>;
    // Participants still connected after the last restart leave now.
    await Promise.all(connected.map((bot) => bot.leave()));
    await expect.poll(async () => (await sessions()).filter((s) => s.leftAt === null).length, { timeout: 10_000 }).toBe(0);
    const listed = (await sessions()).map((s) => s.sessionId).sort();
    expect(listed.length).toBeGreaterThan(CRASHES);

    const noticesOf = (type: number) => receiver.accepted().filter((n) => n.body.eventType === type);
    await receiver.waitFor(() => noticesOf(108).length >= listed.length, 20_000);
    const joins = noticesOf(107).map((n) => n.body.sid as string).sort();
    const leaves = noticesOf(108).map((n) => n.body.sid as string).sort();
    // Exactly one of each per session, and for exactly the sessions the API lists.
    expect(joins).toEqual(listed);
    expect(leaves).toEqual(listed);
    const redelivered = receiver.received.filter((n) => n.status === 200).length - receiver.accepted().length;
    console.info(`crash abuse: ${CRASHES} kills, ${listed.length} sessions, ${receiver.accepted().length} notices, ${redelivered} redelivered with the same noticeId`);
  });
});
