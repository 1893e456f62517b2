/**
 * Cascading: a channel that outgrew one node (PARLEY_CHANNEL_NODE_CAP) has a room on each node
 * carrying it, its sites. Each site tells the others who is connected to it (a snapshot of its
 * users, on every change and every SYNC_INTERVAL_MS), and shows the others' users in its room as
 * relayed participants: subscribers here see them like anyone else. Their tracks come from the node
 * they are connected to, one relay connection per track and node (RelaySender there, RelayReceiver
 * here), so each track crosses to a node once, whatever the number of subscribers on it.
 *
 * Only users connected to a site are relayed from it, never users it relays itself: with any
 * number of sites, a track takes one hop. Sessions, webhooks, usage and REST listings are written
 * by the node a user is connected to; relayed participants add none of them.
 */
import { randomBytes } from 'node:crypto';
import { LeaveReason, type MediaKind, type RemoteUser } from '@parley/protocol';
import type { EventBus } from '../../events/bus.ts';
import type { ChannelSites } from '../../live/channelSites.ts';
import type { Logger } from '../../log/logger.ts';
import { Participant, type MediaWatch, type PublishedTrack } from '../participant.ts';
import type { MediaNetwork } from '../peerFactory.ts';
import type { Room, RoomObserver } from '../room.ts';
import { DETACHED_PEER } from '../signalingPeer.ts';
import { RelayReceiver } from './relayReceiver.ts';
import { RelaySender } from './relaySender.ts';

/** How often the sites of a channel compare notes, besides telling each other of every change. */
export const SYNC_INTERVAL_MS = 2_000;
/** How long a site remembers why a user left, for the snapshots that report it. */
const DEPARTED_MEMORY_MS = 10_000;
/** Changes within this window go out in one snapshot. */
const PUSH_DELAY_MS = 15;
const KINDS: MediaKind[] = ['audio', 'video'];

/** Who is connected to one site of a channel. */
export interface SiteSnapshot {
  nodeId: string;
  /**
   * Increases with every snapshot a node makes, across its restarts (see #nextVersion): a reply
   * written before a change can arrive after the push that reported the change, and must not undo
   * it. GONE_VERSION: the node no longer carries the channel.
   */
  version: number;
  users: RemoteUser[];
  /** Users who left lately, with their Agora leave reason, so the other sites pass it on. */
  departed: Array<{ uid: number | string; reason: number }>;
}

/** How a site reaches the others (through the cluster's node messenger). */
export interface CascadePeers {
  /** Sends this site's snapshot; resolves to the other site's, or null when it no longer carries the channel. */
  sync(nodeId: string, appId: string, channel: string, snapshot: SiteSnapshot): Promise<SiteSnapshot | null>;
  /** Asks `nodeId` to offer the relay of a user's track to this node; null when the user does not publish it there. */
  offer(nodeId: string, appId: string, channel: string, uid: number | string, kind: MediaKind, to: string): Promise<{ relayId: string; sdp: string } | null>;
  answer(nodeId: string, relayId: string, sdp: string): Promise<boolean>;
  close(nodeId: string, relayId: string): Promise<void>;
}

export interface CascadeDeps {
  nodeId: string;
  sites: ChannelSites;
  peers: CascadePeers;
  network: MediaNetwork;
  watch: MediaWatch;
  room(appId: string, channel: string): Room | undefined;
  events: EventBus;
  log: Logger;
}

interface RelayedUser {
  participant: Participant;
  relays: Map<MediaKind, RelayReceiver>;
}

/** What this node knows of one channel it carries. */
interface SiteState {
  appId: string;
  channel: string;
  /** Relayed users by the node they are connected to, then by uid. */
  remote: Map<string, Map<string, RelayedUser>>;
  departed: Array<{ uid: number | string; reason: number; at: number }>;
  pushTimer: NodeJS.Timeout | undefined;
  /** Stops following the room for the relays of this node's users to other sites. */
  observer: () => void;
  /** Snapshots are applied one at a time, in the order they arrive. */
  applying: Promise<void>;
  /** The version of the last snapshot applied, by node. */
  versions: Map<string, number>;
}

