/**
 * The stage of the network tests: a client machine behind a NAT (test/support/netns.ts) with its
 * own Chromium, a Chromium on the host, and a Parley server listening on the host's end of the
 * client's uplink, as a server on the internet would. Tabs of either browser join calls through
 * the web SDK (callTabs.ts).
 */
import dgram from 'node:dgram';
import { buildRtcToken } from '@parley/token';
import type { CreatedProject } from '@parley/server';
import { BACKENDS } from '../../support/backends.ts';
import { createNatClient, type NatClient } from '../../support/netns.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';
import { launchChromium, type TestBrowser } from '../../sdk/support/browser.ts';
import { callTabs, type CallTabs } from './callTabs.ts';

export interface NatCall {
  nat: NatClient;
  server: TestServer;
  project: CreatedProject;
  /** The server's media port (all media on one UDP port), on `nat.hostAddress`. */
  rtcPort: number;
  hostBrowser: TestBrowser;
  natBrowser: TestBrowser;
  /** Tabs of the Chromium on the host. */
  hostTabs: CallTabs;
  /** Tabs of the Chromium behind the NAT. */
  natTabs: CallTabs;
  token(channel: string, uid: number | string): string;
  close(): Promise<void>;
}

/** A UDP port free on `address` now (the server binds it a moment later). */
async function freeUdpPort(address: string): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, address, resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/**
 * Sets the stage. `serverEnv(hostAddress)` adds server settings that depend on the host's address
 * (TURN URLs); `beforeServer` starts what the server needs first (coturn).
 */
export async function startNatCall(options: { serverEnv?: (hostAddress: string) => Record<string, string>; beforeServer?: (nat: NatClient) => Promise<void>; natBrowserArgs?: string[] } = {}): Promise<NatCall> {
  const nat = await createNatClient();
  const opened: { close(): Promise<void> }[] = [{ close: () => nat.close() }];
  const close = async () => {
    for (const part of opened.reverse()) await part.close().catch(() => {});
  };
  try {
    await options.beforeServer?.(nat);
    const host = nat.hostAddress;
    const rtcPort = await freeUdpPort(host);
    const server = await startTestServer(BACKENDS[0]!, { PARLEY_HOST: host, PARLEY_RTC_ADDRESS: host, PARLEY_RTC_UDP_PORT: String(rtcPort), ...options.serverEnv?.(host) });
    opened.push({ close: () => server.stop() });
    const project = await server.createProject('enterprise');
    // Pages come from the server's own http origin, which is not 127.0.0.1: told to count as secure, so getUserMedia works.
    const secureOrigin = `--unsafely-treat-insecure-origin-as-secure=${server.url}`;
    const browsers: TestBrowser[] = await Promise.all([
      launchChromium({ extraArgs: [secureOrigin] }),
      launchChromium({ executablePath: nat.chromiumPath, extraArgs: [secureOrigin, ...(options.natBrowserArgs ?? [])] }),
    ]);
    opened.push(...browsers);
    const token = (channel: string, uid: number | string) =>
      buildRtcToken({ appId: project.appId, appCertificate: project.appCertificate, channel, uid, role: 'publisher', tokenExpireSeconds: 600, privilegeExpireSeconds: 600 });
    return {
      nat,
      server,
      project,
      rtcPort,
      hostBrowser: browsers[0]!,
      natBrowser: browsers[1]!,
      hostTabs: callTabs(browsers[0]!, server.url, project.appId, token),
      natTabs: callTabs(browsers[1]!, server.url, project.appId, token),
      token,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
