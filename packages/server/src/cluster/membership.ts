/**
 * This node's membership of the cluster: it writes its record (URL, state, load) to the node
 * registry every HEARTBEAT_INTERVAL_MS, so that a node that dies (kill -9, power loss) drops out
 * within HEARTBEAT_TTL_MS, and takes its record away when it stops cleanly.
 */
import os from 'node:os';
import type { NodeLoad, NodeRecord, NodeRegistry, NodeState } from '../live/nodeRegistry.ts';
import type { Logger } from '../log/logger.ts';

export const HEARTBEAT_INTERVAL_MS = 1_000;
/** Three missed beats: a node stalled by one long garbage collection is not declared dead. */
export const HEARTBEAT_TTL_MS = 3_000;
/** Half a heartbeat: the shortest window a CPU sample is taken over. */
const MIN_CPU_WINDOW_MICROS = (HEARTBEAT_INTERVAL_MS / 2) * 1_000;

/** The parts of the load the SFU knows; CPU is measured here. */
export type CarriedLoad = Omit<NodeLoad, 'cpu' | 'cores'>;

export interface MembershipDeps {
  registry: NodeRegistry;
  /**
   * Heartbeats failed for longer than the TTL and now succeed again: the other nodes took this
   * one for dead meanwhile, closed its sessions and may have placed its channels elsewhere.
   * `silentMs`: how long this node wrote no heartbeat.
   */
  fenced?: (silentMs: number) => void;
  nodeId: string;
  url: string;
  carried: () => CarriedLoad;
  log: Logger;
}

export class ClusterMembership {
  #deps: MembershipDeps;
  #state: NodeState = 'serving';
  #startedAt = Date.now();
  #timer: NodeJS.Timeout | undefined;
  #cpuAt = { usage: process.cpuUsage(), time: process.hrtime.bigint() };
  #lastCpu = 0;
  #failing = false;
  #lastBeatAt = 0;

  constructor(deps: MembershipDeps) {
    this.#deps = deps;
  }

  get nodeId(): string {
    return this.#deps.nodeId;
  }

  get url(): string {
    return this.#deps.url;
  }

  /** The URL is known once the listener is bound (a port of 0 picks one). */
  set url(url: string) {
    this.#deps.url = url;
  }

  get state(): NodeState {
    return this.#state;
  }

  get registry(): NodeRegistry {
    return this.#deps.registry;
  }

  async start(): Promise<void> {
    await this.beat();
    this.#timer = setInterval(() => void this.beat(), HEARTBEAT_INTERVAL_MS);
    this.#timer.unref();
  }

  /** No new channels come here from now on; the record says so at once. */
  async drain(): Promise<void> {
    this.#state = 'draining';
    await this.beat();
  }

  /** This node's record as of now. */
  record(): NodeRecord {
    return { id: this.#deps.nodeId, url: this.#deps.url, state: this.#state, load: this.#load(), startedAt: this.#startedAt, heartbeatAt: Date.now() };
  }

  /** Writes the record now (the timer calls it every interval). */
  async beat(): Promise<void> {
    try {
      await this.#deps.registry.beat(this.record(), HEARTBEAT_TTL_MS);
      const now = Date.now();
      const silentMs = now - this.#lastBeatAt;
      const lapsed = this.#lastBeatAt > 0 && silentMs > HEARTBEAT_TTL_MS;
      this.#lastBeatAt = now;
      if (this.#failing) this.#deps.log.info({ nodeId: this.#deps.nodeId }, 'cluster heartbeat written again');
      this.#failing = false;
      if (lapsed) this.#deps.fenced?.(silentMs);
    } catch (error) {
      // Logged once per outage: the heartbeat retries every second on its own.
      if (!this.#failing) this.#deps.log.error({ err: error, nodeId: this.#deps.nodeId }, 'cluster heartbeat failed: other nodes will take this node for gone if it goes on');
      this.#failing = true;
    }
  }

  /** Leaves the cluster: the record goes at once rather than lapsing. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#deps.registry.remove(this.#deps.nodeId).catch(() => {});
  }

  #load(): NodeLoad {
    return { cpu: this.#cpu(), cores: os.availableParallelism(), ...this.#deps.carried() };
  }

  /**
   * CPU used since the last sample, in cores. A record asked for between heartbeats (a join
   * placing a channel, a drain) reuses the last sample rather than measure a window of a few
   * milliseconds and leave the next heartbeat one as short.
   */
  #cpu(): number {
    const time = process.hrtime.bigint();
    const elapsedMicros = Number(time - this.#cpuAt.time) / 1_000;
    if (elapsedMicros < MIN_CPU_WINDOW_MICROS) return this.#lastCpu;
    const usage = process.cpuUsage();
    const usedMicros = usage.user - this.#cpuAt.usage.user + (usage.system - this.#cpuAt.usage.system);
    this.#cpuAt = { usage, time };
    this.#lastCpu = Math.round((usedMicros / elapsedMicros) * 1000) / 1000;
    return this.#lastCpu;
  }
}
