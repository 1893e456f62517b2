import { describe, expect, it } from 'vitest';
import { LinkQuality, qualityOf } from './networkQuality.ts';

describe('network quality', () => {
  it('grades loss and round trip as Agora does, 1 (excellent) to 6 (down)', () => {
    expect(qualityOf(0, 20)).toBe(1);
    expect(qualityOf(0.02, 20)).toBe(2);
    expect(qualityOf(0, 200)).toBe(2);
    expect(qualityOf(0.05, 20)).toBe(3);
    expect(qualityOf(0.1, 20)).toBe(4);
    expect(qualityOf(0.2, 20)).toBe(5);
    expect(qualityOf(0.5, 20)).toBe(6);
  });

  it('grades each interval by what changed in it, unknown without a link, down when nothing passed', () => {
    const link = new LinkQuality();
    expect(link.next(undefined)).toBe(0);
    expect(link.next({ packets: 100, lost: 0, rttMs: 30 })).toBe(1);
    expect(link.next({ packets: 200, lost: 0, rttMs: 30 })).toBe(1);
    // 10 lost of 110 in the interval: 9%.
    expect(link.next({ packets: 300, lost: 10, rttMs: 30 })).toBe(4);
    expect(link.next({ packets: 400, lost: 10, rttMs: 30 })).toBe(1);
    expect(link.next({ packets: 400, lost: 10, rttMs: 30 })).toBe(6);
  });
});
