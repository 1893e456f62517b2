/**
 * Tracked reads against a real Redis: a read is kept until Redis says its key changed, this node's
 * own writes are seen at once, a read that raced a change is not kept, and a dropped connection
 * (either of the two) loses nothing: tracking comes back and invalidations reach the node again.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { REDIS_URL, uniqueName } from '../../../../test/support/backends.ts';
import { isPromise } from '../maybeAsync.ts';
import { TrackedReads } from './trackedReads.ts';

const writer = new Redis(REDIS_URL);
const opened: TrackedReads[] = [];
afterAll(async () => {
  await Promise.all(opened.map((reads) => reads.close()));
  await writer.quit();
});

async function open(): Promise<{ reads: TrackedReads; name: string }> {
  const name = uniqueName('tracked');
  const reads = await TrackedReads.open(REDIS_URL, { connectionName: name });
  opened.push(reads);
  return { reads, name };
}

/** Reads `key` with GET through `reads`, counting the loads that went to Redis. */
function counter(reads: TrackedReads, key: string): { read: () => unknown; loads: () => number } {
  let loads = 0;
  return {
    read: () =>
      reads.read(key, async (reader) => {
        loads += 1;
        return reader.get(key);
      }),
    loads: () => loads,
  };
}

/** Kills the named connection from outside, as a network failure or a Redis restart would. */
async function kill(connectionName: string): Promise<void> {
  const list = String(await writer.call('CLIENT', 'LIST'));
  const line = list.split('\n').find((entry) => entry.includes(` name=${connectionName} `));
  expect(line, connectionName).toBeDefined();
  const id = /id=(\d+)/.exec(line!)![1]!;
  await writer.call('CLIENT', 'KILL', 'ID', id);
}

describe('tracked reads', () => {
  it('keeps a read and answers the next at once, until another client changes the key', async () => {
    const { reads } = await open();
    const key = uniqueName('gen');
    await writer.set(key, '1');
    const gen = counter(reads, key);
    expect(await gen.read()).toBe('1');
    const second = gen.read();
    expect(isPromise(second)).toBe(false);
    expect(second).toBe('1');
    expect(gen.loads()).toBe(1);

    await writer.incr(key);
    await expect.poll(() => gen.read()).toBe('2');
    expect(gen.loads()).toBe(2);
  });

  it('reads this node\'s own write at once once it is forgotten', async () => {
    const { reads } = await open();
    const key = uniqueName('gen');
    const gen = counter(reads, key);
    expect(await gen.read()).toBeNull();
    await writer.incr(key);
    reads.forget(key);
    expect(await gen.read()).toBe('1');
  });

  it('does not keep a read that a change overtook, nor share it with later reads', async () => {
    const { reads } = await open();
    const [key, marker] = [uniqueName('raced'), uniqueName('marker')];
    await writer.set(key, 'old');
    await writer.set(marker, 'm');
    const probe = counter(reads, marker);
    await probe.read();

    // The read is served (and tracked), then held before it settles.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let served!: () => void;
    const wasServed = new Promise<void>((resolve) => (served = resolve));
    const raced = reads.read(key, async (reader) => {
      const value = await reader.get(key);
      served();
      await held;
      return value;
    });
    await wasServed;
    await writer.set(key, 'new');
    // Invalidations arrive in order: once the marker's has, so has the key's.
    await writer.set(marker, 'm2');
    await expect.poll(() => isPromise(probe.read())).toBe(true);
    // A read now does not wait for the held one, whose answer may predate the change.
    const after = counter(reads, key);
    expect(await after.read()).toBe('new');
    release();
    expect(await raced).toBe('old');
    expect(isPromise(after.read())).toBe(false);
    expect(after.read()).toBe('new');
    expect(after.loads()).toBe(1);
  });

  it('shares one read among callers that ask while it is under way', async () => {
    const { reads } = await open();
    const key = uniqueName('shared');
    await writer.set(key, 'v');
    const gen = counter(reads, key);
    const [a, b] = [gen.read(), gen.read()];
    expect(await Promise.all([a, b])).toEqual(['v', 'v']);
    expect(gen.loads()).toBe(1);
  });

  it('opens under a node id that Redis would refuse as a connection name (a space, non-ASCII)', async () => {
    const name = `${uniqueName('node')} café`;
    const reads = await TrackedReads.open(REDIS_URL, { connectionName: name });
    opened.push(reads);
    expect(reads.tracking).toBe(true);
    expect(String(await writer.call('CLIENT', 'LIST'))).toContain(` name=${name.replace(' café', '_caf_')}:tracked-reads `);
  });

  const drops = { 'its invalidations connection drops': ['invalidations'], 'its tracked-reads connection drops': ['tracked-reads'], 'both drop at once': ['invalidations', 'tracked-reads'] };
  for (const [what, roles] of Object.entries(drops)) {
    it(`drops what it kept when ${what}, and tracks again once they are back`, async () => {
      const { reads, name } = await open();
      const key = uniqueName('gen');
      await writer.set(key, '1');
      const gen = counter(reads, key);
      expect(await gen.read()).toBe('1');
      expect(reads.tracking).toBe(true);

      await Promise.all(roles.map((role) => kill(`${name}:${role}`)));
      // Changed while a connection is down or coming back: the change is seen whatever the timing.
      await writer.set(key, '2');
      await expect.poll(() => gen.read()).toBe('2');
      await expect.poll(() => reads.tracking).toBe(true);
      // Kept again, and invalidated again: the redirect points at the live connection.
      await expect.poll(() => isPromise(gen.read())).toBe(false);
      await writer.set(key, '3');
      await expect.poll(() => gen.read()).toBe('3');
    });
  }
});
