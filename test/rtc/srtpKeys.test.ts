/**
 * werift's SRTP ciphers hold their session keys as KeyObjects, made once per session (the "parley
 * patch" in patches/werift+0.25.2.patch). Given Buffers, each packet's createCipheriv/createHmac
 * first tested whether the key was a KeyObject or a CryptoKey, and on Node 24 both tests throw and
 * catch an exception: that was the largest single cost of forwarding after the socket writes.
 * Packets still go through both profiles, and a packet altered on the way is still refused.
 */
import { KeyObject, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ProtectionProfileAeadAes128Gcm, ProtectionProfileAes128CmHmacSha1_80, RtpHeader, SrtpSession } from 'werift';

const PROFILES = [
  { name: 'AES_CM_128_HMAC_SHA1_80', profile: ProtectionProfileAes128CmHmacSha1_80, saltLength: 14 },
  { name: 'AEAD_AES_128_GCM', profile: ProtectionProfileAeadAes128Gcm, saltLength: 12 },
] as const;

function sessionPair(profile: number, saltLength: number) {
  const a = { key: randomBytes(16), salt: randomBytes(saltLength) };
  const b = { key: randomBytes(16), salt: randomBytes(saltLength) };
  const session = (local: typeof a, remote: typeof a) =>
    new SrtpSession({ profile: profile as never, keys: { localMasterKey: local.key, localMasterSalt: local.salt, remoteMasterKey: remote.key, remoteMasterSalt: remote.salt } });
  return { sender: session(a, b), receiver: session(b, a) };
}

/** The cipher werift encrypts with (not part of its typings). */
function cipherOf(session: SrtpSession): Record<string, unknown> {
  return (session as unknown as { localContext: { cipher: Record<string, unknown> } }).localContext.cipher;
}

describe('werift SRTP with keys made once', () => {
  for (const { name, profile, saltLength } of PROFILES) {
    it(`${name}: keys are KeyObjects, packets round-trip, and an altered one is refused`, () => {
      const { sender, receiver } = sessionPair(profile, saltLength);
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
        expect(clear.subarray(clear.length - payload.length).equals(payload), `packet ${sequenceNumber}`).toBe(true);
      }
      const header = new RtpHeader({ payloadType: 96, sequenceNumber: 51, timestamp: 153_000, ssrc: 1234 });
      const altered = sender.encrypt(randomBytes(100), header);
      altered[20] = altered[20]! ^ 0xff;
      expect(() => receiver.decrypt(altered)).toThrow();
    });
  }
});
