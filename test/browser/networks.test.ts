/**
 * Calls across a real network path: Chromium in a network namespace behind a NAT (see
 * test/support/netns.ts) calls Chromium on the host, through a Parley server and Debian's coturn
 * listening on the host's end of the client's uplink. Directly through the NAT first; then with
 * the client's firewall dropping all UDP, so media must relay through coturn, over TCP and over
 * TLS. coturn runs with the configuration `parley turn config` prints.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatCall } from './support/natCall.ts';
import { startTurnNatCall, TURN_PORT, TURNS_PORT, type TurnNatCall } from './support/turnNatCall.ts';
import { until } from './support/callTabs.ts';

describe('calls from behind a NAT, directly and through coturn', () => {
  let turnCall: TurnNatCall;
  let stage: NatCall;

  beforeAll(async () => {
    turnCall = await startTurnNatCall();
    stage = turnCall.stage;
  });

  afterAll(async () => {
    await turnCall?.close();
  });

  /** How the NAT'ed tab's media reaches the server, by the SDK's getRTCStats (Parley's extension fields). */
  const mediaPath = (page: Page) => page.evaluate(() => window.client.getRTCStats() as { LocalCandidateType: string; RelayProtocol: string });

  /** The NAT'ed tab and a host tab in one channel: video and audio both ways, then both leave. Resolves with the NAT'ed tab's media path. */
  async function callBothWays(channel: string, whileConnected?: (far: Page) => Promise<void>): Promise<{ LocalCandidateType: string; RelayProtocol: string }> {
    const far = await stage.natTabs.joinTab(channel, 'far');
    const near = await stage.hostTabs.joinTab(channel, 'near');
    try {
      const fromNear = await until(() => stage.natTabs.decodedFrom(far, 'near'), (s) => s.frames >= 20 && s.audioBytes > 0);
      const fromFar = await until(() => stage.hostTabs.decodedFrom(near, 'far'), (s) => s.frames >= 20 && s.audioBytes > 0);
      expect(fromNear.frames, 'video decoded behind the NAT').toBeGreaterThanOrEqual(20);
      expect(fromNear.audioBytes).toBeGreaterThan(0);
      expect(fromFar.frames, 'video decoded on the host').toBeGreaterThanOrEqual(20);
      expect(fromFar.audioBytes).toBeGreaterThan(0);
      await whileConnected?.(far);
      return await until(() => mediaPath(far), (p) => p.LocalCandidateType !== '', 5_000);
    } finally {
      await Promise.all([far, near].map(async (page) => {
        await page.evaluate(() => window.client.leave()).catch(() => {});
        await page.close();
      }));
    }
  }

  it('behind a NAT, the call connects directly: video both ways, no relay', async () => {
    await stage.nat.firewall({});
    const media = await callBothWays('nat-direct');
    expect(media.LocalCandidateType).not.toBe('relay');
  });

  it('with all UDP dropped and only TURN over TCP open, the call relays through coturn over TCP', async () => {
    await stage.nat.firewall({ dropUdp: true, dropTcpPorts: [TURNS_PORT] });
    expect(await callBothWays('nat-turn-tcp')).toMatchObject({ LocalCandidateType: 'relay', RelayProtocol: 'tcp' });
  });

  it('with all UDP dropped and only TURN over TLS open, the call relays through coturn over TLS', async () => {
    await stage.nat.firewall({ dropUdp: true, dropTcpPorts: [TURN_PORT] });
    const media = await callBothWays('nat-turn-tls', async (far) => {
      // A token renewal brings fresh TURN credentials, which the SDK hands both live connections.
      const before = await far.evaluate(() => {
        const renewed: string[][] = [];
        (window as any).renewed = renewed;
        const setConfiguration = RTCPeerConnection.prototype.setConfiguration;
        RTCPeerConnection.prototype.setConfiguration = function (this: RTCPeerConnection, configuration?: RTCConfiguration) {
          renewed.push((configuration?.iceServers ?? []).map((server) => server.username ?? ''));
          return setConfiguration.call(this, configuration);
        };
        return window.client.getRTCStats().RecvBytes as number;
      });
      await far.evaluate((fresh) => window.client.renewToken(fresh), stage.token('nat-turn-tls', 'far'));
      const renewed: string[][] = await far.evaluate(() => (window as any).renewed);
      expect(renewed).toHaveLength(2);
      for (const usernames of renewed) expect(usernames).toEqual([expect.stringMatching(/^\d+:[0-9a-f]+$/)]);
      // Media keeps flowing through the relay after the change.
      expect(await until(() => far.evaluate(() => window.client.getRTCStats().RecvBytes as number), (bytes) => bytes > before + 20_000, 5_000)).toBeGreaterThan(before + 20_000);
    });
    expect(media).toMatchObject({ LocalCandidateType: 'relay', RelayProtocol: 'tls' });
  });
});
