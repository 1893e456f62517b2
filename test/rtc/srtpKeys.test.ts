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
 *
 * And AES-CM's RTP packets are made without a cipher and an Hmac object each: the keystream from one
 * AES-ECB cipher a session over the packet's counter blocks, the tag from two one-shot SHA-1
 * digests. So payloads and tags are checked against AES-CTR and HMAC-SHA1 computed here apart, at
 * lengths around the AES block and past the counter blocks made up front, across a rollover of
 * the sequence number, and against the keystream of RFC 3711 B.2. Its RTCP packets are made the
 * same way with the session's SRTCP keys, so theirs are checked the same way, at indexes whose high
 * bits go into the counter block too.
 */
import { createCipheriv, createHmac, KeyObject, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ProtectionProfileAes128CmHmacSha1_80, RtcpReceiverInfo, RtcpRrPacket, RtpHeader, SrtpSession, type SrtcpSession } from 'werift';
import { srtpEnds } from '../support/srtpSink.ts';

const PROFILES = [
  { name: 'AES_CM_128_HMAC_SHA1_80', gcm: false },
  { name: 'AEAD_AES_128_GCM', gcm: true },
] as const;

/** The cipher werift encrypts with (not part of its typings). */
function cipherOf(session: SrtpSession | SrtcpSession): Record<string, unknown> {
  return (session as unknown as { localContext: { cipher: Record<string, unknown> } }).localContext.cipher;
}

