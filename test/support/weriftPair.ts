/**
 * Two werift peers made by the server's own peerFactory, connected on loopback the way a relay
 * between cluster nodes connects: the offerer sends (and is the DTLS server), the answerer
 * receives (the DTLS client). For tests of the handshake that lose, delay or repeat datagrams.
 */
import { MediaStreamTrack, RtpHeader, RtpPacket, type RTCPeerConnection } from 'werift';
import { completeLocalDescription, createPeer, relayNetwork } from '../../packages/server/src/rtc/peerFactory.ts';

const network = relayNetwork({ announced: ['127.0.0.1'], portMin: 0, portMax: 0, connectTimeoutMs: 10_000 });

/** The UDP ports of an SDP's candidates. */
export function candidatePorts(sdp: string): Set<number> {
  return new Set([...sdp.matchAll(/^a=candidate:\S+ \d+ udp \d+ \S+ (\d+)/gim)].map((match) => Number(match[1])));
}

export interface PairOptions {
  /** Called with the answer before the offerer applies it (the answerer's ICE has started). */
  onAnswer?: (sdp: string) => void;
}

export interface ConnectedPair {
  /** The offerer: sends audio (and is the DTLS server). */
  sender: RTCPeerConnection;
  /** The answerer: receives it (the DTLS client). */
  receiver: RTCPeerConnection;
  /** The sender's audio track: what is written to it is sent. */
  track: MediaStreamTrack;
  /** From applying the answer to both peers connected. */
  connectedMs: number;
  /** The payload of the first RTP packet the receiver gets. */
  firstPayload: Promise<string>;
}

/** Connects an offerer with an audio track to an answerer; nothing is sent yet. */
export async function connectPair(peers: RTCPeerConnection[], options: PairOptions = {}): Promise<ConnectedPair> {
  const sender = createPeer(network, 'subscribe');
  const receiver = createPeer(network, 'publish');
  peers.push(sender, receiver);
  const transceiver = sender.addTransceiver('audio', { direction: 'sendonly' });
  const track = new MediaStreamTrack({ kind: 'audio' });
  await transceiver.sender.replaceTrack(track);
  const firstPayload = new Promise<string>((resolve) => {
    receiver.onTrack.subscribe((remote) => remote.onReceiveRtp.once((packet) => resolve(packet.payload.toString())));
  });
  await sender.setLocalDescription(await sender.createOffer());
  await receiver.setRemoteDescription({ type: 'offer', sdp: await completeLocalDescription(sender) });
  await receiver.setLocalDescription(await receiver.createAnswer());
  const startedAt = Date.now();
  const answer = await completeLocalDescription(receiver);
  options.onAnswer?.(answer);
  await sender.setRemoteDescription({ type: 'answer', sdp: answer });
  await new Promise<void>((resolve) => {
    const check = () => [sender, receiver].every((pc) => pc.connectionState === 'connected') && resolve();
    sender.connectionStateChange.subscribe(check);
    receiver.connectionStateChange.subscribe(check);
    check();
  });
  return { sender, receiver, track, connectedMs: Date.now() - startedAt, firstPayload };
}

/** Connects an offerer to an answerer; resolves with the time to connect and the first RTP packet's payload through. */
export async function connectAndSend(peers: RTCPeerConnection[], options: PairOptions = {}): Promise<{ connectedMs: number; payload: string }> {
  const { track, connectedMs, firstPayload } = await connectPair(peers, options);
  const sending = setInterval(() => {
    track.writeRtp(new RtpPacket(new RtpHeader({ payloadType: 111, sequenceNumber: 1, timestamp: 1, ssrc: 1234 }), Buffer.from('through')));
  }, 50);
  try {
    return { connectedMs, payload: await firstPayload };
  } finally {
    clearInterval(sending);
  }
}
