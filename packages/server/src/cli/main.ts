/**
 * The `parley` command line: serve, project create, token create, migrate.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ConfigError, loadConfig, type ConfigOverrides } from '../config/index.ts';
import { PLANS } from '../projects/service.ts';
import { createProjectCommand } from './projectCreate.ts';
import { migrateCommand } from './migrate.ts';
import { serveCommand } from './serve.ts';
import { createTokenCommand } from './tokenCreate.ts';

function integer(name: string, min: number, max: number) {
  return (raw: string): number => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) throw new InvalidArgumentError(`${name} must be an integer ${min}-${max}`);
    return value;
  };
}

const dataDirOption = () => new Option('--data-dir <dir>', 'data folder of the embedded store (env PARLEY_DATA_DIR)');

/** Flags stand in for their variables, so they win over the environment. */
function overridesFrom(options: { host?: string; port?: number; dataDir?: string; dev?: boolean; webhookAllowPrivate?: boolean }): ConfigOverrides {
  return {
    PARLEY_HOST: options.host,
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
    .option('--webhook-allow-private', 'let webhooks go to loopback, private and link-local addresses (env PARLEY_WEBHOOK_ALLOW_PRIVATE)')
    .action((options) => serveCommand(loadConfig(process.env, overridesFrom(options))));

  const project = program.command('project').description('manage projects');
  project
    .command('create')
    .description('create a project (App ID and App Certificate), in a new account unless --customer-id is given')
    .requiredOption('--name <name>', 'project name')
    .addOption(new Option('--plan <plan>', 'plan of a new account').choices([...PLANS]).default('starter'))
    .option('--customer-id <id>', 'add the project to this existing account')
    .addOption(dataDirOption())
    .option('--json', 'print JSON')
    .action((options) => createProjectCommand(loadConfig(process.env, overridesFrom(options)), options));

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
    .action((options) => createTokenCommand(loadConfig(process.env, overridesFrom(options)), options));

  program
    .command('migrate')
    .description('bring the database schema to the latest version')
    .addOption(dataDirOption())
    .action((options) => migrateCommand(loadConfig(process.env, overridesFrom(options))));

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
