/**
 * How a node of a cascaded channel shows the users of the others, from their snapshots: relayed
 * users appear and leave like anyone for the clients here, with the reason their node gave; an
 * older snapshot arriving late undoes nothing; a node gone takes its users with it; and none of
 * it writes the directory or the session events, which the users' own node writes. Relay
 * connections are refused here (the other node offers none), which these rules do not depend on.
 */
import { LeaveReason, type RemoteUser } from '@parley/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { quietLogger } from '../../log/logger.ts';
import { MemoryChannelSites } from '../../live/channelSites.ts';
import { APP_ID, FakePeer, rtcHarness } from '../fakes.ts';
import { Cascade, type CascadePeers, type SiteSnapshot } from './cascade.ts';

const opened: Cascade[] = [];
afterEach(() => {
  for (const cascade of opened.splice(0)) cascade.close();
});

const user = (uid: string): RemoteUser => ({ uid, role: 'host', published: [], muted: { audio: false, video: false } });

function cascadeHarness() {
  // The service reports local changes to the cascade, which is made after it.
  const late: { cascade?: Cascade } = {};
  const h = rtcHarness({ localChange: (room, left) => late.cascade?.localChange(room, left) });
  const sites = new MemoryChannelSites();
  const offers: string[] = [];
  const peers: CascadePeers = {
    sync: async () => null,
    offer: async (nodeId, _appId, _channel, uid, kind) => {
      offers.push(`${nodeId}:${uid}:${kind}`);
      return null;
    },
    answer: async () => false,
    close: async () => {},
  };
  const cascade = new Cascade({
    nodeId: 'test',
    sites,
    peers,
    network: { announced: ['127.0.0.1'], portMin: 49000, portMax: 49009, connectTimeoutMs: 10_000 },
    watch: h.rtc.mediaWatch,
    room: (appId, channel) => h.rtc.room(appId, channel),
    events: h.bus,
    log: quietLogger,
  });
  late.cascade = cascade;
  opened.push(cascade);
  const join = async (uid: string) => {
    const peer = new FakePeer();
    await h.rtc.join({ type: 'join', requestId: 'j', appId: APP_ID, channel: 'wide', uid, token: h.token('wide', uid) }, peer);
    return peer;
  };
  return { h, cascade, sites, offers, join };
}

describe('a node of a cascaded channel', () => {
  it('shows another node\'s users to its clients and answers with its own', async () => {
    const { h, cascade, sites, join } = cascadeHarness();
    const ann = await join('ann');
    await h.settle();
    expect(await sites.list(APP_ID, 'wide')).toEqual(new Map([['test', 1]]));
    const theirs: SiteSnapshot = { nodeId: 'other', version: 10, users: [user('cat'), { ...user('dan'), published: ['video'], muted: { audio: false, video: true } }], departed: [] };
    const mine = await cascade.receiveSync(APP_ID, 'wide', theirs);
    expect(mine).toMatchObject({ nodeId: 'test', users: [{ uid: 'ann' }], departed: [] });
    expect(ann.sent.filter((m) => m.type === 'user-joined').map((m) => (m as { user: RemoteUser }).user.uid)).toEqual(['cat', 'dan']);
    expect(ann.sent).toContainEqual({ type: 'user-muted', uid: 'dan', kind: 'video', muted: true });
    // Listed and reported by their own node only.
    await h.settle();
    expect((await h.directory.list(APP_ID, 'wide')).map((p) => p.uid)).toEqual(['ann']);
    expect(h.events.filter((e) => e.type === 'participant.joined').map((e) => (e as { uid: string }).uid)).toEqual(['ann']);
    expect(h.rtc.load().participants).toBe(1);
  });

  it('asks the user\'s node for each published track', async () => {
    const { cascade, offers, join } = cascadeHarness();
    await join('ann');
    await cascade.receiveSync(APP_ID, 'wide', { nodeId: 'other', version: 1, users: [{ ...user('dan'), published: ['audio', 'video'] }], departed: [] });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(offers.sort()).toEqual(['other:dan:audio', 'other:dan:video']);
  });

  it('lets a user leave with its node\'s reason, ignores an older snapshot arriving late, and drops a gone node\'s users', async () => {
    const { h, cascade, join } = cascadeHarness();
    const ann = await join('ann');
    await cascade.receiveSync(APP_ID, 'wide', { nodeId: 'other', version: 5, users: [user('cat'), user('dan')], departed: [] });
    await cascade.receiveSync(APP_ID, 'wide', { nodeId: 'other', version: 7, users: [user('dan')], departed: [{ uid: 'cat', reason: LeaveReason.permission }] });
    // Written before the one above, arriving after it: cat stays gone.
    await cascade.receiveSync(APP_ID, 'wide', { nodeId: 'other', version: 6, users: [user('cat'), user('dan')], departed: [] });
    expect(h.rtc.room(APP_ID, 'wide')!.participants.map((p) => p.key).sort()).toEqual(['ann', 'dan']);
    expect(ann.sent).toContainEqual({ type: 'user-left', uid: 'cat', reason: LeaveReason.permission });
    expect(h.events.filter((e) => e.type === 'participant.left')).toEqual([]);
  });

  it('drops the users of other nodes when its own last client leaves, and the room with them', async () => {
    const { h, cascade, sites, join } = cascadeHarness();
    await join('ann');
    await cascade.receiveSync(APP_ID, 'wide', { nodeId: 'other', version: 1, users: [user('cat')], departed: [] });
    await h.rtc.leave(h.rtc.room(APP_ID, 'wide')!.find('ann')!);
    await h.settle();
    expect(h.rtc.room(APP_ID, 'wide')).toBeUndefined();
    expect(await sites.list(APP_ID, 'wide')).toEqual(new Map());
    expect(await cascade.receiveSync(APP_ID, 'wide', { nodeId: 'other', version: 2, users: [user('cat')], departed: [] })).toBeNull();
  });
});
