import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { asyncResourcesCreatedBy } from '../../../../test/support/asyncResources.ts';
import { SOCKET_BUFFER_BYTES, UdpMux, type MuxTransport } from './udpMux.ts';

/** A STUN message as a client's ICE agent sends it (RFC 5389 header, optional USERNAME). */
function stun(type: number, transactionId: Buffer, username?: string): Buffer {
  const attributes: Buffer[] = [];
  if (username !== undefined) {
    const value = Buffer.from(username, 'utf8');
    const header = Buffer.alloc(4);
    header.writeUInt16BE(0x0006, 0);
    header.writeUInt16BE(value.length, 2);
    attributes.push(header, value, Buffer.alloc((4 - (value.length % 4)) % 4));
  }
  const body = Buffer.concat(attributes);
  const head = Buffer.alloc(20);
  head.writeUInt16BE(type, 0);
  head.writeUInt16BE(body.length, 2);
  head.writeUInt32BE(0x2112a442, 4);
  transactionId.copy(head, 8);
  return Buffer.concat([head, body]);
}
const BINDING_REQUEST = 0x0001;
const BINDING_SUCCESS = 0x0101;
/** An agent's ufrags; without `remote`, the client's answer has not arrived yet. */
const ufrags = (local: string, remote?: string) => () => ({ local, remote });
const RTP_LIKE = Buffer.from([0x80, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]);

interface Client {
  socket: dgram.Socket;
  port: number;
  received: Buffer[];
}

async function client(): Promise<Client> {
  const socket = dgram.createSocket('udp4');
  const received: Buffer[] = [];
  socket.on('message', (data) => received.push(data));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { socket, port: socket.address().port, received };
}

