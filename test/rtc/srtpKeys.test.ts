/**
 * werift's SRTP ciphers hold their session keys as KeyObjects, made once per session (the "parley
 * patch" in patches/werift+0.25.2.patch). Given Buffers, each packet's createCipheriv/createHmac
 * first tested whether the key was a KeyObject or a CryptoKey, and on Node 24 both tests throw and
 * catch an exception: that was the largest single cost of forwarding after the socket writes.
 * Packets still go through both profiles, and a packet altered on the way is still refused.
 *
 * The same patch reads AES-CM's HMAC-SHA1 tags through a latin1 string rather than a Buffer of
 * their own. Both ends of a round trip would agree on a tag mangled the same way, so the tags are
 * also checked against HMAC-SHA1 computed here, as RFC 3711 §4.2 defines it.
 */
import { createHmac, KeyObject, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RtcpReceiverInfo, RtcpRrPacket, RtpHeader, type SrtcpSession, type SrtpSession } from 'werift';
import { srtpEnds } from '../support/srtpSink.ts';

const PROFILES = [
  { name: 'AES_CM_128_HMAC_SHA1_80', gcm: false },
  { name: 'AEAD_AES_128_GCM', gcm: true },
] as const;

/** The cipher werift encrypts with (not part of its typings). */
function cipherOf(session: SrtpSession | SrtcpSession): Record<string, unknown> {
  return (session as unknown as { localContext: { cipher: Record<string, unknown> } }).localContext.cipher;
}

/** A session's derived HMAC-SHA1 key: for RTP (`srtp`) or RTCP (`srtcp`). */
function authKeyOf(session: SrtpSession | SrtcpSession, which: 'srtp' | 'srtcp'): Buffer {
  return (cipherOf(session)[`${which}SessionAuthTag`] as KeyObject).export();
}

const TAG_BYTES = 10;

/** The 80-bit tag of RFC 3711 §4.2: HMAC-SHA1 over the authenticated portion, then (SRTP only) the ROC. */
function rfc3711Tag(authKey: Buffer, authenticated: Buffer, rolloverCounter?: number): Buffer {
  const hmac = createHmac('sha1', authKey).update(authenticated);
  if (rolloverCounter !== undefined) {
    const roc = Buffer.alloc(4);
    roc.writeUInt32BE(rolloverCounter);
    hmac.update(roc);
  }
  return hmac.digest().subarray(0, TAG_BYTES);
}

describe('werift SRTP with keys made once', () => {
  for (const { name, gcm } of PROFILES) {
    it(`${name}: keys are KeyObjects, packets round-trip, and an altered one is refused`, () => {
      const ends = srtpEnds({ gcm });
      const [sender, receiver] = [ends.sender(), ends.receiver()];
      const cipher = cipherOf(sender);
      const keyFields = Object.keys(cipher).filter((field) => /SessionKey$|SessionAuthTag$/.test(field));
      expect(keyFields.length).toBeGreaterThanOrEqual(2);
      for (const field of keyFields) expect(cipher[field], field).toBeInstanceOf(KeyObject);

      for (let sequenceNumber = 1; sequenceNumber <= 50; sequenceNumber++) {
        const payload = randomBytes(200 + sequenceNumber);
        const header = new RtpHeader({ payloadType: 96, sequenceNumber, timestamp: sequenceNumber * 3000, ssrc: 1234, marker: sequenceNumber % 5 === 0 });
        const protectedPacket = sender.encrypt(payload, header);
        expect(protectedPacket.subarray(12).equals(payload)).toBe(false);
        const clear = receiver.decrypt(protectedPacket);
        // The whole clear packet, header and payload (the patch rebuilds GCM's from the two).
        expect(clear.equals(Buffer.concat([header.serialize(header.serializeSize), payload])), `packet ${sequenceNumber}`).toBe(true);
      }
      const header = new RtpHeader({ payloadType: 96, sequenceNumber: 51, timestamp: 153_000, ssrc: 1234 });
      const altered = sender.encrypt(randomBytes(100), header);
      altered[20] = altered[20]! ^ 0xff;
      expect(() => receiver.decrypt(altered)).toThrow();
    });
  }
});

describe('werift AES-CM tags read as strings', () => {
  it('are the HMAC-SHA1 of RFC 3711 on every RTP packet, including tag bytes above 0x7f', () => {
    const ends = srtpEnds();
    const [sender, receiver] = [ends.sender(), ends.receiver()];
    const authKey = authKeyOf(sender, 'srtp');
    let highBytes = 0;
    for (let sequenceNumber = 1; sequenceNumber <= 200; sequenceNumber++) {
      const header = new RtpHeader({ payloadType: 96, sequenceNumber, timestamp: sequenceNumber * 3000, ssrc: 99 });
      const protectedPacket = sender.encrypt(randomBytes(1100), header);
      const tag = protectedPacket.subarray(protectedPacket.length - TAG_BYTES);
      expect(tag.equals(rfc3711Tag(authKey, protectedPacket.subarray(0, protectedPacket.length - TAG_BYTES), 0)), `packet ${sequenceNumber}`).toBe(true);
      highBytes += tag.filter((byte) => byte > 0x7f).length;
      receiver.decrypt(protectedPacket);
    }
    // Half of random bytes are above 0x7f: the ones an encoding other than latin1 would change.
    expect(highBytes).toBeGreaterThan(500);
  });

  it('are the HMAC-SHA1 of RFC 3711 on RTCP packets, and a wrong tag is refused', () => {
    const ends = srtpEnds();
    const [sender, receiver] = [ends.rtcpSender(), ends.rtcpReceiver()];
    const authKey = authKeyOf(sender, 'srtcp');
    for (let i = 0; i < 50; i++) {
      const report = new RtcpRrPacket({ ssrc: 4321, reports: [new RtcpReceiverInfo({ ssrc: 99, fractionLost: i, packetsLost: i * 3, highestSequence: 1000 + i, jitter: i, lsr: i * 7, dlsr: i * 11 })] });
      const protectedPacket = sender.encrypt(report.serialize());
      const tag = protectedPacket.subarray(protectedPacket.length - TAG_BYTES);
      expect(tag.equals(rfc3711Tag(authKey, protectedPacket.subarray(0, protectedPacket.length - TAG_BYTES))), `report ${i}`).toBe(true);
      expect(receiver.decrypt(protectedPacket).equals(report.serialize())).toBe(true);
      const forged = Buffer.from(protectedPacket);
      forged[forged.length - 1] = forged[forged.length - 1]! ^ 0x80;
      expect(() => receiver.decrypt(forged)).toThrow();
    }
  });
});
