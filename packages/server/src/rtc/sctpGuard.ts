/**
 * Keeps werift's SCTP stack from taking the server down. werift 0.25 hands each decrypted DTLS
 * record to an async SCTP parser and each SCTP message to an async data-channel reader without
 * catching what they throw: a malformed SCTP packet, an unknown payload protocol id or an ACK for
 * a channel that does not exist becomes an unhandled rejection, and Node ends the process on one.
 * A browser never sends those; a hostile client with its own SCTP stack can. So once a peer
 * connection has an SCTP transport (an offer with a data channel section), both entry points are
 * re-wired to catch: the bad packet is dropped and reported, the connection goes on.
 *
 * This reaches into werift's internals (its declarations mark them private), so the shape is
 * checked and a werift whose shape changed fails the negotiation rather than running unguarded;
 * test/abuse/dataChannel.media.test.ts sends such packets.
 */
import type { RTCPeerConnection } from 'werift';

/** The parts of werift's SCTP objects re-wired here. */
interface SctpInternals {
  sctp: {
    handleData(data: Buffer): Promise<void>;
    onReceive: {
      allUnsubscribe(): void;
      subscribe(listener: (streamId: number, ppId: number, data: Buffer) => void): unknown;
    };
  };
  dtlsTransport: { dataReceiver: (data: Buffer) => void };
  datachannelReceive(streamId: number, ppId: number, data: Buffer): Promise<void>;
}

const guarded = new WeakSet<object>();

function hasInternals(transport: unknown): transport is SctpInternals {
  const t = transport as Partial<SctpInternals> | undefined;
  return (
    typeof t?.datachannelReceive === 'function' &&
    typeof t.sctp?.handleData === 'function' &&
    typeof t.sctp.onReceive?.allUnsubscribe === 'function' &&
    typeof t.sctp.onReceive.subscribe === 'function' &&
    typeof t.dtlsTransport?.dataReceiver === 'function'
  );
}

/**
 * Guards `pc`'s SCTP transport, if it has one; call after every setRemoteDescription (werift
 * makes a new SCTP object when the DTLS transport changes). `rejected` hears of each dropped packet.
 */
export function guardSctp(pc: RTCPeerConnection, rejected: (error: unknown) => void): void {
  const transport: unknown = pc.sctpTransport;
  if (!transport) return;
  if (!hasInternals(transport)) throw new Error('werift\'s SCTP internals changed: data channels cannot be guarded');
  const { sctp, dtlsTransport } = transport;
  if (guarded.has(sctp)) return;
  guarded.add(sctp);
  dtlsTransport.dataReceiver = (data) => {
    sctp.handleData(data).catch(rejected);
  };
  sctp.onReceive.allUnsubscribe();
  sctp.onReceive.subscribe((streamId, ppId, data) => {
    transport.datachannelReceive(streamId, ppId, data).catch(rejected);
  });
}
