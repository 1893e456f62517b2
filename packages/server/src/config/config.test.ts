import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, VARIABLES, type Config, type RecordingStorageConfig } from './index.ts';

type S3Storage = Extract<RecordingStorageConfig, { kind: 's3' }>;
const s3 = (config: Config) => config.recording.storage as S3Storage;
/** An S3 setting without a default: unset, the configuration is refused. */
const REQUIRED = Symbol('required');
/** The least a server bucket needs; cases for the S3 variables start from it. */
const S3_ENV = { PARLEY_RECORDING_STORAGE: 's3', PARLEY_RECORDING_S3_BUCKET: 'b', PARLEY_RECORDING_S3_ACCESS_KEY: 'ak', PARLEY_RECORDING_S3_SECRET_KEY: 'sk' };

interface Case {
  /** Where the value lands, written here rather than read from the variable table, so a wrong key in the table fails. */
  at(config: Config): unknown;
  valid: [raw: string, parsed: unknown];
  /** The value when the variable is unset. */
  unset: unknown | typeof REQUIRED;
  /** Other variables the case needs. */
  with?: Record<string, string>;
}

const CASES: Record<string, Case> = {
  PARLEY_HOST: { at: (c) => c.http.host, valid: ['0.0.0.0', '0.0.0.0'], unset: '127.0.0.1' },
  PARLEY_PORT: { at: (c) => c.http.port, valid: ['9000', 9000], unset: 8080 },
  PARLEY_DATA_DIR: { at: (c) => c.store.dataDir, valid: ['/var/lib/parley', '/var/lib/parley'], unset: path.resolve('.parley') },
  PARLEY_DATABASE_URL: { at: (c) => c.store.databaseUrl, valid: ['postgres://db/parley', 'postgres://db/parley'], unset: undefined },
  PARLEY_REDIS_URL: { at: (c) => c.live.redisUrl, valid: ['rediss://cache:6380', 'rediss://cache:6380'], unset: undefined },
  PARLEY_REDIS_PREFIX: { at: (c) => c.live.keyPrefix, valid: ['eu:', 'eu:'], unset: 'parley:' },
  PARLEY_LOG_LEVEL: { at: (c) => c.log.level, valid: ['debug', 'debug'], unset: 'info' },
  PARLEY_LOG_FORMAT: { at: (c) => c.log.format, valid: ['pretty', 'pretty'], unset: 'auto' },
  PARLEY_SECRET_KEY: { at: (c) => c.auth.secretKey, valid: ['s3cret', 's3cret'], unset: undefined },
  PARLEY_CORS_ORIGINS: { at: (c) => c.http.corsOrigins, valid: ['https://a.example, https://b.example', ['https://a.example', 'https://b.example']], unset: '*' },
  PARLEY_TLS_CERT: { at: (c) => c.http.tlsCert, valid: ['/etc/parley/fullchain.pem', '/etc/parley/fullchain.pem'], unset: REQUIRED, with: { PARLEY_TLS_KEY: 'privkey.pem' } },
  PARLEY_TLS_KEY: { at: (c) => c.http.tlsKey, valid: ['tls/privkey.pem', path.resolve('tls/privkey.pem')], unset: REQUIRED, with: { PARLEY_TLS_CERT: 'fullchain.pem' } },
  PARLEY_TRUSTED_PROXIES: { at: (c) => c.http.trustedProxies, valid: ['127.0.0.1, 10.0.0.0/8,::1, loopback', ['127.0.0.1', '10.0.0.0/8', '::1', 'loopback']], unset: undefined },
  PARLEY_TOKEN_MAX_LIFETIME_SECONDS: { at: (c) => c.auth.tokenMaxLifetimeSeconds, valid: ['3600', 3600], unset: 86400 },
  PARLEY_RTC_ADDRESS: { at: (c) => c.rtc.addresses, valid: ['192.0.2.7, 10.0.0.4', ['192.0.2.7', '10.0.0.4']], unset: undefined },
  PARLEY_RTC_PUBLIC_ADDRESS: { at: (c) => c.rtc.publicAddresses, valid: ['203.0.113.9', ['203.0.113.9']], unset: undefined },
  PARLEY_RTC_UDP_PORT: { at: (c) => c.rtc.udpPort, valid: ['range', 'range'], unset: 7882 },
  PARLEY_RTC_PORT_MIN: { at: (c) => c.rtc.portMin, valid: ['30000', 30000], unset: 40000 },
  PARLEY_RTC_PORT_MAX: { at: (c) => c.rtc.portMax, valid: ['50000', 50000], unset: 40199 },
  PARLEY_RTC_CONNECT_TIMEOUT_SECONDS: { at: (c) => c.rtc.connectTimeoutSeconds, valid: ['3', 3], unset: 10 },
  PARLEY_RTC_MAX_SESSIONS_PER_IP: { at: (c) => c.rtc.maxSessionsPerIp, valid: ['5', 5], unset: 100 },
  PARLEY_RTC_MAX_SESSIONS_PER_TOKEN: { at: (c) => c.rtc.maxSessionsPerToken, valid: ['2', 2], unset: 10 },
  // TURN URLs and secret go together: each is required once the other is set.
  PARLEY_TURN_URLS: {
    at: (c) => c.rtc.turnUrls,
    valid: ['turn:198.18.0.1:3478?transport=udp, turns:turn.example.com', ['turn:198.18.0.1:3478?transport=udp', 'turns:turn.example.com']],
    unset: REQUIRED,
    with: { PARLEY_TURN_SECRET: 's' },
  },
  PARLEY_TURN_SECRET: { at: (c) => c.rtc.turnSecret, valid: ['coturn-secret', 'coturn-secret'], unset: REQUIRED, with: { PARLEY_TURN_URLS: 'turn:turn.example.com' } },
  PARLEY_TURN_TTL_SECONDS: { at: (c) => c.rtc.turnTtlSeconds, valid: ['600', 600], unset: 86400 },
  PARLEY_DEV: { at: (c) => c.node.dev, valid: ['yes', true], unset: false },
  PARLEY_NODE_ID: { at: (c) => c.node.id, valid: ['node-a', 'node-a'], unset: os.hostname() },
  PARLEY_NODE_URL: { at: (c) => c.node.url, valid: ['https://node-a.example.com', 'https://node-a.example.com'], unset: undefined },
  PARLEY_DRAIN_SECONDS: { at: (c) => c.node.drainSeconds, valid: ['0', 0], unset: 30 },
  PARLEY_CHANNEL_NODE_CAP: { at: (c) => c.node.channelNodeCap, valid: ['50', 50], unset: 0 },
  PARLEY_FFMPEG_PATH: { at: (c) => c.recording.ffmpegPath, valid: ['/opt/ffmpeg', '/opt/ffmpeg'], unset: undefined },
  PARLEY_RECORDING_STORAGE: {
    at: (c) => c.recording.storage.kind,
    valid: ['s3', 's3'],
    unset: 'local',
    with: { PARLEY_RECORDING_S3_BUCKET: 'b', PARLEY_RECORDING_S3_ACCESS_KEY: 'ak', PARLEY_RECORDING_S3_SECRET_KEY: 'sk' },
  },
  PARLEY_RECORDING_S3_ENDPOINT: { at: (c) => s3(c).endpoint, valid: ['http://minio:9000', 'http://minio:9000'], unset: undefined, with: S3_ENV },
  PARLEY_RECORDING_S3_REGION: { at: (c) => s3(c).region, valid: ['eu-west-3', 'eu-west-3'], unset: 'us-east-1', with: S3_ENV },
  PARLEY_RECORDING_S3_BUCKET: { at: (c) => s3(c).bucket, valid: ['recordings', 'recordings'], unset: REQUIRED, with: S3_ENV },
  PARLEY_RECORDING_S3_ACCESS_KEY: { at: (c) => s3(c).accessKey, valid: ['AKIA1', 'AKIA1'], unset: REQUIRED, with: S3_ENV },
  PARLEY_RECORDING_S3_SECRET_KEY: { at: (c) => s3(c).secretKey, valid: ['shh', 'shh'], unset: REQUIRED, with: S3_ENV },
  PARLEY_RECORDING_UPLOAD_RETRY_SECONDS: { at: (c) => c.recording.uploadRetrySeconds, valid: ['5', 5], unset: 30 },
  PARLEY_RECORDING_ALLOW_PRIVATE_ENDPOINTS: { at: (c) => c.recording.allowPrivateEndpoints, valid: ['true', true], unset: false },
  PARLEY_WEBHOOK_ALLOW_PRIVATE: { at: (c) => c.webhooks.allowPrivate, valid: ['on', true], unset: false },
  PARLEY_WEBHOOK_RETRY_HOURS: { at: (c) => c.webhooks.retryHours, valid: ['0.5', 0.5], unset: 24 },
  PARLEY_WEBHOOK_RETRY_BASE_MS: { at: (c) => c.webhooks.retryBaseMs, valid: ['50', 50], unset: 5000 },
  PARLEY_AUTH_FAILURES_PER_IP: { at: (c) => c.auth.failuresPerIp, valid: ['1000', 1000], unset: 30 },
  PARLEY_AUTH_FAILURES_PER_CUSTOMER_ID: { at: (c) => c.auth.failuresPerCustomerId, valid: ['12', 12], unset: 120 },
};

