import { describe, expect, it } from 'vitest';
import { KeyframeWatch, LOSS_GRACE_MS, RETRY_MS } from './keyframeWatch.ts';

/** A watch and the times it asked for a keyframe. */
function watch(): { keyframes: KeyframeWatch; asked: number[]; at: { now: number } } {
  const at = { now: 0 };
  const asked: number[] = [];
  return { keyframes: new KeyframeWatch(() => asked.push(at.now)), asked, at };
}

/** Packets `from`..`to` (inclusive, wrapping at 2^16), one every 10 ms, with a check after each. */
function stream(w: ReturnType<typeof watch>, from: number, count: number, skip: (seq: number) => boolean = () => false): void {
  for (let i = 0; i < count; i += 1) {
    const seq = (from + i) & 0xffff;
    w.at.now += 10;
    if (!skip(seq)) w.keyframes.packet(seq, w.at.now);
    w.keyframes.check(w.at.now);
  }
}

describe('keyframe watch', () => {
  it('asks at once, and again every second until a keyframe is written', () => {
    const w = watch();
    w.keyframes.need(w.at.now);
    stream(w, 100, 250);
    expect(w.asked).toEqual([0, RETRY_MS, 2 * RETRY_MS]);
    w.keyframes.keyframe();
    stream(w, 350, 300);
    expect(w.asked).toHaveLength(3);
  });

  it('does not ask again while the publisher sends nothing, and asks once packets flow', () => {
    const w = watch();
    w.keyframes.need(0);
    for (w.at.now = 0; w.at.now < 5_000; w.at.now += 100) w.keyframes.check(w.at.now);
    expect(w.asked).toEqual([0]);
    stream(w, 1, 1);
    expect(w.asked).toEqual([0, 5_010]);
  });

  it('asks after a packet stays missing for the grace time, not when a retransmission fills the gap', () => {
    const w = watch();
    w.keyframes.need(0);
    w.keyframes.keyframe();
    // Packet 105 is missing until a retransmission brings it 200 ms later: repaired, no request.
    stream(w, 100, 10, (seq) => seq === 105);
    stream(w, 110, 10);
    w.keyframes.packet(105, w.at.now);
    stream(w, 120, 100);
    expect(w.asked).toEqual([0]);
    // Packet 300 never comes: one request once the grace time has passed, then again each second
    // until a keyframe is written.
    const foundMissing = w.at.now + 82 * 10; // when packet 301, the 82nd, arrives
    stream(w, 220, 250, (seq) => seq === 300);
    expect(w.asked).toEqual([0, foundMissing + LOSS_GRACE_MS, foundMissing + LOSS_GRACE_MS + RETRY_MS]);
    w.keyframes.keyframe();
    stream(w, 470, 300);
    expect(w.asked).toHaveLength(3);
  });

  it('follows sequence numbers across the 16-bit wrap, and asks at once after a gap too long to repair', () => {
    const w = watch();
    w.keyframes.need(0);
    w.keyframes.keyframe();
    stream(w, 65_500, 100);
    expect(w.asked).toEqual([0]);
    w.at.now += RETRY_MS;
    w.keyframes.packet((65_500 + 100 + 2_000) & 0xffff, w.at.now);
    expect(w.asked).toEqual([0, w.at.now]);
  });
});
