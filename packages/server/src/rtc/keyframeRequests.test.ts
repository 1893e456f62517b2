import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KeyframeRequests, MIN_KEYFRAME_INTERVAL_MS } from './keyframeRequests.ts';

let sent: Array<[number, number]> = [];
const pli = (ssrc: number) => () => sent.push([ssrc, Date.now() - 1_000_000]);

describe('keyframe requests to a publisher', () => {
  let requests: KeyframeRequests;
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
    sent = [];
    requests = new KeyframeRequests();
  });
  afterEach(() => {
    requests.stop();
    vi.useRealTimers();
  });

  it('sends the first request at once, per SSRC', () => {
    requests.request(1, pli(1));
    requests.request(2, pli(2));
    expect(sent).toEqual([
      [1, 0],
      [2, 0],
    ]);
  });

  it('sends the requests made inside the interval once, when it ends, not never', () => {
    requests.request(1, pli(1));
    vi.advanceTimersByTime(50);
    requests.request(1, pli(1));
    vi.advanceTimersByTime(50);
    requests.request(1, pli(1));
    expect(sent).toEqual([[1, 0]]);
    vi.advanceTimersByTime(MIN_KEYFRAME_INTERVAL_MS);
    expect(sent).toEqual([
      [1, 0],
      [1, MIN_KEYFRAME_INTERVAL_MS],
    ]);
    // The interval counts from that second request.
    requests.request(1, pli(1));
    vi.advanceTimersByTime(MIN_KEYFRAME_INTERVAL_MS);
    expect(sent.at(-1)).toEqual([1, 2 * MIN_KEYFRAME_INTERVAL_MS]);
  });

  it('sends at once again once the interval has passed', () => {
    requests.request(1, pli(1));
    vi.advanceTimersByTime(MIN_KEYFRAME_INTERVAL_MS + 1);
    requests.request(1, pli(1));
    expect(sent).toEqual([
      [1, 0],
      [1, MIN_KEYFRAME_INTERVAL_MS + 1],
    ]);
  });

  it('sends nothing more once stopped', () => {
    requests.request(1, pli(1));
    requests.request(1, pli(1));
    requests.stop();
    vi.advanceTimersByTime(10 * MIN_KEYFRAME_INTERVAL_MS);
    expect(sent).toEqual([[1, 0]]);
  });
});
