/**
 * Reading the configuration: the one place that reads `PARLEY_*` variables, through the table in
 * `variables.ts`, then applies the rules that span several variables (the RTC port range, the
 * S3 settings storage needs). CLI flags arrive as overrides of their variables and win over the environment.
 */
import path from 'node:path';
import { ConfigError, type Config, type RecordingStorageConfig } from './types.ts';
import { VARIABLES, type Variable } from './variables.ts';

/** The variables the CLI has flags for (`--host`, `--port`, `--data-dir`, `--dev`, `--webhook-allow-private`…). */
export type OverridableVariable =
  | 'PARLEY_HOST'
  | 'PARLEY_PORT'
  | 'PARLEY_DATA_DIR'
  | 'PARLEY_DATABASE_URL'
  | 'PARLEY_REDIS_URL'
  | 'PARLEY_LOG_LEVEL'
  | 'PARLEY_DEV'
  | 'PARLEY_TLS_CERT'
  | 'PARLEY_TLS_KEY'
  | 'PARLEY_WEBHOOK_ALLOW_PRIVATE';

/** Values given on the command line, as the text their variable would hold; unset ones leave the environment's. */
export type ConfigOverrides = Partial<Record<OverridableVariable, string | undefined>>;

type Env = Readonly<Record<string, string | undefined>>;

export function loadConfig(env: Env = process.env, overrides: ConfigOverrides = {}): Config {
  const source: Record<string, string | undefined> = { ...env };
  for (const [name, value] of Object.entries(overrides)) if (value !== undefined) source[name] = value;
  const draft: Record<string, Record<string, unknown>> = {};
  for (const variable of VARIABLES) {
    if (variable.usedWhen && rawValue(VARIABLES_BY_NAME.get(variable.usedWhen.name)!, source) !== variable.usedWhen.value) continue;
    setAt(draft, variable.key, readVariable(variable, source));
  }
  return finish(draft as unknown as Draft);
}

const VARIABLES_BY_NAME = new Map(VARIABLES.map((variable) => [variable.name, variable]));

/** The text a variable stands for: its own, or its default when it is unset. */
function rawValue(variable: Variable, source: Env): string | undefined {
  const raw = source[variable.name];
  if (raw !== undefined && !(variable.blankIsUnset && raw === '')) return raw;
  return typeof variable.default === 'function' ? variable.default() : variable.default;
}

function readVariable(variable: Variable, source: Env): unknown {
  const raw = rawValue(variable, source);
  return raw === undefined ? undefined : variable.parse(raw, variable.name);
}

function setAt(target: Record<string, unknown>, key: string, value: unknown): void {
  const [head, ...rest] = key.split('.');
  if (rest.length === 0) {
    target[head!] = value;
    return;
  }
  const child = (target[head!] ??= {}) as Record<string, unknown>;
  setAt(child, rest.join('.'), value);
}

/** The table's output before the rules that span variables: storage is still its raw parts. */
type Draft = Omit<Config, 'recording'> & {
  recording: Omit<Config['recording'], 'storage'> & {
    storage: { kind: 'local' | 's3'; endpoint?: string; region?: string; bucket?: string; accessKey?: string; secretKey?: string };
  };
};

function finish(draft: Draft): Config {
  // werift needs a range of at least two ports.
  if (draft.rtc.portMax <= draft.rtc.portMin) throw new ConfigError('PARLEY_RTC_PORT_MAX must be greater than PARLEY_RTC_PORT_MIN');
  // A certificate without its key (or the reverse) is a half-done setup, not a wish for plain HTTP.
  if ((draft.http.tlsCert === undefined) !== (draft.http.tlsKey === undefined)) {
    throw new ConfigError('PARLEY_TLS_CERT (--tls-cert) and PARLEY_TLS_KEY (--tls-key) go together: set both to serve HTTPS, or neither');
  }
  // Half a TURN setup would hand clients URLs they cannot authenticate to, or mint for no server.
  if ((draft.rtc.turnUrls === undefined) !== (draft.rtc.turnSecret === undefined)) throw new ConfigError('PARLEY_TURN_URLS and PARLEY_TURN_SECRET go together: set both or neither');
  return { ...draft, recording: { ...draft.recording, storage: recordingStorage(draft.recording.storage, draft.store.dataDir) } };
}

function recordingStorage(parts: Draft['recording']['storage'], dataDir: string): RecordingStorageConfig {
  if (parts.kind === 'local') return { kind: 'local', dir: path.join(dataDir, 'recordings') };
  const { endpoint, region, bucket, accessKey, secretKey } = parts;
  if (!bucket || !accessKey || !secretKey) {
    throw new ConfigError('PARLEY_RECORDING_STORAGE=s3 needs PARLEY_RECORDING_S3_BUCKET, PARLEY_RECORDING_S3_ACCESS_KEY and PARLEY_RECORDING_S3_SECRET_KEY');
  }
  return { kind: 's3', endpoint, region: region!, bucket, accessKey, secretKey };
}
