import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Channel, DomainEvent, LiveChannels, Participant } from '@parley/protocol';
import { EventBus } from '../events/bus.ts';
import { quietLogger } from '../log/logger.ts';
import { COALESCE_MS, RESYNC_MS, watchLiveChannels } from './liveChannels.ts';

const APP_ID = '0123456789abcdef0123456789abcdef';

function participant(uid: number, publishingVideo = false): Participant {
  return { uid, role: 'host', joinedAt: '2026-12-03T10:00:00.000Z', publishingAudio: false, publishingVideo, platform: 'web', sessionId: `s${uid}` };
}

function channel(name: string, participants: Participant[]): Channel {
  return {
    channel: name,
    projectId: APP_ID,
    mode: 'rtc',
    createdAt: '2026-12-03T10:00:00.000Z',
    createdByUid: null,
    persistent: false,
    settings: { resourceExpiredHour: null, recordingConfig: null },
    participantCount: participants.length,
    participants,
    recording: { state: 'idle', sid: null },
  };
}

const ref = { appId: APP_ID, channel: 'room', at: 0, sessionId: 's1', uid: 1 };
const joined: DomainEvent = { ...ref, type: 'participant.joined', role: 'host', mode: 'rtc', platform: 'web' };
const published: DomainEvent = { ...ref, type: 'track.published', kind: 'video' };

describe('the console\'s live channels feed', () => {
  let bus: EventBus;
  /** What the directory and store say now; a test changes it, then announces (or not) the change. */
  let now: Channel[];
  let reads: number;
  let sent: LiveChannels[];
  let stop: () => void;

  beforeEach(() => {
    vi.useFakeTimers();
    bus = new EventBus(quietLogger);
    now = [];
    reads = 0;
    sent = [];
    const channels = {
      liveChannels: async () => {
        reads += 1;
        return structuredClone(now);
      },
      liveRoster: async () => now.map(({ channel: name, participants }) => ({ channel: name, participants: structuredClone(participants) })),
    };
    stop = watchLiveChannels({ events: bus, channels, log: quietLogger }, APP_ID, (data) => sent.push(data));
  });
  afterEach(() => {
    stop();
    vi.useRealTimers();
  });

  it('sends the project\'s channels at once, even when nobody is in any', async () => {
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual([{ channels: [] }]);
  });

  it('turns a burst of joins into one event, COALESCE_MS after the first', async () => {
    await vi.advanceTimersByTimeAsync(0);
    now = [channel('room', [participant(1), participant(2), participant(3)])];
    for (let i = 0; i < 3; i++) bus.emit(joined);
    await vi.advanceTimersByTimeAsync(COALESCE_MS - 1);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.channels[0]!.participants.map((p) => p.uid)).toEqual([1, 2, 3]);
    expect(reads).toBe(2);
  });

  it('sends when someone starts publishing, and nothing when a change changed nothing', async () => {
    now = [channel('room', [participant(1)])];
    await vi.advanceTimersByTimeAsync(0);
    now = [channel('room', [participant(1, true)])];
    bus.emit(published);
    await vi.advanceTimersByTimeAsync(COALESCE_MS);
    expect(sent.at(-1)!.channels[0]!.participants[0]!.publishingVideo).toBe(true);
    bus.emit(published);
    await vi.advanceTimersByTimeAsync(COALESCE_MS);
    expect(sent).toHaveLength(2);
  });

  it('ignores other projects\' events', async () => {
    await vi.advanceTimersByTimeAsync(0);
    bus.emit({ ...joined, appId: 'f'.repeat(32) });
    await vi.advanceTimersByTimeAsync(COALESCE_MS * 4);
    expect(reads).toBe(1);
  });

  it('catches within RESYNC_MS a change no event announced (another node, a mute)', async () => {
    await vi.advanceTimersByTimeAsync(0);
    now = [channel('room', [participant(9)])];
    await vi.advanceTimersByTimeAsync(RESYNC_MS + COALESCE_MS);
    expect(sent.at(-1)).toEqual({ channels: now });
    // An unchanged roster costs no full read.
    const before = reads;
    await vi.advanceTimersByTimeAsync(RESYNC_MS * 3);
    expect(reads).toBe(before);
  });

  it('leaves no listener and no timer once stopped', async () => {
    await vi.advanceTimersByTimeAsync(0);
    expect(bus.listenerCount('participant.joined')).toBe(1);
    bus.emit(joined);
    stop();
    for (const type of ['participant.joined', 'participant.left', 'track.published', 'track.unpublished'] as const) expect(bus.listenerCount(type)).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(RESYNC_MS * 2);
    expect(sent).toHaveLength(1);
  });
});
