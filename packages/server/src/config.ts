/**
 * Parley's configuration: the one module that reads `PARLEY_*` environment variables.
 * CLI flags are passed in as overrides and win over the environment.
 */
import path from 'node:path';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  /** `postgres://…` selects PostgreSQL; unset means the SQLite file `<dataDir>/parley.db`. */
  databaseUrl: string | undefined;
  /** `redis://…` selects Redis for live state (rate counters…); unset means in-process memory. */
  redisUrl: string | undefined;
  /** Prefix of every Redis key, so several deployments (or test runs) can share one Redis. */
  redisKeyPrefix: string;
  logLevel: LogLevel;
  /** When set, App Certificates are encrypted at rest with a key derived from it. */
  secretKey: string | undefined;
  /** Origins allowed to call the API from a browser; `*` allows any (credentials travel in headers, never cookies). */
  corsOrigins: string[] | '*';
  /** Longest accepted token lifetime; longer ones are capped (Agora documents 24 h). */
  tokenMaxLifetimeSeconds: number;
}

export type ConfigOverrides = Partial<Pick<Config, 'host' | 'port' | 'dataDir' | 'databaseUrl' | 'redisUrl' | 'logLevel'>>;

export class ConfigError extends Error {}

function parsePort(raw: string | number, name: string): number {
  const port = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`${name} must be a port number 0-65535, got "${raw}"`);
  return port;
}

function parseLogLevel(raw: string): LogLevel {
  if (!(LOG_LEVELS as readonly string[]).includes(raw)) {
    throw new ConfigError(`PARLEY_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  }
  return raw as LogLevel;
}

function parseUrl(raw: string | undefined, name: string, protocols: string[]): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a URL`);
  }
  if (!protocols.includes(url.protocol)) throw new ConfigError(`${name} must start with ${protocols.join(' or ')}//`);
  return raw;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: ConfigOverrides = {}): Config {
  const corsRaw = env.PARLEY_CORS_ORIGINS?.trim() || '*';
  const maxLifetime = Number(env.PARLEY_TOKEN_MAX_LIFETIME_SECONDS ?? 86400);
  if (!Number.isInteger(maxLifetime) || maxLifetime < 1) throw new ConfigError('PARLEY_TOKEN_MAX_LIFETIME_SECONDS must be a positive integer');
  return {
    host: overrides.host ?? env.PARLEY_HOST ?? '127.0.0.1',
    port: parsePort(overrides.port ?? env.PARLEY_PORT ?? 8080, 'port'),
    dataDir: path.resolve(overrides.dataDir ?? env.PARLEY_DATA_DIR ?? '.parley'),
    databaseUrl: parseUrl(overrides.databaseUrl ?? env.PARLEY_DATABASE_URL, 'PARLEY_DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: parseUrl(overrides.redisUrl ?? env.PARLEY_REDIS_URL, 'PARLEY_REDIS_URL', ['redis:', 'rediss:']),
    redisKeyPrefix: env.PARLEY_REDIS_PREFIX ?? 'parley:',
    logLevel: parseLogLevel(overrides.logLevel ?? env.PARLEY_LOG_LEVEL ?? 'info'),
    secretKey: env.PARLEY_SECRET_KEY || undefined,
    corsOrigins: corsRaw === '*' ? '*' : corsRaw.split(',').map((origin) => origin.trim()).filter(Boolean),
    tokenMaxLifetimeSeconds: maxLifetime,
  };
}
