/**
 * One signaling WebSocket: validates each message against the protocol's schema, hands it to the
 * RtcService, and answers. Before `join` (or `resume`) only those and `ping` are accepted.
 * A socket that stays silent for three keep-alive intervals is dropped (the session may resume).
 */
import { ClientMessage, KEEPALIVE_INTERVAL_MS, type ServerMessage, type SignalingErrorCode } from '@parley/protocol';
import { compileValidator } from '../http/validation.ts';
import { JoinRefused } from './joinPolicy.ts';
import type { Participant } from './participant.ts';
import type { RtcService } from './service.ts';
import { CloseCode, type SignalingPeer } from './signalingPeer.ts';

const validateMessage = compileValidator(ClientMessage, 'body');
const SILENCE_LIMIT_MS = KEEPALIVE_INTERVAL_MS * 3;

export interface SignalingLog {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export class SignalingConnection {
  #rtc: RtcService;
  #peer: SignalingPeer;
  #log: SignalingLog;
  #participant: Participant | undefined;
  #lastHeard = Date.now();
  #watchdog: NodeJS.Timeout;
  #closed = false;
  /** Messages are handled one at a time, in order: negotiation steps depend on each other. */
  #queue: Promise<void> = Promise.resolve();

  constructor(rtc: RtcService, peer: SignalingPeer, log: SignalingLog) {
    this.#rtc = rtc;
    this.#peer = peer;
    this.#log = log;
    this.#watchdog = setInterval(() => {
      if (Date.now() - this.#lastHeard > SILENCE_LIMIT_MS) this.#peer.close(CloseCode.keepaliveTimeout, 'keep-alive timeout');
    }, KEEPALIVE_INTERVAL_MS);
  }

  receive(raw: string): void {
    this.#lastHeard = Date.now();
    this.#queue = this.#queue.then(() => this.#handle(raw));
  }

  /** The socket closed: a joined session waits for resume, unless it left on purpose. */
  closed(): void {
    this.#closed = true;
    clearInterval(this.#watchdog);
    const participant = this.#participant;
    if (participant && participant.leftReason === undefined && participant.peer === this.#peer) this.#rtc.socketLost(participant);
  }

  #send(message: ServerMessage): void {
    this.#peer.send(message);
  }

  #error(code: SignalingErrorCode, message: string, requestId?: string): void {
    this.#send({ type: 'error', code, message, ...(requestId ? { requestId } : {}) });
  }

  async #handle(raw: string): Promise<void> {
    if (this.#closed) return;
    let message: unknown;
    try {
      message = JSON.parse(raw);
    } catch {
      return this.#error('invalid_message', 'Message is not JSON');
    }
    const requestId = typeof (message as { requestId?: unknown })?.requestId === 'string' ? (message as { requestId: string }).requestId : undefined;
    if (!validateMessage(message)) {
      const first = validateMessage.errors?.[0];
      return this.#error('invalid_message', `Invalid message${first ? `: ${first.instancePath || '/'} ${first.message}` : ''}`, requestId);
    }
    try {
      await this.#dispatch(message as ClientMessage);
    } catch (error) {
      if (error instanceof JoinRefused) return this.#error(error.code, error.message, requestId);
      this.#log.error({ err: error, type: (message as ClientMessage).type }, 'signaling message failed');
      this.#error('internal', 'The server could not handle this message', requestId);
    }
  }

  async #dispatch(message: ClientMessage): Promise<void> {
    if (message.type === 'ping') return this.#send({ type: 'pong' });
    if (message.type === 'join' || message.type === 'resume') {
      if (this.#participant) throw new JoinRefused('already_joined', 'This socket has joined already');
      if (message.type === 'join') {
        try {
          const { participant, room } = await this.#rtc.join(message, this.#peer);
          this.#participant = participant;
          this.#send({
            type: 'joined',
            requestId: message.requestId,
            uid: participant.uid,
            sessionId: participant.sessionId,
            resumeToken: participant.resumeToken,
            users: room.snapshotFor(participant),
            tokenExpiresAt: participant.tokenExpiresAt,
          });
        } catch (error) {
          if (error instanceof JoinRefused) {
            this.#error(error.code, error.message, message.requestId);
            this.#peer.close(CloseCode.joinRefused, error.code);
            return;
          }
          throw error;
        }
        return;
      }
      const { participant, room } = this.#rtc.resume(message.sessionId, message.resumeToken, this.#peer);
      this.#participant = participant;
      this.#send({ type: 'resumed', requestId: message.requestId, uid: participant.uid, users: room.snapshotFor(participant) });
      return;
    }

    const participant = this.#participant;
    if (!participant || participant.leftReason !== undefined) throw new JoinRefused('not_joined', 'Join a channel first');
    switch (message.type) {
      case 'publish-offer': {
        const sdp = await this.#rtc.publishOffer(participant, message.sdp, message.tracks);
        return this.#send({ type: 'publish-answer', requestId: message.requestId, sdp });
      }
      case 'unpublish':
        await this.#rtc.unpublish(participant, message.kind);
        return this.#send({ type: 'ok', requestId: message.requestId });
      case 'subscribe':
        await this.#rtc.subscribe(participant, message.uid, message.kind);
        return this.#send({ type: 'ok', requestId: message.requestId });
      case 'unsubscribe':
        await this.#rtc.unsubscribe(participant, message.uid, message.kind);
        return this.#send({ type: 'ok', requestId: message.requestId });
      case 'subscribe-answer':
        if (!(await participant.acceptSubscribeAnswer(message.offerId, message.sdp))) {
          this.#log.warn({ offerId: message.offerId }, 'answer to a stale subscribe offer ignored');
        }
        return;
      case 'mute':
        return this.#rtc.mute(participant, message.kind, message.muted);
      case 'renew-token': {
        const tokenExpiresAt = await this.#rtc.renewToken(participant, message.token);
        return this.#send({ type: 'token-renewed', requestId: message.requestId, tokenExpiresAt });
      }
      case 'leave':
        await this.#rtc.leave(participant);
        return;
    }
  }
}
