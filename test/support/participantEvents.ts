/**
 * Publishes `participant.joined` and `participant.left` on an event bus exactly as the SFU
 * (packages/server/src/rtc/room.ts) does, so session and usage tests need no media.
 */
import { randomBytes } from 'node:crypto';
import { LeaveReason } from '@parley/protocol';
import type { EventBus } from '@parley/server';

export interface JoinOptions {
  role?: 'host' | 'audience' | 'recorder';
  mode?: 'rtc' | 'live';
  platform?: string;
  sessionId?: string;
}

export interface FakeParticipant {
  sessionId: string;
  uid: number | string;
  channel: string;
  joinedAt: number;
  /** Emits `participant.left` at `at` (default: now) for `reason` (default: a normal leave). */
  leave(at?: number, reason?: LeaveReason): void;
}

/** Time of day on a fixed UTC date: `clock('10:15')` is 2026-03-02T10:15:00Z in ms. */
export function clock(time: string, date = '2026-03-02'): number {
  return Date.parse(`${date}T${time.length === 5 ? `${time}:00` : time}Z`);
}

export class FakeSfu {
  #events: EventBus;
  #appId: string;

  constructor(events: EventBus, appId: string) {
    this.#events = events;
    this.#appId = appId;
  }

  join(channel: string, uid: number | string, at: number = Date.now(), options: JoinOptions = {}): FakeParticipant {
    const base = {
      appId: this.#appId,
      channel,
      sessionId: options.sessionId ?? randomBytes(12).toString('hex'),
      uid,
      role: options.role ?? 'host',
      mode: options.mode ?? 'rtc',
      platform: options.platform ?? 'web',
    } as const;
    this.#events.emit({ type: 'participant.joined', at, ...base });
    return {
      sessionId: base.sessionId,
      uid,
      channel,
      joinedAt: at,
      leave: (leftAt = Date.now(), reason = LeaveReason.normal) =>
        this.#events.emit({ type: 'participant.left', at: leftAt, joinedAt: at, reason, ...base }),
    };
  }

  /** A participant who joined at `from` and left at `to`. */
  visit(channel: string, uid: number | string, from: number, to: number, options: JoinOptions = {}): FakeParticipant {
    const participant = this.join(channel, uid, from, options);
    participant.leave(to);
    return participant;
  }
}
