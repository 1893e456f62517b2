/**
 * Calls across a real network path: Chromium in a network namespace behind a NAT (see
 * test/support/netns.ts) calls Chromium on the host, through a Parley server and Debian's coturn
 * listening on the host's end of the client's uplink. Directly through the NAT first; then with
 * the client's firewall dropping all UDP, so media must relay through coturn, over TCP and over
 * TLS. coturn runs with the configuration `parley turn config` prints.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoturn, selfSignedCertificate, type Coturn } from '../support/coturn.ts';
import { startNatCall, type NatCall } from './support/natCall.ts';
import { until } from './support/callTabs.ts';

const BIN = path.resolve(import.meta.dirname, '../../packages/server/bin/parley.js');
const TURN_PORT = 3478;
const TURNS_PORT = 5349;

describe('calls from behind a NAT, directly and through coturn', () => {
  let stage: NatCall;
  let certificate: Awaited<ReturnType<typeof selfSignedCertificate>> | undefined;
  let coturn: Coturn | undefined;
  // `parley turn config` reads the media address too: coturn may relay only to it.
  const turnEnv = (host: string) => ({
    PARLEY_RTC_ADDRESS: host,
    PARLEY_TURN_URLS: `turn:${host}:${TURN_PORT}?transport=udp,turn:${host}:${TURN_PORT}?transport=tcp,turns:${host}:${TURNS_PORT}`,
    PARLEY_TURN_SECRET: `test-secret-${process.pid}`,
  });

  beforeAll(async () => {
    stage = await startNatCall({
      serverEnv: turnEnv,
      // coturn runs with the configuration `parley turn config` prints for the server's settings.
      async beforeServer(nat) {
        const host = nat.hostAddress;
        certificate = await selfSignedCertificate(host);
        const { stdout: config } = await promisify(execFile)(process.execPath, [BIN, 'turn', 'config', '--listening-ip', host, '--cert', certificate.cert, '--pkey', certificate.key], {
          env: { ...process.env, ...turnEnv(host) },
        });
        coturn = await startCoturn(config, host, TURN_PORT);
      },
      // The self-signed certificate of coturn's TLS listener.
      natBrowserArgs: ['--ignore-certificate-errors'],
    });
  });

  afterAll(async () => {
    await stage?.close();
    await coturn?.stop();
    if (certificate) fs.rmSync(certificate.dir, { recursive: true, force: true });
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
