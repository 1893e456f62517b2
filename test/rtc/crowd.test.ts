/**
 * Many native clients on one node with the default port settings: every client's media runs over
 * the one UDP port, and the server holds no other media socket however many join. The full
 * 300-client run is `node bench/rtc/crowd.ts` (too heavy for the suite on 2 cores).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedProject } from '@parley/server';
import { BACKENDS } from '../support/backends.ts';
import { startCrowd, type Crowd } from '../support/crowdBots.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { udpSocketsOf } from '../support/udpSockets.ts';

const LISTENERS = 60;

describe('a crowd on one UDP port', () => {
  let t: TestServer;
  let project: CreatedProject;
  let crowd: Crowd | undefined;
  beforeAll(async () => {
    // Every bot comes from 127.0.0.1: the per-address session cap would refuse most of them.
    t = await startTestServer(BACKENDS[0]!, { PARLEY_RTC_MAX_SESSIONS_PER_IP: '1000' });
    project = await t.createProject('enterprise');
  });
  afterAll(async () => {
    await crowd?.leave();
    await t?.stop();
  });

  it(`connects ${LISTENERS} listeners through the shared port, each receiving the speaker's audio`, { timeout: 90_000 }, async () => {
    const mux = t.server.services.media.network.mux!;
    expect(mux).toBeDefined();
    crowd = await startCrowd({ url: t.url, appId: project.appId, appCertificate: project.appCertificate, channel: 'crowd', listeners: LISTENERS, perProcess: 30 });
    expect(crowd.errors).toEqual([]);
    expect(crowd.connected).toBe(LISTENERS);
    // The bots run in other processes: every UDP socket of this one is the server's.
    expect(udpSocketsOf(process.pid)).toEqual([{ address: '127.0.0.1', port: mux.port }]);
    // One publish and one subscribe connection per listener, the speaker's publish, all on the mux.
    expect(mux.stats.transports).toBeGreaterThanOrEqual(LISTENERS + 1);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(Number(/^parley_rtc_udp_mux_connections (\d+)$/m.exec(metrics)?.[1])).toBe(mux.stats.transports);
  });
});
