/**
 * Media connections that fail are rebuilt. A client behind a NAT joins while its network drops
 * every UDP packet: signaling (TCP) works, but neither of its media connections can connect. The
 * server gives each up after its connect timeout and says so (`media-lost`); the SDK rebuilds
 * them, again and again with a growing pause. Once UDP passes again, the next rebuild connects and
 * video flows both ways, while the other user never saw the client unpublish or leave.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from './support/callTabs.ts';
import { metricValue } from '../support/metrics.ts';
import { startNatCall, type NatCall } from './support/natCall.ts';

const CONNECT_TIMEOUT_SECONDS = 3;

const metric = async (serverUrl: string, name: string) => (await metricValue(serverUrl, name)) ?? NaN;

describe('media connections that fail are rebuilt', () => {
  let stage: NatCall;

  beforeAll(async () => {
    stage = await startNatCall({ serverEnv: () => ({ PARLEY_RTC_CONNECT_TIMEOUT_SECONDS: String(CONNECT_TIMEOUT_SECONDS) }) });
  });

  afterAll(async () => {
    await stage?.close();
  });

  it('reconnects both media connections once the network lets UDP through, with nobody seeing the user leave', async () => {
    const near = await stage.hostTabs.joinTab('recovery', 'near');
    await stage.nat.firewall({ dropUdp: true });
    const far = await stage.natTabs.joinTab('recovery', 'far');
    try {
      // Both of far's connections are given up by the server, and rebuilt, at least once.
      await until(() => metric(stage.server.url, 'parley_rtc_media_connect_timeouts_total'), (n) => n >= 4, 20_000);
      expect(await metric(stage.server.url, 'parley_rtc_media_connect_timeouts_total')).toBeGreaterThanOrEqual(4);
      expect((await stage.natTabs.decodedFrom(far, 'near')).frames).toBe(0);

      const opened = Date.now();
      await stage.nat.firewall({});
      const farSees = await until(() => stage.natTabs.decodedFrom(far, 'near'), (s) => s.frames >= 10, 40_000);
      const nearSees = await until(() => stage.hostTabs.decodedFrom(near, 'far'), (s) => s.frames >= 10, 40_000);
      console.info(`video both ways ${((Date.now() - opened) / 1000).toFixed(1)} s after UDP passed again`);
      expect(farSees.frames, 'frames far decoded of near').toBeGreaterThanOrEqual(10);
      expect(nearSees.frames, 'frames near decoded of far').toBeGreaterThanOrEqual(10);
      expect(nearSees.audioBytes, 'audio bytes near received of far').toBeGreaterThan(0);

      // The other side saw far join and publish once, and never leave or unpublish.
      const nearLog = await near.evaluate(() => window.log as string[]);
      expect(nearLog.filter((line) => line.startsWith('left:'))).toEqual([]);
      const farLog = await far.evaluate(() => window.log as string[]);
      expect(farLog).toContain('pc:connected');
      expect(farLog.filter((line) => line.startsWith('state:'))).toEqual(['state:CONNECTING:', 'state:CONNECTED:']);
    } finally {
      await Promise.all([far, near].map(async (page) => {
        await page.evaluate(() => window.client.leave()).catch(() => {});
        await page.close();
      }));
    }
  }, 90_000);
});
