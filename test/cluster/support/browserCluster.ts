/**
 * A cluster of `parley serve` processes and one Chromium, as the browser tests of the cluster use
 * them: tokens of the cluster's project, a CallTabs per node (tabs load the SDK from that node and
 * join through it), and REST through any node.
 */
import { buildRtcToken } from '@parley/token';
import { callTabs, type CallTabs } from '../../browser/support/callTabs.ts';
import { launchChromium, type TestBrowser } from '../../sdk/support/browser.ts';
import { startCluster, type TestCluster } from '../../support/cluster.ts';
import { basic, call } from '../../support/server.ts';

export interface BrowserCluster {
  cluster: TestCluster;
  browser: TestBrowser;
  /** Tabs joining through each node, in the cluster's order. */
  tabsVia: CallTabs[];
  /** A publisher token of the cluster's project, valid 10 minutes. */
  token(channel: string, uid: number | string): string;
  /** The uids REST lists in `channel`, asked through node `nodeIndex`, sorted. */
  participantsVia(nodeIndex: number, channel: string): Promise<string[]>;
  /** Basic auth of the project's customer. */
  auth: string;
  close(): Promise<void>;
}

export async function startBrowserCluster(size: number, extraEnv: Record<string, string> = {}): Promise<BrowserCluster> {
  const [cluster, browser] = await Promise.all([startCluster(size, extraEnv), launchChromium({ yieldToServers: true })]);
  const { appId, appCertificate, customerId, customerSecret } = cluster.project;
  const token = (channel: string, uid: number | string) =>
    buildRtcToken({ appId, appCertificate, channel, uid, role: 'publisher', tokenExpireSeconds: 600, privilegeExpireSeconds: 600 });
  const auth = basic(customerId, customerSecret!);
  return {
    cluster,
    browser,
    tabsVia: cluster.nodes.map((node) => callTabs(browser, node.url, appId, token)),
    token,
    auth,
    participantsVia: async (nodeIndex, channel) =>
      ((await call(cluster.nodes[nodeIndex]!.url, 'GET', `/v1/projects/${appId}/channels/${channel}`, { auth })).body.data?.participants ?? []).map((p: { uid: string }) => p.uid).sort(),
    close: async () => {
      await browser.close();
      await cluster.close();
    },
  };
}
