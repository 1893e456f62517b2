/**
 * The publish peer connection: the client offers its camera and microphone, the server answers.
 *
 * One sendonly transceiver per media kind, created on the first publish of that kind and reused
 * afterwards (`replaceTrack`), so republishing never grows the SDP. Every publish renegotiates and
 * lists the kinds now sent with their mids, which is how the server learns what it receives.
 * Unpublishing only detaches the track (`replaceTrack(null)`); the client tells the server with an
 * `unpublish` message, so no renegotiation is needed.
 *
 * It also carries the data channel of stream messages and metadata, opened on first use with an
 * offer that may declare no track at all (see @parley/protocol/data-channel): this connection is
 * the one the client offers, so the SDK alone decides when to pay for it, and the SFU lets anyone
 * open a data-only publish connection, so a user who never publishes can still send and receive.
 * With dual stream on, the video transceiver sends two simulcast layers (rtc/dualStream.ts). A
 * transceiver's layers are fixed when it is made, so turning dual stream on or off while video is
 * published stops the video transceiver and renegotiates with a new one; the server moves the
 * subscribers over. The low layer's profile changes in place (setParameters).
 */
import type { MediaKind } from '@parley/protocol';
import { DATA_CHANNEL_LABEL } from '@parley/protocol/data-channel';
import type { FrameProtection } from '../encryption/frameProtection.ts';
import { webrtcFailed } from '../errors.ts';
import { SIMULCAST_RIDS } from '../protocolConstants.ts';
import { dualStreamEncodings, lowEncoding, type LowStreamProfile } from './dualStream.ts';
import { completeLocalSdp } from './iceGathering.ts';
import { peerConfiguration, renewIceServers, watchPeerState, type PeerStateListener } from './peerConfig.ts';
import { preferVideoCodec, type VideoCodec } from './videoCodec.ts';

export interface PublishOffer {
  sdp: string;
  tracks: Array<{ mid: string; kind: MediaKind }>;
}

/** Sends an offer to the server and resolves with its answer's SDP. */
export type SendPublishOffer = (offer: PublishOffer) => Promise<string>;

export class PublishConnection {
  #pc: RTCPeerConnection | undefined;
  #iceServers: RTCIceServer[] | undefined;
  #sendOffer: SendPublishOffer;
  #transceivers = new Map<MediaKind, RTCRtpTransceiver>();
  /** Kinds whose transceiver carries a track now. */
  #sending = new Set<MediaKind>();

  #onState: PeerStateListener | undefined;
  /** Seals every frame sent when the client encrypts media. */
  #frames: FrameProtection | undefined;
  /** The low layer's profile while dual stream is on. */
  #dualStream: LowStreamProfile | undefined;
  #codec: VideoCodec;

  constructor(iceServers: RTCIceServer[] | undefined, codec: VideoCodec, sendOffer: SendPublishOffer, onState?: PeerStateListener, frames?: FrameProtection) {
    this.#iceServers = iceServers;
    this.#codec = codec;
    this.#sendOffer = sendOffer;
    this.#onState = onState;
    this.#frames = frames;
  }

