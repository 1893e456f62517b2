/**
 * Four `parley serve` processes; two Chromium tabs, each given all the nodes (setServer with a
 * list), join one channel through different nodes and see each other. The node hosting the call
 * is killed with SIGKILL: both tabs go RECONNECTING → CONNECTED (never DISCONNECTED, nobody leaves)
 * and the same video elements the app played show the other's video again within 10 s, counted
 * from the kill to the first frame of new media each element presents. The node hosting a second
 * call freezes (SIGSTOP: like a machine that died, it sends no TCP reset, and its sockets stay
 * open and silent): the same within 10 s. Then the node hosting a third call is stopped with
 * SIGTERM: it drains and sends the clients away, and they move the same way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRtcToken } from '@parley/token';
import { callTabs, until } from '../browser/support/callTabs.ts';
import { launchChromium, type TestBrowser } from '../sdk/support/browser.ts';
import { participantsCarried, startCluster, type ClusterNode, type TestCluster } from '../support/cluster.ts';
import { basic, call } from '../support/server.ts';
import { recovery, shownTrack, watch } from './support/failoverWatch.ts';

/** Media must be back within this long of the kill (the promise). */
const FAILOVER_BUDGET_MS = 10_000;

describe('a cluster losing the node that hosts a call', () => {
  let cluster: TestCluster;
  let browser: TestBrowser;

  beforeAll(async () => {
    // Draining nodes send their clients away at once.
    [cluster, browser] = await Promise.all([startCluster(4, { PARLEY_DRAIN_SECONDS: '0' }), launchChromium()]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await cluster?.close();
  });

  const token = (channel: string, uid: number | string) =>
    buildRtcToken({ appId: cluster.project.appId, appCertificate: cluster.project.appCertificate, channel, uid, role: 'publisher', tokenExpireSeconds: 600, privilegeExpireSeconds: 600 });

  /**
   * Two tabs, each given every node (starting from a different one, so they join through
   * different nodes), in `channel`; the node hosting them gets `signal`. Checks both come back on
   * another node as the app expects, prints the times, and checks that once the lost node's
   * sessions are closed, REST through a surviving node lists both.
   */
  /** Nodes lost by an earlier test (a frozen one has not exited). */
  const lost = new Set<ClusterNode>();

  async function loseTheHost(channel: string, signal: 'SIGKILL' | 'SIGSTOP' | 'SIGTERM'): Promise<void> {
    const urls = cluster.nodes.map((node) => node.url);
    // Pages are loaded from running nodes; their setServer lists name every node, a dead one too.
    const running = cluster.nodes.filter((node) => !lost.has(node) && node.child.exitCode === null && node.child.signalCode === null);
    const tabs = running.map((node) => callTabs(browser, node.url, cluster.project.appId, token));
    const pages = await Promise.all(['ada', 'bob'].map((uid, i) => tabs[i % tabs.length]!.joinTab(channel, uid, { servers: [...urls.slice(i), ...urls.slice(0, i)] })));
    try {
      await Promise.all(pages.map((page) => watch(page)));
      for (const [i, other] of ['bob', 'ada'].entries()) {
        expect((await until(() => tabs[0]!.decodedFrom(pages[i]!, other), (s) => s.frames >= 10)).frames).toBeGreaterThanOrEqual(10);
      }
      const carried = await Promise.all(running.map((node) => participantsCarried(node)));
      const host = running[carried.indexOf(2)];
      expect(host, `participants per running node: ${carried.join(',')}`).toBeDefined();

      // Decoded is not yet presented: a busy tab may take a moment to paint its first frames.
      const before = await Promise.all(pages.map((page) => until(() => shownTrack(page), (track) => track !== 0, 10_000)));
      expect(before.every((track) => track !== 0), `tracks shown: ${before.join(',')}`).toBe(true);
      const signalledAt = Date.now();
      // Not waited for: a draining node may take a while to exit after sending its clients away, and
      // a frozen one never does; afterAll kills them.
      lost.add(host!);
      if (signal === 'SIGSTOP') host!.child.kill('SIGSTOP');
      else void host!.stop(signal);
      const recovered = await Promise.all(pages.map((page, i) => until(() => recovery(page, before[i]!, signalledAt), (r) => r.firstFrameAt !== undefined, FAILOVER_BUDGET_MS + 5_000)));
      for (const [i, r] of recovered.entries()) {
        const name = ['ada', 'bob'][i];
        console.log(`${signal}: ${name} CONNECTED ${r.connectedAt! - signalledAt} ms and video again ${r.firstFrameAt! - signalledAt} ms after the signal`);
        expect(r.states, `${name}'s states; log ${r.log.join(' ')}`).toEqual(['RECONNECTING', 'CONNECTED']);
        expect(r.firstFrameAt! - signalledAt, `${name} sees video again`).toBeLessThan(FAILOVER_BUDGET_MS);
        expect(r.log.filter((entry) => entry.startsWith('left:')), `${name} saw nobody leave`).toEqual([]);
        // The same remote user and track objects carry on: no user-joined or user-published again.
        expect(r.userEvents, `${name}'s user events`).toEqual([]);
      }
      const survivor = running.find((node) => node !== host)!;
      const auth = basic(cluster.project.customerId, cluster.project.customerSecret!);
      // After the node clearing up behind the dead one has run (the old sessions are closed), and
      // it must not have erased the entries both made on their new node.
      const closed = await until(
        async () => ((await call(survivor.url, 'GET', `/v1/projects/${cluster.project.appId}/sessions?channel=${channel}`, { auth })).body.data?.sessions ?? []).filter((row: { leftAt: string | null }) => row.leftAt !== null).length,
        (count) => count >= 2,
        10_000,
      );
      expect(closed, 'the sessions on the lost node are closed').toBeGreaterThanOrEqual(2);
      const listed = await call(survivor.url, 'GET', `/v1/projects/${cluster.project.appId}/channels/${channel}`, { auth });
      expect((listed.body.data?.participants ?? []).map((p: { uid: string }) => p.uid).sort()).toEqual(['ada', 'bob']);
    } finally {
      await Promise.all(pages.map(async (page) => {
        await page.evaluate(() => window.client.leave()).catch(() => {});
        await page.close();
      }));
    }
  }

  it('moves both clients to another node within 10 s of a kill -9, RECONNECTING → CONNECTED, with video again', async () => {
    await loseTheHost('killed', 'SIGKILL');
  }, 60_000);

  it('moves them within 10 s when their node freezes without a TCP reset (SIGSTOP), as when a machine dies', async () => {
    await loseTheHost('frozen', 'SIGSTOP');
  }, 60_000);

  it('moves them at once when their node drains (SIGTERM), as the node sends them away', async () => {
    // Two nodes are lost since the tests above: two are left, so the call moves to the last one.
    await loseTheHost('drained', 'SIGTERM');
  }, 60_000);
});
