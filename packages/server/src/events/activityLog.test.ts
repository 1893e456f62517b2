import { describe, expect, it } from 'vitest';
import { LeaveReason } from '@parley/protocol';
import { quietLogger } from '../log/logger.ts';
import { logActivity } from './activityLog.ts';
import { EventBus } from './bus.ts';

describe('activity log', () => {
  it('says who joined and left which channel, how long and why, in words', async () => {
    const lines: string[] = [];
    const log = { ...quietLogger, info: (_details: object, message: string) => void lines.push(message) };
    const bus = new EventBus(quietLogger);
    logActivity(bus, log);
    const base = { appId: 'a'.repeat(32), channel: 'standup', sessionId: 's1', uid: 'alice', mode: 'rtc' as const, platform: 'web' };
    bus.emit({ ...base, type: 'participant.joined', at: 1_000, role: 'host' });
    bus.emit({ ...base, type: 'participant.left', at: 201_000, role: 'host', joinedAt: 1_000, reason: LeaveReason.connectionTimeout });
    bus.emit({ ...base, uid: 'rec', type: 'participant.joined', at: 1_000, role: 'recorder' });
    await bus.drain();
    expect(lines).toEqual(['alice joined standup (web, host)', 'alice left standup after 3 min 20 s: connection timed out']);
  });
});
