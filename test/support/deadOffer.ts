/**
 * A publish offer whose peer connection is closed at once (native WebRTC): the server answers it,
 * but its side can never connect. Tests use it for media connections that stall.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const wrtc = require('@roamhq/wrtc');

export async function deadOffer(): Promise<{ sdp: string; tracks: Array<{ mid: string; kind: 'audio' }> }> {
  const pc = new wrtc.RTCPeerConnection({ iceServers: [] });
  const source = new wrtc.nonstandard.RTCAudioSource();
  pc.addTransceiver(source.createTrack(), { direction: 'sendonly' });
  await pc.setLocalDescription(await pc.createOffer());
  const sdp = pc.localDescription.sdp as string;
  const mid = pc.getTransceivers()[0].mid as string;
  pc.close();
  return { sdp, tracks: [{ mid, kind: 'audio' }] };
}
