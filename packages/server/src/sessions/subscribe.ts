/**
 * Feeds the bus's participant and channel events to the session service. Returns the unsubscribe
 * function.
 */
import type { EventBus } from '../events/bus.ts';
import type { SessionService } from './service.ts';

export function subscribeSessions(events: EventBus, sessions: SessionService): () => void {
  const offJoined = events.on('participant.joined', (event) => sessions.recordJoin(event));
  const offLeft = events.on('participant.left', (event) => sessions.recordLeave(event));
  const offCreated = events.on('channel.created', (event) => sessions.recordChannelEvent(event));
  const offDestroyed = events.on('channel.destroyed', (event) => sessions.recordChannelEvent(event));
  const offRoleChanged = events.on('participant.role-changed', (event) => sessions.recordChannelEvent(event));
  return () => {
    offRoleChanged();
    offJoined();
    offLeft();
    offCreated();
    offDestroyed();
  };
}
