import { describe, expect, it } from 'vitest';
import { chooseLayer, deepestFallback, layerOfStreamType, streamTypeOfLayer, type VideoLayer } from './layerChoice.ts';

const both = new Set<VideoLayer>(['high', 'low']);
const single = new Set<VideoLayer>(['high']);

describe('which layer a subscriber receives', () => {
  it('gives what was asked for when the publisher sends dual stream', () => {
    expect(chooseLayer('high', both, 0)).toBe('high');
    expect(chooseLayer('low', both, 0)).toBe('low');
  });

  it('gives the only layer of a publisher without dual stream, whatever was asked', () => {
    expect(chooseLayer('low', single, 0)).toBe('high');
    expect(chooseLayer('high', single, 1)).toBe('high');
  });

  it('falls back to the low layer, then to no video', () => {
    expect(chooseLayer('high', both, 1)).toBe('low');
    expect(chooseLayer('high', both, 2)).toBeUndefined();
    expect(chooseLayer('low', single, 2)).toBeUndefined();
    expect(chooseLayer('high', new Set(), 0)).toBeUndefined();
  });

  it('maps Agora\'s stream types and fallback options', () => {
    expect(layerOfStreamType(0)).toBe('high');
    expect(layerOfStreamType(1)).toBe('low');
    expect(streamTypeOfLayer('low')).toBe(1);
    expect(streamTypeOfLayer('high')).toBe(0);
    expect([0, 1, 2].map((option) => deepestFallback(option as 0 | 1 | 2))).toEqual([0, 1, 2]);
  });
});
