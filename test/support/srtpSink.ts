/**
 * A connected DTLS transport as werift's RTP sender sees it, with a real SRTP session and no
 * socket: what the sender writes goes to `onWrite`, still encrypted. `subscriber` holds the other
 * end's keys, to read a packet back as the receiving browser would. Shared by the sender's tests
 * (test/rtc/weriftSender.test.ts) and the forwarding-path benchmark (bench/rtc/forwardPath.ts).
 */
import crypto from 'node:crypto';
import { Event, ProtectionProfileAeadAes128Gcm, ProtectionProfileAes128CmHmacSha1_80, RTCDtlsTransport, SrtpSession } from 'werift';

export interface SrtpSink {
  transport: RTCDtlsTransport;
  /** The receiving end's session: `subscriber.decrypt(packet)` gives the plain RTP. */
  subscriber: SrtpSession;
}

export function srtpSink(options: { gcm?: boolean; onWrite: (data: Buffer) => Promise<void> }): SrtpSink {
  const profile = options.gcm ? ProtectionProfileAeadAes128Gcm : ProtectionProfileAes128CmHmacSha1_80;
  const saltBytes = options.gcm ? 12 : 14;
  const ours = { key: crypto.randomBytes(16), salt: crypto.randomBytes(saltBytes) };
  const theirs = { key: crypto.randomBytes(16), salt: crypto.randomBytes(saltBytes) };
  const session = (local: typeof ours, remote: typeof ours) =>
    new SrtpSession({ keys: { localMasterKey: local.key, localMasterSalt: local.salt, remoteMasterKey: remote.key, remoteMasterSalt: remote.salt }, profile });
  const transport = Object.assign(Object.create(RTCDtlsTransport.prototype) as RTCDtlsTransport, {
    state: 'connected',
    config: {},
    onStateChange: new Event(),
    transportSequenceNumber: 0,
    bytesSent: 0,
    packetsSent: 0,
    srtp: session(ours, theirs),
    iceTransport: { connection: { send: options.onWrite } },
    sendRtcp: async () => {},
  });
  return { transport, subscriber: session(theirs, ours) };
}
