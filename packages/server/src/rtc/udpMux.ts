/**
 * Runs the ICE of every media connection over one UDP port per local address, the way LiveKit
 * and mediasoup's WebRtcServer do, instead of a socket per connection: the open ports stay the
 * same however many clients join, so a firewall needs one rule and a node never runs out.
 *
 * Each werift ICE agent gets a virtual transport (see the `iceUdpMux` patch of werift). A datagram
 * goes to the transport whose remote 5-tuple it comes from; a STUN binding request names its
 * agent in USERNAME ("serverUfrag:clientUfrag") and teaches the mux its 5-tuple; a STUN response
 * goes back to the transport that sent the request. Anything else from an unknown address is dropped.
 *
 * Every call's media goes through these few sockets, so each asks the kernel for large buffers
 * (SOCKET_BUFFER_BYTES): with Linux's default of 208 KiB, a camera's keyframe burst from a few
 * publishers at once, or a pause of the event loop of a few tens of milliseconds, overflows the
 * receive buffer and the kernel drops datagrams (UdpRcvbufErrors); the recorder then missed whole
 * keyframes. The kernel caps the request at net.core.rmem_max / wmem_max; `bufferBytes` reports
 * what was granted, so the server can say when the cap is too low.
 */
import dgram from 'node:dgram';
import dns from 'node:dns';
import { isIPv4, type AddressInfo } from 'node:net';

type Address = readonly [string, number];

/** The shape werift's StunProtocol expects of a transport (common/src/transport.ts `Transport`). */
export interface MuxTransport {
  readonly type: 'udp';
  readonly address: AddressInfo;
  readonly addressFamily: 4;
  closed: boolean;
  onData: (data: Buffer, addr: Address) => void;
  send: (data: Buffer, addr?: Address) => Promise<void>;
  /** `send` without a promise, for media (the `sendDataNow` hunk of patches/werift). */
  sendNow: (data: Buffer, addr?: Address) => void;
  close: () => Promise<void>;
}

/** One local socket, and the addresses announced to clients for it (its own, or a 1:1 NAT's public one). */
export interface MuxBinding {
  bindAddress: string;
  announcedAddresses: string[];
}

/** What each shared socket asks for, each way: about 3,500 full-size datagrams, ~0.4 s of 80 Mbps. */
export const SOCKET_BUFFER_BYTES = 4 * 2 ** 20;

/** The buffers the kernel granted a socket (Linux reports twice the usable size it keeps; halved here). */
export interface SocketBuffers {
  receive: number;
  send: number;
}

/**
 * The sockets' address lookup: an IP literal, which is what every send here goes to (a client's
 * address as a datagram or candidate gave it), answers at once. Node's default, dns.lookup,
 * answers even a literal on the next tick, which cost every packet to every subscriber a
 * process.nextTick turn; anything else still goes to it. (Node passes the socket's family, 4, where
 * its types say options.)
 */
function lookupLiteral(address: string, options: dns.LookupOneOptions, callback: (error: NodeJS.ErrnoException | null, address: string, family: number) => void): void {
  if (isIPv4(address)) callback(null, address, 4);
  else dns.lookup(address, options, callback);
}

const STUN_MAGIC_COOKIE = 0x2112a442;
const STUN_HEADER_BYTES = 20;
const STUN_BINDING_REQUEST = 0x0001;
const STUN_ATTRIBUTE_USERNAME = 0x0006;

/** An agent's current ICE credentials: its own ufrag and, once known, the client's. */
export interface IceUfrags {
  local: string;
  remote: string | undefined;
}

export interface UdpMuxStats {
  transports: number;
  /** Binding requests whose USERNAME names no agent (a stale or forged ufrag). */
  droppedUnknownUfrag: number;
  /** Other datagrams from an address no agent has heard a binding request from. */
  droppedUnknownAddress: number;
}

class Endpoint {
  /** Remote "ip:port" → transport, learnt from binding requests. */
  readonly tuples = new Map<string, VirtualTransport>();
  readonly transports = new Set<VirtualTransport>();
  /** USERNAME → transport; a cache over `transports`, refreshed when an agent restarts ICE with a new ufrag. */
  readonly byUsername = new Map<string, VirtualTransport>();
  /** STUN transaction id (hex) of a request a transport sent → that transport, for the response. */
  readonly transactions = new Map<string, VirtualTransport>();

  readonly socket: dgram.Socket;
  readonly mux: UdpMux;

