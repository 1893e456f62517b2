/**
 * Parley's configuration: the one module that reads `PARLEY_*` environment variables.
 * CLI flags are passed in as overrides and win over the environment.
 */
import os from 'node:os';
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
  /** This node's name in a cluster: sessions it hosts are closed under it when it restarts. */
  nodeId: string;
  /** Address announced to WebRTC clients as the media host candidate. */
  rtcAddress: string;
  /** UDP ports the SFU may bind (each peer connection takes one). */
  rtcPortMin: number;
  rtcPortMax: number;
  /** A media connection not connected this long after it was negotiated is closed and its port freed. */
  rtcConnectTimeoutSeconds: number;
  /** Most concurrent sessions from one client address. */
  rtcMaxSessionsPerIp: number;
  /** Most concurrent sessions joined with one token (a token for uid 0 can join any uid). */
  rtcMaxSessionsPerToken: number;
  /** Dev mode: the demo call page may mint tokens for the demo project. */
  dev: boolean;
  /** ffmpeg and ffprobe for cloud recording; unset: looked up on PATH when a recording starts. */
  ffmpegPath: string | undefined;
  ffprobePath: string | undefined;
  /** Where recordings go unless a request names its own storage. */
  recordingStorage: RecordingStorageConfig;
  /** Seconds between retries of recording uploads that failed. */
  recordingUploadRetrySeconds: number;
  /** Whether S3 endpoints named in requests may be loopback or private addresses (tests, private networks). */
  recordingAllowPrivateEndpoints: boolean;
  /** Whether webhooks may go to loopback, private, link-local… addresses (off by default: SSRF). */
  webhookAllowPrivate: boolean;
  /** How long a webhook notice is retried before it is given up; also how long an endpoint must fail to be turned off. */
  webhookRetryHours: number;
  /** Delay before a webhook's first retry; each next one doubles, up to an hour. */
  webhookRetryBaseMs: number;
  /** Failed authentications a minute from one client IP before it is answered 429 (brute force, credential stuffing). */
  authFailuresPerIp: number;
  /** Failed authentications a minute naming one Customer ID, from anywhere, before it is answered 429. */
  authFailuresPerCustomerId: number;
}

/** The default store of recorded files: a folder (`<dataDir>/recordings`) or an S3-compatible bucket. */
export type RecordingStorageConfig =
  | { kind: 'local'; dir: string }
  | { kind: 's3'; endpoint: string | undefined; region: string; bucket: string; accessKey: string; secretKey: string };

export type ConfigOverrides = Partial<Pick<Config, 'host' | 'port' | 'dataDir' | 'databaseUrl' | 'redisUrl' | 'logLevel' | 'dev' | 'webhookAllowPrivate'>>;

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

