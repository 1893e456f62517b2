/**
 * Clears up after nodes that died: a node whose heartbeat lapsed (kill -9, a lost machine) cannot
 * close its own sessions or recordings. Every node looks for lapsed nodes each REAP_INTERVAL_MS;
 * one of them claims each (a lock in the registry) and closes its open sessions (one leave, with
 * reason serverInternal, per join: webhooks as for any leave), forgets its participants and ends
 * its recordings abnormally. Its channels need nothing: a placement whose node is gone counts as
 * none, and the next join (its clients failing over) places the channel again.
 */
import { LeaveReason } from '@parley/protocol';
import type { NodeRegistry } from '../live/nodeRegistry.ts';
import type { Logger } from '../log/logger.ts';
import { HEARTBEAT_TTL_MS } from './membership.ts';

export const REAP_INTERVAL_MS = 1_000;
/** Long enough for one reaper to finish; should it die meanwhile, another takes over after this. */
const REAP_CLAIM_MS = 60_000;

export interface ReaperDeps {
  registry: NodeRegistry;
  nodeId: string;
  closeOpenSessions(nodeId: string, reason: LeaveReason, at: number): Promise<number>;
  forgetParticipants(nodeId: string): Promise<void>;
  abandonRecordings(nodeId: string): Promise<number>;
  log: Logger;
}

export class Reaper {
  #deps: ReaperDeps;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(deps: ReaperDeps) {
    this.#deps = deps;
  }

  start(): void {
    this.#timer = setInterval(() => void this.sweep(), REAP_INTERVAL_MS);
    this.#timer.unref();
  }

  /** One look for lapsed nodes (the timer calls it; sweeps never overlap). */
  sweep(): Promise<void> {
    this.#running ??= this.#sweep().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }

  async #sweep(): Promise<void> {
    const { registry, nodeId, log } = this.#deps;
    let lapsed: string[];
    try {
      lapsed = (await registry.lapsed()).filter((id) => id !== nodeId);
    } catch {
      return; // Redis is away: the heartbeat logs that.
    }
    for (const deadId of lapsed) {
      try {
        if (!(await registry.claimReaping(deadId, nodeId, REAP_CLAIM_MS))) continue;
        // Its last sign of life was at most one TTL before its record expired.
        const at = Date.now() - HEARTBEAT_TTL_MS;
        const sessions = await this.#deps.closeOpenSessions(deadId, LeaveReason.serverInternal, at);
        await this.#deps.forgetParticipants(deadId);
        const recordings = await this.#deps.abandonRecordings(deadId);
        await registry.remove(deadId);
        log.warn({ node: deadId, sessions, recordings }, 'a node of the cluster stopped heartbeating: its sessions were closed and its recordings ended; its clients join again elsewhere');
      } catch (error) {
        log.error({ err: error, node: deadId }, 'could not clear up after a node that stopped heartbeating; trying again');
      }
    }
  }
}
