/**
 * Console people for tests: users of a project's account with a role, signed in the way a
 * browser is (the HttpOnly cookie and its CSRF token), and the headers their requests carry.
 */
import type { ConsoleRole } from '@parley/protocol';
import type { CreatedProject } from '@parley/server';
import type { Backend } from './backends.ts';
import { call, startTestServer, type TestServer } from './server.ts';

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

export interface ConsoleFixture {
  t: TestServer;
  project: CreatedProject;
  owner: SignedInUser;
  viewer: SignedInUser;
  /** A request as a signed-in user: a change carries the CSRF token. */
  as(who: SignedInUser, method: string, path: string, body?: unknown): ReturnType<typeof call>;
}

/** A real server with a project whose account has an owner and a viewer, both signed in. */
export async function startConsoleFixture(backend: Backend): Promise<ConsoleFixture> {
  const t = await startTestServer(backend);
  const project = await t.createProject('pro');
  await addConsoleUser(t, project, 'owner@example.com', 'owner');
  await addConsoleUser(t, project, 'viewer@example.com', 'viewer');
  return {
    t,
    project,
    owner: await signIn(t, 'owner@example.com'),
    viewer: await signIn(t, 'viewer@example.com'),
    as: (who, method, path, body) => call(t.url, method, path, { headers: who.headers(method !== 'GET'), ...(body !== undefined ? { body } : {}) }),
  };
}
