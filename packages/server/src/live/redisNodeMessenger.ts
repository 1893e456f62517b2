/**
 * Node-to-node requests over Redis pub/sub. Each node listens on its own channel,
 * `<prefix>cluster:to:<nodeId>`, on a connection of its own (a subscribed connection can do
 * nothing else); a request is published there as `{id, from, command}`, and the answer comes back
 * on the asker's channel as `{replyTo, result}` or `{replyTo, error}`. PUBLISH says how many
 * listeners got the message: none means no node runs under that id, and the request fails at once
 * rather than waiting out its timeout.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../log/logger.ts';
import { fromWireError, NodeUnreachable, REQUEST_TIMEOUT_MS, toWireError, type CommandHandler, type NodeCommand, type NodeMessenger, type WireError } from './nodeMessenger.ts';

type Envelope = { id: string; from: string; command: NodeCommand } | { replyTo: string; result?: unknown; error?: WireError };

interface Pending {
  resolve(result: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
  nodeId: string;
}

export class RedisNodeMessenger implements NodeMessenger {
  #redis: Redis;
  #subscriber: Redis;
  #prefix: string;
  #nodeId: string;
  #log: Logger | undefined;
  #handler: CommandHandler | undefined;
  #pending = new Map<string, Pending>();

  private constructor(redis: Redis, subscriber: Redis, keyPrefix: string, nodeId: string, log: Logger | undefined) {
    this.#redis = redis;
    this.#subscriber = subscriber;
    this.#prefix = `${keyPrefix}cluster:to:`;
    this.#nodeId = nodeId;
    this.#log = log;
  }

  /** Listens on this node's channel before resolving, so no request sent from then on is lost. */
  static async open(redis: Redis, keyPrefix: string, nodeId: string, log?: Logger): Promise<RedisNodeMessenger> {
    const subscriber = redis.duplicate();
    const messenger = new RedisNodeMessenger(redis, subscriber, keyPrefix, nodeId, log);
    subscriber.on('message', (_channel: string, message: string) => void messenger.#received(message));
    await subscriber.subscribe(messenger.#channelOf(nodeId));
    return messenger;
  }

  #channelOf(nodeId: string): string {
    return this.#prefix + nodeId;
  }

  serve(handler: CommandHandler): void {
    this.#handler = handler;
  }

  async request(nodeId: string, command: NodeCommand, timeoutMs = REQUEST_TIMEOUT_MS): Promise<unknown> {
    const id = randomUUID();
    const answered = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new NodeUnreachable(nodeId, 'timeout'));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer, nodeId });
    });
    const listeners = await this.#publish(nodeId, { id, from: this.#nodeId, command }).catch((error: unknown) => {
      this.#settle(id)?.reject(error as Error);
      return 1;
    });
    if (listeners === 0) this.#settle(id)?.reject(new NodeUnreachable(nodeId, 'gone'));
    return answered;
  }

  async close(): Promise<void> {
    for (const id of [...this.#pending.keys()]) this.#settle(id)?.reject(new NodeUnreachable(this.#nodeId, 'gone'));
    await this.#subscriber.quit().catch(() => {});
  }

  #publish(nodeId: string, envelope: Envelope): Promise<number> {
    return this.#redis.publish(this.#channelOf(nodeId), JSON.stringify(envelope));
  }

  #settle(id: string): Pending | undefined {
    const pending = this.#pending.get(id);
    if (!pending) return undefined;
    clearTimeout(pending.timer);
    this.#pending.delete(id);
    return pending;
  }

  async #received(message: string): Promise<void> {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(message) as Envelope;
    } catch {
      return;
    }
    if ('replyTo' in envelope) {
      const pending = this.#settle(envelope.replyTo);
      if (!pending) return; // It timed out meanwhile.
      if (envelope.error) pending.reject(fromWireError(envelope.error, pending.nodeId));
      else pending.resolve(envelope.result);
      return;
    }
    let reply: Envelope;
    try {
      if (!this.#handler) throw new NodeUnreachable(this.#nodeId, 'gone');
      reply = { replyTo: envelope.id, result: await this.#handler(envelope.command) };
    } catch (error) {
      reply = { replyTo: envelope.id, error: toWireError(error) };
    }
    await this.#publish(envelope.from, reply).catch((error: unknown) => this.#log?.error({ err: error, command: envelope.command.name }, 'could not answer another node of the cluster'));
  }
}
