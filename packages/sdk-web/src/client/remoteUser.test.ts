/**
 * Reconciling the server's user list (at join, after a resume) into user events, in firing order.
 */
import type { RemoteUser as WireUser } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { reconcileUsers, RemoteUserState, userKey } from './remoteUser.ts';

function wire(uid: number | string, published: Array<'audio' | 'video'> = [], muted = { audio: false, video: false }): WireUser {
  return { uid, role: 'host', published, muted };
}

function known(...users: RemoteUserState[]): Map<string, RemoteUserState> {
  return new Map(users.map((user) => [userKey(user.uid), user]));
}

describe('reconcileUsers', () => {
  it('turns the list at join into joins, then mutes before publishes (a muted track never shows as published), user by user', () => {
    const changes = reconcileUsers(new Map(), [wire(1, ['audio', 'video'], { audio: true, video: false }), wire('bob')]);
    expect(changes).toEqual([
      { type: 'joined', uid: 1 },
      { type: 'muted', uid: 1, kind: 'audio', muted: true },
      { type: 'published', uid: 1, kind: 'audio' },
      { type: 'published', uid: 1, kind: 'video' },
      { type: 'joined', uid: 'bob' },
    ]);
  });

  it('after a resume reports who left, what was unpublished and what changed mute state', () => {
    const alice = Object.assign(new RemoteUserState('alice'), { publishes: { audio: true, video: true }, videoMuted: true });
    const gone = new RemoteUserState(7);
    const changes = reconcileUsers(known(alice, gone), [wire('alice', ['audio'], { audio: false, video: false })]);
    expect(changes).toEqual([
      { type: 'left', uid: 7 },
      { type: 'unpublished', uid: 'alice', kind: 'video' },
      { type: 'muted', uid: 'alice', kind: 'video', muted: false },
    ]);
  });

  it('reports nothing when nothing changed', () => {
    const alice = Object.assign(new RemoteUserState('alice'), { publishes: { audio: true, video: false } });
    expect(reconcileUsers(known(alice), [wire('alice', ['audio'])])).toEqual([]);
  });

  it('treats a numeric uid and its decimal string as the same user, as the server does', () => {
    expect(reconcileUsers(known(new RemoteUserState(42)), [wire('42')])).toEqual([]);
  });
});
