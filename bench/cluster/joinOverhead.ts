/**
 * What a redirect costs a join: a publisher bot sends video in a channel of a 3-node cluster;
 * fresh subscriber bots join, subscribe and wait for their first decoded frame, in turns either
 * through the channel's own node ("direct") or through another node, which answers `redirect`
 * and the bot opens a second socket to the channel's node, as the SDK does ("redirected").
 */
import { buildRtcToken } from '@parley/token';
import type { TestCluster } from '../../test/support/cluster.ts';
import { BotClient, type JoinTimeline } from '../../test/support/wrtcClient.ts';

export interface JoinTrial {
  path: 'direct' | 'redirected';
  totalMs: number | null;
  timeline: JoinTimeline;
  error?: string;
}

const CHANNEL = 'bench-join';
const PUBLISHER = 1;

export async function joinOverhead(cluster: TestCluster, trials: number): Promise<JoinTrial[]> {
  const { appId, appCertificate } = cluster.project;
  const token = (uid: number) => buildRtcToken({ appId, appCertificate, channel: CHANNEL, uid, role: 'publisher', tokenExpireSeconds: 3600, privilegeExpireSeconds: 3600 });
  const join = (url: string, uid: number) => BotClient.join({ url, appId, channel: CHANNEL, uid, token: token(uid), platform: 'bench' });
  const publisher = await join(cluster.nodes[0]!.url, PUBLISHER);
  await publisher.publish(['video'], { width: 640, height: 480, fps: 30, picture: 'noise' });
  const owner = publisher.url;
  const other = cluster.nodes.find((node) => node.url !== owner)!.url;
  const results: JoinTrial[] = [];
  try {
    // One warm-up trial each way, not counted: first connections pay for module loading and JIT.
    for (let i = -2; i < trials * 2; i++) {
      const path = i % 2 === 0 ? 'direct' : 'redirected';
      const uid = 100 + i + 2;
      let bot: BotClient | undefined;
      try {
        bot = await join(path === 'direct' ? owner : other, uid);
        if (bot.url !== owner) throw new Error(`ended on ${bot.url}, not the channel's node ${owner}`);
        const listed = bot.users.find((user) => user.uid === PUBLISHER && user.published.includes('video'));
        if (!listed) await bot.waitFor('user-published', (message) => message.uid === PUBLISHER && message.kind === 'video');
        const reply = await bot.subscribe(PUBLISHER, 'video');
        if (reply.type !== 'ok') throw new Error(`subscribe failed: ${JSON.stringify(reply)}`);
        const totalMs = await bot.firstFrame(10_000);
        if (i >= 0) results.push({ path, totalMs, timeline: { ...bot.timeline } });
      } catch (error) {
        if (i >= 0) results.push({ path, totalMs: null, timeline: { ...(bot?.timeline ?? {}) }, error: String(error) });
      }
      await bot?.leave();
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await publisher.leave();
  }
  return results;
}
