/**
 * A connected DTLS transport as werift's RTP sender sees it, with a real SRTP session and no
 * socket: what the sender writes goes to `onWrite`, still encrypted. `subscriber` holds the other
 * end's keys, to read a packet back as the receiving browser would. Shared by the sender's tests
 * (test/rtc/weriftSender.test.ts) and the forwarding-path benchmark (bench/rtc/forwardPath.ts), which
 * also uses `srtpEnds` for the publisher's side; the SRTP patch's tests (test/rtc/srtpKeys.test.ts)
 * take their session pairs from `srtpEnds` too.
 */
import crypto from 'node:crypto';
import { Event, ProtectionProfileAeadAes128Gcm, ProtectionProfileAes128CmHmacSha1_80, RTCDtlsTransport, SrtcpSession, SrtpSession } from 'werift';

export interface SrtpSink {
  transport: RTCDtlsTransport;
  /** The receiving end's session: `subscriber.decrypt(packet)` gives the plain RTP. */
  subscriber: SrtpSession;
}

/** One end's view of a pair of keys: what `new SrtpSession` and `new SrtcpSession` take. */
type SessionConfig = ConstructorParameters<typeof SrtpSession>[0];

/**
 * Two ends' SRTP keys (AES-CM + HMAC-SHA1, or AES-GCM), fresh random ones. Each call makes a new
 * session with the same keys: `sender()` encrypts what `receiver()` decrypts, and for RTCP
 * `rtcpSender()` what `rtcpReceiver()` decrypts.
 */
export function srtpEnds(options: { gcm?: boolean } = {}): {
  sender: () => SrtpSession;
  receiver: () => SrtpSession;
  rtcpSender: () => SrtcpSession;
  rtcpReceiver: () => SrtcpSession;
} {
  const profile = options.gcm ? ProtectionProfileAeadAes128Gcm : ProtectionProfileAes128CmHmacSha1_80;
  const saltBytes = options.gcm ? 12 : 14;
  const ours = { key: crypto.randomBytes(16), salt: crypto.randomBytes(saltBytes) };
  const theirs = { key: crypto.randomBytes(16), salt: crypto.randomBytes(saltBytes) };
  const config = (local: typeof ours, remote: typeof ours): SessionConfig => ({
    keys: { localMasterKey: local.key, localMasterSalt: local.salt, remoteMasterKey: remote.key, remoteMasterSalt: remote.salt },
    profile,
  });
  return {
    sender: () => new SrtpSession(config(ours, theirs)),
    receiver: () => new SrtpSession(config(theirs, ours)),
    rtcpSender: () => new SrtcpSession(config(ours, theirs)),
    rtcpReceiver: () => new SrtcpSession(config(theirs, ours)),
  };
}

/** `onWrite` is the socket's write: a promise when the test wants a write that settles later (or never). */
export function srtpSink(options: { gcm?: boolean; onWrite: (data: Buffer) => Promise<void> | void }): SrtpSink {
  const ends = srtpEnds(options);
  const transport = Object.assign(Object.create(RTCDtlsTransport.prototype) as RTCDtlsTransport, {
    state: 'connected',
    config: {},
    onStateChange: new Event(),
    transportSequenceNumber: 0,
    bytesSent: 0,
    packetsSent: 0,
    srtp: ends.sender(),
    // `sendNow` is what the sender's per-packet path calls (the sendNow hunk of patches/werift);
    // a write that throws is the socket's error, which that path drops.
    iceTransport: {
      connection: {
        send: async (data: Buffer) => options.onWrite(data),
        sendNow: (data: Buffer) => {
          void options.onWrite(data)?.catch(() => {});
        },
      },
    },
    sendRtcp: async () => {},
  });
  return { transport, subscriber: ends.receiver() };
}
