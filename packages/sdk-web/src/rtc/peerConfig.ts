/**
 * The RTCPeerConnection configuration both connections use.
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
 * Hands a live connection fresh TURN credentials (after a resume or a token renewal), so an ICE
 * restart or a TURN allocation refresh after the old ones expire still authenticates.
 */
export function renewIceServers(pc: RTCPeerConnection | undefined, iceServers: RTCIceServer[]): void {
  if (!pc || pc.signalingState === 'closed') return;
  try {
    pc.setConfiguration({ ...pc.getConfiguration(), iceServers });
  } catch {
    // A browser that refuses the change keeps the credentials it has: the media path in use goes
    // on, and the next connection the SDK makes starts with the fresh ones.
  }
}
