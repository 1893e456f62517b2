/**
 * Three `parley serve` processes; two Chromium tabs, each given all three nodes (setServer with a
 * list), join one channel through different nodes and see each other. The node hosting the call
 * is killed with SIGKILL: both tabs go RECONNECTING → CONNECTED (never DISCONNECTED, nobody leaves)
 * and the same video elements the app played show the other's video again within 10 s, counted
 * from the kill to the first frame each element presents after its tab is CONNECTED again.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRtcToken } from '@parley/token';
import { callTabs, until } from '../browser/support/callTabs.ts';
import { launchChromium, type TestBrowser } from '../sdk/support/browser.ts';
import { startCluster, type TestCluster } from '../support/cluster.ts';
import { basic, call } from '../support/server.ts';

declare global {
  interface Window {
    /** Every connection state, with when it came (Date.now()). */
    states: Array<{ state: string; at: number }>;
    /** The uids of user-joined and user-published events. */
    userEvents: string[];
    /** When the played remote video element presented each frame (Date.now()), and the id of the MediaStreamTrack it came from. */
    presented: Array<{ at: number; track: string }>;
  }
}

/** Media must be back within this long of the kill (the promise). */
const FAILOVER_BUDGET_MS = 10_000;

/** Records connection states and the frames the app's remote video element presents. */
async function watch(page: Page): Promise<void> {
  await page.evaluate(() => {
    window.states = [];
    window.presented = [];
    window.userEvents = [];
    window.client.on('connection-state-change', (state: string) => window.states.push({ state, at: Date.now() }));
    window.client.on('user-joined', (user: { uid: string }) => window.userEvents.push(`joined:${user.uid}`));
    window.client.on('user-published', (user: { uid: string }, kind: string) => window.userEvents.push(`published:${user.uid}:${kind}`));
  });
  await page.waitForFunction(() => document.querySelector('#remote video') !== null);
  await page.evaluate(() => {
    const video = document.querySelector('#remote video') as HTMLVideoElement;
    const onFrame = () => {
      window.presented.push({ at: Date.now(), track: (video.srcObject as MediaStream | null)?.getVideoTracks()[0]?.id ?? '' });
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  });
}

/**
 * When the tab was CONNECTED again after the kill, and when its video element first presented a
 * frame of media from the new node: a frame of a track other than the one it showed before the kill.
 */
function recovery(page: Page, oldTrack: string) {
  return page.evaluate((oldTrack) => {
    const connected = window.states.find((entry) => entry.state === 'CONNECTED');
    const firstFrame = window.presented.find((frame) => frame.track !== oldTrack && frame.track !== '');
    return { states: window.states.map((entry) => entry.state), connectedAt: connected?.at, firstFrameAt: firstFrame?.at, log: window.log, userEvents: window.userEvents };
  }, oldTrack);
}

/** The track the app's remote video element shows now. */
function shownTrack(page: Page): Promise<string> {
  return page.evaluate(() => window.presented.at(-1)?.track ?? '');
}

describe('a cluster losing the node that hosts a call', () => {
  let cluster: TestCluster;
  let browser: TestBrowser;

  beforeAll(async () => {
    [cluster, browser] = await Promise.all([startCluster(3), launchChromium()]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await cluster?.close();
  });

  const token = (channel: string, uid: number | string) =>
    buildRtcToken({ appId: cluster.project.appId, appCertificate: cluster.project.appCertificate, channel, uid, role: 'publisher', tokenExpireSeconds: 600, privilegeExpireSeconds: 600 });

  const participantsCarried = async (url: string) => {
    const metrics = await (await fetch(`${url}/metrics`)).text();
    return Number(/^parley_rtc_participants (\d+)$/m.exec(metrics)?.[1]);
  };

  it('moves both clients to another node within 10 s of a kill -9, RECONNECTING → CONNECTED, with video again', async () => {
    const urls = cluster.nodes.map((node) => node.url);
    // Each tab lists all three nodes, starting from a different one, so they join through different nodes.
    const pages = await Promise.all(
      ['ada', 'bob'].map((uid, i) => callTabs(browser, urls[i]!, cluster.project.appId, token).joinTab('failover', uid, { servers: [...urls.slice(i), ...urls.slice(0, i)] })),
    );
    try {
      await Promise.all(pages.map((page) => watch(page)));
      const tabs = callTabs(browser, urls[0]!, cluster.project.appId, token);
      for (const [i, other] of ['bob', 'ada'].entries()) {
        expect((await until(() => tabs.decodedFrom(pages[i]!, other), (s) => s.frames >= 10)).frames).toBeGreaterThanOrEqual(10);
      }
      const carried = await Promise.all(urls.map((url) => participantsCarried(url)));
      const owner = carried.indexOf(2);
      expect(owner, `participants per node: ${carried.join(',')}`).toBeGreaterThanOrEqual(0);

      const before = await Promise.all(pages.map((page) => shownTrack(page)));
      expect(before.every((track) => track !== '')).toBe(true);
      const killedAt = Date.now();
      await cluster.nodes[owner]!.stop('SIGKILL');
      const recovered = await Promise.all(pages.map((page, i) => until(() => recovery(page, before[i]!), (r) => r.firstFrameAt !== undefined, FAILOVER_BUDGET_MS + 5_000)));
      for (const [i, r] of recovered.entries()) {
        const name = ['ada', 'bob'][i];
        console.log(`${name}: CONNECTED ${r.connectedAt! - killedAt} ms and video again ${r.firstFrameAt! - killedAt} ms after the kill`);
        expect(r.states, `${name}'s states; log ${r.log.join(' ')}`).toEqual(['RECONNECTING', 'CONNECTED']);
        expect(r.firstFrameAt! - killedAt, `${name} sees video again`).toBeLessThan(FAILOVER_BUDGET_MS);
        expect(r.log.filter((entry) => entry.startsWith('left:')), `${name} saw nobody leave`).toEqual([]);
        // The same remote user and track objects carry on: no user-joined or user-published again.
        expect(r.userEvents, `${name}'s user events`).toEqual([]);
      }
      // The SDK's statistics agree: frames are decoded on the new node's connection.
      for (const [i, other] of ['bob', 'ada'].entries()) {
        expect((await until(() => tabs.decodedFrom(pages[i]!, other), (s) => s.frames >= 10)).frames).toBeGreaterThanOrEqual(10);
      }
      const survivor = cluster.nodes.find((_, i) => i !== owner)!;
      const auth = basic(cluster.project.customerId, cluster.project.customerSecret!);
      const listed = await call(survivor.url, 'GET', `/v1/projects/${cluster.project.appId}/channels/failover`, { auth });
      expect((listed.body.data?.participants ?? []).map((p: { uid: string }) => p.uid).sort()).toEqual(['ada', 'bob']);
    } finally {
      await Promise.all(pages.map(async (page) => {
        await page.evaluate(() => window.client.leave()).catch(() => {});
        await page.close();
      }));
    }
  }, 60_000);
});
