/**
 * The SFU's end of one participant's data channel (framing and limits in
 * @parley/protocol/data-channel). It keeps the one channel the protocol allows, reads each frame's
 * kind and length and nothing more, holds the sender to its pace, and hands good frames to the
 * room. Everything else is dropped and reported; a sender that keeps flooding loses its channel
 * for the rest of the session. Frames to a receiver that does not keep up are dropped rather than
 * queued without bound.
 */
import type { RTCDataChannel } from 'werift';
import { DATA_CHANNEL_LABEL, DataSendBudget, decodeClientFrame, type ClientFrameProblem, type DataFrameKind } from '@parley/protocol/data-channel';
import { FloodWatch } from './messageBudget.ts';

export type DataDropReason =
  | ClientFrameProblem
  /** A text message: the protocol has binary frames only. */
  | 'text'
  /** Over the sender's frames- or bytes-a-second budget. */
  | 'over-budget'
  /** The audience (live mode) receives but does not send. */
  | 'not-allowed'
  /** A second channel, or one with another label or without ordered, reliable delivery. */
  | 'extra-channel'
  /** The receiver's channel holds more unsent data than MAX_BUFFERED_BYTES. */
  | 'receiver-backlog';

export interface DataLinkOwner {
  /** Whether this participant may send (the audience in live mode may not). */
  maySend(): boolean;
  /** A well-formed frame within budget, for the others in the room. */
  relay(kind: DataFrameKind, payload: Uint8Array): void;
  dropped(reason: DataDropReason): void;
  /** The sender kept flooding: its channel is closed and no other is accepted. */
  cutOff(): void;
}

/** Unsent bytes a receiver's channel may hold (about 40 s of one sender at its full pace). */
const MAX_BUFFERED_BYTES = 256 * 1024;
/** The SFU allows twice the SDK's burst at the same rate: network jitter bunches frames the SDK spaced. */
const SFU_BURST = 2;

export class DataLink {
  #owner: DataLinkOwner;
  #channel: RTCDataChannel | undefined;
  #budget = new DataSendBudget(SFU_BURST);
  #flood = new FloodWatch();
  #cutOff = false;

  constructor(owner: DataLinkOwner) {
    this.#owner = owner;
  }

  get open(): boolean {
    return this.#channel?.readyState === 'open';
  }

  /** A channel the client opened: the first proper one is kept, any other is closed. */
  accept(channel: RTCDataChannel): void {
    const proper = channel.label === DATA_CHANNEL_LABEL && channel.ordered && channel.maxRetransmits == null && channel.maxPacketLifeTime == null;
    if (!proper || this.#cutOff || this.open) {
      this.#owner.dropped('extra-channel');
      // After werift has acknowledged the opening: a reset before the ACK leaves the client an ACK for a channel it no longer has.
      setImmediate(() => closeQuietly(channel));
      return;
    }
    this.#channel = channel;
    channel.onMessage.subscribe((message) => this.#receive(message));
    channel.stateChanged.subscribe((state) => {
      if (state === 'closed' && this.#channel === channel) this.#channel = undefined;
    });
  }

  /** Sends an SFU frame to this participant, if its channel is open and keeps up. */
  send(frame: Uint8Array): void {
    const channel = this.#channel;
    if (!channel || channel.readyState !== 'open') return;
    if (channel.bufferedAmount > MAX_BUFFERED_BYTES) return this.#owner.dropped('receiver-backlog');
    channel.send(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength));
  }

  close(): void {
    if (this.#channel) closeQuietly(this.#channel);
    this.#channel = undefined;
  }

  #receive(message: string | Buffer): void {
    if (this.#cutOff) return;
    if (typeof message === 'string') return this.#drop('text');
    if (!this.#owner.maySend()) return this.#drop('not-allowed');
    const frame = decodeClientFrame(message);
    if ('problem' in frame) return this.#drop(frame.problem);
    if (!this.#budget.take(frame.payload.length)) return this.#drop('over-budget');
    this.#owner.relay(frame.kind, frame.payload);
  }

  #drop(reason: DataDropReason): void {
    this.#owner.dropped(reason);
    if (this.#flood.drop() !== 'disconnect') return;
    this.#cutOff = true;
    this.close();
    this.#owner.cutOff();
  }
}

function closeQuietly(channel: RTCDataChannel): void {
  try {
    channel.close();
  } catch {
    // Already closing with its association: nothing more to free.
  }
}
