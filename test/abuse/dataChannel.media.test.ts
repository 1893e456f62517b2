/**
 * The SFU's data channel relay against real werift clients in Node: frames reach everyone else in
 * the room tagged with their sender, and whatever a client sends that the protocol does not allow
 * (text, malformed or oversize frames, floods, extra channels, unknown SCTP payload ids, garbage
 * SCTP packets, an audience member sending) is dropped and counted without touching the others.
 * The server runs in this process: an unhandled rejection in werift fails the run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataFrameKind } from '@parley/protocol/data-channel';
import { startCallFixture, type CallFixture, type TokenRole } from '../support/callFixture.ts';
import { DataChannelClient, type DataChannelJoin } from '../support/dataChannelClient.ts';
import { waitUntil } from '../support/waitUntil.ts';

const { streamMessage, metadata } = DataFrameKind;

describe('data channel relay', () => {
  let f: CallFixture;
  const clients: DataChannelClient[] = [];

  beforeAll(async () => {
    f = await startCallFixture();
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await f?.close();
  });

  const counts = () => ({ ...f.t.server.services.rtc.counts });
  async function join(channel: string, uid: number | string, options: { token?: TokenRole } & Pick<DataChannelJoin, 'mode' | 'role'> = {}): Promise<DataChannelClient> {
    const client = await DataChannelClient.join({
      url: f.t.url,
      appId: f.project.appId,
      channel,
      uid,
      token: f.token(channel, uid, { role: options.token ?? 'publisher' }),
      ...(options.mode ? { mode: options.mode } : {}),
      ...(options.role ? { role: options.role } : {}),
    });
    clients.push(client);
    return client;
  }
  async function joinOpen(channel: string, uids: number[]): Promise<DataChannelClient[]> {
    const joined = await Promise.all(uids.map((uid) => join(channel, uid)));
    await Promise.all(joined.map((client) => client.open()));
    return joined;
  }

  it('relays each frame, in order, to everyone else with the sender\'s uid, never back to the sender', async () => {
    const [ann, ben, cat] = await joinOpen('relay', [501, 502, 503]);
    const lurker = await join('relay', 504);
    for (let i = 0; i < 20; i++) ann!.send(streamMessage, `ann ${i}`);
    ben!.send(metadata, 'ben meta');
    await waitUntil(() => ben!.texts(501).length === 20 && cat!.texts(501).length === 20 && ann!.texts(502).length === 1 && cat!.texts(502).length === 1, 'the relayed frames');
    const expected = Array.from({ length: 20 }, (_, i) => `ann ${i}`);
    expect(ben!.texts(501)).toEqual(expected);
    expect(cat!.texts(501)).toEqual(expected);
    expect(cat!.received.find((frame) => frame.uid === 502)).toEqual({ kind: metadata, uid: 502, text: 'ben meta' });
    expect(ann!.texts(501)).toEqual([]);
    expect(ben!.texts(502)).toEqual([]);
    // Someone without a channel gets nothing and costs nothing.
    expect(lurker.received).toEqual([]);
    for (const client of [ann, ben, cat]) expect(client!.garbled).toEqual([]);
  });

  it('drops text, malformed, oversize and over-budget frames and counts them; the others go on', async () => {
    const [mallory, alice, bob] = await joinOpen('hostile', [601, 602, 603]);
    const before = counts();
    mallory!.sendRaw('a text message');
    // An empty binary message, as browsers send it (payload protocol id 57, one byte).
    await mallory!.sendWithPpid(57, Buffer.alloc(1));
    mallory!.sendRaw(Buffer.from([9, 1, 2]));
    mallory!.sendRaw(Buffer.concat([Buffer.from([streamMessage]), Buffer.alloc(1025, 7)]));
    // The SFU's burst is 60 frames (it refills 30 a second); of 100 sent at once, some are over budget.
    for (let i = 0; i < 100; i++) mallory!.send(streamMessage, `m${i}`);
    alice!.send(streamMessage, 'still here');
    await waitUntil(() => bob!.texts(602).includes('still here') && alice!.texts(601).length >= 60, 'alice\'s frame and mallory\'s budget');
    await waitUntil(() => counts().dataMessagesDropped - before.dataMessagesDropped === 4 + 100 - bob!.texts(601).length, 'every drop counted');
    const relayed = bob!.texts(601);
    expect(relayed.length).toBeGreaterThanOrEqual(60);
    expect(relayed.length).toBeLessThan(100);
    // In the order sent, the first 60 all there.
    const sent = relayed.map((text) => Number(text.slice(1)));
    expect(sent).toEqual([...sent].sort((a, b) => a - b));
    expect(sent.slice(0, 60)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(alice!.texts(601)).toEqual(relayed);
    expect(counts().dataChannelsCutOff).toBe(before.dataChannelsCutOff);
    expect(mallory!.channel!.readyState).toBe('open');
  });

  it('closes the channel of a sender that keeps flooding, and accepts no other from it', async () => {
    const [flooder, victim] = await joinOpen('flood', [701, 702]);
    const before = counts();
    for (let i = 0; i < 400; i++) flooder!.send(streamMessage, `f${i}`);
    await waitUntil(() => flooder!.channel!.readyState === 'closed', 'the flooder\'s channel closed');
    expect(counts().dataChannelsCutOff).toBe(before.dataChannelsCutOff + 1);
    const again = flooder!.pc.createDataChannel('parley-data');
    await waitUntil(() => again.readyState === 'closed', 'a second channel refused');
    victim!.send(streamMessage, 'unharmed');
    const third = await join('flood', 703);
    await third.open();
    third.send(streamMessage, 'hello');
    await waitUntil(() => victim!.texts(703).includes('hello'), 'the others still talk');
    // The burst and what refilled while 400 frames trickled in; the rest was dropped.
    expect(victim!.texts(701).length).toBeGreaterThanOrEqual(60);
    expect(victim!.texts(701).length).toBeLessThan(200);
  });

  it('closes channels the protocol does not allow: another label, unordered, partly reliable, a second one', async () => {
    const [client] = await joinOpen('channels', [801]);
    const before = counts();
    const refused = [
      client!.pc.createDataChannel('chat'),
      client!.pc.createDataChannel('parley-data', { ordered: false }),
      client!.pc.createDataChannel('parley-data', { maxRetransmits: 0 }),
      client!.pc.createDataChannel('parley-data'),
    ];
    await waitUntil(() => refused.every((channel) => channel.readyState === 'closed'), 'every extra channel closed');
    expect(counts().dataMessagesDropped - before.dataMessagesDropped).toBe(4);
    expect(client!.channel!.readyState).toBe('open');
  });

  it('survives unknown SCTP payload ids and unparsable SCTP packets, and keeps relaying', async () => {
    const [sender, receiver] = await joinOpen('sctp', [901, 902]);
    const before = counts();
    await sender!.sendWithPpid(1234, Buffer.from('not a WebRTC payload id'));
    await sender!.sendSctpPacket(Buffer.alloc(40, 0xff));
    await sender!.sendSctpPacket(Buffer.from([0x13, 0x88]));
    await waitUntil(() => counts().sctpPacketsRejected > before.sctpPacketsRejected, 'the bad packets rejected');
    sender!.send(streamMessage, 'after the garbage');
    await waitUntil(() => receiver!.texts(901).includes('after the garbage'), 'relaying goes on');
    expect((await fetch(`${f.t.url}/healthz`)).status).toBe(200);
  });

  it('lets the live audience receive hosts\' frames, and drops what it sends', async () => {
    const host = await join('live-data', 1001, { mode: 'live', role: 'host' });
    const audience = await join('live-data', 1002, { mode: 'live', role: 'audience', token: 'subscriber' });
    await Promise.all([host.open(), audience.open()]);
    const before = counts();
    audience.send(streamMessage, 'from the audience');
    host.send(streamMessage, 'from the stage');
    await waitUntil(() => audience.texts(1001).includes('from the stage'), 'the host\'s frame');
    await waitUntil(() => counts().dataMessagesDropped > before.dataMessagesDropped, 'the audience frame dropped');
    expect(host.received).toEqual([]);
  });
});