  /** ICE servers for this connection from now on, the live one included (fresh TURN credentials). */
  setIceServers(iceServers: RTCIceServer[]): void {
    this.#iceServers = iceServers;
    renewIceServers(this.#pc, iceServers);
  }

  get peerConnection(): RTCPeerConnection | undefined {
    return this.#pc;
  }

  /** Starts sending `tracks` (at most one per kind) and renegotiates. */
  async publish(tracks: Array<{ kind: MediaKind; track: MediaStreamTrack }>): Promise<void> {
    const pc = this.#peer();
    const added: MediaKind[] = [];
    try {
      for (const { kind, track } of tracks) {
        const existing = this.#transceivers.get(kind);
        if (existing) {
          await existing.sender.replaceTrack(track);
          existing.direction = 'sendonly';
        } else {
          this.#addTransceiver(pc, kind, track);
        }
        if (!this.#sending.has(kind)) added.push(kind);
        this.#sending.add(kind);
      }
      await this.#negotiate(pc);
    } catch (error) {
      for (const kind of added) {
        this.#sending.delete(kind);
        await this.#transceivers.get(kind)?.sender.replaceTrack(null).catch(() => {});
      }
      await rollback(pc);
      throw error;
    }
  }

  /**
   * A new ordered, reliable data channel; renegotiates when the connection has none yet (later
   * channels reuse its SCTP association). Resolves before the channel is open.
   */
  async openDataChannel(): Promise<RTCDataChannel> {
    const pc = this.#peer();
    const negotiated = pc.sctp !== null;
    const channel = pc.createDataChannel(DATA_CHANNEL_LABEL, { ordered: true });
    channel.binaryType = 'arraybuffer';
    if (negotiated) return channel;
    try {
      await this.#negotiate(pc);
    } catch (error) {
      channel.close();
      await rollback(pc);
      throw error;
    }
    return channel;
  }

  /**
   * Turns dual stream on (with the low layer's `profile`) or off. Before video is published it
   * only sets how the video transceiver will be made; while it is, see the header.
   */
  async setDualStream(profile: LowStreamProfile | undefined): Promise<void> {
    const wasOn = this.#dualStream !== undefined;
    this.#dualStream = profile;
    const pc = this.#pc;
    const video = this.#transceivers.get('video');
    if (!pc || !video) return;
    if (profile && wasOn) {
      await this.#updateLowLayer(video, profile);
      return;
    }
    if (wasOn === (profile !== undefined)) return;
    const track = video.sender.track;
    video.stop();
    this.#transceivers.delete('video');
    // Not sending video now: the next publish makes the transceiver (and negotiates).
    if (!this.#sending.has('video') || !track) return;
    this.#addTransceiver(pc, 'video', track);
    await this.#negotiate(pc);
  }

  #addTransceiver(pc: RTCPeerConnection, kind: MediaKind, track: MediaStreamTrack): void {
    const profile = kind === 'video' ? this.#dualStream : undefined;
    const init: RTCRtpTransceiverInit = { direction: 'sendonly' };
    if (profile) init.sendEncodings = dualStreamEncodings(profile, track.getSettings());
    const transceiver = pc.addTransceiver(track, init);
    this.#frames?.protectSender(transceiver.sender, kind);
    if (kind === 'video') preferVideoCodec(transceiver, this.#codec);
    this.#transceivers.set(kind, transceiver);
  }

  /** The low layer takes a new profile without renegotiating. */
  async #updateLowLayer(video: RTCRtpTransceiver, profile: LowStreamProfile): Promise<void> {
    const parameters = video.sender.getParameters();
    const low = parameters.encodings.find((encoding) => encoding.rid === SIMULCAST_RIDS.low);
    const source = video.sender.track?.getSettings() ?? {};
    if (!low) return;
    Object.assign(low, lowEncoding(profile, source));
    try {
      await video.sender.setParameters(parameters);
    } catch (cause) {
      throw webrtcFailed('LOW_STREAM_ENCODING_ERROR', 'Setting the low stream\'s parameters', cause);
    }
  }

  /** Sends `track` in place of what `kind` sends now, without renegotiating (a device switch). */
  async replace(kind: MediaKind, track: MediaStreamTrack): Promise<void> {
    if (this.#sending.has(kind)) await this.#transceivers.get(kind)?.sender.replaceTrack(track);
  }

  /** Stops sending `kind`; the transceiver stays for a later publish. */
  async unpublish(kind: MediaKind): Promise<void> {
    this.#sending.delete(kind);
    await this.#transceivers.get(kind)?.sender.replaceTrack(null);
  }

  isSending(kind: MediaKind): boolean {
    return this.#sending.has(kind);
  }

  /** The connection's, SCTP association's and DTLS transport's states, for error messages. */
  transportState(): string {
    const pc = this.#pc;
    if (!pc) return 'no publish connection';
    return `connection ${pc.connectionState}, ICE ${pc.iceConnectionState}, SCTP ${pc.sctp?.state ?? 'none'}, DTLS ${pc.sctp?.transport.state ?? 'none'}`;
  }

  getStats(): Promise<RTCStatsReport | undefined> {
    return this.#pc ? this.#pc.getStats() : Promise.resolve(undefined);
  }

  /** The transceiver that sends `kind`, while it does. */
  transceiver(kind: MediaKind): RTCRtpTransceiver | undefined {
    return this.#sending.has(kind) ? this.#transceivers.get(kind) : undefined;
  }

  close(): void {
    this.#pc?.close();
    this.#pc = undefined;
    this.#transceivers.clear();
    this.#sending.clear();
  }

  #peer(): RTCPeerConnection {
    if (!this.#pc) {
      this.#pc = new RTCPeerConnection(peerConfiguration(this.#iceServers, this.#frames?.peerConfiguration));
      watchPeerState(this.#pc, this.#onState);
    }
    return this.#pc;
  }

  async #negotiate(pc: RTCPeerConnection): Promise<void> {
    let sdp: string;
    try {
      await pc.setLocalDescription(await pc.createOffer());
      sdp = await completeLocalSdp(pc);
    } catch (cause) {
      throw webrtcFailed('CREATE_OFFER_FAILED', 'Creating the publish offer', cause);
    }
    const tracks: PublishOffer['tracks'] = [];
    for (const kind of this.#sending) {
      const mid = this.#transceivers.get(kind)?.mid;
      if (mid) tracks.push({ mid, kind });
    }
    const answer = await this.#sendOffer({ sdp, tracks });
    try {
      await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    } catch (cause) {
      throw webrtcFailed('SET_ANSWER_FAILED', 'Applying the server\'s publish answer', cause);
    }
  }
}

async function rollback(pc: RTCPeerConnection): Promise<void> {
  if (pc.signalingState === 'have-local-offer') await pc.setLocalDescription({ type: 'rollback' }).catch(() => {});
}
