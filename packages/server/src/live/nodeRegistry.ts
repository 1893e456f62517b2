/**
 * The nodes of a cluster as every node sees them: each node writes its own record (address, load,
 * state) on a heartbeat, and a record whose heartbeat lapsed is a node that is gone. One node
 * alone (the embedded default) keeps its record in memory.
 */

export type NodeState = 'serving' | 'draining';

/** What a node carries right now, for placement and for people watching the cluster. */
export interface NodeLoad {
  /** Share of one core this process used over the last heartbeat interval (1 = one full core). */
  cpu: number;
  /** CPU cores of the machine, so `cpu` can be read against them. */
  cores: number;
  participants: number;
  rooms: number;
  /** Tracks forwarded to subscribers (audio and video). */
  forwardedStreams: number;
  /** UDP ports left for media; null when all media shares one port. */
  freePorts: number | null;
}

export interface NodeRecord {
  id: string;
  /** Where clients and other nodes reach this node (PARLEY_NODE_URL). */
  url: string;
  state: NodeState;
  load: NodeLoad;
  startedAt: number;
  /** When the record was last written (ms since epoch, the writer's clock). */
  heartbeatAt: number;
}

export interface NodeRegistry {
  /** Writes this node's record; it lapses after `ttlMs` unless written again. */
  beat(record: NodeRecord, ttlMs: number): Promise<void>;
  /** The nodes whose heartbeat has not lapsed. */
  list(): Promise<NodeRecord[]>;
  /** One node's record, undefined when it lapsed or never was. */
  get(nodeId: string): Promise<NodeRecord | undefined>;
  /** Ids of nodes that registered and whose heartbeat lapsed (gone without leaving). */
  lapsed(): Promise<string[]>;
  /** Takes a node off the list: it left cleanly, or its leftovers were cleared by another node. */
  remove(nodeId: string): Promise<void>;
  /**
   * Claims the job of clearing a lapsed node's leftovers, for `ttlMs`; true for exactly one
   * claimant. Memory: always true (there is no one else).
   */
  claimReaping(nodeId: string, claimant: string, ttlMs: number): Promise<boolean>;
}

export class MemoryNodeRegistry implements NodeRegistry {
  #records = new Map<string, { record: NodeRecord; expiresAt: number }>();

  async beat(record: NodeRecord, ttlMs: number): Promise<void> {
    this.#records.set(record.id, { record: structuredClone(record), expiresAt: Date.now() + ttlMs });
  }

  async list(): Promise<NodeRecord[]> {
    const now = Date.now();
    return [...this.#records.values()].filter((entry) => entry.expiresAt > now).map((entry) => structuredClone(entry.record));
  }

  async get(nodeId: string): Promise<NodeRecord | undefined> {
    const entry = this.#records.get(nodeId);
    return entry && entry.expiresAt > Date.now() ? structuredClone(entry.record) : undefined;
  }

  async lapsed(): Promise<string[]> {
    const now = Date.now();
    return [...this.#records.entries()].filter(([, entry]) => entry.expiresAt <= now).map(([id]) => id);
  }

  async remove(nodeId: string): Promise<void> {
    this.#records.delete(nodeId);
  }

  async claimReaping(): Promise<boolean> {
    return true;
  }
}
