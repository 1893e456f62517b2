/**
 * werift reads the bit fields of RTP headers and payload descriptors with `getBit`, which the
 * "parley" hunk of patches/werift+0.25.2.patch turns from string handling into bit arithmetic:
 * every received packet's header is read twice (SRTP, then the receiver), six fields each
 * (bench:forward's receiving side: 15-29% less CPU a packet). The fields must read as RFC 3550
 * and RFC 7741 lay them out, and a descriptor cut short must still be refused rather than read as
 * zeros.
 */
import { describe, expect, it } from 'vitest';
import { RtpHeader, Vp8RtpPayload } from 'werift';

/** An RTP fixed header with `csrcs` contributing sources, written byte by byte from RFC 3550 §5.1. */
function rtpHeaderBytes(fields: { version: number; padding: boolean; csrcs: number[]; marker: boolean; payloadType: number }): Buffer {
  const bytes = Buffer.alloc(12 + 4 * fields.csrcs.length);
  bytes[0] = (fields.version << 6) | (fields.padding ? 0x20 : 0) | fields.csrcs.length;
  bytes[1] = (fields.marker ? 0x80 : 0) | fields.payloadType;
  bytes.writeUInt16BE(0xbeef, 2);
  bytes.writeUInt32BE(0x01020304, 4);
  bytes.writeUInt32BE(0xcafef00d, 8);
  fields.csrcs.forEach((csrc, i) => bytes.writeUInt32BE(csrc, 12 + 4 * i));
  return bytes;
}

describe('werift reads RTP bit fields', () => {
  it('reads version, padding, CSRC count, marker and payload type for every value they can take', () => {
    for (const version of [0, 1, 2, 3]) {
      for (const padding of [false, true]) {
        for (const csrcCount of [0, 1, 15]) {
          for (const marker of [false, true]) {
            for (const payloadType of [0, 1, 63, 96, 111, 127]) {
              const csrcs = Array.from({ length: csrcCount }, (_, i) => 0x10000 * i + 7);
              const header = RtpHeader.deSerialize(rtpHeaderBytes({ version, padding, csrcs, marker, payloadType }));
              expect({ version: header.version, padding: header.padding, extension: header.extension, csrc: header.csrc, marker: header.marker, payloadType: header.payloadType })
                .toEqual({ version, padding, extension: false, csrc: csrcs, marker, payloadType });
              expect([header.sequenceNumber, header.timestamp, header.ssrc]).toEqual([0xbeef, 0x01020304, 0xcafef00d]);
            }
          }
        }
      }
    }
  });

  it('reads a VP8 payload descriptor and payload header: start, partition, picture id, keyframe (RFC 7741 §4.2, §4.3)', () => {
    // X=1 S=1 PID=0 | I=1 | M=1, 15-bit picture id 0x5a5a | TL0PICIDX | payload header:
    // SIZE0=5 H=1 VER=2 P=0 (a keyframe), SIZE1=2, SIZE2=1.
    const keyframe = Vp8RtpPayload.deSerialize(Buffer.from([0x90, 0x80, 0xda, 0x5a, 0xb4, 0x02, 0x01]));
    expect({ x: keyframe.xBit, s: keyframe.sBit, pid: keyframe.pid, i: keyframe.iBit, m: keyframe.mBit, pictureId: keyframe.pictureId })
      .toEqual({ x: 1, s: 1, pid: 0, i: 1, m: 1, pictureId: 0x5a5a });
    expect({ size0: keyframe.size0, h: keyframe.hBit, ver: keyframe.ver, p: keyframe.pBit, size: keyframe.size, keyframe: keyframe.isKeyframe })
      .toEqual({ size0: 5, h: 1, ver: 2, p: 0, size: 5 + 8 * 2 + 2048 * 1, keyframe: true });
    // X=1 S=1 | I=1 | M=0, 7-bit picture id 0x35 | P=1: an interframe.
    const delta = Vp8RtpPayload.deSerialize(Buffer.from([0x90, 0x80, 0x35, 0x01, 0x00, 0x00]));
    expect({ m: delta.mBit, pictureId: delta.pictureId, keyframe: delta.isKeyframe }).toEqual({ m: 0, pictureId: 0x35, keyframe: false });
    // X=0 S=0 PID=5: a later partition, no payload header.
    const later = Vp8RtpPayload.deSerialize(Buffer.from([0x05, 0xff]));
    expect({ x: later.xBit, s: later.sBit, pid: later.pid, size: later.size, payload: [...later.payload] }).toEqual({ x: 0, s: 0, pid: 5, size: 0, payload: [0xff] });
  });

  it('refuses a VP8 descriptor cut short instead of reading missing bytes as zeros', () => {
    // X=1 promises an extension byte that is not there.
    expect(() => Vp8RtpPayload.deSerialize(Buffer.from([0x80]))).toThrow();
    // I=1 with M=1 promises a second picture id byte that is not there.
    expect(() => Vp8RtpPayload.deSerialize(Buffer.from([0x80, 0x80, 0x80]))).toThrow();
  });
});
