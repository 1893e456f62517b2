/**
 * `npm exec -- node bench/rtc/handshakeTrace.ts [trials]`: a diagnostic behind the first-frame
 * benchmark. It connects Parley's SFU peer (werift, made by the server's own peerFactory, in this
 * process) as the offerer to a native wrtc client, the way a subscription connects, and prints
 * every UDP datagram werift sends and receives (STUN, DTLS handshake messages) next to the state
 * changes of both sides, in ms from the start. RTP/RTCP is left out.
 *
 * What it shows on loopback: the client's ICE check succeeds within a millisecond of its answer
 * and it sends its DTLS ClientHello at once, usually before werift's own ICE agent has connected.
 * werift keeps that ClientHello and answers it as soon as its agent connects, which happens as soon
 * as its nominating check is answered: a few ms from answer to both sides connected. (Unpatched
 * werift dropped the early ClientHello and waited out 20 ms between checks: the handshake started
 * on the client's retransmission, ~50 ms later. See patches/werift+0.25.2.patch.)
 */
import dgram from 'node:dgram';
import { completeLocalDescription, createPeer } from '@parley/server';
import { completeLocal, createPc } from '../../test/support/botMedia.ts';

const trials = Number(process.argv[2] ?? 3);
let t0 = 0;
const lines: Array<[number, string]> = [];
const at = (text: string) => lines.push([performance.now() - t0, text]);

function kind(packet: Buffer): string | undefined {
  const first = packet[0]!;
  if (first <= 3) return `STUN ${packet.readUInt16BE(0) === 0x0001 ? 'binding request' : 'binding response'}`;
  if (first >= 20 && first <= 63) {
    const names: Record<number, string> = { 0: 'HelloRequest', 1: 'ClientHello', 2: 'ServerHello', 3: 'HelloVerifyRequest', 11: 'Certificate', 12: 'ServerKeyExchange', 13: 'CertificateRequest', 14: 'ServerHelloDone', 15: 'CertificateVerify', 16: 'ClientKeyExchange', 20: 'Finished' };
    if (first === 22) return `DTLS ${names[packet[13]!] ?? `handshake ${packet[13]}`}${packet[13] === 0 ? ' (or encrypted Finished)' : ''}`;
    return first === 20 ? 'DTLS ChangeCipherSpec' : `DTLS record ${first}`;
  }
  return undefined; // RTP/RTCP
}

// werift sends and receives through node:dgram sockets in this process.
const send = dgram.Socket.prototype.send;
dgram.Socket.prototype.send = function (this: dgram.Socket, message: unknown, ...rest: unknown[]) {
  const packet = Buffer.isBuffer(message) ? message : Buffer.concat(message as Buffer[]);
  const name = kind(packet);
  if (name) at(`werift → ${name}`);
  return (send as (...args: unknown[]) => void).call(this, message, ...rest);
} as typeof send;
const emit = dgram.Socket.prototype.emit;
dgram.Socket.prototype.emit = function (this: dgram.Socket, event: string | symbol, ...args: unknown[]) {
  if (event === 'message') {
    const name = kind(args[0] as Buffer);
    if (name) at(`werift ← ${name}`);
  }
  return (emit as (...a: unknown[]) => boolean).call(this, event, ...args);
} as typeof emit;

for (let trial = 1; trial <= trials; trial += 1) {
  lines.length = 0;
  t0 = performance.now();
  const server = createPeer({ announced: ['127.0.0.1'], portMin: 43000, portMax: 43999, connectTimeoutMs: 10_000 }, 'subscribe');
  server.addTransceiver('video', { direction: 'sendonly' });
  server.iceConnectionStateChange.subscribe((state) => at(`werift ICE ${state}`));
  server.connectionStateChange.subscribe((state) => at(`werift connection ${state}`));
  await server.setLocalDescription(await server.createOffer());
  const offer = await completeLocalDescription(server);
  at('werift offer ready (sent to the client)');
  const client = createPc();
  client.addEventListener('connectionstatechange', () => at(`client connection ${client.connectionState}`));
  await client.setRemoteDescription({ type: 'offer', sdp: offer });
  await client.setLocalDescription(await client.createAnswer());
  const dtls = client.getTransceivers()[0]?.receiver.transport;
  if (dtls) dtls.onstatechange = () => at(`client DTLS ${dtls.state}`);
  const answer = await completeLocal(client);
  at(`client answer ready (${/a=setup:(\w+)/.exec(answer)?.[1] ?? '?'}), sent to werift`);
  await server.setRemoteDescription({ type: 'answer', sdp: answer });
  at('werift setRemoteDescription(answer) done');
  await new Promise((resolve) => setTimeout(resolve, 200));
  process.stdout.write(`\nTrial ${trial}\n`);
  for (const [ms, text] of lines.sort((a, b) => a[0] - b[0])) process.stdout.write(`${ms.toFixed(1).padStart(7)} ms  ${text}\n`);
  client.close();
  await server.close();
}
// Native peer connections can crash at teardown: leave right away.
process.exit(0);
