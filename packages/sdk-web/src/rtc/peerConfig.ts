/**
 * The RTCPeerConnection configuration both connections use, and the video codec preference.
 *
 * No ICE servers by default: Parley's SFU announces its own reachable address, and a default
 * public STUN server stalls gathering on machines without internet (measured in FIELD-NOTES).
 * One bundled transport, because the SFU expects everything on one 5-tuple.
 */
/** Called with a peer connection's new and previous state (Agora's peerconnection-state-change). */
export type PeerStateListener = (current: RTCPeerConnectionState, previous: RTCPeerConnectionState) => void;

/** Reports each change of `pc`'s connection state to `listener`. */
export function watchPeerState(pc: RTCPeerConnection, listener: PeerStateListener | undefined): void {
  if (!listener) return;
  let previous = pc.connectionState;
  pc.addEventListener('connectionstatechange', () => {
    const current = pc.connectionState;
    if (current === previous) return;
    const before = previous;
    previous = current;
    listener(current, before);
  });
}

/** `extra`: what media encryption needs of the connection (see encryption/frameProtection.ts). */
export function peerConfiguration(iceServers: RTCIceServer[] | undefined, extra: Partial<RTCConfiguration> = {}): RTCConfiguration {
  return { iceServers: iceServers ?? [], bundlePolicy: 'max-bundle', ...extra };
}

/**
 * Puts `mimeType` (e.g. video/VP8) first in a transceiver's codec list, keeping the others as
 * fallbacks (RTX, RED, FEC). The SFU forwards without transcoding, so everyone must send the codec
 * the others can decode. The list comes from the receiver capabilities because Chrome checks
 * setCodecPreferences against those.
 */
export function preferCodec(transceiver: RTCRtpTransceiver, kind: 'audio' | 'video', mimeType: string): void {
  const capabilities = typeof RTCRtpReceiver !== 'undefined' && RTCRtpReceiver.getCapabilities ? RTCRtpReceiver.getCapabilities(kind) : null;
  if (!capabilities || typeof transceiver.setCodecPreferences !== 'function') return;
  const wanted = mimeType.toLowerCase();
  const preferred = capabilities.codecs.filter((codec) => codec.mimeType.toLowerCase() === wanted);
  if (preferred.length === 0) return;
  const others = capabilities.codecs.filter((codec) => codec.mimeType.toLowerCase() !== wanted);
  try {
    transceiver.setCodecPreferences([...preferred, ...others]);
  } catch {
    // Older browsers reject some capability lists; the SDP negotiation still finds a common codec.
  }
}
