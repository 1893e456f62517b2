/**
 * Requests from one node of the cluster to another, for actions that only the node holding a
 * channel's room (or a recording's recorder) can carry out: a kick, closing a channel, stopping a
 * recording. A request names a command and its arguments (JSON); the node it reaches runs it and
 * answers with its result or its DomainError, which the asking node throws as its own, so a REST
 * answer is the same whichever node the request reached. One node alone talks only to itself.
 */
import { DomainError, type DomainErrorKind } from '../domainError.ts';

/** What one node asks another to do: a command of the routed-command table and its arguments. */
export interface NodeCommand {
  name: string;
  args: unknown[];
}

/** Runs a command that reached this node; its result must survive JSON. */
export type CommandHandler = (command: NodeCommand) => Promise<unknown>;

/** How long a node waits for another's answer unless told otherwise. */
export const REQUEST_TIMEOUT_MS = 5_000;

/**
 * The node could not be asked, or did not answer. `gone` (no node listens under that id: it
 * stopped or died) means the command never ran, so the caller may act as if the node had nothing;
 * after a `timeout` nobody knows whether it ran.
 */
export class NodeUnreachable extends DomainError {
  readonly reason: 'gone' | 'timeout';
  readonly nodeId: string;

  constructor(nodeId: string, reason: 'gone' | 'timeout') {
    super('unavailable', reason === 'gone' ? `Node ${nodeId} of the cluster is not reachable` : `Node ${nodeId} of the cluster did not answer in time`);
    this.reason = reason;
    this.nodeId = nodeId;
  }
}

export interface NodeMessenger {
  /** Runs `handler` for every command sent to this node (set once the services exist). */
  serve(handler: CommandHandler): void;
  /** Sends `command` to `nodeId` and resolves to its result; rejects with its DomainError or NodeUnreachable. */
  request(nodeId: string, command: NodeCommand, timeoutMs?: number): Promise<unknown>;
  close(): Promise<void>;
}

/** A DomainError as it travels between nodes. */
export interface WireError {
  kind?: DomainErrorKind;
  message: string;
  field?: string;
  retryAfterSeconds?: number;
}

export function toWireError(error: unknown): WireError {
  if (error instanceof DomainError) {
    return {
      kind: error.kind,
      message: error.message,
      ...(error.field !== undefined ? { field: error.field } : {}),
      ...(error.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
    };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}

/** The error as the asking node throws it: the same DomainError, or a plain Error (a 500 anywhere). */
export function fromWireError(wire: WireError, nodeId: string): Error {
  if (wire.kind) return new DomainError(wire.kind, wire.message, wire.field, wire.retryAfterSeconds !== undefined ? { retryAfterSeconds: wire.retryAfterSeconds } : {});
  return new Error(`Node ${nodeId} failed: ${wire.message}`);
}

/** One node alone: a request to itself runs here, through the same JSON round trip as between nodes. */
export class MemoryNodeMessenger implements NodeMessenger {
  #nodeId: string;
  #handler: CommandHandler | undefined;

  constructor(nodeId: string) {
    this.#nodeId = nodeId;
  }

  serve(handler: CommandHandler): void {
    this.#handler = handler;
  }

  async request(nodeId: string, command: NodeCommand): Promise<unknown> {
    if (nodeId !== this.#nodeId || !this.#handler) throw new NodeUnreachable(nodeId, 'gone');
    try {
      const result = await this.#handler(JSON.parse(JSON.stringify(command)) as NodeCommand);
      return result === undefined ? undefined : JSON.parse(JSON.stringify(result));
    } catch (error) {
      throw fromWireError(toWireError(error), nodeId);
    }
  }

  async close(): Promise<void> {}
}