/** A transport's deliveries, in order. */
function collect(transport: MuxTransport): Array<{ data: Buffer; from: readonly [string, number] }> {
  const got: Array<{ data: Buffer; from: readonly [string, number] }> = [];
  transport.onData = (data, from) => got.push({ data, from });
  return got;
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(check()).toBe(true);
};
/** UDP on loopback is not lost, but arrives later: give a datagram that must NOT arrive its chance to. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('UDP mux', () => {
  let mux: UdpMux;
  const clients: Client[] = [];
  const send = (from: Client, data: Buffer) => from.socket.send(data, mux.port, '127.0.0.1');

  beforeAll(async () => {
    mux = await UdpMux.listen([{ bindAddress: '127.0.0.1', announcedAddresses: ['127.0.0.1', '203.0.113.5'] }], 0);
  });
  afterEach(() => {
    for (const each of clients.splice(0)) each.socket.close();
  });
  afterAll(() => mux.close());

  it('asks the kernel for buffers that hold a burst of every call at once, as far as the kernel allows', async () => {
    const cap = (name: string) => Number(fs.readFileSync(`/proc/sys/net/core/${name}`, 'utf8'));
    // Linux's default, 208 KiB, overflows when a few publishers send a keyframe together.
    expect(mux.bufferBytes).toEqual({ receive: Math.min(SOCKET_BUFFER_BYTES, cap('rmem_max')), send: Math.min(SOCKET_BUFFER_BYTES, cap('wmem_max')) });
    expect(SOCKET_BUFFER_BYTES).toBeGreaterThan(cap('rmem_default'));
  });

  it('hands each agent its host candidate on the shared port, and refuses an address it has no socket for', async () => {
    const local = await mux.createTransport('127.0.0.1', ufrags('AAAA'));
    const nat = await mux.createTransport('203.0.113.5', ufrags('BBBB'));
    expect(local.address).toMatchObject({ address: '127.0.0.1', port: mux.port });
    // Behind 1:1 NAT the public address is announced while the socket stays the local one.
    expect(nat.address).toMatchObject({ address: '203.0.113.5', port: mux.port });
    await expect(mux.createTransport('198.51.100.1', ufrags('CCCC'))).rejects.toThrow(/no media socket/);
    await local.close();
    await nat.close();
  });

  it('routes a binding request by the ufrag in USERNAME, then everything from that address to the same agent', async () => {
    const first = await mux.createTransport('127.0.0.1', ufrags('one1'));
    const second = await mux.createTransport('127.0.0.1', ufrags('two2'));
    const toFirst = collect(first);
    const toSecond = collect(second);
    const a = await client();
    const b = await client();
    clients.push(a, b);

    send(a, stun(BINDING_REQUEST, randomBytes(12), 'two2:remoteA'));
    send(b, stun(BINDING_REQUEST, randomBytes(12), 'one1:remoteB'));
    await until(() => toFirst.length === 1 && toSecond.length === 1);
    expect(toSecond[0]!.from).toEqual(['127.0.0.1', a.port]);
    expect(toFirst[0]!.from).toEqual(['127.0.0.1', b.port]);

    send(a, RTP_LIKE);
    await until(() => toSecond.length === 2);
    expect(toSecond[1]!.data).toEqual(RTP_LIKE);
    expect(toFirst).toHaveLength(1);

    // Replies leave from the shared port, to the address the agent last heard from when none is given.
    await second.send(Buffer.from('dtls'));
    await until(() => a.received.length === 1);
    expect(a.received[0]!.toString()).toBe('dtls');
    await first.close();
    await second.close();
  });

  it('hands media to the socket within sendNow: no promise, no next-tick turn, however many sends', async () => {
    const agent = await mux.createTransport('127.0.0.1', ufrags('now1'));
    const receiver = await client();
    clients.push(receiver);
    const created = asyncResourcesCreatedBy(() => {
      for (let index = 0; index < 20; index++) agent.sendNow(Buffer.from(`media ${index}`), ['127.0.0.1', receiver.port]);
    });
    // Node's send requests (UDPSENDWRAP) are not looked for: they end in libuv's write, not in a later turn of the event loop.
    expect(created.filter((type) => type === 'PROMISE' || type === 'TickObject')).toEqual([]);
    await until(() => receiver.received.length === 20);
    expect(receiver.received.map(String)).toEqual(Array.from({ length: 20 }, (_, index) => `media ${index}`));
    await agent.close();
  });

  it('routes a STUN response to the agent that sent the request, before that address is known', async () => {
    const checker = await mux.createTransport('127.0.0.1', ufrags('chk1'));
    const bystander = await mux.createTransport('127.0.0.1', ufrags('byst'));
    const toChecker = collect(checker);
    const toBystander = collect(bystander);
    const remote = await client();
    clients.push(remote);

    const transaction = randomBytes(12);
    await checker.send(stun(BINDING_REQUEST, transaction, 'remote:chk1'), ['127.0.0.1', remote.port]);
    await until(() => remote.received.length === 1);
    send(remote, stun(BINDING_SUCCESS, transaction));
    await until(() => toChecker.length === 1);
    // A response nobody asked for is dropped.
    const dropped = mux.stats.droppedUnknownAddress;
    send(remote, stun(BINDING_SUCCESS, randomBytes(12)));
    await until(() => mux.stats.droppedUnknownAddress === dropped + 1);
    expect(toBystander).toHaveLength(0);
    await checker.close();
    await bystander.close();
  });

  it('drops traffic from unknown addresses and unknown ufrags, and forgets an agent once it closes', async () => {
    const agent = await mux.createTransport('127.0.0.1', ufrags('gone'));
    const got = collect(agent);
    const stranger = await client();
    clients.push(stranger);
    const before = mux.stats;

    send(stranger, RTP_LIKE);
    send(stranger, stun(BINDING_REQUEST, randomBytes(12), 'nope:x'));
    await until(() => mux.stats.droppedUnknownAddress === before.droppedUnknownAddress + 1 && mux.stats.droppedUnknownUfrag === before.droppedUnknownUfrag + 1);

    send(stranger, stun(BINDING_REQUEST, randomBytes(12), 'gone:x'));
    await until(() => got.length === 1);
    const transports = mux.stats.transports;
    await agent.close();
    expect(mux.stats.transports).toBe(transports - 1);
    send(stranger, RTP_LIKE);
    await until(() => mux.stats.droppedUnknownAddress === before.droppedUnknownAddress + 2);
    expect(got).toHaveLength(1);
  });

  it('follows an ICE restart: the agent is found by its new ufrag', async () => {
    let local = 'old1';
    const agent = await mux.createTransport('127.0.0.1', () => ({ local, remote: 'r' }));
    const got = collect(agent);
    const remote = await client();
    clients.push(remote);
    send(remote, stun(BINDING_REQUEST, randomBytes(12), 'old1:r'));
    await until(() => got.length === 1);

    local = 'new2';
    send(remote, stun(BINDING_REQUEST, randomBytes(12), 'old1:r'));
    await settle();
    expect(got).toHaveLength(1);
    send(remote, stun(BINDING_REQUEST, randomBytes(12), 'new2:r'));
    await until(() => got.length === 2);
    await agent.close();
  });

  it('tells apart agents that drew the same ufrag by the client’s ufrag', async () => {
    // werift's ufrags are 4 hex digits: among 300 agents, two sharing one is more likely than not.
    const first = await mux.createTransport('127.0.0.1', ufrags('same', 'cli1'));
    const second = await mux.createTransport('127.0.0.1', ufrags('same', 'cli2'));
    const toFirst = collect(first);
    const toSecond = collect(second);
    const remote = await client();
    clients.push(remote);
    send(remote, stun(BINDING_REQUEST, randomBytes(12), 'same:cli2'));
    await until(() => toSecond.length === 1);
    expect(toFirst).toHaveLength(0);

    // Until its client's answer arrives an agent matches on its own ufrag, only if no other has it.
    const early = await mux.createTransport('127.0.0.1', ufrags('solo'));
    const toEarly = collect(early);
    send(remote, stun(BINDING_REQUEST, randomBytes(12), 'solo:cli3'));
    await until(() => toEarly.length === 1);
    const twin = await mux.createTransport('127.0.0.1', ufrags('solo'));
    const dropped = mux.stats.droppedUnknownUfrag;
    send(remote, stun(BINDING_REQUEST, randomBytes(12), 'solo:cli4'));
    await until(() => mux.stats.droppedUnknownUfrag === dropped + 1);
    for (const each of [first, second, early, twin]) await each.close();
  });

  it('fails to start on a port another socket holds', async () => {
    await expect(UdpMux.listen([{ bindAddress: '127.0.0.1', announcedAddresses: ['127.0.0.1'] }], mux.port)).rejects.toThrow(/EADDRINUSE/);
  });
});
