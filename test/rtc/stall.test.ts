/**
 * A stalled server on the embedded default: when its event loop is blocked for longer than a
 * cluster heartbeat lasts, a server in a cluster is fenced off (the others took its sessions, so
 * it sends its clients to join again), but a server that is the whole cluster keeps its calls.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEARTBEAT_INTERVAL_MS, HEARTBEAT_TTL_MS } from '@parley/server';
import { startCallFixture, type CallFixture } from '../support/callFixture.ts';
import { call } from '../support/server.ts';

describe('a stalled embedded server', () => {
  let f: CallFixture;

  beforeAll(async () => {
    f = await startCallFixture();
  });
  afterAll(() => f.close());

  it('keeps its calls after its event loop was blocked for longer than a heartbeat lasts', async () => {
    const alice = await f.joinBot('stall', 1);
    const bob = await f.joinBot('stall', 2);
    // The server runs in this process: blocking it here blocks the server, as a long GC or a paused VM would.
    const until = Date.now() + HEARTBEAT_TTL_MS + 500;
    while (Date.now() < until) {
      // busy
    }
    // The next heartbeats find the gap.
    await new Promise((resolve) => setTimeout(resolve, 2 * HEARTBEAT_INTERVAL_MS + 500));
    expect([alice.closeCode, bob.closeCode]).toEqual([undefined, undefined]);
    const channel = await call(f.t.url, 'GET', `/v1/projects/${f.project.appId}/channels/stall`, { auth: f.auth });
    expect(channel.body.data.participants.map((p: { uid: number }) => p.uid).sort()).toEqual([1, 2]);
  });
});
