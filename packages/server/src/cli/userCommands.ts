/**
 * `parley user create | list | reset-password` and `parley project list`: the console's people and
 * the account's projects from the command line, for a server whose first-start printout is gone.
 * Passwords come from stdin (one line) unless `--password` is given, so they stay out of shell
 * history and process lists.
 */
import type { ConsoleRole } from '@parley/protocol';
import type { Config } from '../config/index.ts';
import { ConsoleUsers } from '../console/users.ts';
import { ProjectService } from '../projects/service.ts';
import { UserError } from './userError.ts';
import { withStore } from './withStore.ts';

async function readPassword(given: string | undefined): Promise<string> {
  if (given !== undefined) return given;
  if (process.stdin.isTTY) process.stderr.write('Password: ');
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const password = input.split(/\r?\n/)[0] ?? '';
  if (!password) throw new UserError('Give the password on stdin (one line) or with --password');
  return password;
}

type CommandConfig = Pick<Config, 'store' | 'auth'>;

export async function createUserCommand(config: CommandConfig, options: { email: string; customerId: string; role: ConsoleRole; password?: string }): Promise<void> {
  const password = await readPassword(options.password);
  await withStore(config, async (store) => {
    const account = await new ProjectService(store.db, config.auth.secretKey).findAccountByCustomerId(options.customerId);
    if (!account) throw new UserError(`no account has Customer ID ${options.customerId}`);
    const user = await new ConsoleUsers(store.db).create({ accountId: account.id, email: options.email, password, role: options.role });
    console.log(`Console user ${user.email} (${user.role}) created in account ${account.customerId}.`);
  });
}

export async function listUsersCommand(config: CommandConfig, options: { customerId?: string; json?: boolean }): Promise<void> {
  await withStore(config, async (store) => {
    const projects = new ProjectService(store.db, config.auth.secretKey);
    const accounts = new Map((await projects.listAccounts()).map((account) => [account.id, account.customerId]));
    const accountId = options.customerId === undefined ? undefined : (await projects.findAccountByCustomerId(options.customerId))?.id;
    if (options.customerId !== undefined && !accountId) throw new UserError(`no account has Customer ID ${options.customerId}`);
    const users = (await new ConsoleUsers(store.db).list(accountId)).map((user) => ({
      email: user.email,
      role: user.role,
      customerId: accounts.get(user.accountId) ?? '',
      createdAt: new Date(user.createdAt).toISOString(),
    }));
    if (options.json) return console.log(JSON.stringify(users, null, 2));
    if (users.length === 0) return console.log('No console users.');
    for (const user of users) console.log(`${user.email.padEnd(32)} ${user.role.padEnd(7)} ${user.customerId}  ${user.createdAt}`);
  });
}

export async function resetPasswordCommand(config: CommandConfig, options: { email: string; password?: string }): Promise<void> {
  const password = await readPassword(options.password);
  await withStore(config, async (store) => {
    const user = await new ConsoleUsers(store.db).setPassword(options.email, password);
    console.log(`Password of ${user.email} changed; their sessions have ended.`);
  });
}

export async function listProjectsCommand(config: CommandConfig, options: { customerId?: string; json?: boolean }): Promise<void> {
  await withStore(config, async (store) => {
    const projects = new ProjectService(store.db, config.auth.secretKey);
    const accounts = new Map((await projects.listAccounts()).map((account) => [account.id, account.customerId]));
    const accountId = options.customerId === undefined ? undefined : (await projects.findAccountByCustomerId(options.customerId))?.id;
    if (options.customerId !== undefined && !accountId) throw new UserError(`no account has Customer ID ${options.customerId}`);
    const list = (await projects.listProjects(accountId)).map((project) => ({
      appId: project.appId,
      name: project.name,
      customerId: accounts.get(project.accountId) ?? '',
      testingMode: project.testingMode,
      createdAt: new Date(project.createdAt).toISOString(),
    }));
    if (options.json) return console.log(JSON.stringify(list, null, 2));
    if (list.length === 0) return console.log('No projects.');
    for (const project of list) console.log(`${project.appId}  ${project.customerId}  ${project.createdAt}  ${project.name}${project.testingMode ? '  (testing mode: no token needed)' : ''}`);
  });
}
