/**
 * The remote users while this client's session moves to another node: the ones that come back
 * keep their objects and fire no events, their subscribed tracks are subscribed again as soon as
 * they are published there, and what never comes back is reported when the wait is over.
 */
import type { MediaKind, RemoteUser as WireUser } from '@parley/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RemoteVideoTrack } from '../tracks/remoteTrack.ts';
import { TypedEmitter } from '../typedEmitter.ts';
import type { ClientEvents } from './events.ts';
import { routeServerNotice } from './serverNotices.ts';
import { RemoteUsers } from './remoteUsers.ts';
import { UserHandover } from './userHandover.ts';
import type { ServerMessage } from '../signaling/messages.ts';

function wire(uid: number | string, published: MediaKind[] = []): WireUser {
  return { uid, role: 'host', published, muted: { audio: false, video: false } };
}

/** Remote users as the client knows them before the move, with the events they fire from then on. */
function usersBeforeTheMove() {
  const events = new TypedEmitter<ClientEvents>();
  const users = new RemoteUsers(events);
  users.apply([
    { type: 'joined', uid: 'ada' },
    { type: 'published', uid: 'ada', kind: 'audio' },
    { type: 'published', uid: 'ada', kind: 'video' },
    { type: 'joined', uid: 'cy' },
    { type: 'published', uid: 'cy', kind: 'video' },
  ]);
  // A received video: the browser's track object is all the handover looks at.
  const adaVideo = { stop: () => {} } as unknown as RemoteVideoTrack;
  users.get('ada')!.videoTrack = adaVideo;
  const fired: string[] = [];
  events.on('user-joined', (user) => fired.push(`joined ${user.uid}`));
  events.on('user-left', (user, reason) => fired.push(`left ${user.uid} ${reason}`));
  events.on('user-published', (user, kind) => fired.push(`published ${user.uid} ${kind}`));
  events.on('user-unpublished', (user, kind) => fired.push(`unpublished ${user.uid} ${kind}`));
  const deliver = (handover: UserHandover, message: ServerMessage) => {
    handover.observe(message);
    routeServerNotice(message, { users, subscriber: undefined, events, visible: (listed) => [...listed], mediaLost: () => {} });
  };
  return { users, events, fired, adaVideo, deliver };
}

describe('UserHandover', () => {
  afterEach(() => vi.useRealTimers());

  it('keeps users who come back without events, subscribes again what was received, and reports the rest when the wait ends', () => {
    vi.useFakeTimers();
    const { users, fired, adaVideo, deliver } = usersBeforeTheMove();
    const resubscribed: string[] = [];
    // The new node knows only dan so far: ada and cy are still moving.
    const handover = new UserHandover(users, [wire('dan', ['audio'])], (uid, kind) => resubscribed.push(`${uid} ${kind}`), 20_000);
    expect(fired).toEqual(['joined dan', 'published dan audio']);
    fired.length = 0;

    deliver(handover, { type: 'user-joined', user: wire('ada') });
    deliver(handover, { type: 'user-published', uid: 'ada', kind: 'video' });
    expect(fired).toEqual([]);
    expect(resubscribed).toEqual(['ada video']);
    expect(users.get('ada')!.videoTrack).toBe(adaVideo);
    expect(handover.waiting).toBe(true);

    vi.advanceTimersByTime(20_000);
    // cy never came; ada came back without her audio.
    expect(fired).toEqual(['left cy ServerTimeOut', 'unpublished ada audio']);
    expect(handover.waiting).toBe(false);
    expect(users.list().map((user) => user.uid)).toEqual(['ada', 'dan']);
  });

  it('stops waiting once everyone is back with everything they published', () => {
    vi.useFakeTimers();
    const { users, fired, deliver } = usersBeforeTheMove();
    const resubscribed: string[] = [];
    const handover = new UserHandover(users, [wire('cy', ['video'])], (uid, kind) => resubscribed.push(`${uid} ${kind}`), 20_000);
    deliver(handover, { type: 'user-joined', user: wire('ada', ['audio', 'video']) });
    expect(handover.waiting).toBe(false);
    expect(resubscribed).toEqual(['ada video']);
    vi.advanceTimersByTime(20_000);
    expect(fired).toEqual([]);
  });

  it('passes on a real leave or unpublish during the wait as it comes, and reports nothing more of it later', () => {
    vi.useFakeTimers();
    const { users, fired, deliver } = usersBeforeTheMove();
    const handover = new UserHandover(users, [wire('ada', ['audio'])], () => {}, 20_000);
    deliver(handover, { type: 'user-left', uid: 'cy', reason: 0 });
    deliver(handover, { type: 'user-unpublished', uid: 'ada', kind: 'video' });
    expect(fired).toEqual(['left cy Quit', 'unpublished ada video']);
    expect(handover.waiting).toBe(false);
    vi.advanceTimersByTime(20_000);
    expect(fired).toHaveLength(2);
  });
});

describe('RemoteUsers while tracks move', () => {
  afterEach(() => vi.useRealTimers());

  it('keeps a track an offer stopped carrying until the reason comes, and every received track while the session moves', () => {
    vi.useFakeTimers();
    const { users, adaVideo, fired, deliver } = usersBeforeTheMove();
    // The server takes Ada's video out of an offer, then says she left: the track goes with the leave.
    users.syncTracks([]);
    expect(users.get('ada')!.videoTrack).toBe(adaVideo);
    const handover = new UserHandover(users, [], () => {}, 20_000);
    // Moving: the new node's first offers list nothing yet, and the track stays past the late-drop time.
    users.syncTracks([]);
    vi.advanceTimersByTime(5_000);
    expect(users.get('ada')!.videoTrack).toBe(adaVideo);
    deliver(handover, { type: 'user-left', uid: 'ada', reason: 1 });
    expect(users.get('ada')).toBeUndefined();
    expect(fired).toEqual(['left ada Quit']);
  });

  it('drops a track an offer stopped carrying when no reason comes in time', () => {
    vi.useFakeTimers();
    const { users, adaVideo } = usersBeforeTheMove();
    users.syncTracks([]);
    vi.advanceTimersByTime(1_499);
    expect(users.get('ada')!.videoTrack).toBe(adaVideo);
    vi.advanceTimersByTime(1);
    expect(users.get('ada')!.videoTrack).toBeUndefined();
  });
});
