import { describe, expect, it } from 'vitest';
import type { NodeRecord } from '../live/nodeRegistry.ts';
import { leastLoaded, siteWithRoom } from './placementPolicy.ts';

function node(id: string, participants: number, cpu = 0.2, state: NodeRecord['state'] = 'serving'): NodeRecord {
  return { id, url: `http://${id}`, state, load: { cpu, cores: 2, participants, rooms: 0, forwardedStreams: 0, freePorts: null }, startedAt: 0, heartbeatAt: 0 };
}

describe('where a new channel goes', () => {
  it('goes to the serving node with the fewest participants, then the lowest CPU per core, then the smallest id', () => {
    expect(leastLoaded([node('a', 5), node('b', 2), node('c', 9)])?.id).toBe('b');
    expect(leastLoaded([node('a', 2, 0.9), node('b', 2, 0.3)])?.id).toBe('b');
    expect(leastLoaded([node('b', 2), node('a', 2)])?.id).toBe('a');
  });

  it('never goes to a draining node, and nowhere when none serves', () => {
    expect(leastLoaded([node('a', 0, 0, 'draining'), node('b', 50)])?.id).toBe('b');
    expect(leastLoaded([node('a', 0, 0, 'draining')])).toBeUndefined();
  });
});

describe('where a participant of a cascaded channel goes', () => {
  const nodes = [node('a', 4), node('b', 1), node('c', 0), node('d', 3)];
  const all = () => true;

  it('stays on the owner while it has room, then fills the fullest other node carrying the channel', () => {
    expect(siteWithRoom('a', new Map([['a', 1]]), nodes, 2, all)).toBe('a');
    expect(siteWithRoom('a', new Map([['a', 2], ['b', 0], ['d', 1]]), nodes, 2, all)).toBe('d');
    expect(siteWithRoom('a', new Map([['a', 2], ['b', 1], ['d', 1]]), nodes, 2, all)).toBe('b');
  });

  it('grows onto the least-loaded node not carrying it once every node carrying it is full', () => {
    expect(siteWithRoom('a', new Map([['a', 2], ['b', 2]]), nodes, 2, all)).toBe('c');
    // The owner's count may be missing (its room is not open yet): it counts as empty.
    expect(siteWithRoom('a', new Map(), nodes, 2, all)).toBe('a');
  });

  it('skips nodes that may not take more, and overfills the emptiest site when every node is full', () => {
    const draining = (id: string) => id !== 'a';
    expect(siteWithRoom('a', new Map([['a', 0]]), nodes, 2, draining)).toBe('c');
    const full = new Map([['a', 3], ['b', 2], ['c', 2], ['d', 2]]);
    expect(siteWithRoom('a', full, nodes, 2, all)).toBe('b');
  });
});
