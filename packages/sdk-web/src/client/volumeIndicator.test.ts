import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { toLevel, VolumeIndicator, type VolumeIndicatorResult } from './volumeIndicator.ts';

describe('VolumeIndicator', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reports every 2 s the loudest reading of each user in those 2 s, and nothing once stopped', () => {
    let readings: VolumeIndicatorResult[] = [{ uid: 'a', level: 0 }, { uid: 'b', level: 5 }];
    const reports: VolumeIndicatorResult[][] = [];
    const indicator = new VolumeIndicator(() => readings, (levels) => reports.push(levels));
    indicator.start();
    vi.advanceTimersByTime(1_000);
    readings = [{ uid: 'a', level: 60 }, { uid: 'b', level: 1 }];
    vi.advanceTimersByTime(100);
    readings = [{ uid: 'a', level: 0 }, { uid: 'b', level: 2 }];
    vi.advanceTimersByTime(900);
    expect(reports).toEqual([[{ uid: 'a', level: 60 }, { uid: 'b', level: 5 }]]);
    // A user who left is not reported.
    readings = [{ uid: 'a', level: 3 }];
    vi.advanceTimersByTime(2_000);
    expect(reports[1]).toEqual([{ uid: 'a', level: 3 }]);
    indicator.stop();
    vi.advanceTimersByTime(10_000);
    expect(reports).toHaveLength(2);
  });

  it('turns 0–1 readings into 0–100 levels', () => {
    expect([toLevel(0), toLevel(0.4567), toLevel(1), toLevel(3), toLevel(-1)]).toEqual([0, 45.7, 100, 100, 0]);
  });
});
