/**
 * When to send a local description: the protocol has no trickle ICE, so the SDP carries the
 * candidates gathered by then. It does not need all of them. The client always checks towards the
 * server's candidates, and the server learns any address the client checks from (a later server-
 * reflexive or relay candidate too) as a peer-reflexive candidate, as an ICE-lite server would.
 *
 * So the description goes once the first candidates are in: host candidates of every interface
 * come within a millisecond of each other, and a short settle takes them all. Waiting for gathering
 * to finish cost about 120 ms a negotiation in Chromium (its TCP phase starts 50 ms after UDP, and
 * so on), twice in a join that publishes and subscribes. Gathering that yields nothing (no network)
 * is bounded: after the timeout the description goes as it is.
 */
export const GATHERING_TIMEOUT_MS = 2_000;
/** How long after the first candidate more may come in the same round (other interfaces). */
export const CANDIDATE_SETTLE_MS = 10;

type GatheringPeer = Pick<RTCPeerConnection, 'iceGatheringState' | 'localDescription' | 'addEventListener' | 'removeEventListener'>;

/** Resolves once gathering is done, or CANDIDATE_SETTLE_MS after its first candidate, or after `timeoutMs`. */
export function candidatesGathered(pc: GatheringPeer, timeoutMs = GATHERING_TIMEOUT_MS): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    let settle: ReturnType<typeof setTimeout> | undefined;
    const done = () => {
      clearTimeout(timer);
      clearTimeout(settle);
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
      else settle ??= setTimeout(done, CANDIDATE_SETTLE_MS);
    };
    const timer = setTimeout(done, timeoutMs);
    // Candidates gathered before this call fired their events already: they are in the description.
    if (pc.localDescription?.sdp.includes('a=candidate:')) settle = setTimeout(done, CANDIDATE_SETTLE_MS);
    pc.addEventListener('icegatheringstatechange', onChange);
    pc.addEventListener('icecandidate', onCandidate);
  });
}

/** The local description's SDP once its first candidates are in (see above). */
export async function completeLocalSdp(pc: GatheringPeer, timeoutMs = GATHERING_TIMEOUT_MS): Promise<string> {
  await candidatesGathered(pc, timeoutMs);
  const sdp = pc.localDescription?.sdp;
  if (!sdp) throw new Error('the peer connection has no local description');
  return sdp;
}
