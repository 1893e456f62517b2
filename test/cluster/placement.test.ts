/**
 * Three `parley serve` processes on one PostgreSQL and one Redis: a channel lives on one node,
 * wherever its participants connect. Browsers that reach different nodes are sent to the
 * channel's node and see each other; REST through any node lists everyone; simultaneous first
 * joins through different nodes agree on where the channel goes.
 */
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until, type CallTabs } from '../browser/support/callTabs.ts';
import { participantsCarried, type TestCluster } from '../support/cluster.ts';
import { startBrowserCluster, type BrowserCluster } from './support/browserCluster.ts';

describe('a cluster of three nodes', () => {
  let setup: BrowserCluster;
  let cluster: TestCluster;
  let tabsVia: CallTabs[];

  beforeAll(async () => {
    setup = await startBrowserCluster(3);
    ({ cluster, tabsVia } = setup);
  }, 120_000);

  afterAll(async () => {
    await setup?.close();
  });

  const token = (channel: string, uid: number | string) => setup.token(channel, uid);
  const participantsVia = (nodeIndex: number, channel: string) => setup.participantsVia(nodeIndex, channel);

  it('puts browsers that reach different nodes in one call, on one node, and REST through any node lists them all', async () => {
    const pages = await Promise.all(['ada', 'bob', 'cy'].map((uid, i) => tabsVia[i]!.joinTab('spread', uid)));
    try {
      for (const [i, page] of pages.entries()) {
        for (const other of ['ada', 'bob', 'cy'].filter((_, j) => j !== i)) {
          const decoded = await until(() => tabsVia[i]!.decodedFrom(page, other), (s) => s.frames >= 10 && s.audioBytes > 0);
          expect(decoded.frames, `${['ada', 'bob', 'cy'][i]} sees ${other}`).toBeGreaterThanOrEqual(10);
        }
      }
      // All three are on one node, by each node's own count of the participants it carries.
      expect((await Promise.all(cluster.nodes.map((node) => participantsCarried(node)))).sort()).toEqual([0, 0, 3]);
      for (let i = 0; i < 3; i++) expect(await participantsVia(i, 'spread')).toEqual(['ada', 'bob', 'cy']);
    } finally {
      await Promise.all(pages.map(async (page) => {
        await page.evaluate(() => window.client.leave()).catch(() => {});
        await page.close();
      }));
    }
  });

  /** Opens a signaling socket to `node` and sends a join; resolves with the first reply. */
  function rawJoin(nodeIndex: number, channel: string, uid: string): Promise<{ type: string; url?: string; nodeId?: string; socket: WebSocket }> {
    const socket = new WebSocket(`${cluster.nodes[nodeIndex]!.url.replace('http', 'ws')}/v1/rtc`);
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.once('open', () => socket.send(JSON.stringify({ type: 'join', requestId: 'j', appId: cluster.project.appId, channel, uid, token: token(channel, uid) })));
      socket.once('message', (data) => resolve({ ...(JSON.parse(String(data)) as { type: string; url?: string; nodeId?: string }), socket }));
    });
  }

  it('agrees on one node when first joins of a channel arrive through every node at once', async () => {
    for (let round = 0; round < 5; round++) {
      const channel = `race-${round}`;
      const replies = await Promise.all(cluster.nodes.map((_, i) => rawJoin(i, channel, `u${i}`)));
      try {
        const joinedAt = replies.flatMap((reply, i) => (reply.type === 'joined' ? [cluster.nodes[i]!.url] : []));
        const sentTo = replies.flatMap((reply) => (reply.type === 'redirect' ? [reply.url!] : []));
        expect(joinedAt.length + sentTo.length, JSON.stringify(replies.map((r) => r.type))).toBe(3);
        expect(new Set([...joinedAt, ...sentTo]).size, `round ${round}: one node for the channel`).toBe(1);
      } finally {
        for (const reply of replies) reply.socket.close();
      }
    }
  });
});
