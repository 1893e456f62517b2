/**
 * Makes the SFU's werift peer connections with the options that matter offline and on loopback
 * (measured in FIELD-NOTES): no STUN servers (werift asked Google's when given none; the "parley
 * patch" in patches/werift+0.25.2.patch, see peerFactory.test.ts), the announced host candidates
 * on one shared UDP port (udpMux.ts; or a bounded UDP port range, one port per connection),
 * one bundled transport, Opus and the video codecs of videoCodecs.ts (forwarded as they are, never
 * transcoded), and a small SCTP max-message-size for the data channel.
 */
import { RTCPeerConnection, RTCRtpCodecParameters, useSdesMid, useSdesRTPStreamId, type PeerConfig } from 'werift';
import { DATA_LIMITS } from '@parley/protocol/data-channel';
import type { UdpMux } from './udpMux.ts';
import { forwardedVideoCodecs } from './videoCodecs.ts';

export interface MediaNetwork {
  /** Addresses announced in host candidates. */
  announced: string[];
  /** Single-port mode: every connection's ICE runs over this mux's sockets. Unset: a port of the range each. */
  mux?: UdpMux;
  portMin: number;
  portMax: number;
  /** A peer connection not connected this long after its first negotiation is closed, freeing its port. */
  connectTimeoutMs: number;
  /** A port the system picks for each connection, neither the mux nor the range (see relayNetwork). */
  anyPort?: boolean;
}

/**
 * Where the receiving end of a relay between two nodes (cascading) binds: a port of its own that
 * the system picks. Every relay between two nodes would otherwise run between the same two shared
 * ports, and one 5-tuple cannot tell connections apart; werift's search of a port range binds
 * after probing, so connections made at once can pick the same port and never gather.
 */
export function relayNetwork(network: MediaNetwork): MediaNetwork {
  return { ...network, mux: undefined, anyPort: true };
}

const GATHERING_TIMEOUT_MS = 3_000;

function isLoopback(address: string): boolean {
  return address === '127.0.0.1' || address === '::1' || address.startsWith('127.');
}

/** Where werift gathers and binds: the mux's sockets, or one port of the range per address. */
function iceNetwork(network: MediaNetwork): Partial<PeerConfig> {
  const [first] = network.announced;
  // werift gathers the host's interface addresses plus these; naming the first one keeps it to the
  // announced ones (it ignores the filter when no interface has the address, e.g. a public one).
  const interfaceAddresses = first ? { iceInterfaceAddresses: { udp4: first } as PeerConfig['iceInterfaceAddresses'] } : {};
  if (network.mux) return { iceUdpMux: network.mux, iceAdditionalHostAddresses: network.announced, ...interfaceAddresses };
  // Bound to loopback, the SFU offers exactly one candidate and connects at once.
  const loopbackOnly = first && network.announced.length === 1 && isLoopback(first) ? interfaceAddresses : {};
  if (network.anyPort) return { iceAdditionalHostAddresses: network.announced, ...loopbackOnly };
  return { icePortRange: [network.portMin, network.portMax], iceAdditionalHostAddresses: network.announced, ...loopbackOnly };
}

/** The SFU receives on publish connections and sends on subscribe connections. */
export type PeerRole = 'publish' | 'subscribe';

export function peerConfig(network: MediaNetwork, role: PeerRole): Partial<PeerConfig> {
  return {
    iceServers: [],
    bundlePolicy: 'max-bundle',
    ...iceNetwork(network),
    iceUseIpv6: false,
    // Browsers refuse to send data channel messages above this; the relay's own limit is 1 KB.
    maxMessageSize: DATA_LIMITS.sctpMaxMessageSize,
    codecs: {
      // In-band FEC: a publisher's Opus encoder adds it as the SFU reports loss, and a subscriber's
      // decoder rebuilds a lost packet from the next one instead of concealing it.
      audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2, parameters: 'minptime=10;useinbandfec=1' })],
      video: forwardedVideoCodecs(),
    },
    // Dual stream: each simulcast layer's packets carry its rid (RFC 8852), which is how werift
    // tells the layers apart; Chromium sends it only when the answer accepts the extension.
    headerExtensions: { audio: [], video: role === 'publish' ? [useSdesMid(), useSdesRTPStreamId()] : [] },
  };
}

export function createPeer(network: MediaNetwork, role: PeerRole): RTCPeerConnection {
  return new RTCPeerConnection(peerConfig(network, role));
}

/**
 * werift gathers no host candidate when every port of the range is bound (it logs and goes on),
 * which would hand the client an answer it can never connect to.
 */
export function hasCandidates(sdp: string): boolean {
  return /(^|\n)a=candidate:/.test(sdp);
}

/** Why a media connection was given up: it never connected, or it failed after connecting. */
export type MediaLossReason = 'timeout' | 'failed';

/**
 * Calls `onLost('timeout')` unless `pc` connects within `timeoutMs`, and `onLost('failed')` when
 * werift gives it up (ICE checks that all failed, or consent that expired after connecting);
 * returns a function that stops watching. Clients that never finish ICE would otherwise hold their
 * ports for as long as they like, and a connection that stalls (a DTLS handshake whose last flight
 * was lost on a bad link, measured in the lossy link test) would never carry media again: the
 * client rebuilds it when told.
 */
export function watchConnection(pc: RTCPeerConnection, timeoutMs: number, onLost: (reason: MediaLossReason) => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  if (pc.connectionState !== 'connected') {
    timer = setTimeout(() => {
      stop();
      onLost('timeout');
    }, timeoutMs);
  }
  const subscription = pc.connectionStateChange.subscribe((state) => {
    if (state === 'connected') {
      clearTimeout(timer);
      timer = undefined;
    } else if (state === 'closed') {
      stop();
    } else if (state === 'failed') {
      stop();
      onLost('failed');
    }
  });
  function stop() {
    clearTimeout(timer);
    timer = undefined;
    subscription.unSubscribe();
  }
  return stop;
}

/**
 * The local SDP once ICE gathering has finished, so it carries every candidate (signaling sends
 * complete descriptions, no trickle). Gathering host candidates takes milliseconds.
 */
export async function completeLocalDescription(pc: RTCPeerConnection): Promise<string> {
  if (pc.iceGatheringState !== 'complete') {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, GATHERING_TIMEOUT_MS);
      const subscription = pc.iceGatheringStateChange.subscribe((state) => state === 'complete' && done());
      function done() {
        clearTimeout(timer);
        subscription.unSubscribe();
        resolve();
      }
    });
  }
  const sdp = pc.localDescription?.sdp;
  if (!sdp) throw new Error('no local description');
  return sdp;
}
