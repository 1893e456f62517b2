/**
 * The `parley` command line: serve, project create and list, user create, list and reset-password,
 * token create, turn config, migrate.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ConfigError, loadConfig, type ConfigOverrides } from '../config/index.ts';
import { CONSOLE_ROLES } from '@parley/protocol';
import { PLANS } from '../projects/service.ts';

// Each command's module is imported when the command runs: `serve` loads the whole server (about
// 1.5 s of module loading), which `--help`, `token create` or `turn config` should not wait for.
const commands = {
  serve: () => import('./serve.ts'),
  projectCreate: () => import('./projectCreate.ts'),
  users: () => import('./userCommands.ts'),
  tokenCreate: () => import('./tokenCreate.ts'),
  turnConfig: () => import('./turnConfig.ts'),
  migrate: () => import('./migrate.ts'),
};

function integer(name: string, min: number, max: number) {
  return (raw: string): number => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) throw new InvalidArgumentError(`${name} must be an integer ${min}-${max}`);
    return value;
  };
}

const dataDirOption = () => new Option('--data-dir <dir>', 'data folder of the embedded store (env PARLEY_DATA_DIR)');

/** Flags stand in for their variables, so they win over the environment. */
function overridesFrom(options: { host?: string; port?: number; dataDir?: string; dev?: boolean; webhookAllowPrivate?: boolean; tlsCert?: string; tlsKey?: string }): ConfigOverrides {
  return {
    PARLEY_HOST: options.host,
    PARLEY_TLS_CERT: options.tlsCert,
    PARLEY_TLS_KEY: options.tlsKey,
    PARLEY_PORT: options.port?.toString(),
    PARLEY_DATA_DIR: options.dataDir,
    ...(options.dev ? { PARLEY_DEV: 'true' } : {}),
    ...(options.webhookAllowPrivate ? { PARLEY_WEBHOOK_ALLOW_PRIVATE: 'true' } : {}),
  };
}

export function buildProgram(): Command {
  const program = new Command('parley')
    .description('Parley: self-hosted video calling. Configuration also comes from PARLEY_* environment variables.')
    .exitOverride()
    .showHelpAfterError();

  program
    .command('serve')
    .description('start the platform (API, signaling, media) on the embedded store unless PARLEY_DATABASE_URL is set')
    .option('--host <host>', 'address to listen on (env PARLEY_HOST, default 127.0.0.1)')
    .option('--port <port>', 'HTTP port (env PARLEY_PORT, default 8080)', integer('port', 0, 65535))
    .addOption(dataDirOption())
    .option('--dev', 'dev mode: the demo call page at /call may mint tokens for the demo project (env PARLEY_DEV)')
    .option('--tls-cert <file>', 'PEM certificate (and chain): serve HTTPS and WSS, reloaded when it changes; needs --tls-key (env PARLEY_TLS_CERT)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert (env PARLEY_TLS_KEY)')
    .option('--webhook-allow-private', 'let webhooks go to loopback, private and link-local addresses (env PARLEY_WEBHOOK_ALLOW_PRIVATE)')
    .action(async (options) => (await commands.serve()).serveCommand(loadConfig(process.env, overridesFrom(options))));

  const project = program.command('project').description('manage projects');
  project
    .command('create')
    .description('create a project (App ID and App Certificate), in a new account unless --customer-id is given')
    .requiredOption('--name <name>', 'project name')
    .addOption(new Option('--plan <plan>', 'plan of a new account').choices([...PLANS]).default('starter'))
    .option('--customer-id <id>', 'add the project to this existing account')
    .addOption(dataDirOption())
    .option('--json', 'print JSON')
    .action(async (options) => (await commands.projectCreate()).createProjectCommand(loadConfig(process.env, overridesFrom(options)), options));

  project
    .command('list')
    .description('list projects (App ID, Customer ID, created, name), of one account with --customer-id')
    .option('--customer-id <id>', 'only this account\'s projects')
    .addOption(dataDirOption())
    .option('--json', 'print JSON')
    .action(async (options) => (await commands.users()).listProjectsCommand(loadConfig(process.env, overridesFrom(options)), options));

  const user = program.command('user').description('manage console users');
  user
    .command('create')
    .description('create a console user in an account; the password is read from stdin unless --password is given')
    .requiredOption('--email <email>', 'sign-in email')
    .requiredOption('--customer-id <id>', 'the account (its Customer ID)')
    .addOption(new Option('--role <role>', 'what the user may do').choices([...CONSOLE_ROLES]).default('admin'))
    .option('--password <password>', 'the password (12 characters at least); prefer stdin')
    .addOption(dataDirOption())
    .action(async (options) => (await commands.users()).createUserCommand(loadConfig(process.env, overridesFrom(options)), options));
  user
    .command('list')
    .description('list console users (email, role, Customer ID, created)')
    .option('--customer-id <id>', 'only this account\'s users')
    .addOption(dataDirOption())
    .option('--json', 'print JSON')
    .action(async (options) => (await commands.users()).listUsersCommand(loadConfig(process.env, overridesFrom(options)), options));
  user
    .command('reset-password')
    .description('set a console user\'s password (read from stdin unless --password is given) and end their sessions')
    .requiredOption('--email <email>', 'sign-in email')
    .option('--password <password>', 'the new password; prefer stdin')
    .addOption(dataDirOption())
    .action(async (options) => (await commands.users()).resetPasswordCommand(loadConfig(process.env, overridesFrom(options)), options));

  const token = program.command('token').description('manage access tokens');
  token
    .command('create')
    .description('print an AccessToken2 for a user of a channel')
    .requiredOption('--app-id <appId>', 'the project\'s App ID')
    .requiredOption('--channel <name>', 'channel name')
    .requiredOption('--uid <uid>', 'numeric uid, or a user account string (0: any uid)')
    .addOption(new Option('--role <role>', 'privileges').choices(['publisher', 'subscriber']).default('publisher'))
    .option('--expire <seconds>', 'lifetime in seconds (1-86400)', integer('expire', 1, 86400), 3600)
    .addOption(dataDirOption())
    .action(async (options) => (await commands.tokenCreate()).createTokenCommand(loadConfig(process.env, overridesFrom(options)), options));

  const turn = program.command('turn').description('TURN relays (coturn) for clients behind firewalls');
  turn
    .command('config')
    .description('print a coturn turnserver.conf matching PARLEY_TURN_URLS, PARLEY_TURN_SECRET and PARLEY_RTC_ADDRESS')
    .option('--realm <realm>', 'coturn realm (default: the host of the first TURN URL)')
    .option('--listening-ip <ip>', 'address coturn listens on (repeatable; default every interface)', (ip: string, previous: string[] = []) => [...previous, ip])
    .option('--cert <file>', 'TLS certificate for turns: URLs')
    .option('--pkey <file>', 'TLS private key for turns: URLs')
    .action(async (options) => (await commands.turnConfig()).turnConfigCommand(loadConfig(process.env), options));

  program
    .command('migrate')
    .description('bring the database schema to the latest version')
    .addOption(dataDirOption())
    .action(async (options) => (await commands.migrate()).migrateCommand(loadConfig(process.env, overridesFrom(options))));

  return program;
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof ConfigError || (error as { userFacing?: boolean }).userFacing) {
      console.error(`parley: ${(error as Error).message}`);
      return 2;
    }
    console.error('parley: unexpected error:', error);
    return 1;
  }
}
