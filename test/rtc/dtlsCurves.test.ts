/**
 * werift's DTLS key exchange runs on Node's native X25519 and P-256 (the "parley patch: native"
 * in patches/werift+0.25.2.patch). Unpatched, it computed both in pure JavaScript (tweetnacl and
 * noble): about 1.3 ms of CPU per handshake, a sixth of what a join cost the server.
 *
 * Each case lets werift offer or accept one curve only and completes a handshake with libwebrtc's
 * BoringSSL (@roamhq/wrtc), in both DTLS roles, so the key shares werift sends are the ones another
 * stack reads and the secrets agree (a wrong secret fails the Finished messages). The key share on
 * the wire proves which curve ran; spies prove the pure-JavaScript code is not called.
 */
import dgram from 'node:dgram';
import { Certificate, PrivateKey } from '@fidm/x509';
import { p256 } from '@noble/curves/p256';
import nacl from 'tweetnacl';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CipherContext, HashAlgorithm, NamedCurveAlgorithm, NamedCurveAlgorithmList, SignatureAlgorithm, type RTCPeerConnection } from 'werift';
import { completeLocalDescription, createPeer, relayNetwork } from '../../packages/server/src/rtc/peerFactory.ts';
import { completeLocal, createPc, type Pc } from '../support/botMedia.ts';

const HANDSHAKE = 22;
const SERVER_KEY_EXCHANGE = 12;
const CLIENT_KEY_EXCHANGE = 16;
const RECORD_HEADER = 13;
const HANDSHAKE_HEADER = 12;

/** The ECDHE key share in a plaintext handshake record werift sent, if the datagram holds one. */
function keyShareIn(datagram: Buffer): { message: 'ServerKeyExchange' | 'ClientKeyExchange'; curve?: number; publicKey: Buffer } | undefined {
  for (let offset = 0; offset + RECORD_HEADER <= datagram.length; ) {
    const epoch = datagram.readUInt16BE(offset + 3);
    const length = datagram.readUInt16BE(offset + 11);
    const body = datagram.subarray(offset + RECORD_HEADER + HANDSHAKE_HEADER, offset + RECORD_HEADER + length);
    if (datagram[offset] === HANDSHAKE && epoch === 0) {
      const type = datagram[offset + RECORD_HEADER];
      // ServerKeyExchange: curve type (3: named), named curve, key length, key, then the signature.
      if (type === SERVER_KEY_EXCHANGE) return { message: 'ServerKeyExchange', curve: body.readUInt16BE(1), publicKey: body.subarray(4, 4 + body[3]!) };
      if (type === CLIENT_KEY_EXCHANGE) return { message: 'ClientKeyExchange', publicKey: body.subarray(1, 1 + body[0]!) };
    }
    offset += RECORD_HEADER + length;
  }
  return undefined;
}

const originalSend = dgram.Socket.prototype.send;
const originalCurves = [...NamedCurveAlgorithmList];

/** Records the key shares werift sends (wrtc's sockets are native, not dgram's). */
function watchKeyShares(): Array<NonNullable<ReturnType<typeof keyShareIn>>> {
  const seen: Array<NonNullable<ReturnType<typeof keyShareIn>>> = [];
  dgram.Socket.prototype.send = function send(this: dgram.Socket, ...args: unknown[]) {
    const share = Buffer.isBuffer(args[0]) ? keyShareIn(args[0]) : undefined;
    if (share) seen.push(share);
    return (originalSend as (...a: unknown[]) => void).apply(this, args);
  } as typeof dgram.Socket.prototype.send;
  return seen;
}

/** werift offers (as a client) and accepts (as a server) this curve alone. */
function onlyCurve(curve: number): void {
  NamedCurveAlgorithmList.splice(0, NamedCurveAlgorithmList.length, curve as (typeof NamedCurveAlgorithmList)[number]);
}

function connected(pcs: { werift: RTCPeerConnection; wrtc: Pc }): Promise<void> {
  return new Promise((resolve) => {
    const check = () => pcs.werift.connectionState === 'connected' && pcs.wrtc.connectionState === 'connected' && resolve();
    pcs.werift.connectionStateChange.subscribe(check);
    pcs.wrtc.addEventListener('connectionstatechange', check);
  });
}

const network = relayNetwork({ announced: ['127.0.0.1'], portMin: 0, portMax: 0, connectTimeoutMs: 10_000 });

