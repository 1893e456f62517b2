import { describe, expect, it } from 'vitest';
import type { NodeRecord } from '../live/nodeRegistry.ts';
import { leastLoaded } from './placementPolicy.ts';

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