/** The cipher werift decrypts with: the other end's keys. */
function remoteCipherOf(session: SrtpSession | SrtcpSession): Record<string, unknown> {
  return (session as unknown as { remoteContext: { cipher: Record<string, unknown> } }).remoteContext.cipher;
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

/** The payload of RFC 3711 §4.1.1's AES-CM, computed with Node's AES-128-CTR: IV = salt ⊕ SSRC·2^64 ⊕ index·2^16. */
function rfc3711Payload(sessionKey: KeyObject, salt: Buffer, ssrc: number, rolloverCounter: number, sequenceNumber: number, clear: Buffer): Buffer {
  const iv = Buffer.alloc(16);
  salt.copy(iv, 0, 0, 14);
  iv.writeUInt32BE((iv.readUInt32BE(4) ^ ssrc) >>> 0, 4);
  iv.writeUInt32BE((iv.readUInt32BE(8) ^ rolloverCounter) >>> 0, 8);
  iv.writeUInt16BE(iv.readUInt16BE(12) ^ sequenceNumber, 12);
  return createCipheriv('aes-128-ctr', sessionKey, iv).update(clear);
}

describe('werift AES-CM without a cipher object a packet', () => {
  it('gives the keystream of RFC 3711 B.2', () => {
    const Cipher = cipherOf(srtpEnds().sender()).constructor as new (...keys: Buffer[]) => { encryptRtp(header: RtpHeader, payload: Buffer, rolloverCounter: number): Buffer };
    const key = Buffer.from('2B7E151628AED2A6ABF7158809CF4F3C', 'hex');
    const salt = Buffer.from('F0F1F2F3F4F5F6F7F8F9FAFBFCFD', 'hex');
    const cipher = new Cipher(key, salt, key, salt, randomBytes(20), randomBytes(20));
    const protectedPacket = cipher.encryptRtp(new RtpHeader({ payloadType: 96, sequenceNumber: 0, timestamp: 0, ssrc: 0 }), Buffer.alloc(48), 0);
    expect(protectedPacket.subarray(12, 60).toString('hex').toUpperCase()).toBe(
      'E03EAD0935C95E80E166B16DD92B4EB4' + 'D23513162B02D0F72A43A2FE4A5F97AB' + '41E95B3BB0A2E8DD477901E4FCA894C0',
    );
  });

  it('matches AES-CTR and HMAC-SHA1 computed apart, at every length and across a sequence number rollover', () => {
    const ends = srtpEnds();
    const [sender, receiver] = [ends.sender(), ends.receiver()];
    const cipher = cipherOf(sender);
    const [sessionKey, salt, authKey] = [cipher.srtpSessionKey as KeyObject, cipher.srtpSessionSalt as Buffer, authKeyOf(sender, 'srtp')];
    const ssrc = 0xdeadbeef;
    // 5,000 bytes: past the 2,048 bytes of counter blocks made up front.
    const lengths = [0, 1, 15, 16, 17, 31, 32, 33, 1100, 1400, 5000];
    let sequenceNumber = 65_530;
    let rolloverCounter = 0;
    for (let round = 0; round < 2; round++) {
      for (const length of lengths) {
        const clear = randomBytes(length);
        // CSRCs and a one-byte header extension: a header longer than 12 bytes.
        const header = new RtpHeader({ payloadType: 96, sequenceNumber, timestamp: sequenceNumber * 3000, ssrc, csrc: [1, 2], extension: true, extensionProfile: 0xbede, extensions: [{ id: 1, payload: Buffer.from([7, 8, 9]) }] });
        const headerBytes = header.serialize(header.serializeSize);
        const protectedPacket = sender.encrypt(clear, header);
        expect(protectedPacket.length, `length ${length}`).toBe(headerBytes.length + length + TAG_BYTES);
        expect(protectedPacket.subarray(0, headerBytes.length).equals(headerBytes), `header, length ${length}`).toBe(true);
        const encrypted = protectedPacket.subarray(headerBytes.length, protectedPacket.length - TAG_BYTES);
        expect(encrypted.equals(rfc3711Payload(sessionKey, salt, ssrc, rolloverCounter, sequenceNumber, clear)), `payload, length ${length}, ROC ${rolloverCounter}`).toBe(true);
        const tag = protectedPacket.subarray(protectedPacket.length - TAG_BYTES);
        expect(tag.equals(rfc3711Tag(authKey, protectedPacket.subarray(0, protectedPacket.length - TAG_BYTES), rolloverCounter)), `tag, length ${length}`).toBe(true);
        expect(receiver.decrypt(protectedPacket).equals(Buffer.concat([headerBytes, clear])), `round trip, length ${length}`).toBe(true);
        sequenceNumber = (sequenceNumber + 1) % 65_536;
        if (sequenceNumber === 0) rolloverCounter += 1;
      }
    }
    expect(rolloverCounter).toBe(1);
  });

  it('refuses a packet altered in its header, its payload or its tag, and still takes the next one', () => {
    const ends = srtpEnds();
    const [sender, receiver] = [ends.sender(), ends.receiver()];
    for (const [sequenceNumber, position] of [[1, 1], [2, 20], [3, -1]] as const) {
      const protectedPacket = sender.encrypt(randomBytes(300), new RtpHeader({ payloadType: 96, sequenceNumber, timestamp: sequenceNumber * 3000, ssrc: 5 }));
      const index = position < 0 ? protectedPacket.length + position : position;
      const altered = Buffer.from(protectedPacket);
      altered[index] = altered[index]! ^ 0x01;
      expect(() => receiver.decrypt(altered), `byte ${index}`).toThrow(/authenticate/);
      expect(receiver.decrypt(protectedPacket).length).toBe(protectedPacket.length - TAG_BYTES);
    }
  });
});

type RtcpCipher = { encryptRTCP(packet: Buffer, srtcpIndex: number): Buffer; decryptRTCP(packet: Buffer): [Buffer, unknown] };

describe('werift AES-CM SRTCP without a cipher object a packet', () => {
  const ends = srtpEnds();
  const sending = cipherOf(ends.rtcpSender()) as Record<string, unknown> & RtcpCipher;
  const receiving = remoteCipherOf(ends.rtcpReceiver()) as Record<string, unknown> & RtcpCipher;
  const [sessionKey, salt] = [sending.srtcpSessionKey as KeyObject, sending.srtcpSessionSalt as Buffer];
  const authKey = (sending.srtcpSessionAuthTag as KeyObject).export();
  /** A receiver report with `reports` report blocks: 8 + 24 × reports bytes. */
  const report = (reports: number, ssrc: number): Buffer =>
    Buffer.from(new RtcpRrPacket({ ssrc, reports: Array.from({ length: reports }, (_, i) => new RtcpReceiverInfo({ ssrc: i + 1, fractionLost: i, packetsLost: i, highestSequence: 1000 + i, jitter: i, lsr: i, dlsr: i })) }).serialize());

  it('matches AES-CTR and HMAC-SHA1 computed apart at every length and index, and round-trips', () => {
    // Indexes past 16 bits put their high bits in the counter block's ROC bytes (RFC 3711 §4.1.1).
    const indexes = [0, 1, 65_535, 65_536, 0x12345678, 0x7fffffff];
    for (const srtcpIndex of indexes) {
      for (const reports of [0, 1, 2, 5, 31]) {
        const ssrc = 0x80000000 + reports;
        const clear = report(reports, ssrc);
        const label = `index ${srtcpIndex}, ${clear.length} bytes`;
        const protectedPacket = sending.encryptRTCP(clear, srtcpIndex);
        expect(protectedPacket.length, label).toBe(clear.length + 4 + TAG_BYTES);
        expect(protectedPacket.subarray(0, 8).equals(clear.subarray(0, 8)), `header, ${label}`).toBe(true);
        const encrypted = protectedPacket.subarray(8, clear.length);
        expect(encrypted.equals(rfc3711Payload(sessionKey, salt, ssrc, srtcpIndex >>> 16, srtcpIndex & 0xffff, clear.subarray(8))), `payload, ${label}`).toBe(true);
        // The E flag, then the index.
        expect(protectedPacket.readUInt32BE(clear.length), `trailer, ${label}`).toBe((0x80000000 | srtcpIndex) >>> 0);
        const tag = protectedPacket.subarray(protectedPacket.length - TAG_BYTES);
        expect(tag.equals(rfc3711Tag(authKey, protectedPacket.subarray(0, protectedPacket.length - TAG_BYTES))), `tag, ${label}`).toBe(true);
        expect(receiving.decryptRTCP(protectedPacket)[0].equals(clear), `round trip, ${label}`).toBe(true);
      }
    }
  });

  it('passes an authenticated packet sent in the clear (E flag off) through as it came', () => {
    const clear = report(2, 77);
    const trailer = Buffer.alloc(4);
    trailer.writeUInt32BE(42);
    const authenticated = Buffer.concat([clear, trailer]);
    const packet = Buffer.concat([authenticated, rfc3711Tag(authKey, authenticated)]);
    expect(receiving.decryptRTCP(packet)[0].equals(clear)).toBe(true);
  });

  it('refuses a packet altered in its header, payload, index or tag, or too short, and still takes the next one', () => {
    const clear = report(3, 9);
    const protectedPacket = sending.encryptRTCP(clear, 7);
    for (const index of [1, 5, 20, clear.length + 3, protectedPacket.length - 1]) {
      const altered = Buffer.from(protectedPacket);
      altered[index] = altered[index]! ^ 0x01;
      expect(() => receiving.decryptRTCP(altered), `byte ${index}`).toThrow(/authenticate/);
    }
    expect(() => receiving.decryptRTCP(protectedPacket.subarray(0, 8 + 4 + TAG_BYTES - 1))).toThrow(/authenticate/);
    expect(() => sending.encryptRTCP(Buffer.alloc(7), 1)).toThrow(RangeError);
    expect(receiving.decryptRTCP(protectedPacket)[0].equals(clear)).toBe(true);
  });
});

/**
 * A session's six keys (RFC 3711 §4.3.1, key derivation rate 0) come from one AES-ECB pass over
 * their eight blocks, where werift made a cipher a block: about half of what starting a
 * connection's SRTP cost. They are checked against RFC 3711 B.3 and against AES-CM computed apart.
 */
describe("werift's SRTP key derivation", () => {
  type Derived = Record<'srtpSessionKey' | 'srtpSessionSalt' | 'srtpSessionAuthTag' | 'srtcpSessionKey' | 'srtcpSessionSalt' | 'srtcpSessionAuthTag', Buffer>;
  const derivedBy = (session: SrtpSession) => (session as unknown as { localContext: Derived }).localContext;
  const sessionWith = (masterKey: Buffer, masterSalt: Buffer) =>
    new SrtpSession({
      keys: { localMasterKey: masterKey, localMasterSalt: masterSalt, remoteMasterKey: randomBytes(16), remoteMasterSalt: randomBytes(14) },
      profile: ProtectionProfileAes128CmHmacSha1_80,
    });
  /** AES-CM's keystream over the master key for `label`: the key derivation as RFC 3711 §4.3.1 and §4.1.1 define it. */
  const rfcDerive = (masterKey: Buffer, masterSalt: Buffer, label: number, bytes: number) => {
    const iv = Buffer.concat([masterSalt, Buffer.alloc(2)]);
    iv[7]! ^= label;
    return createCipheriv('aes-128-ctr', masterKey, iv).update(Buffer.alloc(bytes));
  };

  it('gives the session keys of RFC 3711 B.3', () => {
    const derived = derivedBy(sessionWith(Buffer.from('E1F97A0D3E018BE0D64FA32C06DE4139', 'hex'), Buffer.from('0EC675AD498AFEEBB6960B3AABE6', 'hex')));
    expect(derived.srtpSessionKey.toString('hex').toUpperCase()).toBe('C61E7A93744F39EE10734AFE3FF7A087');
    expect(derived.srtpSessionSalt.toString('hex').toUpperCase()).toBe('30CBBC08863D8C85D49DB34A9AE1');
    expect(derived.srtpSessionAuthTag.toString('hex').toUpperCase()).toBe('CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4');
  });

  it('gives every SRTP and SRTCP key AES-CM gives, for any master key and salt', () => {
    for (let round = 0; round < 50; round++) {
      const masterKey = randomBytes(16);
      const masterSalt = randomBytes(14);
      const derived = derivedBy(sessionWith(masterKey, masterSalt));
      expect(derived.srtpSessionKey.equals(rfcDerive(masterKey, masterSalt, 0, 16))).toBe(true);
      expect(derived.srtpSessionAuthTag.equals(rfcDerive(masterKey, masterSalt, 1, 20))).toBe(true);
      expect(derived.srtpSessionSalt.equals(rfcDerive(masterKey, masterSalt, 2, 14))).toBe(true);
      expect(derived.srtcpSessionKey.equals(rfcDerive(masterKey, masterSalt, 3, 16))).toBe(true);
      expect(derived.srtcpSessionAuthTag.equals(rfcDerive(masterKey, masterSalt, 4, 20))).toBe(true);
      expect(derived.srtcpSessionSalt.equals(rfcDerive(masterKey, masterSalt, 5, 14))).toBe(true);
    }
  });
});