  constructor(socket: dgram.Socket, mux: UdpMux) {
    this.socket = socket;
    this.mux = mux;
    socket.on('message', (data, rinfo) => this.#route(data, [rinfo.address, rinfo.port]));
    // A send to an unreachable client raises an ICMP error here; it must not end the process.
    socket.on('error', () => {});
  }

  /**
   * The agent a binding request's USERNAME ("serverUfrag:clientUfrag") is for. werift's ufrags are
   * only 4 hex digits, so among hundreds of agents two can share one: the client's ufrag tells
   * them apart. An agent that does not know the client's yet (its answer is still on the way)
   * matches on its own ufrag, when it is the only one with it.
   */
  findByUsername(username: string): VirtualTransport | undefined {
    const cached = this.byUsername.get(username);
    if (cached && matches(cached.ufrags(), username)) return cached;
    this.byUsername.delete(username);
    const [local] = username.split(':');
    let exact: VirtualTransport | undefined;
    const partial: VirtualTransport[] = [];
    for (const transport of this.transports) {
      const ufrags = transport.ufrags();
      if (ufrags.local !== local) continue;
      if (matches(ufrags, username)) exact = transport;
      else if (!ufrags.remote) partial.push(transport);
    }
    if (exact) {
      this.byUsername.set(username, exact);
      return exact;
    }
    return partial.length === 1 ? partial[0] : undefined;
  }

  forget(transport: VirtualTransport): void {
    this.transports.delete(transport);
    for (const [key, owner] of this.tuples) if (owner === transport) this.tuples.delete(key);
    for (const [key, owner] of this.byUsername) if (owner === transport) this.byUsername.delete(key);
    for (const id of transport.pendingTransactions) this.transactions.delete(id);
  }

  #route(data: Buffer, from: Address): void {
    const key = `${from[0]}:${from[1]}`;
    const stun = isStun(data);
    if (stun && data.readUInt16BE(0) === STUN_BINDING_REQUEST) {
      // Binding requests are routed by ufrag even from a known tuple: a client port can be reused by a new connection.
      const transport = this.findByUsername(username(data) ?? '');
      if (!transport) return this.mux.drop('droppedUnknownUfrag');
      this.tuples.set(key, transport);
      return transport.deliver(data, from);
    }
    if (stun && isResponse(data)) {
      const id = transactionId(data);
      const transport = this.transactions.get(id);
      if (transport) {
        this.transactions.delete(id);
        transport.pendingTransactions.delete(id);
        return transport.deliver(data, from);
      }
    }
    const transport = this.tuples.get(key);
    if (!transport) return this.mux.drop('droppedUnknownAddress');
    transport.deliver(data, from);
  }
}

class VirtualTransport implements MuxTransport {
  readonly type = 'udp' as const;
  readonly addressFamily = 4 as const;
  closed = false;
  onData: (data: Buffer, addr: Address) => void = () => {};
  readonly pendingTransactions = new Set<string>();
  #lastRemote: Address | undefined;

  readonly #endpoint: Endpoint;
  readonly address: AddressInfo;
  readonly ufrags: () => IceUfrags;

  constructor(endpoint: Endpoint, address: AddressInfo, ufrags: () => IceUfrags) {
    this.#endpoint = endpoint;
    this.address = address;
    this.ufrags = ufrags;
  }

  deliver(data: Buffer, from: Address): void {
    if (this.closed) return;
    this.#lastRemote = from;
    try {
      this.onData(data, from);
    } catch {
      // werift's own transport swallows errors of its receivers too: one bad packet must not stop the socket.
    }
  }

  send = async (data: Buffer, addr?: Address): Promise<void> => {
    this.sendNow(data, addr);
  };

  sendNow = (data: Buffer, addr?: Address): void => {
    const to = addr ?? this.#lastRemote;
    if (this.closed || !to) return;
    if (isStun(data) && !isResponse(data) && data.readUInt16BE(0) === STUN_BINDING_REQUEST) {
      const id = transactionId(data);
      this.pendingTransactions.add(id);
      this.#endpoint.transactions.set(id, this);
    }
    this.#endpoint.socket.send(data, to[1], to[0]);
  };

  close = async (): Promise<void> => {
    if (this.closed) return;
    this.closed = true;
    this.#endpoint.forget(this);
  };
}

export class UdpMux {
  /** Announced address → the endpoint whose socket carries it. */
  readonly #endpoints = new Map<string, Endpoint>();
  readonly #sockets: dgram.Socket[] = [];
  readonly #dropped = { droppedUnknownUfrag: 0, droppedUnknownAddress: 0 };

