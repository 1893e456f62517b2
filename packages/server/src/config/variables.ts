/**
 * Every `PARLEY_*` variable, once: where its value lands in the configuration, its default, how it
 * is parsed and what it means. `loadConfig` reads the environment through this table and the docs'
 * Configuration guide is generated from it (configTable.ts), so the two cannot drift.
 */
import os from 'node:os';
import { absolutePath, boolean, ipv4List, logLevel, nonNegativeInteger, oneOf, origins, port, positiveInteger, positiveNumber, text, trustedProxies, turnUrls, udpPortOrRange, url, type Parser } from './parsers.ts';
import type { Config } from './types.ts';

type SectionKey = { [S in keyof Config]: `${S}.${Extract<keyof Config[S], string>}` }[keyof Config];
type StorageField = 'kind' | 'endpoint' | 'region' | 'bucket' | 'accessKey' | 'secretKey';
/** `section.key` of the configuration; the S3 settings are fields of `recording.storage`. */
export type ConfigKey = SectionKey | `recording.storage.${StorageField}`;

type ValueAt<K extends ConfigKey> = K extends `${infer S extends keyof Config}.${infer F}`
  ? F extends keyof Config[S]
    ? Exclude<Config[S][F], undefined>
    : string
  : never;

export interface Variable {
  name: `PARLEY_${string}`;
  key: ConfigKey;
  /** Used when the variable is unset; a function when it is known only at start (the host name). No default: the setting stays unset. */
  default?: string | (() => string);
  /** An empty value counts as unset. Otherwise it is parsed like any other (`PARLEY_REDIS_PREFIX=` means no prefix). */
  blankIsUnset?: boolean;
  /** Read only when another variable has this value (the S3 settings, when storage is `s3`). */
  usedWhen?: { name: `PARLEY_${string}`; value: string };
  parse: Parser<unknown>;
  /** The guide's Default column, when the default alone does not say it. */
  shownDefault?: string;
  /** The guide's Meaning column. */
  meaning: string;
}

/** Ties each parser to the type of the field it fills. */
function variable<K extends ConfigKey>(spec: Omit<Variable, 'key' | 'parse'> & { key: K; parse: Parser<ValueAt<K>> }): Variable {
  return spec;
}

const S3_STORAGE = { name: 'PARLEY_RECORDING_STORAGE', value: 's3' } as const;

