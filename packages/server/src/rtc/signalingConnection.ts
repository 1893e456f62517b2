/**
 * One signaling WebSocket: validates each message against the protocol's schema, hands it to the
 * RtcService, and answers. Before `join` (or `resume`) only those and `ping` are accepted, and a
 * socket that has not joined within JOIN_DEADLINE_MS is closed.
 *
 * What one socket can cost is bounded: messages are budgeted (see messageBudget.ts) before they
 * are parsed, and at most MAX_QUEUED wait their turn. The server pings at the WebSocket level (browsers answer in their network stack, even in
 * a throttled background tab); a socket silent for LIVENESS_TIMEOUT_MS is cut off at once rather
 * than closed politely, which on a half-open connection would wait 30 s for a close frame.
 */
import { ClientMessage, SIGNALING_LIMITS, type IceServer, type ServerMessage, type SignalingErrorCode } from '@parley/protocol';
import { ChannelElsewhere } from '../cluster/index.ts';
import { compileValidator } from '../http/validation.ts';
import { DomainError } from '../domainError.ts';
import { MessageBudget, type BudgetVerdict } from './messageBudget.ts';
import type { Participant } from './participant.ts';
import type { RtcService } from './service.ts';
import { SharedInterval } from './sharedInterval.ts';
import { SIGNALING_ERRORS } from './signalingErrors.ts';
import { CloseCode, type SignalingPeer } from './signalingPeer.ts';
import type { Logger } from '../log/logger.ts';

/** One validator per message type, so an error names the field of the message meant, not of the union. */
const validators = new Map(ClientMessage.anyOf.map((schema) => [schema.properties.type.const as string, compileValidator(schema, 'body')]));
export const JOIN_DEADLINE_MS = SIGNALING_LIMITS.joinDeadlineMs;
const LIVENESS_PING_INTERVAL_MS = SIGNALING_LIMITS.livenessPingIntervalMs;
const LIVENESS_TIMEOUT_MS = SIGNALING_LIMITS.livenessTimeoutMs;
/** Messages waiting behind a slow one (an offer being answered); more are dropped as a flood. */
const MAX_QUEUED = SIGNALING_LIMITS.maxQueuedMessages;
/** Every socket's liveness check, in one wake-up. A socket's first comes within one interval of connecting. */
const livenessChecks = new SharedInterval(LIVENESS_PING_INTERVAL_MS);

export class SignalingConnection {
  #rtc: RtcService;
  #peer: SignalingPeer;
  #log: Logger;
  #participant: Participant | undefined;
  #lastHeard = Date.now();
  #stopLiveness: () => void;
  #joinDeadline: NodeJS.Timeout | undefined;
  #closed = false;
  #budget = new MessageBudget();
  /** Messages are handled one at a time, in order: negotiation steps depend on each other. */
  #queue: Promise<void> = Promise.resolve();
  #queued = 0;