/**
 * werift offers (actpass: libwebrtc answers active, so werift is the DTLS server), or answers
 * libwebrtc's offer (werift answers active: the DTLS client).
 */
async function handshake(weriftOffers: boolean, open: Array<{ close(): unknown }>): Promise<void> {
  const werift = createPeer(network, weriftOffers ? 'subscribe' : 'publish');
  const wrtc = createPc();
  open.push(werift, wrtc);
  const done = connected({ werift, wrtc });
  if (weriftOffers) {
    werift.createDataChannel('probe');
    await werift.setLocalDescription(await werift.createOffer());
    await wrtc.setRemoteDescription({ type: 'offer', sdp: await completeLocalDescription(werift) });
    await wrtc.setLocalDescription(await wrtc.createAnswer());
    await werift.setRemoteDescription({ type: 'answer', sdp: await completeLocal(wrtc) });
  } else {
    wrtc.createDataChannel('probe');
    await wrtc.setLocalDescription(await wrtc.createOffer());
    await werift.setRemoteDescription({ type: 'offer', sdp: await completeLocal(wrtc) });
    await werift.setLocalDescription(await werift.createAnswer());
    await wrtc.setRemoteDescription({ type: 'answer', sdp: await completeLocalDescription(werift) });
  }
  await done;
}

describe("werift's DTLS key exchange on Node's native curves, with libwebrtc at the other end", () => {
  const open: Array<{ close(): unknown }> = [];
  afterEach(async () => {
    dgram.Socket.prototype.send = originalSend;
    NamedCurveAlgorithmList.splice(0, NamedCurveAlgorithmList.length, ...originalCurves);
    vi.restoreAllMocks();
    await Promise.all(open.splice(0).map((pc) => pc.close()));
  });

  const curves = [
    { name: 'X25519', curve: NamedCurveAlgorithm.x25519_29, keyLength: 32 },
    // An uncompressed point: 0x04, then x and y.
    { name: 'P-256', curve: NamedCurveAlgorithm.secp256r1_23, keyLength: 65 },
  ];
  for (const { name, curve, keyLength } of curves) {
    for (const weriftOffers of [true, false]) {
      const role = weriftOffers ? 'server' : 'client';
      it(`${name}, werift the DTLS ${role}`, { timeout: 20_000 }, async () => {
        onlyCurve(curve);
        const pureJs = [vi.spyOn(nacl, 'scalarMult'), vi.spyOn(nacl.box, 'keyPair'), vi.spyOn(p256, 'getSharedSecret'), vi.spyOn(p256, 'getPublicKey')];
        const shares = watchKeyShares();

        await handshake(weriftOffers, open);

        expect(shares).toHaveLength(1);
        const [share] = shares;
        expect(share!.message).toBe(weriftOffers ? 'ServerKeyExchange' : 'ClientKeyExchange');
        if (weriftOffers) expect(share!.curve).toBe(curve);
        expect(share!.publicKey).toHaveLength(keyLength);
        if (keyLength === 65) expect(share!.publicKey[0]).toBe(0x04);
        for (const spy of pureJs) expect(spy).not.toHaveBeenCalled();
      });
    }
  }

  // The same patch parses the process's certificate and key once: every SDP asks for the
  // fingerprint and every DTLS session for the certificate and key, and parsing them in pure
  // JavaScript cost more than the key exchange.
  it('parses the certificate and key once, not for each SDP and DTLS session', { timeout: 30_000 }, async () => {
    await handshake(true, open);
    const parses = [vi.spyOn(Certificate, 'fromPEM'), vi.spyOn(PrivateKey, 'fromPEM')];
    await handshake(true, open);
    await handshake(false, open);
    for (const spy of parses) expect(spy).not.toHaveBeenCalled();
    // The spies do see werift's parses: another certificate is parsed, once for its DTLS sessions.
    const other = await CipherContext.createSelfSignedCertificateWithKey({ signature: SignatureAlgorithm.ecdsa_3, hash: HashAlgorithm.sha256_4 }, NamedCurveAlgorithm.secp256r1_23);
    // (Its session type plays no part in the parse; werift does not export the enum.)
    for (let i = 0; i < 2; i++) new CipherContext(1, other.certPem, other.keyPem, other.signatureHash);
    for (const spy of parses) expect(spy).toHaveBeenCalledTimes(1);
  });
});
