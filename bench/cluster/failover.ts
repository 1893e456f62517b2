/**
 * Failover time: two Chromium tabs (the SDK given every node of the cluster with setServer) in a
 * call; the node hosting it is killed with SIGKILL; each tab's time from the kill to the first
 * frame its played <video> presents from the new node (test/cluster/support/failoverWatch.ts).
 * Each trial kills a node and starts it again before the next.
 */
import { buildRtcToken } from '@parley/token';
import { callTabs, until } from '../../test/browser/support/callTabs.ts';
import { recovery, shownTrack, watch } from '../../test/cluster/support/failoverWatch.ts';
import { launchChromium } from '../../test/sdk/support/browser.ts';
import { participantsCarried, type TestCluster } from '../../test/support/cluster.ts';

export interface FailoverTrial {
  /** Per tab: ms from the kill to video again (null: not within 20 s). */
  recoveredMs: Array<number | null>;
  /** Per tab: ms from the kill to CONNECTED again. */
  connectedMs: Array<number | null>;
  states: string[];
}

const UIDS = ['ada', 'bob'];

export async function failoverTrials(cluster: TestCluster, trials: number): Promise<FailoverTrial[]> {
  const { appId, appCertificate } = cluster.project;
  const browser = await launchChromium();
  const results: FailoverTrial[] = [];
  try {
    for (let trial = 0; trial < trials; trial++) {
      const channel = `failover-${trial}`;
      const token = (_channel: string, uid: number | string) => buildRtcToken({ appId, appCertificate, channel, uid, role: 'publisher', tokenExpireSeconds: 600, privilegeExpireSeconds: 600 });
      const urls = cluster.nodes.map((node) => node.url);
      const tabs = urls.map((url) => callTabs(browser, url, appId, token));
      const pages = await Promise.all(UIDS.map((uid, i) => tabs[i]!.joinTab(channel, uid, { servers: [...urls.slice(i), ...urls.slice(0, i)] })));
      try {
        await Promise.all(pages.map((page) => watch(page)));
        for (const [i, other] of [...UIDS].reverse().entries()) await until(() => tabs[0]!.decodedFrom(pages[i]!, other), (seen) => seen.frames >= 10);
        const carried = await Promise.all(cluster.nodes.map((node) => participantsCarried(node)));
        const host = cluster.nodes[carried.indexOf(UIDS.length)];
        if (!host) throw new Error(`no node carries the call (participants per node: ${carried.join(',')})`);
        const before = await Promise.all(pages.map((page) => shownTrack(page)));
        const killedAt = Date.now();
        await host.stop('SIGKILL');
        const recovered = await Promise.all(pages.map((page, i) => until(() => recovery(page, before[i]!, killedAt), (r) => r.firstFrameAt !== undefined, 20_000)));
        results.push({
          recoveredMs: recovered.map((r) => (r.firstFrameAt === undefined ? null : r.firstFrameAt - killedAt)),
          connectedMs: recovered.map((r) => (r.connectedAt === undefined ? null : r.connectedAt - killedAt)),
          states: recovered[0]!.states,
        });
        await host.start();
      } finally {
        await Promise.all(pages.map(async (page) => {
          await page.evaluate(() => window.client.leave()).catch(() => {});
          await page.close();
        }));
      }
    }
  } finally {
    await browser.close();
  }
  return results;
}
