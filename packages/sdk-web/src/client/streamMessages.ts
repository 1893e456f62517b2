/**
 * The client's end of the data channel that carries Agora's stream messages and metadata through
 * the SFU (framing and limits in @parley/protocol/data-channel). It opens the channel on first use
 * (a send, or a listener for the events), keeps the sender to Agora's pace, sends frames in call
 * order, and hands each frame received to the client as (kind, sender uid, payload).
 */
import { DataSendBudget, decodeServerFrame, encodeClientFrame, type DataFrameKind } from '@parley/protocol/data-channel';
import { dataChannelFailed, ParleyRTCError } from '../errors.ts';

/** How long a channel may take to open before sends waiting for it fail. */
const OPEN_TIMEOUT_MS = 10_000;

export interface StreamMessagesHost {
  /** Creates a data channel on the publish connection (negotiating it if need be). */
  createChannel(): Promise<RTCDataChannel>;
  /** A frame from another user. */
  received(kind: DataFrameKind, uid: number | string, payload: Uint8Array): void;
  /** Where the connection under the channel stands, for the error when it does not open. */
  transportState(): string;
}

export class StreamMessages {
  #host: StreamMessagesHost;
  #budget = new DataSendBudget();
  #channel: RTCDataChannel | undefined;
  #opening: Promise<RTCDataChannel> | undefined;

  constructor(host: StreamMessagesHost) {
    this.#host = host;
  }

  /** Opens the channel if it is not open or opening; failures surface at the next send. */
  want(): void {
    this.#open().catch(() => {});
  }

  /**
   * Sends a frame. With `waitForOpen` it waits for the channel to open (the first send opens it);
   * without, it fails at once when the channel is not open now.
   */
  async send(kind: DataFrameKind, payload: Uint8Array, waitForOpen: boolean): Promise<void> {
    if (!this.#budget.take(payload.length)) {
      // Agora's server drops the excess without a word; Parley refuses at once, with Agora's code for a call that does not fit now.
      throw new ParleyRTCError('INVALID_OPERATION', 'At most 30 stream messages and 6 KB of them a second: this one was not sent', { data: { limit: 'frequency' } });
    }
    const frame = encodeClientFrame(kind, payload);
    let channel = this.#channel?.readyState === 'open' ? this.#channel : undefined;
    if (!channel && !waitForOpen) {
      this.want();
      throw dataChannelFailed('it is not open (needRetry false sends only on an open channel)');
    }
    channel ??= await this.#open();
    try {
      channel.send(frame);
    } catch (cause) {
      throw dataChannelFailed('the browser refused to send', cause);
    }
  }

  /** The session is over: the channel goes with its peer connection. */
  reset(): void {
    this.#channel?.close();
    this.#channel = undefined;
    this.#opening = undefined;
  }

  #open(): Promise<RTCDataChannel> {
    this.#opening ??= this.#host.createChannel().then(
      (channel) => this.#whenOpen(channel),
      (cause: unknown) => {
        this.#opening = undefined;
        throw cause instanceof ParleyRTCError ? cause : dataChannelFailed('it could not be negotiated', cause);
      },
    );
    return this.#opening;
  }

  #whenOpen(channel: RTCDataChannel): Promise<RTCDataChannel> {
    channel.onmessage = (event: MessageEvent<unknown>) => {
      if (!(event.data instanceof ArrayBuffer)) return;
      const frame = decodeServerFrame(new Uint8Array(event.data));
      if (frame) this.#host.received(frame.kind, frame.uid, frame.payload);
    };
    return new Promise((resolve, reject) => {
      const opened = () => {
        clearTimeout(timer);
        this.#channel = channel;
        resolve(channel);
      };
      const fail = (reason: string) => {
        clearTimeout(timer);
        if (this.#channel === channel || this.#channel === undefined) {
          this.#channel = undefined;
          this.#opening = undefined;
        }
        // A channel given up on is closed, so the server frees its place for the next one.
        channel.onclose = null;
        if (channel.readyState !== 'closed') channel.close();
        reject(dataChannelFailed(reason));
      };
      const timer = setTimeout(() => fail(`it did not open within ${OPEN_TIMEOUT_MS / 1000} s (${this.#host.transportState()})`), OPEN_TIMEOUT_MS);
      channel.onopen = opened;
      // Closed by the server (a flood) or with the connection: the next use opens another.
      channel.onclose = () => fail('it closed');
      // The SCTP handshake runs off the page's thread and may finish (its "open" event already
      // dispatched) before the negotiation's promise lets this code run: look, do not only listen.
      if (channel.readyState === 'open') opened();
      else if (channel.readyState === 'closed' || channel.readyState === 'closing') fail('it closed');
    });
  }
}
