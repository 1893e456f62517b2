/**
 * The console's domain in one place: its users, their sessions and the sign-in throttle, and
 * signing in, which uses all three.
 */
import type { RateCounter } from '../live/index.ts';
import { DomainError } from '../domainError.ts';
import type { Db } from '../store/database.ts';
import { ConsoleSessions, type OpenedSession, type SessionKind } from './sessions.ts';
import { SignInThrottle } from './signInThrottle.ts';
import { ConsoleUsers, type ConsoleUser } from './users.ts';

export class ConsoleService {
  readonly users: ConsoleUsers;
  readonly sessions: ConsoleSessions;
  #throttle: SignInThrottle;

  constructor(db: Db, counter: RateCounter) {
    this.users = new ConsoleUsers(db);
    this.sessions = new ConsoleSessions(db);
    this.#throttle = new SignInThrottle(counter);
  }

  /**
   * Checks an email and password from a client address and opens a session. Throttled per email
   * and per address before the password is checked; a failure says nothing of which was wrong.
   */
  async signIn(input: { email: string; password: string; ip: string; kind: SessionKind }): Promise<{ user: ConsoleUser; session: OpenedSession }> {
    const refusal = await this.#throttle.check(input.email, input.ip);
    if (refusal) throw new DomainError('rate_limited', refusal.reason, 'email', { retryAfterSeconds: refusal.retryAfterSeconds });
    const user = await this.users.authenticate(input.email, input.password);
    if (!user) {
      await this.#throttle.recordFailure(input.email, input.ip);
      throw new DomainError('unauthorized', 'The email or password is wrong', 'password');
    }
    return { user, session: await this.sessions.open(user.id, input.kind) };
  }
}
