/**
 * When a cluster node drains (SIGTERM) or is fenced off, it sends its clients away one by one:
 * each socket closes with code 1001 (shuttingDown), and the clients still there hear `user-left`
 * (reason 4, serverInternal) for the ones sent away before them, with subscribe offers that take
 * their tracks away. Those people are not leaving the call, only moving to another node with
 * everyone else, so from such a leave on, notices are held for a moment: if this client is sent
 * away too, they are dropped (the move reconciles the users and remakes the media); if not, they
 * are delivered in the order they came.
 */
import { LeaveReason } from '../protocolConstants.ts';
import type { ServerMessage } from '../signaling/messages.ts';

/** A node sends everyone away within well under a second; beyond that a leave is a leave. */
export const EVACUATION_HOLD_MS = 1_500;

export class EvacuationLeaves {
  #deliver: (message: ServerMessage) => void;
  #held: ServerMessage[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(deliver: (message: ServerMessage) => void) {
    this.#deliver = deliver;
  }

  /** Holds `message` when it may be part of a node sending people away; false to deliver it now. */
  hold(message: ServerMessage): boolean {
    const evacuating = message.type === 'user-left' && message.reason === LeaveReason.serverInternal;
    if (!evacuating && this.#held.length === 0) return false;
    this.#held.push(message);
    this.#timer ??= setTimeout(() => this.flush(), EVACUATION_HOLD_MS);
    return true;
  }

  /** This client was sent away too: what was held belonged to the node it leaves. */
  drop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#held = [];
  }

  /** Delivers everything held now, in order. */
  flush(): void {
    const held = this.#held;
    this.drop();
    for (const message of held) this.#deliver(message);
  }
}
