/**
 * Actions on a channel or a recording that only one node can carry out — the node holding the
 * channel's room (every participant of a channel is there) or running the recording's recorder —
 * made to work through any node. Each routed command is in one table below with its local
 * implementation; the facade's methods run a command here when this node is the one (or when no
 * node is), and otherwise ask that node over the NodeMessenger. Project-wide actions (kicking
 * rules, testing mode switched off, a project disabled) run on every live node and add up.
 *
 * A node that went between looking it up and asking it (no one listens under its id) had nothing
 * left to act on: the command then runs here, where it finds nothing, or answers from the
 * database as a recording whose node is gone always did.
 */
import type { MediaKind } from '@parley/protocol';
import type { BanPrivilege, BanScope } from '../bans/service.ts';
import { NodeUnreachable, REQUEST_TIMEOUT_MS, type ChannelPlacement, type ChannelSites, type NodeCommand, type NodeMessenger, type NodeRegistry } from '../live/index.ts';
import type { Logger } from '../log/logger.ts';
import { STOP_WAIT_MS } from '../recording/lifecycle.ts';
import type { LayoutInput, RecordingService, RecordingState, StartInput } from '../recording/service.ts';
import type { StorageSpec } from '../recording/storage.ts';
import type { Cascade, CascadePeers, SiteSnapshot } from '../rtc/cascade/cascade.ts';
import type { RtcService } from '../rtc/service.ts';

type Uid = number | string;

/** What other parts read of a channel's room, wherever it is. */
export interface RoomInfo {
  mode: 'rtc' | 'live';
  encrypted: boolean;
  createdAt: number;
  /** Keys (uids as text) of everyone in the room, recorders included. */
  uids: string[];
}

/** The engines a command runs on, on the node it reaches. */
interface Engines {
  rtc: RtcService;
  recordings: RecordingService;
  /** Unset when channels do not cascade here: commands for it find nothing. */
  cascade: Cascade | undefined;
}

const PUBLISH_KINDS: Partial<Record<BanPrivilege, MediaKind>> = { publish_audio: 'audio', publish_video: 'video' };
const BANNED_MESSAGE = 'Banned from the channel by the server';

/**
 * Every command one node may ask another to run, with how it runs where it lands. Arguments and
 * results travel as JSON: optional values are passed as null (an undefined array item becomes null).
 */
const COMMANDS = {
  kick: (e: Engines, appId: string, channel: string, uid: Uid, message: string | null) => e.rtc.kick(appId, channel, uid, message ?? undefined),
  closeChannel: (e: Engines, appId: string, channel: string) => e.rtc.closeChannel(appId, channel),
  roomInfo: async (e: Engines, appId: string, channel: string): Promise<RoomInfo | null> => {
    const room = e.rtc.room(appId, channel);
    return room ? { mode: room.mode, encrypted: room.encrypted, createdAt: room.createdAt, uids: room.participants.map((p) => p.key) } : null;
  },
  /** A kicking rule applied to whoever it covers on this node; resolves to how many. */
  enforceRule: async (e: Engines, appId: string, scope: BanScope, privileges: BanPrivilege[]) => {
    const covered = e.rtc.participantsMatching(appId, scope);
    if (privileges.includes('join_channel')) {
      for (const participant of covered) await e.rtc.kick(participant.appId, participant.channel, participant.uid, BANNED_MESSAGE);
      return covered.length;
    }
    const kinds = privileges.flatMap((privilege) => PUBLISH_KINDS[privilege] ?? []);
    for (const participant of covered) await e.rtc.revokePublishing(participant, kinds);
    return covered.length;
  },
  endTokenlessSessions: (e: Engines, appId: string) => e.rtc.endTokenlessSessions(appId),
  cascadeSync: async (e: Engines, appId: string, channel: string, snapshot: SiteSnapshot) => (await e.cascade?.receiveSync(appId, channel, snapshot)) ?? null,
  cascadeOffer: async (e: Engines, appId: string, channel: string, uid: Uid, kind: MediaKind, to: string) => (await e.cascade?.offerRelay(appId, channel, uid, kind, to)) ?? null,
  cascadeAnswer: async (e: Engines, relayId: string, sdp: string) => (await e.cascade?.acceptRelayAnswer(relayId, sdp)) ?? false,
  cascadeClose: async (e: Engines, relayId: string) => {
    e.cascade?.closeRelay(relayId);
    return null;
  },
  /** Every channel of the project hosted here closes (the project was disabled or deleted). */
  closeProjectChannels: async (e: Engines, appId: string) => {
    const channels = new Set(e.rtc.participantsMatching(appId, {}).map((p) => p.channel));
    let closed = 0;
    for (const channel of channels) closed += await e.rtc.closeChannel(appId, channel);
    return closed;
  },
  startRecording: (e: Engines, appId: string, resourceId: string, input: StartInput) => e.recordings.here.start(appId, resourceId, input),
  getRecording: (e: Engines, appId: string, sid: string): Promise<RecordingState> => e.recordings.here.get(appId, sid),
  stopRecording: (e: Engines, appId: string, sid: string, options: { wait: boolean }): Promise<RecordingState> => e.recordings.here.stop(appId, sid, options),
  updateRecordingSubscriptions: (e: Engines, appId: string, sid: string, lists: Parameters<RecordingService['updateSubscriptions']>[2]) =>
    e.recordings.here.updateSubscriptions(appId, sid, lists),
  updateRecordingLayout: (e: Engines, appId: string, sid: string, layout: LayoutInput) => e.recordings.here.updateLayout(appId, sid, layout),
  updateRecordingStorage: (e: Engines, appId: string, sid: string, spec: StorageSpec) => e.recordings.here.updateStorage(appId, sid, spec),
} satisfies Record<string, (engines: Engines, ...args: never[]) => Promise<unknown>>;

