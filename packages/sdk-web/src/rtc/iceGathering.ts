/**
 * Waits for ICE gathering to finish so the SDP we send carries every candidate: the protocol has
 * no trickle ICE. Host candidates take milliseconds; a STUN/TURN server the user configured may
 * take longer, so after a bound we send what we have rather than stall the call.
 */
export const GATHERING_TIMEOUT_MS = 2_000;

export function iceGatheringComplete(pc: RTCPeerConnection, timeoutMs = GATHERING_TIMEOUT_MS): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', onChange);
      pc.removeEventListener('icecandidate', onCandidate);
      resolve();
    };
    const onChange = () => {
      if (pc.iceGatheringState === 'complete') done();
    };
    // A null candidate also marks the end of gathering (some browsers fire it before the state change).
    const onCandidate = (event: RTCPeerConnectionIceEvent) => {
      if (event.candidate === null) done();
    };
    const timer = setTimeout(done, timeoutMs);
    pc.addEventListener('icegatheringstatechange', onChange);
    pc.addEventListener('icecandidate', onCandidate);
  });
}

/** The local description's SDP once gathering is done (or timed out). */
export async function completeLocalSdp(pc: RTCPeerConnection, timeoutMs = GATHERING_TIMEOUT_MS): Promise<string> {
  await iceGatheringComplete(pc, timeoutMs);
  const sdp = pc.localDescription?.sdp;
  if (!sdp) throw new Error('the peer connection has no local description');
  return sdp;
}
