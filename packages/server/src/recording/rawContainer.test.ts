import { describe, expect, it } from 'vitest';
import { WEBMContainer } from 'werift/nonstandard';
import { relabelAsMatroska } from './rawContainer.ts';

describe('raw recording container', () => {
  it('relabels werift\'s WebM header of an H.264 track as Matroska and keeps the segment that follows', () => {
    const container = new WEBMContainer([{ kind: 'video', codec: 'MPEG4/ISO/AVC', trackNumber: 1 }]);
    const segment = Buffer.from(container.createSegment());
    const initial = Buffer.concat([container.ebmlHeader, segment]);
    const relabelled = relabelAsMatroska(initial);
    expect(relabelled.length).toBe(initial.length + 4);
    // EBML header: its ID, a one-byte size grown by four, DocType "matroska" where "webm" was.
    expect(relabelled.subarray(0, 4).toString('hex')).toBe('1a45dfa3');
    expect(relabelled[4]).toBe(initial[4]! + 4);
    expect(relabelled.subarray(5, 5 + (relabelled[4]! & 0x7f)).toString('latin1')).toContain('\x42\x82\x88matroska');
    expect(relabelled.includes(Buffer.from('webm'))).toBe(false);
    expect(relabelled.subarray(relabelled.length - segment.length).equals(segment)).toBe(true);
    // Not an EBML header: left alone.
    expect(relabelAsMatroska(segment)).toBe(segment);
  });
});
