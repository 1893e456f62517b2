/**
 * The typed emitter: order, once, off, and listeners that throw.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TypedEmitter } from './typedEmitter.ts';

interface TestEvents {
  greeted: (name: string, times: number) => void;
  closed: () => void;
}

describe('TypedEmitter', () => {
  afterEach(() => vi.useRealTimers());

  it('calls listeners in the order they were added, with the emitted arguments', () => {
    const emitter = new TypedEmitter<TestEvents>();
    const calls: string[] = [];
    emitter.on('greeted', (name, times) => calls.push(`first ${name} ${times}`));
    emitter.on('greeted', (name) => calls.push(`second ${name}`));
    expect(emitter.emit('greeted', 'ada', 2)).toBe(true);
    expect(calls).toEqual(['first ada 2', 'second ada']);
  });

  it('reports whether anyone listened', () => {
    const emitter = new TypedEmitter<TestEvents>();
    expect(emitter.emit('closed')).toBe(false);
  });

  it('calls a once listener a single time', () => {
    const emitter = new TypedEmitter<TestEvents>();
    const listener = vi.fn();
    emitter.once('closed', listener);
    emitter.emit('closed');
    emitter.emit('closed');
    expect(listener).toHaveBeenCalledTimes(1);
    expect(emitter.listenerCount('closed')).toBe(0);
  });

  it('removes listeners with off, including once listeners not yet fired', () => {
    const emitter = new TypedEmitter<TestEvents>();
    const listener = vi.fn();
    emitter.on('closed', listener);
    emitter.once('closed', listener);
    emitter.off('closed', listener);
    emitter.off('closed', listener);
    emitter.emit('closed');
    expect(listener).not.toHaveBeenCalled();
  });

  it('keeps calling the other listeners when one throws, and rethrows its error on a later task', () => {
    vi.useFakeTimers();
    const emitter = new TypedEmitter<TestEvents>();
    const after = vi.fn();
    emitter.on('closed', () => {
      throw new Error('listener bug');
    });
    emitter.on('closed', after);
    expect(() => emitter.emit('closed')).not.toThrow();
    expect(after).toHaveBeenCalledTimes(1);
    expect(() => vi.runAllTimers()).toThrow('listener bug');
  });

  it('lets a listener remove itself while the event is being emitted', () => {
    const emitter = new TypedEmitter<TestEvents>();
    const second = vi.fn();
    const first = () => emitter.off('closed', first);
    emitter.on('closed', first);
    emitter.on('closed', second);
    emitter.emit('closed');
    emitter.emit('closed');
    expect(second).toHaveBeenCalledTimes(2);
  });

  it('removeAllListeners clears one event or all of them', () => {
    const emitter = new TypedEmitter<TestEvents>();
    emitter.on('closed', () => {});
    emitter.on('greeted', () => {});
    emitter.removeAllListeners('closed');
    expect(emitter.listenerCount('closed')).toBe(0);
    expect(emitter.listenerCount('greeted')).toBe(1);
    emitter.removeAllListeners();
    expect(emitter.listenerCount('greeted')).toBe(0);
  });
});
