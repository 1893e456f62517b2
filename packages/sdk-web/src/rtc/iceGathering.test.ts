import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CANDIDATE_SETTLE_MS, completeLocalSdp } from './iceGathering.ts';

/** A peer connection's gathering, driven by hand: candidates land in the description as in a browser. */
class Gathering extends EventTarget {
  iceGatheringState: RTCIceGatheringState = 'gathering';
  localDescription: { sdp: string } | null = { sdp: 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n' };

  candidate(text: string | null): void {
    if (text !== null) this.localDescription!.sdp += `a=candidate:${text}\r\n`;
    this.dispatchEvent(Object.assign(new Event('icecandidate'), { candidate: text === null ? null : { candidate: text } }));
  }

  complete(): void {
    this.iceGatheringState = 'complete';
    this.dispatchEvent(new Event('icegatheringstatechange'));
  }
}

const HOST_1 = '1 1 udp 2122260223 10.0.0.2 50001 typ host';
const HOST_2 = '2 1 udp 2122194687 192.168.1.5 50002 typ host';
const SRFLX = '3 1 udp 1686052607 203.0.113.9 50001 typ srflx raddr 10.0.0.2 rport 50001';

/** Settles `promise` against the fake clock: the ms it took, or undefined if still pending after `untilMs`. */
async function settledAfter(promise: Promise<string>, untilMs: number): Promise<{ ms: number | undefined; sdp?: string }> {
  let sdp: string | undefined;
  void promise.then((value) => (sdp = value));
  for (let ms = 0; ms <= untilMs; ms++) {
    await vi.advanceTimersByTimeAsync(ms === 0 ? 0 : 1);
    if (sdp !== undefined) return { ms, sdp };
  }
  return { ms: undefined };
}

describe('when the SDK sends its local description', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('goes shortly after the first candidates, with every host candidate of that round, without waiting for gathering to end', async () => {
    const pc = new Gathering();
    const sdp = completeLocalSdp(pc as unknown as RTCPeerConnection);
    pc.candidate(HOST_1);
    pc.candidate(HOST_2);
    // Gathering goes on (a STUN server's answer, the TCP phase) long after.
    setTimeout(() => pc.candidate(SRFLX), 120);
    setTimeout(() => pc.complete(), 150);
    const result = await settledAfter(sdp, 200);
    expect(result.ms).toBe(CANDIDATE_SETTLE_MS);
    expect(result.sdp).toContain(HOST_1);
    expect(result.sdp).toContain(HOST_2);
    expect(result.sdp).not.toContain(SRFLX);
  });

  it('goes at once when gathering was already complete, and as soon as it completes', async () => {
    const done = new Gathering();
    done.complete();
    expect((await settledAfter(completeLocalSdp(done as unknown as RTCPeerConnection), 0)).ms).toBe(0);

    const quick = new Gathering();
    const sdp = completeLocalSdp(quick as unknown as RTCPeerConnection);
    setTimeout(() => {
      quick.candidate(HOST_1);
      quick.candidate(null);
    }, 3);
    expect((await settledAfter(sdp, 50)).ms).toBe(3);
  });

  it('counts candidates gathered before it was asked', async () => {
    const pc = new Gathering();
    pc.candidate(HOST_1);
    expect((await settledAfter(completeLocalSdp(pc as unknown as RTCPeerConnection), 50)).ms).toBe(CANDIDATE_SETTLE_MS);
  });

  it('sends what it has after its timeout when no candidate comes, and refuses a peer with no description', async () => {
    const silent = new Gathering();
    expect((await settledAfter(completeLocalSdp(silent as unknown as RTCPeerConnection, 100), 150)).ms).toBe(100);

    const none = new Gathering();
    none.localDescription = null;
    none.complete();
    await expect(completeLocalSdp(none as unknown as RTCPeerConnection)).rejects.toThrow('no local description');
  });
});
