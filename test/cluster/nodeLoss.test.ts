/**
 * What a cluster does when a node goes: killed (kill -9), the other nodes notice its heartbeat
 * lapse, close its sessions once with reason 4 (serverInternal), forget its participants and
 * place its channels anew; stopped with SIGTERM, it drains: no new channel comes to it, calls on
 * it go on for PARLEY_DRAIN_SECONDS, then their clients are sent away and it exits.
 * Clients here are raw signaling sockets: the SDK's side of failover has tests of its own.
 */
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinRaw, startCluster, type ClusterNode, type TestCluster } from '../support/cluster.ts';
import { basic, call } from '../support/server.ts';

describe('losing a node of the cluster', () => {
  let cluster: TestCluster;
  let auth: string;

  beforeAll(async () => {
    cluster = await startCluster(3, { PARLEY_DRAIN_SECONDS: '2' });
    auth = basic(cluster.project.customerId, cluster.project.customerSecret!);
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
  });

  const join = (node: { url: string }, channel: string, uid: string) => joinRaw(cluster, node, channel, uid);

  const nodeAt = (url: string): ClusterNode => cluster.nodes.find((node) => node.url === url)!;
  const participants = async (node: ClusterNode, channel: string) =>
    ((await call(node.url, 'GET', `/v1/projects/${cluster.project.appId}/channels/${channel}`, { auth })).body.data?.participants ?? []).map((p: { uid: string }) => p.uid).sort();
  const sessions = async (node: ClusterNode, channel: string) =>
    (await call(node.url, 'GET', `/v1/projects/${cluster.project.appId}/sessions?channel=${channel}`, { auth })).body.data.sessions as Array<{ uid: string; leftAt: string | null; leaveReason: number | null }>;

  it('kill -9: the others close its sessions once with reason 4 within seconds, and place its channel anew', async () => {
    const first = await join(cluster.nodes[0]!, 'lost', 'ada');
    const second = await join(cluster.nodes[1]!, 'lost', 'bob');
    expect([first.reply.type, second.reply.type]).toEqual(['joined', 'joined']);
    expect(second.at, 'both on the channel\'s node').toBe(first.at);
    const host = nodeAt(first.at);
    const survivor = cluster.nodes.find((node) => node !== host)!;
    expect(await participants(survivor, 'lost')).toEqual(['ada', 'bob']);

    const killedAt = Date.now();
    await host.stop('SIGKILL');
    let closedAfterMs = -1;
    for (let waited = 0; waited < 15_000; waited += 250) {
      const rows = await sessions(survivor, 'lost');
      if (rows.length === 2 && rows.every((row) => row.leftAt !== null)) {
        closedAfterMs = Date.now() - killedAt;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    console.info(`sessions of the killed node closed ${closedAfterMs} ms after kill -9`);
    expect(closedAfterMs, 'sessions closed by another node').toBeGreaterThan(0);
    expect(closedAfterMs).toBeLessThan(8_000);
    const rows = await sessions(survivor, 'lost');
    expect(rows.map((row) => [row.uid, row.leaveReason]).sort()).toEqual([['ada', 4], ['bob', 4]]);
    expect(await participants(survivor, 'lost'), 'the shared directory forgot them').toEqual([]);

    // The channel's clients join again through a node that lives, and the channel is placed there.
    const again = await join(survivor, 'lost', 'ada');
    expect(again.reply.type).toBe('joined');
    expect(again.at).not.toBe(host.url);
    again.socket.close();

    // Back up, the killed node finds nothing of its own left to close: still one session per join.
    await host.start();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await sessions(survivor, 'lost')).filter((row) => row.uid === 'ada' || row.uid === 'bob')).toHaveLength(3);
  });

  it('SIGTERM: the node drains: no new channel goes to it, its call goes on, then its clients are sent away and it exits', async () => {
    const caller = await join(cluster.nodes[2]!, 'drained', 'cy');
    const host = nodeAt(caller.at);
    const exited = new Promise((resolve) => host.child.once('exit', resolve));
    host.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));

    // A new channel reaching the draining node is sent elsewhere...
    const fresh = await join(host, 'fresh-while-draining', 'dan');
    expect(fresh.at).not.toBe(host.url);
    fresh.socket.close();
    // ...while the call already there goes on until the drain time is up, and joins it there.
    const late = await join(host, 'drained', 'eve');
    expect(late.at).toBe(host.url);
    expect(caller.socket.readyState).toBe(WebSocket.OPEN);
    const closeCode = await caller.closed;
    expect(closeCode, 'sent away as the server goes (1001), not kicked').toBe(1001);
    await exited;
    expect(host.child.exitCode).toBe(0);
    expect(host.logLines.some((line) => line.includes('drained: the clients still here were sent to other nodes'))).toBe(true);

    // The client joins again through another node, which now hosts the channel.
    const back = await join(cluster.nodes.find((node) => node !== host)!, 'drained', 'cy');
    expect(back.reply.type).toBe('joined');
    // The new session is written a moment after the join is answered.
    const survivor = cluster.nodes.find((node) => node !== host)!;
    let rows = await sessions(survivor, 'drained');
    for (let waited = 0; waited < 5_000 && rows.filter((row) => row.uid === 'cy').length < 2; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      rows = await sessions(survivor, 'drained');
    }
    back.socket.close();
    expect(rows.filter((row) => row.uid === 'cy').map((row) => row.leaveReason).sort(), 'moved: one session closed with reason 4, one open').toEqual([4, null]);
    await host.start();
  });
});
