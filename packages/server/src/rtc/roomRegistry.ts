/**
 * The rooms of this node, one per channel in use, which room each participant is in, and the
 * sessions that can still be resumed. A room is created by its first participant (channel.created)
 * and dropped with its last (channel.destroyed).
 */
import type { Participant } from './participant.ts';
import { DomainError } from '../domainError.ts';
import { Room, type RoomContext } from './room.ts';

function roomKey(appId: string, channel: string): string {
  return `${appId}\u0000${channel}`;
}

export class RoomRegistry {
  #context: RoomContext;
  #rooms = new Map<string, Room>();
  #roomOf = new WeakMap<Participant, Room>();
  #sessions = new Map<string, Participant>();

  constructor(context: RoomContext) {
    this.#context = context;
  }

  get(appId: string, channel: string): Room | undefined {
    return this.#rooms.get(roomKey(appId, channel));
  }

  get rooms(): Room[] {
    return [...this.#rooms.values()];
  }

  /** The room a participant is in; `not_joined` once it has left. */
  of(participant: Participant): Room {
    const room = this.#roomOf.get(participant);
    if (!room) throw new DomainError('not_joined', 'Not in a channel');
    return room;
  }

  find(participant: Participant): Room | undefined {
    return this.#roomOf.get(participant);
  }

  /** A session that may still be resumed. */
  session(sessionId: string): Participant | undefined {
    return this.#sessions.get(sessionId);
  }

  /** Puts a participant in its channel's room, creating the room (in `mode`) if it is the first. */
  enter(participant: Participant, mode: 'rtc' | 'live'): Room {
    const key = roomKey(participant.appId, participant.channel);
    let room = this.#rooms.get(key);
    if (!room) {
      room = new Room(participant.appId, participant.channel, mode, this.#context);
      this.#rooms.set(key, room);
      this.#context.events.emit({ type: 'channel.created', appId: room.appId, channel: room.channel, at: room.createdAt });
    }
    this.#roomOf.set(participant, room);
    this.#sessions.set(participant.sessionId, participant);
    room.add(participant);
    return room;
  }

  /** The session can no longer be resumed (it is ending). */
  forgetSession(participant: Participant): void {
    this.#sessions.delete(participant.sessionId);
  }

  /** Drops a room its last participant (`lastUid`) has left. */
  dropIfEmpty(room: Room, lastUid: number | string): void {
    const key = roomKey(room.appId, room.channel);
    if (room.size > 0 || this.#rooms.get(key) !== room) return;
    this.#rooms.delete(key);
    this.#context.events.emit({ type: 'channel.destroyed', appId: room.appId, channel: room.channel, at: Date.now(), lastUid });
  }
}
