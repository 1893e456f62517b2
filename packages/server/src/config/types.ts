/**
 * The shape of Parley's configuration: one section per subsystem, so each one is handed only the
 * settings it owns (the RTC service its `rtc` section, the webhook worker its `webhooks` section…).
 * The values come from `variables.ts`; this file only says what they are.
 */

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** A missing or malformed setting; its message names the `PARLEY_*` variable to fix. */
export class ConfigError extends Error {}

/** This node: its name in a cluster and its mode. */
export interface NodeConfig {
  /** This node's name in a cluster: sessions it hosts are closed under it when it restarts. */
  id: string;
  /** The URL other nodes and clients reach this node at; unset: the listener's own (see cluster/nodeUrl.ts). */
  url: string | undefined;
  /** On SIGTERM in a cluster: seconds calls may go on before their clients are moved to other nodes. */
  drainSeconds: number;
  /** PARLEY_CHANNEL_NODE_CAP: participants of one channel per node before it cascades; 0: never. */
  channelNodeCap: number;
  /** Dev mode: the demo call page may mint tokens for the demo project. */
  dev: boolean;
}

/** The HTTP listener: API, signaling, console and docs. */
export interface HttpConfig {
  host: string;
  port: number;
  /** Origins allowed to call the API from a browser; `*` allows any (credentials travel in headers, never cookies). */
  corsOrigins: string[] | '*';
  /** PEM files of the certificate (with its chain) and its private key: both set, HTTPS and WSS; neither, plain HTTP. */
  tlsCert: string | undefined;
  tlsKey: string | undefined;
  /**
   * Peers whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed (Fastify's `trustProxy`):
   * addresses, CIDR ranges and proxy-addr's names (`loopback`…), or a hop count. Unset: none, so a
   * client cannot choose the address its rate limits and bans are counted under.
   */
  trustedProxies: string[] | number | undefined;
}

/** Durable state. */
export interface StoreConfig {
  dataDir: string;
  /** `postgres://…` selects PostgreSQL; unset means the SQLite file `<dataDir>/parley.db`. */
  databaseUrl: string | undefined;
}

/** Live state shared between nodes (rate counters, who is where). */
export interface LiveConfig {
  /** `redis://…` selects Redis for live state (rate counters…); unset means in-process memory. */
  redisUrl: string | undefined;
  /** Prefix of every Redis key, so several deployments (or test runs) can share one Redis. */
  keyPrefix: string;
}

export interface LogConfig {
  level: LogLevel;
  format: 'auto' | 'pretty' | 'json';
}

/** Credentials: how long tokens may live, how many failed attempts are tolerated, secrets at rest. */
export interface AuthConfig {
  /** When set, App Certificates (and webhook secrets) are encrypted at rest with a key derived from it. */
  secretKey: string | undefined;
  /** Longest accepted token lifetime; longer ones are capped (Agora documents 24 h). */
  tokenMaxLifetimeSeconds: number;
  /** Failed authentications a minute from one client IP before it is answered 429 (brute force, credential stuffing). */
  failuresPerIp: number;
  /** Failed authentications a minute naming one Customer ID, from anywhere, before it is answered 429. */
  failuresPerCustomerId: number;
}

/** The SFU. */
export interface RtcConfig {
  /** Local addresses media arrives on and is announced with; unset: found at start from the interfaces. */
  addresses?: string[];
  /** Public addresses announced too, for a node behind 1:1 NAT. */
  publicAddresses?: string[];
  /** The one UDP port of every media connection, or `range`: a port of portMin..portMax each. */
  udpPort: number | 'range';
  /** UDP ports the SFU may bind in `range` mode (each peer connection takes one or more). */
  portMin: number;
  portMax: number;
  /** A media connection not connected this long after it was negotiated is closed and its port freed. */
  connectTimeoutSeconds: number;
  /** Most concurrent sessions from one client address. */
  maxSessionsPerIp: number;
  /** Most concurrent sessions joined with one token (a token for uid 0 can join any uid). */
  maxSessionsPerToken: number;
  /** TURN URLs handed to clients (checked `turn:`/`turns:` URLs); unset: no TURN. */
  turnUrls: string[] | undefined;
  /** coturn's `static-auth-secret`, which signs the TURN credentials minted per session. A secret: never logged. */
  turnSecret: string | undefined;
  /** How long minted TURN credentials stay valid. */
  turnTtlSeconds: number;
}

/** The default store of recorded files: a folder (`<dataDir>/recordings`) or an S3-compatible bucket. */
export type RecordingStorageConfig =
  | { kind: 'local'; dir: string }
  | { kind: 's3'; endpoint: string | undefined; region: string; bucket: string; accessKey: string; secretKey: string };

/** Cloud recording. */
export interface RecordingConfig {
  /** ffmpeg for cloud recording; unset: looked up on PATH when a recording starts. */
  ffmpegPath: string | undefined;
  /** Where recordings go unless a request names its own storage. */
  storage: RecordingStorageConfig;
  /** Seconds between retries of recording uploads that failed. */
  uploadRetrySeconds: number;
  /** Whether S3 endpoints named in requests may be loopback or private addresses (tests, private networks). */
  allowPrivateEndpoints: boolean;
}

/** Webhook delivery. */
export interface WebhooksConfig {
  /** Whether webhooks may go to loopback, private, link-local… addresses (off by default: SSRF). */
  allowPrivate: boolean;
  /** How long a webhook notice is retried before it is given up; also how long an endpoint must fail to be turned off. */
  retryHours: number;
  /** Delay before a webhook's first retry; each next one doubles, up to an hour. */
  retryBaseMs: number;
}

export interface Config {
  node: NodeConfig;
  http: HttpConfig;
  store: StoreConfig;
  live: LiveConfig;
  log: LogConfig;
  auth: AuthConfig;
  rtc: RtcConfig;
  recording: RecordingConfig;
  webhooks: WebhooksConfig;
}
