/**
 * A call whose client sits on a bad link: 5% of its media datagrams lost each way and 150 ms of
 * round trip, through a user-space relay (test/support/impairedLink.ts) that the client's NAT
 * router steers its media through. Video must keep flowing both ways (NACK retransmissions and
 * keyframe requests through the SFU) and the sound must keep playing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startImpairedLink, type ImpairedLink } from '../support/impairedLink.ts';
import { directionCounters, directionQuality } from './support/callQuality.ts';
import { until } from './support/callTabs.ts';
import { startNatCall, type NatCall } from './support/natCall.ts';

const LOSS = 0.05;
const RTT_MS = 150;
const MEASURE_MS = 20_000;

describe(`a call over a link with ${LOSS * 100}% loss and ${RTT_MS} ms of round trip`, () => {
  let stage: NatCall;
  let link: ImpairedLink;

  beforeAll(async () => {
    stage = await startNatCall();
    const host = stage.nat.hostAddress;
    link = await startImpairedLink(host, { address: host, port: stage.rtcPort }, { lossRate: LOSS, rttMs: RTT_MS });
    await stage.nat.redirectUdp(stage.rtcPort, link.port);
  });

  afterAll(async () => {
    await stage?.close();
    await link?.close();
  });

  it('keeps video flowing both ways (≥ 80% of frames sent are decoded) and the sound playing', async () => {
    const far = await stage.natTabs.joinTab('lossy', 'far');
    const near = await stage.hostTabs.joinTab('lossy', 'near');
    try {
      // Past the first keyframe and the encoders' ramp-up in both directions.
      await until(() => stage.natTabs.decodedFrom(far, 'near'), (s) => s.frames >= 40, 30_000);
      await until(() => stage.hostTabs.decodedFrom(near, 'far'), (s) => s.frames >= 40, 30_000);
      const before = await Promise.all([directionCounters(far, near, 'far'), directionCounters(near, far, 'near')]);
      const linkBefore = link.stats();
      await new Promise((resolve) => setTimeout(resolve, MEASURE_MS));
      const after = await Promise.all([directionCounters(far, near, 'far'), directionCounters(near, far, 'near')]);
      const linkAfter = link.stats();
      const uplink = directionQuality(before[0], after[0]);
      const downlink = directionQuality(before[1], after[1]);
      const rttMs = await far.evaluate(() => window.client.getRTCStats().RTT as number);
      const dropped = { up: linkAfter.up.dropped - linkBefore.up.dropped, down: linkAfter.down.dropped - linkBefore.down.dropped };
      const forwarded = { up: linkAfter.up.forwarded - linkBefore.up.forwarded, down: linkAfter.down.forwarded - linkBefore.down.forwarded };
      console.info(JSON.stringify({ rttMs, dropped, forwarded, 'far→near (lossy uplink)': uplink, 'near→far (lossy downlink)': downlink }, null, 1));

      // The media did cross the bad link, and the link was as bad as asked.
      for (const way of ['up', 'down'] as const) {
        expect(forwarded[way], `datagrams ${way} the link`).toBeGreaterThan(500);
        expect(dropped[way] / (dropped[way] + forwarded[way]), `loss ${way} the link`).toBeGreaterThan(LOSS / 2);
      }
      expect(rttMs, 'round trip the client measures to the server').toBeGreaterThanOrEqual(RTT_MS - 10);

      for (const [name, quality] of [['uplink', uplink], ['downlink', downlink]] as const) {
        expect(quality.sentFps, `${name}: frames sent per second`).toBeGreaterThan(5);
        expect(quality.decodedShare, `${name}: share of frames sent that were decoded`).toBeGreaterThanOrEqual(0.8);
        expect(quality.audioPlayout, `${name}: seconds of sound played per second`).toBeGreaterThan(0.9);
        expect(quality.audioConcealedShare, `${name}: share of the sound concealed`).toBeLessThan(0.15);
      }
    } finally {
      // What each tab's client reported (connection and peer connection states), for a failure's story.
      for (const [name, page] of [['far', far], ['near', near]] as const) {
        console.info(name, await page.evaluate(() => window.log.join(' ')).catch(() => '(tab gone)'));
      }
      await Promise.all([far, near].map(async (page) => {
        await page.evaluate(() => window.client.leave()).catch(() => {});
        await page.close();
      }));
    }
    // Warm-up and a 20 s measurement on a busy 2-core machine.
  }, 75_000);
});