const GONE_VERSION = -1;

/** What a node that no longer carries the channel stands for: nobody, whatever it said before. */
function gone(nodeId: string): SiteSnapshot {
  return { nodeId, version: GONE_VERSION, users: [], departed: [] };
}

function channelKey(appId: string, channel: string): string {
  return `${appId}\u0000${channel}`;
}

export class Cascade {
  #deps: CascadeDeps;
  #states = new Map<string, SiteState>();
  #senders = new Map<string, RelaySender>();
  #tick: NodeJS.Timeout;
  #version = 0;

  constructor(deps: CascadeDeps) {
    this.#deps = deps;
    deps.events.on('channel.created', (event) => this.#opened(event.appId, event.channel));
    deps.events.on('channel.destroyed', (event) => this.#closed(event.appId, event.channel));
    this.#tick = setInterval(() => {
      for (const state of this.#states.values()) void this.#syncAll(state);
    }, SYNC_INTERVAL_MS);
    this.#tick.unref();
  }

  /** A participant connected here joined, left or changed (Room's localChange). */
  localChange(room: Room, left?: Participant): void {
    const state = this.#states.get(channelKey(room.appId, room.channel));
    if (!state) return;
    if (left && left.role !== 'recorder') state.departed.push({ uid: left.uid, reason: left.leftReason ?? LeaveReason.normal, at: Date.now() });
    // The count first, without delay: the next join's placement reads it.
    void this.#writeCount(state, room);
    state.pushTimer ??= setTimeout(() => {
      state.pushTimer = undefined;
      void this.#syncAll(state);
    }, PUSH_DELAY_MS);
  }

  // ------------------------------------------------------------------ from other sites

  /** Another site's snapshot: mirror its users here, answer with ours (null: the channel is not carried here). */
  async receiveSync(appId: string, channel: string, snapshot: SiteSnapshot): Promise<SiteSnapshot | null> {
    const state = this.#states.get(channelKey(appId, channel));
    const room = this.#deps.room(appId, channel);
    if (!state || !room) return null;
    await this.#apply(state, room, snapshot);
    return this.#snapshot(state, room);
  }

  /** Another site wants a track of a user connected here: the offer of a new relay connection. */
  async offerRelay(appId: string, channel: string, uid: number | string, kind: MediaKind, to: string): Promise<{ relayId: string; sdp: string } | null> {
    const publisher = this.#deps.room(appId, channel)?.find(uid);
    const published = publisher?.publishedTrack(kind);
    if (!publisher || !published || publisher.relayedFrom !== undefined || publisher.leftReason !== undefined) return null;
    const relayId = randomBytes(9).toString('base64url');
    const sender = new RelaySender(this.#deps.network, publisher, published, to);
    this.#senders.set(relayId, sender);
    const sdp = await sender.offer(published, this.#deps.network.connectTimeoutMs, (reason) =>
      this.closeRelay(relayId, reason === 'timeout' ? 'it did not connect in time' : 'its connection failed (ICE or DTLS)'),
    );
    if (!sdp) {
      this.closeRelay(relayId, 'no UDP port was free');
      return null;
    }
    return { relayId, sdp };
  }

  async acceptRelayAnswer(relayId: string, sdp: string): Promise<boolean> {
    const sender = this.#senders.get(relayId);
    if (!sender) return false;
    await sender.answer(sdp);
    return true;
  }

  /** Closes a relay this node sends; `why` is logged (none: the receiving node asked). */
  closeRelay(relayId: string, why?: string): void {
    const sender = this.#senders.get(relayId);
    if (!sender) return;
    if (why) this.#deps.log.info({ channel: sender.publisher.channel, uid: sender.publisher.uid, kind: sender.kind, nodeId: sender.target, why }, 'relay of a track to another node closed');
    sender.close();
    this.#senders.delete(relayId);
  }

  close(): void {
    clearInterval(this.#tick);
    for (const relayId of [...this.#senders.keys()]) this.closeRelay(relayId, 'the server is stopping');
    for (const state of this.#states.values()) this.#forget(state);
  }

  // ------------------------------------------------------------------ this node's sites

  /** Microseconds of the clock, or one more than the last: increasing within a run and across restarts. */
  #nextVersion(): number {
    this.#version = Math.max(this.#version + 1, Date.now() * 1000);
    return this.#version;
  }

  #opened(appId: string, channel: string): void {
    const room = this.#deps.room(appId, channel);
    if (!room) return;
    const state: SiteState = { appId, channel, remote: new Map(), departed: [], pushTimer: undefined, observer: () => {}, applying: Promise.resolve(), versions: new Map() };
    state.observer = room.observe(this.#senderObserver());
    this.#states.set(channelKey(appId, channel), state);
  }

  async #closed(appId: string, channel: string): Promise<void> {
    const state = this.#states.get(channelKey(appId, channel));
    if (!state) return;
    this.#states.delete(channelKey(appId, channel));
    this.#forget(state);
    for (const [relayId, sender] of this.#senders) if (sender.publisher.appId === appId && sender.publisher.channel === channel) this.closeRelay(relayId, 'the channel closed here');
    await this.#deps.sites.set(appId, channel, this.#deps.nodeId, 0).catch((error: unknown) => this.#deps.log.warn({ err: error, channel }, 'could not leave a cascaded channel'));
    // The others drop this node's users now rather than at their next sync.
    const others = await this.#otherSites(state);
    const farewell: SiteSnapshot = { nodeId: this.#deps.nodeId, version: this.#nextVersion(), users: [], departed: this.#departed(state) };
    await Promise.all(others.map((nodeId) => this.#deps.peers.sync(nodeId, appId, channel, farewell).catch(() => null)));
  }

  #forget(state: SiteState): void {
    clearTimeout(state.pushTimer);
    state.observer();
    for (const users of state.remote.values()) for (const user of users.values()) for (const relay of user.relays.values()) relay.close();
    state.remote.clear();
  }

  /** Relays follow their publisher here: closed when it stops publishing or leaves, switched when it publishes anew. */
  #senderObserver(): RoomObserver {
    const each = (publisher: Participant, kind: MediaKind | undefined, act: (relayId: string, sender: RelaySender) => void) => {
      for (const [relayId, sender] of this.#senders) if (sender.publisher === publisher && (kind === undefined || sender.kind === kind)) act(relayId, sender);
    };
    return {
      trackPublished: (publisher, track) => each(publisher, track.kind, (_, sender) => void sender.switchTo(track).catch(() => {})),
      // A kind published anew is reported unpublished while the new track is already in place.
      trackUnpublished: (publisher, kind) => !publisher.publishedTrack(kind) && each(publisher, kind, (relayId) => this.closeRelay(relayId, 'the track was unpublished')),
      participantLeft: (participant) => each(participant, undefined, (relayId) => this.closeRelay(relayId, 'its user left')),
    };
  }

  async #writeCount(state: SiteState, room: Room): Promise<void> {
    const count = room.local.filter((p) => p.role !== 'recorder').length;
    await this.#deps.sites.set(state.appId, state.channel, this.#deps.nodeId, count).catch((error: unknown) => this.#deps.log.warn({ err: error, channel: state.channel }, 'could not record a cascaded channel’s count'));
  }

  async #otherSites(state: SiteState): Promise<string[]> {
    const sites = await this.#deps.sites.list(state.appId, state.channel).catch(() => new Map<string, number>());
    return [...sites.keys()].filter((nodeId) => nodeId !== this.#deps.nodeId);
  }

  /** Exchanges snapshots with every other site; forgets users of nodes that no longer carry the channel. */
  async #syncAll(state: SiteState): Promise<void> {
    const room = this.#deps.room(state.appId, state.channel);
    if (!room || this.#states.get(channelKey(state.appId, state.channel)) !== state) return;
    const others = await this.#otherSites(state);
    for (const nodeId of state.remote.keys()) if (!others.includes(nodeId)) await this.#apply(state, room, gone(nodeId));
    for (const [relayId, sender] of this.#senders) {
      if (sender.publisher.appId === state.appId && sender.publisher.channel === state.channel && !others.includes(sender.target)) this.closeRelay(relayId, 'that node no longer carries the channel');
    }
    const mine = this.#snapshot(state, room);
    await Promise.all(
      others.map(async (nodeId) => {
        try {
          const theirs = await this.#deps.peers.sync(nodeId, state.appId, state.channel, mine);
          await this.#apply(state, room, theirs ?? gone(nodeId));
        } catch (error) {
          this.#deps.log.warn({ err: error, channel: state.channel, nodeId }, 'could not reach another node of a cascaded channel');
        }
      }),
    );
  }

  #departed(state: SiteState): SiteSnapshot['departed'] {
    const since = Date.now() - DEPARTED_MEMORY_MS;
    state.departed = state.departed.filter((entry) => entry.at >= since);
    return state.departed.map(({ uid, reason }) => ({ uid, reason }));
  }

  #snapshot(state: SiteState, room: Room): SiteSnapshot {
    const users = room.local.filter((p) => p.role !== 'recorder').map((p) => p.asRemoteUser());
    return { nodeId: this.#deps.nodeId, version: this.#nextVersion(), users, departed: this.#departed(state) };
  }

  /** Makes the users relayed here from `snapshot.nodeId` match its snapshot, after the snapshots before it. */
  #apply(state: SiteState, room: Room, snapshot: SiteSnapshot): Promise<void> {
    const applied = state.applying.then(() => this.#applyNow(state, room, snapshot));
    state.applying = applied.catch((error: unknown) => this.#deps.log.warn({ err: error, channel: state.channel, nodeId: snapshot.nodeId }, 'could not show the users of another node of a cascaded channel'));
    return state.applying;
  }

  async #applyNow(state: SiteState, room: Room, snapshot: SiteSnapshot): Promise<void> {
    const from = snapshot.nodeId;
    if (from === this.#deps.nodeId) return;
    if (snapshot.version === GONE_VERSION) state.versions.delete(from);
    else if (snapshot.version <= (state.versions.get(from) ?? 0)) return;
    else state.versions.set(from, snapshot.version);
    // Nobody here to see them: the room is closing.
    if (room.local.length === 0) return;
    const known = state.remote.get(from) ?? new Map<string, RelayedUser>();
    state.remote.set(from, known);
    const listed = new Map(snapshot.users.map((user) => [String(user.uid), user]));
    for (const [key, relayed] of known) {
      if (listed.has(key)) continue;
      known.delete(key);
      for (const relay of relayed.relays.values()) this.#closeReceiver(from, relay);
      // A node that stopped carrying the channel without saying why (it died, or lost Redis): their connection is gone.
      const unexplained = snapshot.version === GONE_VERSION ? LeaveReason.connectionTimeout : LeaveReason.normal;
      const reason = snapshot.departed.find((entry) => String(entry.uid) === key)?.reason ?? unexplained;
      await room.remove(relayed.participant, reason);
    }
    if (known.size === 0 && listed.size === 0) state.remote.delete(from);
    for (const [key, user] of listed) {
      const present = room.find(user.uid);
      // The same uid connected here too: this node's session is the one its clients see.
      if (present && present.relayedFrom !== from) continue;
      let relayed = known.get(key);
      if (!relayed) {
        relayed = { participant: this.#relayedParticipant(room, from, user), relays: new Map() };
        known.set(key, relayed);
        room.add(relayed.participant);
      }
      await this.#mirror(state, room, from, relayed, user);
    }
  }

  #relayedParticipant(room: Room, from: string, user: RemoteUser): Participant {
    return new Participant(
      {
        appId: room.appId,
        channel: room.channel,
        uid: user.uid,
        role: user.role,
        platform: 'relay',
        mode: room.mode,
        network: this.#deps.network,
        tokenExpiresAt: Number.MAX_SAFE_INTEGER,
        mayPublish: new Set(),
        watch: this.#deps.watch,
        relayedFrom: from,
      },
      DETACHED_PEER,
    );
  }

  /** Role, mutes, link quality and published tracks of a relayed user as its node reports them. */
  async #mirror(state: SiteState, room: Room, from: string, relayed: RelayedUser, user: RemoteUser): Promise<void> {
    const participant = relayed.participant;
    if (participant.role !== user.role) room.changeRole(participant, user.role);
    for (const kind of KINDS) if (participant.muted[kind] !== user.muted[kind]) await room.setMuted(participant, kind, user.muted[kind]);
    if (user.networkQuality) room.setNetworkQuality(participant, user.networkQuality.uplink, user.networkQuality.downlink);
    for (const kind of KINDS) {
      const relay = relayed.relays.get(kind);
      if (user.published.includes(kind) && !relay) this.#openRelay(state, room, from, relayed, kind);
      if (!user.published.includes(kind) && relay) {
        relayed.relays.delete(kind);
        this.#closeReceiver(from, relay);
        await room.unpublish(participant, kind);
      }
    }
  }

  #openRelay(state: SiteState, room: Room, from: string, relayed: RelayedUser, kind: MediaKind): void {
    const current = () => !receiver.closed && relayed.relays.get(kind) === receiver && room.find(relayed.participant.uid) === relayed.participant;
    const receiver: RelayReceiver = new RelayReceiver(this.#deps.network, kind, (connection) => {
      // The connection failed: the track goes; the next sync opens a new one if it is still published.
      if (!current()) return;
      this.#deps.log.warn({ channel: state.channel, uid: relayed.participant.uid, kind, nodeId: from, state: connection }, 'relay connection from another node lost; opening a new one');
      relayed.relays.delete(kind);
      this.#closeReceiver(from, receiver);
      void room.unpublish(relayed.participant, kind);
    });
    relayed.relays.set(kind, receiver);
    const fail = (error: unknown) => {
      if (relayed.relays.get(kind) === receiver) relayed.relays.delete(kind);
      this.#closeReceiver(from, receiver);
      if (error) this.#deps.log.warn({ err: error, channel: state.channel, uid: relayed.participant.uid, kind, nodeId: from }, 'could not relay a track from another node; retrying at the next sync');
    };
    const startedAt = Date.now();
    void (async () => {
      const offer = await this.#deps.peers.offer(from, state.appId, state.channel, relayed.participant.uid, kind, this.#deps.nodeId);
      if (!offer || !current()) return fail(undefined);
      receiver.relayId = offer.relayId;
      const { sdp, track } = await receiver.answer(offer.sdp);
      if (!(await this.#deps.peers.answer(from, offer.relayId, sdp))) return fail(undefined);
      const published: PublishedTrack | undefined = await track;
      if (!published) return fail(new Error('the relayed track did not arrive'));
      if (!current()) return fail(undefined);
      this.#deps.log.info({ channel: state.channel, uid: relayed.participant.uid, kind, nodeId: from, ms: Date.now() - startedAt }, 'relaying a track from another node');
      await room.publish(relayed.participant, published);
    })().catch(fail);
  }

  #closeReceiver(from: string, receiver: RelayReceiver): void {
    receiver.close();
    if (receiver.relayId) void this.#deps.peers.close(from, receiver.relayId).catch(() => {});
  }
}