  private constructor() {}

  /** Binds one socket per binding on `port` (0: a free port, the same for every binding when possible). */
  static async listen(bindings: MuxBinding[], port: number): Promise<UdpMux> {
    const mux = new UdpMux();
    try {
      let chosen = port;
      for (const binding of bindings) {
        const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: SOCKET_BUFFER_BYTES, sendBufferSize: SOCKET_BUFFER_BYTES, lookup: lookupLiteral });
        mux.#sockets.push(socket);
        await new Promise<void>((resolve, reject) => {
          socket.once('error', reject);
          socket.bind({ address: binding.bindAddress, port: chosen, exclusive: true }, () => {
            socket.off('error', reject);
            resolve();
          });
        });
        chosen = socket.address().port;
        const endpoint = new Endpoint(socket, mux);
        for (const announced of binding.announcedAddresses) mux.#endpoints.set(announced, endpoint);
      }
    } catch (error) {
      await mux.close();
      throw error;
    }
    return mux;
  }

  /** The port of the first socket (every socket shares it unless `listen` was asked for port 0 and it was taken). */
  get port(): number {
    return this.#sockets[0]!.address().port;
  }

  /** The smallest buffers granted to any of the sockets. */
  get bufferBytes(): SocketBuffers {
    // Linux doubles what it is asked for (the extra is its bookkeeping) and reports the doubled size.
    const granted = (size: number) => (process.platform === 'linux' ? size / 2 : size);
    return {
      receive: Math.min(...this.#sockets.map((socket) => granted(socket.getRecvBufferSize()))),
      send: Math.min(...this.#sockets.map((socket) => granted(socket.getSendBufferSize()))),
    };
  }

  get announcedAddresses(): string[] {
    return [...this.#endpoints.keys()];
  }

  get stats(): UdpMuxStats {
    const endpoints = new Set(this.#endpoints.values());
    return { transports: [...endpoints].reduce((sum, endpoint) => sum + endpoint.transports.size, 0), ...this.#dropped };
  }

  drop(reason: Exclude<keyof UdpMuxStats, 'transports'>): void {
    this.#dropped[reason] += 1;
  }

  /**
   * A transport for an ICE agent's host candidate on `announcedAddress`; `ufrags` reads the agent's
   * current credentials (they change on ICE restart). werift skips addresses this rejects.
   */
  async createTransport(announcedAddress: string, ufrags: () => IceUfrags): Promise<MuxTransport> {
    const endpoint = this.#endpoints.get(announcedAddress);
    if (!endpoint) throw new Error(`no media socket for ${announcedAddress}`);
    const transport = new VirtualTransport(endpoint, { address: announcedAddress, family: 'IPv4', port: endpoint.socket.address().port }, ufrags);
    endpoint.transports.add(transport);
    return transport;
  }

  async close(): Promise<void> {
    await Promise.all(this.#sockets.map((socket) => new Promise<void>((resolve) => socket.close(() => resolve())).catch(() => {})));
    this.#sockets.length = 0;
  }
}

function isStun(data: Buffer): boolean {
  // RFC 5389: the two top bits of a STUN message are zero and bytes 4–7 hold the magic cookie.
  return data.length >= STUN_HEADER_BYTES && (data[0]! & 0xc0) === 0 && data.readUInt32BE(4) === STUN_MAGIC_COOKIE;
}

function isResponse(data: Buffer): boolean {
  // The class bits C1 (0x0100) set: a success (0x0100) or error (0x0110) response.
  return (data.readUInt16BE(0) & 0x0100) !== 0;
}

function transactionId(data: Buffer): string {
  return data.subarray(8, STUN_HEADER_BYTES).toString('hex');
}

function matches(ufrags: IceUfrags, username: string): boolean {
  return username === `${ufrags.local}:${ufrags.remote}`;
}

/** The USERNAME ("serverUfrag:clientUfrag") of a binding request, if it has one. */
function username(data: Buffer): string | undefined {
  const end = Math.min(data.length, STUN_HEADER_BYTES + data.readUInt16BE(2));
  let offset = STUN_HEADER_BYTES;
  while (offset + 4 <= end) {
    const type = data.readUInt16BE(offset);
    const length = data.readUInt16BE(offset + 2);
    if (type === STUN_ATTRIBUTE_USERNAME) {
      return data.subarray(offset + 4, Math.min(offset + 4 + length, end)).toString('utf8');
    }
    offset += 4 + Math.ceil(length / 4) * 4;
  }
  return undefined;
}
