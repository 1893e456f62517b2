/**
 * What happens in calls, as a person running the server reads it: one info line per join, leave
 * and recording start or end ("42 joined standup (web, host)"), with the ids beside the words for
 * log search. The lines come from the domain events, so they say what the platform recorded.
 */
import { LEAVE_REASON_WORDS } from '@parley/protocol';
import type { Logger } from '../log/logger.ts';
import type { EventBus } from './bus.ts';

function duration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes} min ${seconds % 60} s` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function logActivity(events: EventBus, log: Logger): () => void {
  const offs = [
    events.on('participant.joined', (event) => {
      if (event.role === 'recorder') return;
      log.info({ appId: event.appId, channel: event.channel, uid: event.uid, sessionId: event.sessionId }, `${event.uid} joined ${event.channel} (${event.platform}, ${event.role})`);
    }),
    events.on('participant.left', (event) => {
      if (event.role === 'recorder') return;
      const why = LEAVE_REASON_WORDS[event.reason] ?? `reason ${event.reason}`;
      log.info(
        { appId: event.appId, channel: event.channel, uid: event.uid, sessionId: event.sessionId, reason: event.reason },
        `${event.uid} left ${event.channel} after ${duration(event.at - event.joinedAt)}: ${why}`,
      );
    }),
    events.on('recording.recorder_joined', (event) => {
      log.info({ appId: event.appId, channel: event.channel, sid: event.sid }, `recording ${event.sid} started in ${event.channel} (${event.mode})`);
    }),
    events.on('recording.exited', (event) => {
      log.info({ appId: event.appId, channel: event.channel, sid: event.sid }, `recording ${event.sid} of ${event.channel} ended${event.exitStatus === 0 ? '' : ' abnormally'}`);
    }),
  ];
  return () => offs.forEach((off) => off());
}