  constructor(rtc: RtcService, peer: SignalingPeer, log: Logger) {
    this.#rtc = rtc;
    this.#peer = peer;
    this.#log = log;
    this.#stopLiveness = livenessChecks.add(() => {
      if (Date.now() - this.#lastHeard > LIVENESS_TIMEOUT_MS) this.#peer.terminate();
      else this.#peer.ping();
    });
    this.#joinDeadline = setTimeout(() => {
      if (!this.#participant) this.#peer.close(CloseCode.joinTimeout, `join within ${JOIN_DEADLINE_MS / 1000} s of connecting`);
    }, JOIN_DEADLINE_MS);
  }

  /** Any sign that the client is there: a message or a pong. */
  heard(): void {
    this.#lastHeard = Date.now();
    if (this.#participant && this.#participant.peer === this.#peer) this.#participant.lastSeenAt = this.#lastHeard;
  }

  receive(raw: string): void {
    if (this.#closed) return;
    this.heard();
    if (!this.#admit(this.#budget.admit())) return;
    if (this.#queued >= MAX_QUEUED) {
      this.#admit(this.#budget.admit() === 'disconnect' ? 'disconnect' : 'drop');
      return;
    }
    // Parsed and answered in turn, so replies (errors and pongs too) keep the order of the messages.
    this.#queued += 1;
    this.#queue = this.#queue.then(async () => {
      this.#queued -= 1;
      await this.#handle(raw);
    });
  }

  /** The socket closed: a joined session waits for resume, unless it left on purpose. */
  closed(): void {
    this.#closed = true;
    this.#stopLiveness();
    clearTimeout(this.#joinDeadline);
    const participant = this.#participant;
    if (participant && participant.leftReason === undefined && participant.peer === this.#peer) this.#rtc.socketLost(participant);
  }

  /** False when the message must be dropped; tells the client once per flood, and cuts off a flooder. */
  #admit(verdict: BudgetVerdict, requestId?: string): boolean {
    if (verdict === 'accept') return true;
    this.#rtc.counts.messagesDropped += 1;
    if (verdict === 'disconnect') {
      this.#closed = true;
      this.#log.warn({ ip: this.#peer.remoteAddress, uid: this.#participant?.uid }, 'signaling socket flooded the server with messages: disconnected');
      this.#peer.close(CloseCode.rateLimited, 'too many messages');
    } else if (this.#budget.justStartedDropping) {
      this.#error('rate_limited', 'Too many messages: the excess is dropped, and a socket that keeps on is disconnected', requestId);
    }
    return false;
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
    const requestId = typeof (message as { requestId?: unknown })?.requestId === 'string' ? (message as { requestId: string }).requestId.slice(0, 64) : undefined;
    const type = (message as { type?: unknown } | null)?.type;
    const validate = typeof type === 'string' ? validators.get(type) : undefined;
    if (!validate) return this.#error('invalid_message', `Invalid message: unknown type ${JSON.stringify(type)?.slice(0, 40)}`, requestId);
    if (!validate(message)) {
      const first = validate.errors?.[0];
      return this.#error('invalid_message', `Invalid ${type} message${first ? `: ${first.instancePath || '/'} ${first.message}` : ''}`, requestId);
    }
    if (!this.#admit(this.#budget.admitCostly(type as string), requestId)) return;
    try {
      await this.#dispatch(message as ClientMessage);
    } catch (error) {
      if (error instanceof DomainError) return this.#error(SIGNALING_ERRORS[error.kind], error.message, requestId);
      this.#log.error({ err: error, type }, 'signaling message failed');
      this.#error('internal', 'The server could not handle this message', requestId);
    }
  }

  async #dispatch(message: ClientMessage): Promise<void> {
    if (message.type === 'ping') return this.#send({ type: 'pong', serverTime: Date.now() });
    if (message.type === 'join' || message.type === 'resume') {
      if (this.#participant) throw new DomainError('already_joined', 'This socket has joined already');
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
            ...this.#iceServers(participant),
            ...(await this.#rtc.clusterNodes()),
          });
        } catch (error) {
          if (error instanceof ChannelElsewhere) {
            this.#send({ type: 'redirect', requestId: message.requestId, url: error.url, nodeId: error.nodeId });
            this.#peer.close(CloseCode.redirected, error.nodeId.slice(0, 100));
            return;
          }
          if (error instanceof DomainError) {
            const code = SIGNALING_ERRORS[error.kind];
            this.#error(code, error.message, message.requestId);
            this.#peer.close(CloseCode.joinRefused, code);
            return;
          }
          throw error;
        }
        return;
      }
      const { participant, room } = this.#rtc.resume(message.sessionId, message.resumeToken, this.#peer);
      this.#participant = participant;
      this.#send({ type: 'resumed', requestId: message.requestId, uid: participant.uid, users: room.snapshotFor(participant), ...this.#iceServers(participant) });
      return;
    }

    const participant = this.#participant;
    if (!participant || participant.leftReason !== undefined) throw new DomainError('not_joined', 'Join a channel first');
    switch (message.type) {
      case 'publish-offer': {
        const sdp = await this.#rtc.publishOffer(participant, message.sdp, message.tracks);
        return this.#send({ type: 'publish-answer', requestId: message.requestId, sdp });
      }
      case 'restart-media':
        await this.#rtc.restartMedia(participant, message.connection);
        return this.#send({ type: 'ok', requestId: message.requestId });
      case 'unpublish':
        await this.#rtc.unpublish(participant, message.kind);
        return this.#send({ type: 'ok', requestId: message.requestId });
      case 'subscribe':
        await this.#rtc.subscribe(participant, message.uid, message.kind, { streamType: message.streamType, fallback: message.fallback });
        return this.#send({ type: 'ok', requestId: message.requestId });
      case 'set-stream-type':
        this.#rtc.setStreamType(participant, message.uid, message.streamType);
        return this.#send({ type: 'ok', requestId: message.requestId });
      case 'set-stream-fallback':
        this.#rtc.setStreamFallback(participant, message.uid, message.fallback);
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
      case 'set-role':
        await this.#rtc.setRole(participant, message.role);
        return this.#send({ type: 'ok', requestId: message.requestId });
      case 'network-quality':
        return this.#rtc.reportNetworkQuality(participant, message.uplink, message.downlink);
      case 'renew-token': {
        const tokenExpiresAt = await this.#rtc.renewToken(participant, message.token);
        return this.#send({ type: 'token-renewed', requestId: message.requestId, tokenExpiresAt, ...this.#iceServers(participant) });
      }
      case 'leave':
        await this.#rtc.leave(participant);
        return;
    }
  }

  /** The `iceServers` field of a reply, when TURN is configured: each join, resume and renewal carries fresh credentials. */
  #iceServers(participant: Participant): { iceServers?: IceServer[] } {
    const iceServers = this.#rtc.iceServersFor(participant);
    return iceServers ? { iceServers } : {};
  }
}
