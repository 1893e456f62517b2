/**
 * The send path of a subscriber connection down to the kernel: RTP written to a werift sender on
 * the server's UDP mux (as Parley's subscribe connections run) → SRTP → ICE → the mux → a real
 * socket, received by a werift peer in another process. bench:forward stops before the socket;
 * this adds what lies past it (the ICE connection, the mux, dgram, the system call) for one
 * connection, with packets written in bursts as a fan-out writes them: one publisher packet is
 * `--burst` packets to subscribers in one turn of the event loop.
 *
 * Run: `npm run bench:send -- [--burst 30] [--bursts 300] [--rounds 15] [--untuned]` (`--untuned`: V8's
 * defaults instead of the settings a server runs with, processTuning.ts). The sender (this process)
 * is pinned to CPU 0 and the receiver to CPU 1. Prints the sender's CPU µs a packet: each round's,
 * and their median; compare two builds (e.g. with and without a change to patches/werift or the
 * mux) by running it once with each, alternating, as the machine's load moves single runs.
 */
import { fork } from 'node:child_process';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { MediaStreamTrack, RtpHeader, RtpPacket } from 'werift';
import { tuneProcess } from '@parley/server';
import { completeLocalDescription, createPeer, relayNetwork, watchConnection, type MediaNetwork } from '../../packages/server/src/rtc/peerFactory.ts';
import { UdpMux } from '../../packages/server/src/rtc/udpMux.ts';
import { positiveInt } from './options.ts';
import { pinToCpus } from './proc.ts';
import { roundsLine } from './rounds.ts';

const network: MediaNetwork = { announced: ['127.0.0.1'], portMin: 0, portMax: 0, connectTimeoutMs: 10_000 };
const twoCpus = os.availableParallelism() > 1;

/** Receiver → sender messages over the fork's IPC channel. */
type FromReceiver = { answer: string } | { received: number };
/** Sender → receiver. */
type ToReceiver = { offer: string } | { count: true };

if (process.argv[2] === 'receiver') {
  if (twoCpus) pinToCpus(process.pid, '1');
  const pc = createPeer(relayNetwork(network), 'publish');
  let received = 0;
  // The sender gone, however it ended: nothing is left to receive.
  process.on('disconnect', () => process.exit(0));
  pc.onTrack.subscribe((track) => track.onReceiveRtp.subscribe(() => (received += 1)));
  process.on('message', async (message: ToReceiver) => {
    if ('offer' in message) {
      await pc.setRemoteDescription({ type: 'offer', sdp: message.offer });
      await pc.setLocalDescription(await pc.createAnswer());
      process.send!({ answer: await completeLocalDescription(pc) } satisfies FromReceiver);
    } else {
      process.send!({ received } satisfies FromReceiver);
    }
  });
} else {
  const { values: args } = parseArgs({
    options: {
      burst: { type: 'string', default: '30' },
      bursts: { type: 'string', default: '300' },
      rounds: { type: 'string', default: '15' },
      untuned: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!args.untuned) tuneProcess();
  const BURST = positiveInt(args.burst, 'burst');
  const BURSTS = positiveInt(args.bursts, 'bursts');
  const ROUNDS = positiveInt(args.rounds, 'rounds');
  if (twoCpus) pinToCpus(process.pid, '0');

  const receiver = fork(import.meta.filename, ['receiver'], { execArgv: process.execArgv });
  const ask = <T extends FromReceiver>(message: ToReceiver) =>
    new Promise<T>((resolve) => {
      receiver.once('message', (reply) => resolve(reply as T));
      receiver.send(message);
    });

  const mux = await UdpMux.listen([{ bindAddress: '127.0.0.1', announcedAddresses: ['127.0.0.1'] }], 0);
  const pc = createPeer({ ...network, mux }, 'subscribe');
  const transceiver = pc.addTransceiver('video', { direction: 'sendonly' });
  const track = new MediaStreamTrack({ kind: 'video' });
  await transceiver.sender.replaceTrack(track);
  await pc.setLocalDescription(await pc.createOffer());
  const { answer } = await ask<{ answer: string }>({ offer: await completeLocalDescription(pc) });
  await pc.setRemoteDescription({ type: 'answer', sdp: answer });
  // A connection that fails or does not come up in time ends the run rather than leave it waiting.
  watchConnection(pc, network.connectTimeoutMs, (reason) => {
    console.error(`send path: the connection was lost (${reason})`);
    process.exit(1);
  });
  if (pc.connectionState !== 'connected') await pc.connectionStateChange.watch((state) => state === 'connected');

  /** A camera packet's size at 640×480 and ~800 kbps (as bench:forward). */
  const payload = Buffer.alloc(1_100, 7);
  let sent = 0;
  const run = async (bursts: number) => {
    for (let burst = 0; burst < bursts; burst++) {
      for (let index = 0; index < BURST; index++) {
        sent += 1;
        track.writeRtp(new RtpPacket(new RtpHeader({ payloadType: 96, sequenceNumber: sent & 0xffff, timestamp: (sent * 3000) >>> 0, ssrc: 5 }), payload));
      }
      // The next publisher packet comes in a later turn of the event loop.
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  };
  // Enough for V8 to have optimised the whole path: with 200 bursts the first round still read ~2× the rest.
  await run(1_000);
  const results: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.cpuUsage();
    const before = sent;
    await run(BURSTS);
    const used = process.cpuUsage(start);
    results.push((used.user + used.system) / (sent - before));
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  const { received } = await ask<{ received: number }>({ count: true });
  console.log(`send path, bursts of ${BURST}: ${roundsLine(results, 'a packet')} (the receiver got ${received} of ${sent})`);
  receiver.kill();
  await pc.close();
  await mux.close();
  process.exit(0);
}
