import { describe, expect, it, vi } from 'vitest';
import { DataFrameKind, encodeSenderUid, encodeServerFrame } from '@parley/protocol/data-channel';
import { StreamMessages } from './streamMessages.ts';

/** The parts of an RTCDataChannel StreamMessages uses, opened and closed by the test. */
class ScriptedChannel {
  readyState: RTCDataChannelState = 'connecting';
  sent: Uint8Array[] = [];
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;

  send(frame: Uint8Array): void {
    if (this.readyState !== 'open') throw new Error('not open');
    this.sent.push(frame);
  }

  open(): void {
    this.readyState = 'open';
    this.onopen?.();
  }

  close(): void {
    this.readyState = 'closed';
    this.onclose?.();
  }
}

function setup(options: { openedBeforeHandedOver?: boolean } = {}) {
  const channels: ScriptedChannel[] = [];
  const received: Array<[number, number | string, string]> = [];
  const messages = new StreamMessages({
    createChannel: async () => {
      const channel = new ScriptedChannel();
      channels.push(channel);
      if (options.openedBeforeHandedOver) channel.open();
      return channel as unknown as RTCDataChannel;
    },
    received: (kind, uid, payload) => received.push([kind, uid, new TextDecoder().decode(payload)]),
    transportState: () => 'connection connected, SCTP connecting',
  });
  const code = (work: Promise<unknown>) => work.then(() => 'sent', (error: { code: string }) => error.code);
  const text = (value: string) => new TextEncoder().encode(value);
  return { channels, received, messages, code, text };
}

describe('stream messages on the client', () => {
  it('opens the channel on the first send and sends what waited, in call order, once it opens', async () => {
    const { channels, messages, code, text } = setup();
    const first = code(messages.send(DataFrameKind.streamMessage, text('one'), true));
    const second = code(messages.send(DataFrameKind.metadata, text('two'), true));
    await Promise.resolve();
    expect(channels).toHaveLength(1);
    channels[0]!.open();
    expect([await first, await second]).toEqual(['sent', 'sent']);
    expect(channels[0]!.sent.map((frame) => [...frame])).toEqual([[1, 111, 110, 101], [2, 116, 119, 111]]);
  });

  it('without needRetry, fails at once while the channel is not open, and opens it for later', async () => {
    const { channels, messages, code, text } = setup();
    expect(await code(messages.send(DataFrameKind.streamMessage, text('early'), false))).toBe('DATACHANNEL_FAILED');
    await Promise.resolve();
    channels[0]!.open();
    expect(await code(messages.send(DataFrameKind.streamMessage, text('later'), false))).toBe('sent');
    expect(channels).toHaveLength(1);
  });

  it('refuses past 30 messages or 6 KB a second, before anything is sent', async () => {
    const { channels, messages, code, text } = setup();
    messages.want();
    await Promise.resolve();
    channels[0]!.open();
    const results = await Promise.all(Array.from({ length: 31 }, () => code(messages.send(DataFrameKind.streamMessage, text('x'), true))));
    expect(results.slice(0, 30).every((result) => result === 'sent')).toBe(true);
    expect(results[30]).toBe('INVALID_OPERATION');
    expect(channels[0]!.sent).toHaveLength(30);
  });

  it('hands the SFU\'s frames over with their sender, and skips what is not one', async () => {
    const { channels, messages, received } = setup();
    messages.want();
    await Promise.resolve();
    const channel = channels[0]!;
    channel.open();
    channel.onmessage?.({ data: encodeServerFrame(DataFrameKind.streamMessage, encodeSenderUid('bob'), new TextEncoder().encode('hi')).buffer });
    channel.onmessage?.({ data: encodeServerFrame(DataFrameKind.metadata, encodeSenderUid(7), new TextEncoder().encode('m')).buffer });
    channel.onmessage?.({ data: 'text' });
    channel.onmessage?.({ data: new Uint8Array([1, 9]).buffer });
    expect(received).toEqual([
      [DataFrameKind.streamMessage, 'bob', 'hi'],
      [DataFrameKind.metadata, 7, 'm'],
    ]);
  });

  it('fails the sends waiting on a channel that closes, and opens a new one next time', async () => {
    const { channels, messages, code, text } = setup();
    const waiting = code(messages.send(DataFrameKind.streamMessage, text('lost'), true));
    await Promise.resolve();
    channels[0]!.close();
    expect(await waiting).toBe('DATACHANNEL_FAILED');
    const next = code(messages.send(DataFrameKind.streamMessage, text('again'), true));
    await Promise.resolve();
    channels[1]!.open();
    expect(await next).toBe('sent');
  });

  it('fails the sends waiting on a channel that does not open in 10 s, saying where the connection stands, and tries a new channel next time', async () => {
    vi.useFakeTimers();
    try {
      const { channels, messages, text } = setup();
      const waiting = messages.send(DataFrameKind.streamMessage, text('hi'), true).catch((error: Error) => error.message);
      await vi.advanceTimersByTimeAsync(10_001);
      expect(await waiting).toBe('The data channel failed: it did not open within 10 s (connection connected, SCTP connecting)');
      expect(channels[0]!.readyState).toBe('closed');
      const retry = messages.send(DataFrameKind.streamMessage, text('again'), true);
      await vi.advanceTimersByTimeAsync(0);
      expect(channels).toHaveLength(2);
      channels[1]!.open();
      await retry;
    } finally {
      vi.useRealTimers();
    }
  });

  it('uses a channel whose open event fired before it was handed over (the SCTP handshake finished first)', async () => {
    const { channels, messages, text } = setup({ openedBeforeHandedOver: true });
    await messages.send(DataFrameKind.streamMessage, text('hi'), true);
    expect(channels).toHaveLength(1);
    expect(channels[0]!.sent).toHaveLength(1);
  });
});
