/**
 * ChannelActions when the node it would ask is gone (its record lapsed between the lookup and the
 * request, so nobody listens under its id): the action runs here, where it finds whoever is here,
 * and a project-wide action counts nothing for the gone node. Between live nodes, the cluster
 * tests (test/cluster/actions.test.ts) run the same commands over Redis.
 */
import { describe, expect, it } from 'vitest';
import { MemoryNodeMessenger } from '../live/nodeMessenger.ts';
import { MemoryChannelSites } from '../live/channelSites.ts';
import { MemoryNodeRegistry, type NodeRecord } from '../live/nodeRegistry.ts';
import { quietLogger } from '../log/logger.ts';
import type { RecordingService } from '../recording/service.ts';
import { APP_ID, FakePeer, rtcHarness } from '../rtc/fakes.ts';
import { ChannelActions } from './channelActions.ts';

function record(id: string): NodeRecord {
  return { id, url: `http://${id}`, state: 'serving', load: { cpu: 0, cores: 1, participants: 0, rooms: 0, forwardedStreams: 0, freePorts: null }, startedAt: 0, heartbeatAt: 0 };
}

describe('channel actions when the owner is gone', () => {
  it('acts here: kicks who is here, closes the room here, counts nothing for the gone node', async () => {
    const h = rtcHarness();
    const join = (channel: string, uid: number) => h.rtc.join({ type: 'join', requestId: 'r', appId: APP_ID, channel, uid, token: h.token(channel, uid) }, new FakePeer());
    const registry = new MemoryNodeRegistry();
    await registry.beat(record('test'), 60_000);
    await registry.beat(record('ghost'), 60_000);
    const actions = new ChannelActions({
      nodeId: 'test',
      messenger: new MemoryNodeMessenger('test'),
      // The placement still names a node that no longer listens.
      placement: { owner: async () => 'ghost', claim: async () => 'ghost', hold: async () => false, release: async () => {} },
      sites: new MemoryChannelSites(),
      registry,
      rtc: h.rtc,
      cascade: () => undefined,
      recordings: () => ({}) as RecordingService,
      log: quietLogger,
    });
    await join('room', 1);
    await join('room', 2);
    await join('other', 3);
    expect(await actions.roomInfo(APP_ID, 'room')).toMatchObject({ mode: 'rtc', encrypted: false, uids: ['1', '2'] });
    expect(await actions.kick(APP_ID, 'room', 1)).toBe(true);
    expect(await actions.kick(APP_ID, 'room', 1)).toBe(false);
    expect(await actions.closeChannel(APP_ID, 'room')).toBe(1);
    expect(await actions.roomInfo(APP_ID, 'room')).toBeUndefined();
    expect(await actions.enforceRule(APP_ID, { uid: 3 }, ['join_channel']), 'every node asked, the gone one counting 0').toBe(1);
    expect(await actions.closeProjectChannels(APP_ID)).toBe(0);
  });
});
