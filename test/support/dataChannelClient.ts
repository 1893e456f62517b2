/**
 * A participant that only uses the data channel, built on werift in Node the way a third-party
 * client would implement @parley/protocol/data-channel: it joins over signaling, opens the channel
 * with a data-only publish offer, sends client frames and decodes the SFU's. Being werift, it can
 * also misbehave below the framing (other channels, text, unknown SCTP payload ids, garbage SCTP
 * packets), which browsers cannot.
 */
import { RTCPeerConnection, type RTCDataChannel } from 'werift';
import type { ServerMessage } from '@parley/protocol';
import { DATA_CHANNEL_LABEL, decodeServerFrame, encodeClientFrame, type DataFrameKind } from '@parley/protocol/data-channel';
import { RawSignalingSocket } from './rawSignaling.ts';
import { waitUntil } from './waitUntil.ts';

export interface ReceivedFrame {
  kind: DataFrameKind;
  uid: number | string;
  text: string;
}

export interface DataChannelJoin {
  url: string;
  appId: string;
  channel: string;
  uid: number | string;
  token: string;
  mode?: 'rtc' | 'live';
  role?: 'host' | 'audience';
}

export class DataChannelClient {
  readonly socket: RawSignalingSocket;
  readonly pc = new RTCPeerConnection({
    iceServers: [],
    bundlePolicy: 'max-bundle',
    iceUseIpv6: false,
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceInterfaceAddresses: { udp4: '127.0.0.1' } as never,
  });
  readonly received: ReceivedFrame[] = [];
  /** SFU messages that were not SFU frames. */
  readonly garbled: unknown[] = [];
  channel: RTCDataChannel | undefined;

  private constructor(socket: RawSignalingSocket) {
    this.socket = socket;
  }

  static async join(options: DataChannelJoin): Promise<DataChannelClient> {
    const socket = await RawSignalingSocket.open(options.url);
    const reply = await socket.request({
      type: 'join',
      appId: options.appId,
      channel: options.channel,
      uid: options.uid,
      token: options.token,
      platform: 'data-test',
      ...(options.mode ? { mode: options.mode } : {}),
      ...(options.role ? { role: options.role } : {}),
    });
    if (reply.type !== 'joined') throw new Error(`join failed: ${JSON.stringify(reply)}`);
    return new DataChannelClient(socket);
  }

  /** Opens the protocol's channel (or, to misbehave, another) and resolves once it is open. */
  async open(label = DATA_CHANNEL_LABEL, options: { ordered?: boolean; maxRetransmits?: number } = {}): Promise<RTCDataChannel> {
    const channel = this.pc.createDataChannel(label, options);
    if (label === DATA_CHANNEL_LABEL && options.ordered !== false && options.maxRetransmits === undefined) {
      this.channel = channel;
      channel.onMessage.subscribe((message) => this.#receive(message));
    }
    if (!this.pc.remoteDescription) await this.#negotiate();
    await waitUntil(() => channel.readyState === 'open', `data channel ${label} open`);
    return channel;
  }

  /** Sends a client frame of `kind` carrying `text`. */
  send(kind: DataFrameKind, text: string): void {
    this.sendRaw(Buffer.from(encodeClientFrame(kind, new TextEncoder().encode(text))));
  }

  /** Sends anything on the protocol's channel. */
  sendRaw(message: Buffer | string): void {
    if (!this.channel) throw new Error('open the channel first');
    this.channel.send(message);
  }

  /** Sends one SCTP message on the channel's stream with any payload protocol id. */
  async sendWithPpid(ppId: number, data: Buffer): Promise<void> {
    const transport = this.pc.sctpTransport;
    if (!transport || this.channel?.id === undefined) throw new Error('open the channel first');
    await transport.sctp.send(this.channel.id, ppId, data);
  }

  /** Sends bytes as DTLS application data: what the SFU reads as an SCTP packet. */
  async sendSctpPacket(bytes: Buffer): Promise<void> {
    const transport = this.pc.sctpTransport;
    if (!transport) throw new Error('open the channel first');
    await transport.dtlsTransport.sendData(bytes);
  }

  texts(from: number | string): string[] {
    return this.received.filter((frame) => frame.uid === from).map((frame) => frame.text);
  }

  async close(): Promise<void> {
    this.socket.close();
    await this.pc.close();
  }

  async #negotiate(): Promise<void> {
    await this.pc.setLocalDescription(await this.pc.createOffer());
    await waitUntil(() => this.pc.iceGatheringState === 'complete', 'ICE gathering');
    const answer: ServerMessage = await this.socket.request({ type: 'publish-offer', sdp: this.pc.localDescription!.sdp, tracks: [] });
    if (answer.type !== 'publish-answer') throw new Error(`publish-offer refused: ${JSON.stringify(answer)}`);
    await this.pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
  }

  #receive(message: string | Buffer): void {
    const frame = typeof message === 'string' ? undefined : decodeServerFrame(message);
    if (!frame) {
      this.garbled.push(message);
      return;
    }
    this.received.push({ kind: frame.kind, uid: frame.uid, text: new TextDecoder().decode(frame.payload) });
  }
}