function loadError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('has a case below for every variable of the table, and no case for a variable it lacks', () => {
    expect(Object.keys(CASES).sort()).toEqual(VARIABLES.map((variable) => variable.name).sort());
  });

  describe.each(Object.entries(CASES))('%s', (name, { at, valid: [raw, parsed], unset, with: others = {} }) => {
    it('lands a valid value in its section', () => {
      expect(at(loadConfig({ ...others, [name]: raw }))).toEqual(parsed);
    });

    it(unset === REQUIRED ? 'is required when unset' : 'falls back to its default when unset', () => {
      const env: Record<string, string> = { ...others };
      delete env[name];
      if (unset === REQUIRED) expect(loadError(env).message).toContain(name);
      else expect(at(loadConfig(env))).toEqual(unset);
    });
  });

  describe('refuses a bad value with a ConfigError naming the variable', () => {
    it.each([
      ['PARLEY_PORT', 'abc'],
      ['PARLEY_PORT', '65536'],
      ['PARLEY_PORT', '80.5'],
      ['PARLEY_DATABASE_URL', 'mysql://db/parley'],
      ['PARLEY_DATABASE_URL', 'not a url'],
      ['PARLEY_REDIS_URL', 'http://cache:6379'],
      ['PARLEY_LOG_LEVEL', 'loud'],
      ['PARLEY_LOG_LEVEL', ''],
      ['PARLEY_LOG_FORMAT', 'xml'],
      ['PARLEY_TRUSTED_PROXIES', 'proxy.example'],
      ['PARLEY_TRUSTED_PROXIES', '10.0.0.0/33'],
      ['PARLEY_TRUSTED_PROXIES', '0'],
      ['PARLEY_TOKEN_MAX_LIFETIME_SECONDS', '0'],
      ['PARLEY_TOKEN_MAX_LIFETIME_SECONDS', '1.5'],
      ['PARLEY_RTC_ADDRESS', 'media.example'],
      ['PARLEY_RTC_ADDRESS', '192.0.2.7,::1'],
      ['PARLEY_RTC_PUBLIC_ADDRESS', '203.0.113.300'],
      ['PARLEY_RTC_UDP_PORT', 'any'],
      ['PARLEY_RTC_PORT_MIN', '-1'],
      ['PARLEY_RTC_PORT_MAX', '70000'],
      ['PARLEY_RTC_CONNECT_TIMEOUT_SECONDS', 'soon'],
      ['PARLEY_RTC_MAX_SESSIONS_PER_IP', '0'],
      ['PARLEY_RTC_MAX_SESSIONS_PER_TOKEN', '-2'],
      ['PARLEY_DEV', 'maybe'],
      ['PARLEY_NODE_URL', 'node-a.example.com'],
      ['PARLEY_NODE_URL', 'ws://node-a'],
      ['PARLEY_DRAIN_SECONDS', '-1'],
      ['PARLEY_CHANNEL_NODE_CAP', '-3'],
      ['PARLEY_DRAIN_SECONDS', '2.5'],
      ['PARLEY_RECORDING_STORAGE', 'gcs'],
      ['PARLEY_RECORDING_UPLOAD_RETRY_SECONDS', '0'],
      ['PARLEY_RECORDING_ALLOW_PRIVATE_ENDPOINTS', '2'],
      ['PARLEY_WEBHOOK_ALLOW_PRIVATE', 'sure'],
      ['PARLEY_WEBHOOK_RETRY_HOURS', '0'],
      ['PARLEY_WEBHOOK_RETRY_HOURS', 'Infinity'],
      ['PARLEY_WEBHOOK_RETRY_BASE_MS', '2.5'],
      ['PARLEY_AUTH_FAILURES_PER_IP', 'many'],
      ['PARLEY_AUTH_FAILURES_PER_CUSTOMER_ID', '0'],
    ])('%s=%s', (name, value) => {
      expect(loadError({ [name]: value }).message).toContain(name);
    });

    it('PARLEY_RECORDING_S3_ENDPOINT=ftp://… with s3 storage', () => {
      expect(loadError({ ...S3_ENV, PARLEY_RECORDING_S3_ENDPOINT: 'ftp://minio' }).message).toContain('PARLEY_RECORDING_S3_ENDPOINT');
    });

    it('PARLEY_TLS_CERT without PARLEY_TLS_KEY, or the reverse, rather than plain HTTP', () => {
      expect(loadError({ PARLEY_TLS_CERT: 'fullchain.pem' }).message).toMatch(/PARLEY_TLS_CERT \(--tls-cert\) and PARLEY_TLS_KEY \(--tls-key\) go together/);
      expect(() => loadConfig({}, { PARLEY_TLS_KEY: 'privkey.pem' })).toThrow(/go together/);
    });

    it.each([
      'http://turn.example.com',
      'turn:',
      'turn:turn.example.com:0',
      'turn:turn.example.com:99999',
      'turn:turn.example.com?transport=sctp',
      'turns:turn.example.com?transport=udp',
      'turn:turn.example.com,stun:turn.example.com',
      ' , ',
    ])('PARLEY_TURN_URLS=%s', (value) => {
      expect(loadError({ PARLEY_TURN_URLS: value, PARLEY_TURN_SECRET: 's' }).message).toContain('PARLEY_TURN_URLS');
    });

    it('PARLEY_TURN_TTL_SECONDS=0', () => {
      expect(loadError({ PARLEY_TURN_TTL_SECONDS: '0' }).message).toContain('PARLEY_TURN_TTL_SECONDS');
    });

    it('PARLEY_RTC_PORT_MAX equal to or below PARLEY_RTC_PORT_MIN', () => {
      expect(loadError({ PARLEY_RTC_PORT_MIN: '41000', PARLEY_RTC_PORT_MAX: '41000' }).message).toContain('PARLEY_RTC_PORT_MAX');
      expect(loadError({ PARLEY_RTC_PORT_MIN: '41000', PARLEY_RTC_PORT_MAX: '40000' }).message).toContain('PARLEY_RTC_PORT_MAX');
    });

    it('PARLEY_RECORDING_STORAGE=s3 without a bucket or its keys', () => {
      expect(loadError({ PARLEY_RECORDING_STORAGE: 's3' }).message).toMatch(/PARLEY_RECORDING_S3_BUCKET.*PARLEY_RECORDING_S3_ACCESS_KEY.*PARLEY_RECORDING_S3_SECRET_KEY/);
      expect(loadError({ ...S3_ENV, PARLEY_RECORDING_S3_BUCKET: '' }).message).toContain('PARLEY_RECORDING_S3_BUCKET');
    });
  });

  describe('blank values', () => {
    it('count as unset where the old `||` reading did', () => {
      const config = loadConfig({ PARLEY_CORS_ORIGINS: '  ', PARLEY_NODE_ID: '', PARLEY_RTC_ADDRESS: '', PARLEY_DEV: '', PARLEY_DATABASE_URL: '', PARLEY_RECORDING_STORAGE: '' });
      expect(config.http.corsOrigins).toBe('*');
      expect(config.node).toEqual({ id: os.hostname(), url: undefined, drainSeconds: 30, channelNodeCap: 0, dev: false });
      expect(config.rtc.addresses).toBeUndefined();
      expect(config.store.databaseUrl).toBeUndefined();
      expect(config.recording.storage.kind).toBe('local');
    });

    it('are values elsewhere: an empty Redis prefix means no prefix', () => {
      expect(loadConfig({ PARLEY_REDIS_PREFIX: '' }).live.keyPrefix).toBe('');
      expect(loadError({ PARLEY_WEBHOOK_RETRY_BASE_MS: '' }).message).toContain('PARLEY_WEBHOOK_RETRY_BASE_MS');
    });
  });

  it('reads PARLEY_TRUSTED_PROXIES=2 as a hop count, the way Fastify counts proxies', () => {
    expect(loadConfig({ PARLEY_TRUSTED_PROXIES: ' 2 ' }).http.trustedProxies).toBe(2);
  });

  it('keeps recordings in <dataDir>/recordings by default, following --data-dir', () => {
    expect(loadConfig({}, { PARLEY_DATA_DIR: '/srv/parley' }).recording.storage).toEqual({ kind: 'local', dir: path.join('/srv/parley', 'recordings') });
  });

  it('ignores the S3 settings unless storage is s3, as before', () => {
    expect(loadConfig({ PARLEY_RECORDING_S3_ENDPOINT: 'not a url' }).recording.storage.kind).toBe('local');
  });

  it('lets CLI flags win over the environment, and leaves the environment alone for flags not given', () => {
    const env = { PARLEY_HOST: '10.0.0.1', PARLEY_PORT: '9000', PARLEY_DATA_DIR: '/env', PARLEY_DEV: 'false', PARLEY_WEBHOOK_ALLOW_PRIVATE: 'no' };
    const flagged = loadConfig(env, { PARLEY_HOST: '0.0.0.0', PARLEY_PORT: '8443', PARLEY_DATA_DIR: 'rel', PARLEY_DEV: 'true', PARLEY_WEBHOOK_ALLOW_PRIVATE: 'true' });
    expect(flagged.http).toMatchObject({ host: '0.0.0.0', port: 8443 });
    expect(flagged.store.dataDir).toBe(path.resolve('rel'));
    expect(flagged.node.dev).toBe(true);
    expect(flagged.webhooks.allowPrivate).toBe(true);
    const unflagged = loadConfig(env, { PARLEY_HOST: undefined });
    expect(unflagged.http).toMatchObject({ host: '10.0.0.1', port: 9000 });
  });

  it('fills every field of every section', () => {
    const config = loadConfig({ PARLEY_TLS_CERT: 'c', PARLEY_TLS_KEY: 'k', PARLEY_TRUSTED_PROXIES: '1', PARLEY_SECRET_KEY: 'k', PARLEY_FFMPEG_PATH: 'f', PARLEY_DATABASE_URL: 'postgres://db', PARLEY_REDIS_URL: 'redis://r', PARLEY_RTC_ADDRESS: '10.0.0.4', PARLEY_RTC_PUBLIC_ADDRESS: '203.0.113.9', PARLEY_TURN_URLS: 'turn:t', PARLEY_TURN_SECRET: 's', PARLEY_NODE_URL: 'http://node' });
    for (const [section, fields] of Object.entries(config)) {
      for (const [field, value] of Object.entries(fields as object)) expect(value, `${section}.${field}`).toBeDefined();
    }
  });
});
