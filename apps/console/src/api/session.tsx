/**
 * Who is signed in. The page asks the server (`GET /v1/console/session`): the session cookie is
 * HttpOnly, so the page never holds the session itself, only its CSRF token for changes.
 */
import { createContext, use, type ReactNode } from 'react';
import { roleAllows, type ConsoleRole, type ConsoleSession } from '@parley/protocol';
import { setCsrfToken } from './client.ts';

const SessionContext = createContext<ConsoleSession | undefined>(undefined);

export function SessionProvider({ session, children }: { session: ConsoleSession; children: ReactNode }) {
  setCsrfToken(session.csrfToken);
  return <SessionContext value={session}>{children}</SessionContext>;
}

export function useSession(): ConsoleSession {
  const session = use(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

/** Whether the signed-in user's role allows what `needed` may do. The server checks again. */
export function useCan(needed: ConsoleRole): boolean {
  return roleAllows(useSession().user.role, needed);
}