export type CommandName = keyof typeof COMMANDS;

/**
 * Commands that may take longer than REQUEST_TIMEOUT_MS where they run: a stop waits for the
 * files (up to STOP_WAIT_MS); a start and a storage update check the storage over the network.
 */
const TIMEOUTS: Partial<Record<CommandName, number>> = {
  stopRecording: STOP_WAIT_MS + REQUEST_TIMEOUT_MS,
  startRecording: 3 * REQUEST_TIMEOUT_MS,
  updateRecordingStorage: 3 * REQUEST_TIMEOUT_MS,
};
type Tail<T extends unknown[]> = T extends [unknown, ...infer Rest] ? Rest : never;
export type CommandArgs<N extends CommandName> = Tail<Parameters<(typeof COMMANDS)[N]>>;
export type CommandResult<N extends CommandName> = Awaited<ReturnType<(typeof COMMANDS)[N]>>;

export interface ChannelActionsDeps {
  nodeId: string;
  messenger: NodeMessenger;
  placement: ChannelPlacement;
  /** The nodes a cascaded channel spans. */
  sites: ChannelSites;
  registry: NodeRegistry;
  rtc: RtcService;
  /** Built after this (it asks other nodes through it). */
  cascade: () => Cascade | undefined;
  /** Built after this (it routes through it too). */
  recordings: () => RecordingService;
  log: Logger;
}

export class ChannelActions {
  #deps: ChannelActionsDeps;

