/**
 * Console people for tests: users of a project's account with a role, signed in the way a
 * browser is (the HttpOnly cookie and its CSRF token), and the headers their requests carry.
 */
import type { ConsoleRole } from '@parley/protocol';
import type { CreatedProject } from '@parley/server';
import { call, type TestServer } from './server.ts';

export const CONSOLE_PASSWORD = 'correct horse battery staple';

export interface SignedInUser {
  cookie: string;
  csrf: string;
  /** The headers of a request: a change also sends the CSRF token. */
  headers(change?: boolean): Record<string, string>;
}

/** Adds a console user with `role` to the account of `project`. */
export async function addConsoleUser(t: TestServer, project: CreatedProject, email: string, role: ConsoleRole): Promise<void> {
  const account = await t.server.services.projects.findAccountByCustomerId(project.customerId);
  await t.server.services.console.users.create({ accountId: account!.id, email, password: CONSOLE_PASSWORD, role });
}

/** Signs in with the cookie session a browser gets. */
export async function signIn(t: TestServer, email: string): Promise<SignedInUser> {
  const res = await call(t.url, 'POST', '/v1/console/sessions', { body: { email, password: CONSOLE_PASSWORD } });
  if (res.status !== 200) throw new Error(`sign-in of ${email} failed: ${JSON.stringify(res.body)}`);
  const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  const csrf = res.body.data.csrfToken as string;
  return { cookie, csrf, headers: (change = true) => ({ cookie, ...(change ? { 'x-csrf-token': csrf } : {}) }) };
}
