/**
 * The call of the soak benchmark, in a process of its own so that its native WebRTC objects stay
 * out of the server's heap: `steady` bots publish small audio and video and watch each other for
 * the whole run, and a churning bot joins every `churnEverySeconds`, publishes audio, subscribes
 * to a steady bot's video, stays a few seconds and leaves. Reads one JSON order on stdin; prints
 * its counts ({joins, leaves, errors}) as a JSON line every 10 s, and a last one when `seconds` are over.
 */
import readline from 'node:readline';
import { buildRtcToken } from '@parley/token';
import { BotClient } from '../../test/support/wrtcClient.ts';

export interface SoakOrder {
  url: string;
  appId: string;
  appCertificate: string;
  channel: string;
  steady: number;
  churnEverySeconds: number;
  churnStaySeconds: number;
  seconds: number;
}

const order = JSON.parse(await new Promise<string>((resolve) => readline.createInterface({ input: process.stdin }).once('line', resolve))) as SoakOrder;
const join = (uid: number) =>
  BotClient.join({
    url: order.url,
    appId: order.appId,
    channel: order.channel,
    uid,
    token: buildRtcToken({ appId: order.appId, appCertificate: order.appCertificate, channel: order.channel, uid, role: 'publisher', tokenExpireSeconds: 7200, privilegeExpireSeconds: 7200 }),
    platform: 'soak',
  });

const counts = { joins: 0, leaves: 0, errors: 0, firstErrors: [] as string[] };
const failed = (error: Error) => {
  counts.errors += 1;
  if (counts.firstErrors.length < 5) counts.firstErrors.push(error.message);
};

const steady: BotClient[] = [];
for (let i = 0; i < order.steady; i++) {
  const bot = await join(1 + i);
  counts.joins += 1;
  await bot.publish(['audio', 'video'], { width: 160, height: 120, fps: 10 });
  steady.push(bot);
}
for (const bot of steady) for (let other = 1; other <= order.steady; other++) if (other !== bot.uid) await bot.subscribe(other, 'video');

let nextUid = 1000;
const churning = new Set<Promise<void>>();
async function churn(uid: number): Promise<void> {
  const bot = await join(uid);
  counts.joins += 1;
  try {
    await bot.publish(['audio']);
    await bot.subscribe(1, 'video');
    await new Promise((resolve) => setTimeout(resolve, order.churnStaySeconds * 1000));
  } finally {
    await bot.leave();
    counts.leaves += 1;
  }
}

const endAt = Date.now() + order.seconds * 1000;
const progress = setInterval(() => process.stdout.write(`${JSON.stringify({ ...counts, final: false })}\n`), 10_000);
while (Date.now() < endAt) {
  const run = churn(nextUid++).catch(failed);
  churning.add(run);
  void run.finally(() => churning.delete(run));
  await new Promise((resolve) => setTimeout(resolve, order.churnEverySeconds * 1000));
}
await Promise.all(churning);
clearInterval(progress);
for (const bot of steady) {
  await bot.leave().catch(failed);
  counts.leaves += 1;
}
process.stdout.write(`${JSON.stringify({ ...counts, final: true })}\n`);
process.exit(0);