  constructor(deps: ChannelActionsDeps) {
    this.#deps = deps;
    deps.messenger.serve((command) => this.#runHere(command));
  }

  /** Disconnects a user, wherever their channel is (on whichever of its nodes they are connected to); false when they are not in it. */
  async kick(appId: string, channel: string, uid: Uid, message?: string): Promise<boolean> {
    return (await this.#onSites(appId, channel, 'kick', appId, channel, uid, message ?? null)).some(Boolean);
  }

  /** Disconnects everyone in a channel, on every node it spans; resolves to how many were in it. */
  async closeChannel(appId: string, channel: string): Promise<number> {
    return sum(await this.#onSites(appId, channel, 'closeChannel', appId, channel));
  }

  /** How the sites of a cascaded channel reach each other. */
  cascadePeers(): CascadePeers {
    return {
      sync: (nodeId, appId, channel, snapshot) => this.on(nodeId, 'cascadeSync', appId, channel, snapshot),
      offer: (nodeId, appId, channel, uid, kind, to) => this.on(nodeId, 'cascadeOffer', appId, channel, uid, kind, to),
      answer: (nodeId, relayId, sdp) => this.on(nodeId, 'cascadeAnswer', relayId, sdp),
      close: async (nodeId, relayId) => void (await this.on(nodeId, 'cascadeClose', relayId)),
    };
  }

  /** The channel's room as its node holds it; undefined when no node has one. */
  async roomInfo(appId: string, channel: string): Promise<RoomInfo | undefined> {
    return (await this.#onOwner(appId, channel, 'roomInfo', appId, channel)) ?? undefined;
  }

  /** Applies a kicking rule to everyone in the cluster it covers now; resolves to how many. */
  async enforceRule(appId: string, scope: BanScope, privileges: BanPrivilege[]): Promise<number> {
    return sum(await this.#onEveryNode('enforceRule', appId, scope, privileges));
  }

  /** Ends every session of the project that joined without a token, on every node. */
  async endTokenlessSessions(appId: string): Promise<number> {
    return sum(await this.#onEveryNode('endTokenlessSessions', appId));
  }

  /** Closes every channel of the project, on every node. */
  async closeProjectChannels(appId: string): Promise<number> {
    return sum(await this.#onEveryNode('closeProjectChannels', appId));
  }

  /** Runs a command on `nodeId` (here when it is this node, undefined, or gone). */
  async on<N extends CommandName>(nodeId: string | undefined, name: N, ...args: CommandArgs<N>): Promise<CommandResult<N>> {
    if (nodeId === undefined || nodeId === this.#deps.nodeId) return this.#local(name, args);
    try {
      return await this.#remote(nodeId, name, args);
    } catch (error) {
      if (!(error instanceof NodeUnreachable && error.reason === 'gone')) throw error;
      this.#deps.log.info({ nodeId, command: name }, 'a node of the cluster went before it could be asked: acting here');
      return this.#local(name, args);
    }
  }

  async #onOwner<N extends CommandName>(appId: string, channel: string, name: N, ...args: CommandArgs<N>): Promise<CommandResult<N>> {
    return this.on(await this.#deps.placement.owner(appId, channel), name, ...args);
  }

  /** Runs a command on the channel's node and on every other node it spans (cascading); a node gone meanwhile is skipped. */
  async #onSites<N extends CommandName>(appId: string, channel: string, name: N, ...args: CommandArgs<N>): Promise<Array<CommandResult<N>>> {
    const [owner, sites] = await Promise.all([this.#deps.placement.owner(appId, channel), this.#deps.sites.list(appId, channel)]);
    const ids = new Set([owner ?? this.#deps.nodeId, ...sites.keys()]);
    if (ids.size === 1) return [await this.on([...ids][0], name, ...args)];
    return Promise.all([...ids].map((id) => (id === this.#deps.nodeId ? this.#local(name, args) : this.#remoteOrNothing(id, name, args))));
  }

  async #onEveryNode<N extends CommandName>(name: N, ...args: CommandArgs<N>): Promise<Array<CommandResult<N>>> {
    const ids = new Set((await this.#deps.registry.list()).map((node) => node.id)).add(this.#deps.nodeId);
    // A node gone meanwhile answers here, where its participants are not: each runs once at most.
    return Promise.all([...ids].map((id) => (id === this.#deps.nodeId ? this.#local(name, args) : this.#remoteOrNothing(id, name, args))));
  }

  async #remoteOrNothing<N extends CommandName>(nodeId: string, name: N, args: CommandArgs<N>): Promise<CommandResult<N>> {
    try {
      return await this.#remote(nodeId, name, args);
    } catch (error) {
      if (error instanceof NodeUnreachable && error.reason === 'gone') return 0 as CommandResult<N>;
      throw error;
    }
  }

  async #remote<N extends CommandName>(nodeId: string, name: N, args: CommandArgs<N>): Promise<CommandResult<N>> {
    return (await this.#deps.messenger.request(nodeId, { name, args }, TIMEOUTS[name] ?? REQUEST_TIMEOUT_MS)) as CommandResult<N>;
  }

  #local<N extends CommandName>(name: N, args: CommandArgs<N>): Promise<CommandResult<N>> {
    const run = COMMANDS[name] as (engines: Engines, ...rest: unknown[]) => Promise<CommandResult<N>>;
    return run({ rtc: this.#deps.rtc, recordings: this.#deps.recordings(), cascade: this.#deps.cascade() }, ...args);
  }

  /** A command from another node. */
  async #runHere(command: NodeCommand): Promise<unknown> {
    if (!Object.hasOwn(COMMANDS, command.name)) throw new Error(`Unknown cluster command ${command.name}`);
    return this.#local(command.name as CommandName, command.args as CommandArgs<CommandName>);
  }
}

function sum(counts: number[]): number {
  return counts.reduce((total, count) => total + count, 0);
}