export const VARIABLES: readonly Variable[] = [
  variable({ name: 'PARLEY_HOST', key: 'http.host', default: '127.0.0.1', parse: text, meaning: 'Address to listen on (`0.0.0.0` for every interface)' }),
  variable({ name: 'PARLEY_PORT', key: 'http.port', default: '8080', parse: port, meaning: 'HTTP port: API, signaling, console and docs' }),
  variable({ name: 'PARLEY_DATA_DIR', key: 'store.dataDir', default: '.parley', shownDefault: '`./.parley`', parse: absolutePath, meaning: 'Data folder: SQLite file, recordings' }),
  variable({
    name: 'PARLEY_DATABASE_URL',
    key: 'store.databaseUrl',
    blankIsUnset: true,
    parse: url(['postgres:', 'postgresql:']),
    meaning: '`postgres://…` to use PostgreSQL instead of SQLite',
  }),
  variable({
    name: 'PARLEY_REDIS_URL',
    key: 'live.redisUrl',
    blankIsUnset: true,
    parse: url(['redis:', 'rediss:']),
    meaning: '`redis://…` to share live state (rate limits…) between nodes',
  }),
  variable({ name: 'PARLEY_REDIS_PREFIX', key: 'live.keyPrefix', default: 'parley:', parse: text, meaning: "Prefix of Parley's Redis keys" }),
  variable({ name: 'PARLEY_LOG_LEVEL', key: 'log.level', default: 'info', parse: logLevel, meaning: '`fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`' }),
  variable({
    name: 'PARLEY_LOG_FORMAT',
    key: 'log.format',
    default: 'auto',
    parse: oneOf(['auto', 'pretty', 'json'] as const),
    meaning: '`json` (one object a line, for log storage), `pretty` (one human line an event) or `auto`: pretty when stdout is a terminal',
  }),
  variable({ name: 'PARLEY_SECRET_KEY', key: 'auth.secretKey', blankIsUnset: true, parse: text, meaning: 'Encrypts App Certificates at rest (AES-256-GCM) when set' }),
  variable({
    name: 'PARLEY_CORS_ORIGINS',
    key: 'http.corsOrigins',
    default: '*',
    blankIsUnset: true,
    parse: origins,
    meaning: 'Comma-separated origins allowed to call the API from browsers',
  }),
  variable({
    name: 'PARLEY_TLS_CERT',
    key: 'http.tlsCert',
    blankIsUnset: true,
    parse: absolutePath,
    meaning: 'PEM file of the TLS certificate and its chain (`serve --tls-cert`); with `PARLEY_TLS_KEY`, Parley serves HTTPS and WSS itself and reloads both files when they change',
  }),
  variable({
    name: 'PARLEY_TLS_KEY',
    key: 'http.tlsKey',
    blankIsUnset: true,
    parse: absolutePath,
    meaning: "PEM file of the certificate's private key (`serve --tls-key`); set both or neither",
  }),
  variable({
    name: 'PARLEY_TRUSTED_PROXIES',
    key: 'http.trustedProxies',
    blankIsUnset: true,
    shownDefault: 'none',
    parse: trustedProxies,
    meaning:
      'Reverse proxies whose `X-Forwarded-For` gives the client address (for rate limits, failure budgets, session caps and bans) and `X-Forwarded-Proto` the scheme: comma-separated addresses and CIDR ranges (`127.0.0.1`, `10.0.0.0/8`, `loopback`), or a hop count',
  }),
  variable({
    name: 'PARLEY_TOKEN_MAX_LIFETIME_SECONDS',
    key: 'auth.tokenMaxLifetimeSeconds',
    default: '86400',
    parse: positiveInteger,
    meaning:
      "Longer token lifetimes are capped to this; a legacy 006 token (which carries no issue time) expiring further than this from now is refused (Agora's 006 builders set 24 h, so keep it at 86400 or more if clients use 006)",
  }),
  variable({
    name: 'PARLEY_RTC_ADDRESS',
    key: 'rtc.addresses',
    blankIsUnset: true,
    parse: ipv4List,
    shownDefault: '`127.0.0.1`; every non-loopback address of the host when `PARLEY_HOST` is not loopback',
    meaning: 'Local IPv4 addresses (comma-separated) the SFU receives media on and announces to WebRTC clients',
  }),
  variable({
    name: 'PARLEY_RTC_PUBLIC_ADDRESS',
    key: 'rtc.publicAddresses',
    blankIsUnset: true,
    parse: ipv4List,
    meaning: 'Public IPv4 addresses (comma-separated) also announced, for a node behind 1:1 NAT (a cloud VM): media still arrives on the local addresses',
  }),
  variable({
    name: 'PARLEY_RTC_UDP_PORT',
    key: 'rtc.udpPort',
    default: '7882',
    parse: udpPortOrRange,
    meaning: 'The one UDP port every media connection shares (`0`: any free port); `range` gives each connection its own port of `PARLEY_RTC_PORT_MIN`–`PARLEY_RTC_PORT_MAX` instead',
  }),
  variable({
    name: 'PARLEY_RTC_PORT_MIN',
    key: 'rtc.portMin',
    default: '40000',
    parse: port,
    meaning: 'With `PARLEY_RTC_UDP_PORT=range`: lowest UDP port for media; each connected client uses two or more',
  }),
  variable({ name: 'PARLEY_RTC_PORT_MAX', key: 'rtc.portMax', default: '40199', parse: port, meaning: 'With `PARLEY_RTC_UDP_PORT=range`: highest UDP port for media; greater than `PARLEY_RTC_PORT_MIN`' }),
  variable({
    name: 'PARLEY_RTC_CONNECT_TIMEOUT_SECONDS',
    key: 'rtc.connectTimeoutSeconds',
    default: '10',
    parse: positiveInteger,
    meaning: 'A media connection not connected this long after its negotiation is closed, its port freed and the client told to rebuild it',
  }),
  variable({
    name: 'PARLEY_RTC_MAX_SESSIONS_PER_IP',
    key: 'rtc.maxSessionsPerIp',
    default: '100',
    parse: positiveInteger,
    meaning: 'Most concurrent call sessions from one client address (raise it for load tests from one machine)',
  }),
  variable({
    name: 'PARLEY_RTC_MAX_SESSIONS_PER_TOKEN',
    key: 'rtc.maxSessionsPerToken',
    default: '10',
    parse: positiveInteger,
    meaning: 'Most concurrent call sessions joined with one token (a uid-0 token joins any uid)',
  }),
  variable({
    name: 'PARLEY_TURN_URLS',
    key: 'rtc.turnUrls',
    blankIsUnset: true,
    parse: turnUrls,
    meaning:
      'Comma-separated TURN URLs handed to clients in the join answer (`turn:host:3478?transport=udp`, `turn:host:3478?transport=tcp`, `turns:host:5349`), so media relays through coturn when direct UDP fails; needs `PARLEY_TURN_SECRET`',
  }),
  variable({
    name: 'PARLEY_TURN_SECRET',
    key: 'rtc.turnSecret',
    blankIsUnset: true,
    parse: text,
    meaning: "coturn's `static-auth-secret`: signs the short-lived TURN credentials each session gets (TURN REST API scheme); needs `PARLEY_TURN_URLS`",
  }),
  variable({
    name: 'PARLEY_TURN_TTL_SECONDS',
    key: 'rtc.turnTtlSeconds',
    default: '86400',
    parse: positiveInteger,
    meaning: 'How long minted TURN credentials stay valid; fresh ones come with resume and token renewal',
  }),
  variable({
    name: 'PARLEY_DEV',
    key: 'node.dev',
    default: 'false',
    blankIsUnset: true,
    parse: boolean,
    meaning: 'Dev mode (`serve --dev`, which `npm start` uses): the demo call page may mint tokens for the demo project',
  }),
  variable({
    name: 'PARLEY_NODE_ID',
    key: 'node.id',
    default: () => os.hostname(),
    blankIsUnset: true,
    shownDefault: 'host name',
    parse: text,
    meaning: "This node's name; sessions it hosted are closed under it when it restarts",
  }),
  variable({
    name: 'PARLEY_NODE_URL',
    key: 'node.url',
    blankIsUnset: true,
    parse: url(['http:', 'https:']),
    shownDefault: 'from `PARLEY_HOST`/`PARLEY_PORT` (the host name when listening on every interface)',
    meaning: 'The URL other nodes and clients reach this node at; in a cluster, clients are sent here for the channels this node hosts',
  }),
  variable({
    name: 'PARLEY_DRAIN_SECONDS',
    key: 'node.drainSeconds',
    default: '30',
    parse: nonNegativeInteger,
    meaning: 'On SIGTERM in a cluster: how long calls may go on before their clients are moved to other nodes (0: at once)',
  }),
  variable({
    name: 'PARLEY_CHANNEL_NODE_CAP',
    key: 'node.channelNodeCap',
    default: '0',
    parse: nonNegativeInteger,
    meaning: 'In a cluster: how many participants of one channel a node takes before the channel grows onto another node, which relays its tracks (cascading; 0: a channel stays on one node)',
  }),
  variable({
    name: 'PARLEY_FFMPEG_PATH',
    key: 'recording.ffmpegPath',
    blankIsUnset: true,
    shownDefault: '`ffmpeg` on `PATH`',
    parse: text,
    meaning: 'The ffmpeg recordings use',
  }),
  variable({
    name: 'PARLEY_RECORDING_STORAGE',
    key: 'recording.storage.kind',
    default: 'local',
    blankIsUnset: true,
    parse: oneOf(['local', 's3']),
    meaning: 'Where recordings go by default: `local` (`<dataDir>/recordings`) or `s3`',
  }),
  variable({
    name: 'PARLEY_RECORDING_S3_ENDPOINT',
    key: 'recording.storage.endpoint',
    blankIsUnset: true,
    usedWhen: S3_STORAGE,
    parse: url(['http:', 'https:']),
    meaning: "Endpoint of the server's bucket when `PARLEY_RECORDING_STORAGE=s3`; unset means Amazon S3",
  }),
  variable({
    name: 'PARLEY_RECORDING_S3_REGION',
    key: 'recording.storage.region',
    default: 'us-east-1',
    blankIsUnset: true,
    usedWhen: S3_STORAGE,
    parse: text,
    meaning: "Region of the server's bucket",
  }),
  variable({
    name: 'PARLEY_RECORDING_S3_BUCKET',
    key: 'recording.storage.bucket',
    blankIsUnset: true,
    usedWhen: S3_STORAGE,
    parse: text,
    meaning: "The server's bucket, needed when `PARLEY_RECORDING_STORAGE=s3` (each project under its App ID)",
  }),
  variable({
    name: 'PARLEY_RECORDING_S3_ACCESS_KEY',
    key: 'recording.storage.accessKey',
    blankIsUnset: true,
    usedWhen: S3_STORAGE,
    parse: text,
    meaning: "Access key of the server's bucket, needed when `PARLEY_RECORDING_STORAGE=s3`",
  }),
  variable({
    name: 'PARLEY_RECORDING_S3_SECRET_KEY',
    key: 'recording.storage.secretKey',
    blankIsUnset: true,
    usedWhen: S3_STORAGE,
    parse: text,
    meaning: "Secret key of the server's bucket, needed when `PARLEY_RECORDING_STORAGE=s3`",
  }),
  variable({
    name: 'PARLEY_RECORDING_UPLOAD_RETRY_SECONDS',
    key: 'recording.uploadRetrySeconds',
    default: '30',
    parse: positiveInteger,
    meaning: 'How often failed recording uploads are retried',
  }),
  variable({
    name: 'PARLEY_RECORDING_ALLOW_PRIVATE_ENDPOINTS',
    key: 'recording.allowPrivateEndpoints',
    default: 'false',
    blankIsUnset: true,
    parse: boolean,
    meaning: 'Let requests name storage endpoints on private or loopback addresses (otherwise refused)',
  }),
  variable({
    name: 'PARLEY_WEBHOOK_ALLOW_PRIVATE',
    key: 'webhooks.allowPrivate',
    default: 'false',
    blankIsUnset: true,
    parse: boolean,
    meaning: 'Let webhooks go to loopback, private and link-local addresses (`serve --webhook-allow-private`); off because of SSRF, see Webhooks',
  }),
  variable({
    name: 'PARLEY_WEBHOOK_RETRY_HOURS',
    key: 'webhooks.retryHours',
    default: '24',
    parse: positiveNumber,
    meaning: 'How long a webhook notice is retried before it is given up (also how long an endpoint must fail to be turned off)',
  }),
  variable({
    name: 'PARLEY_WEBHOOK_RETRY_BASE_MS',
    key: 'webhooks.retryBaseMs',
    default: '5000',
    parse: positiveInteger,
    meaning: "Delay before a notice's first retry; each next one doubles, up to an hour",
  }),
  variable({
    name: 'PARLEY_AUTH_FAILURES_PER_IP',
    key: 'auth.failuresPerIp',
    default: '30',
    parse: positiveInteger,
    meaning:
      'Failed authentications (wrong secret, bad or expired token) a minute from one client address; past it every authenticated request from there is 429 with `Retry-After` until the minute turns',
  }),
  variable({
    name: 'PARLEY_AUTH_FAILURES_PER_CUSTOMER_ID',
    key: 'auth.failuresPerCustomerId',
    default: '120',
    parse: positiveInteger,
    meaning: 'Failed authentications a minute naming one Customer ID, from any address; past it further failures answer 429 (the right secret still works)',
  }),
];