function parseBoolean(raw: string | undefined, name: string): boolean {
  if (raw === undefined || raw === '') return false;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function rtcPorts(env: NodeJS.ProcessEnv): { rtcPortMin: number; rtcPortMax: number } {
  const rtcPortMin = parsePort(env.PARLEY_RTC_PORT_MIN ?? 40000, 'PARLEY_RTC_PORT_MIN');
  const rtcPortMax = parsePort(env.PARLEY_RTC_PORT_MAX ?? 40199, 'PARLEY_RTC_PORT_MAX');
  // werift needs a range of at least two ports.
  if (rtcPortMax <= rtcPortMin) throw new ConfigError('PARLEY_RTC_PORT_MAX must be greater than PARLEY_RTC_PORT_MIN');
  return { rtcPortMin, rtcPortMax };
}

function recordingStorage(env: NodeJS.ProcessEnv, dataDir: string): RecordingStorageConfig {
  const kind = env.PARLEY_RECORDING_STORAGE || 'local';
  if (kind === 'local') return { kind, dir: path.join(dataDir, 'recordings') };
  if (kind !== 's3') throw new ConfigError(`PARLEY_RECORDING_STORAGE must be local or s3, got "${kind}"`);
  const bucket = env.PARLEY_RECORDING_S3_BUCKET;
  const accessKey = env.PARLEY_RECORDING_S3_ACCESS_KEY;
  const secretKey = env.PARLEY_RECORDING_S3_SECRET_KEY;
  if (!bucket || !accessKey || !secretKey) {
    throw new ConfigError('PARLEY_RECORDING_STORAGE=s3 needs PARLEY_RECORDING_S3_BUCKET, PARLEY_RECORDING_S3_ACCESS_KEY and PARLEY_RECORDING_S3_SECRET_KEY');
  }
  return {
    kind,
    endpoint: parseUrl(env.PARLEY_RECORDING_S3_ENDPOINT, 'PARLEY_RECORDING_S3_ENDPOINT', ['http:', 'https:']),
    region: env.PARLEY_RECORDING_S3_REGION || 'us-east-1',
    bucket,
    accessKey,
    secretKey,
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: ConfigOverrides = {}): Config {
  const corsRaw = env.PARLEY_CORS_ORIGINS?.trim() || '*';
  const maxLifetime = Number(env.PARLEY_TOKEN_MAX_LIFETIME_SECONDS ?? 86400);
  if (!Number.isInteger(maxLifetime) || maxLifetime < 1) throw new ConfigError('PARLEY_TOKEN_MAX_LIFETIME_SECONDS must be a positive integer');
  const dataDir = path.resolve(overrides.dataDir ?? env.PARLEY_DATA_DIR ?? '.parley');
  return {
    host: overrides.host ?? env.PARLEY_HOST ?? '127.0.0.1',
    port: parsePort(overrides.port ?? env.PARLEY_PORT ?? 8080, 'port'),
    dataDir,
    databaseUrl: parseUrl(overrides.databaseUrl ?? env.PARLEY_DATABASE_URL, 'PARLEY_DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: parseUrl(overrides.redisUrl ?? env.PARLEY_REDIS_URL, 'PARLEY_REDIS_URL', ['redis:', 'rediss:']),
    redisKeyPrefix: env.PARLEY_REDIS_PREFIX ?? 'parley:',
    logLevel: parseLogLevel(overrides.logLevel ?? env.PARLEY_LOG_LEVEL ?? 'info'),
    secretKey: env.PARLEY_SECRET_KEY || undefined,
    corsOrigins: corsRaw === '*' ? '*' : corsRaw.split(',').map((origin) => origin.trim()).filter(Boolean),
    tokenMaxLifetimeSeconds: maxLifetime,
    nodeId: env.PARLEY_NODE_ID || os.hostname(),
    rtcAddress: env.PARLEY_RTC_ADDRESS || '127.0.0.1',
    ...rtcPorts(env),
    rtcConnectTimeoutSeconds: parsePositiveInteger(env.PARLEY_RTC_CONNECT_TIMEOUT_SECONDS ?? 10, 'PARLEY_RTC_CONNECT_TIMEOUT_SECONDS'),
    rtcMaxSessionsPerIp: parsePositiveInteger(env.PARLEY_RTC_MAX_SESSIONS_PER_IP ?? 100, 'PARLEY_RTC_MAX_SESSIONS_PER_IP'),
    rtcMaxSessionsPerToken: parsePositiveInteger(env.PARLEY_RTC_MAX_SESSIONS_PER_TOKEN ?? 10, 'PARLEY_RTC_MAX_SESSIONS_PER_TOKEN'),
    dev: overrides.dev ?? parseBoolean(env.PARLEY_DEV, 'PARLEY_DEV'),
    ffmpegPath: env.PARLEY_FFMPEG_PATH || undefined,
    ffprobePath: env.PARLEY_FFPROBE_PATH || undefined,
    recordingStorage: recordingStorage(env, dataDir),
    recordingUploadRetrySeconds: parsePositiveInteger(env.PARLEY_RECORDING_UPLOAD_RETRY_SECONDS ?? 30, 'PARLEY_RECORDING_UPLOAD_RETRY_SECONDS'),
    recordingAllowPrivateEndpoints: parseBoolean(env.PARLEY_RECORDING_ALLOW_PRIVATE_ENDPOINTS, 'PARLEY_RECORDING_ALLOW_PRIVATE_ENDPOINTS'),
    webhookAllowPrivate: overrides.webhookAllowPrivate ?? parseBoolean(env.PARLEY_WEBHOOK_ALLOW_PRIVATE, 'PARLEY_WEBHOOK_ALLOW_PRIVATE'),
    webhookRetryHours: parsePositiveNumber(env.PARLEY_WEBHOOK_RETRY_HOURS ?? 24, 'PARLEY_WEBHOOK_RETRY_HOURS'),
    webhookRetryBaseMs: parsePositiveInteger(env.PARLEY_WEBHOOK_RETRY_BASE_MS ?? 5000, 'PARLEY_WEBHOOK_RETRY_BASE_MS'),
    authFailuresPerIp: parsePositiveInteger(env.PARLEY_AUTH_FAILURES_PER_IP ?? 30, 'PARLEY_AUTH_FAILURES_PER_IP'),
    authFailuresPerCustomerId: parsePositiveInteger(env.PARLEY_AUTH_FAILURES_PER_CUSTOMER_ID ?? 120, 'PARLEY_AUTH_FAILURES_PER_CUSTOMER_ID'),
  };
}

function parsePositiveNumber(raw: string | number, name: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new ConfigError(`${name} must be a positive number, got "${raw}"`);
  return value;
}

function parsePositiveInteger(raw: string | number, name: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`${name} must be a positive integer, got "${raw}"`);
  return value;
}
