/**
 * Feeds the bus's participant events to the session service. Returns the unsubscribe function.
 */
import type { EventBus } from '../events/bus.ts';
import type { SessionService } from './service.ts';

export function subscribeSessions(events: EventBus, sessions: SessionService): () => void {
  const offJoined = events.on('participant.joined', (event) => sessions.recordJoin(event));
  const offLeft = events.on('participant.left', (event) => sessions.recordLeave(event));
  return () => {
    offJoined();
    offLeft();
  };
}
