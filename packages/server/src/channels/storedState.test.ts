/**
 * Two nodes' caches over one set of generations (as Redis shares them): a change announced by
 * either makes both load again; until then both answer from their cache.
 */
import { describe, expect, it } from 'vitest';
import { MemoryGenerations } from '../live/generations.ts';
import { ChannelStateCache, type StoredChannelState } from './storedState.ts';

describe('ChannelStateCache', () => {
  it('answers from the cache until a change to the project on any node', async () => {
    const generations = new MemoryGenerations();
    const [nodeA, nodeB] = [new ChannelStateCache(generations), new ChannelStateCache(generations)];
    let loads = 0;
    let stored: StoredChannelState = { profile: undefined, recording: { state: 'idle', sid: null } };
    const load = async () => {
      loads++;
      return stored;
    };

    expect(await nodeA.read('app', 'room', load)).toBe(stored);
    expect(await nodeA.read('app', 'room', load)).toBe(stored);
    expect(loads, 'second read from the cache').toBe(1);

    stored = { profile: undefined, recording: { state: 'recording', sid: 'sid-1' } };
    await nodeB.changed('app');
    expect(await nodeA.read('app', 'room', load), 'a change through the other node').toEqual(stored);
    expect(loads).toBe(2);

    // Another project's change leaves this one cached.
    await nodeB.changed('other-app');
    await nodeA.read('app', 'room', load);
    expect(loads).toBe(2);
  });

  it('answers a cached read at once, without a promise, when the generations are in memory', async () => {
    const cache = new ChannelStateCache(new MemoryGenerations());
    const stored: StoredChannelState = { profile: undefined, recording: { state: 'idle', sid: null } };
    expect(await cache.read('app', 'room', async () => stored)).toBe(stored);
    // What the API's GET relies on to skip a microtask turn per step (maybeAsync.ts).
    expect(cache.read('app', 'room', async () => stored)).toBe(stored);
  });
});
