/**
 * HTTP surface of sessions: the validated query, split into filters and page, to the service.
 */
import type { OperationHandlers } from '../http/operations.ts';
import type { SessionService } from './service.ts';

type SessionHandlers = Pick<OperationHandlers, 'listSessions'>;

export function sessionHandlers(sessions: SessionService): SessionHandlers {
  return {
    listSessions: ({ access, query }) => {
      const { limit, cursor, ...filters } = query;
      return sessions.listSessions(access.project.appId, filters, { limit, cursor });
    },
  };
}
