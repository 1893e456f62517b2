import type { Generated } from 'kysely';

/**
 * Table types of the durable store, as Kysely sees them. Timestamps are unix milliseconds and
 * booleans are 0/1 integers, so the same queries run on SQLite and PostgreSQL.
 */
export interface AccountTable {
  id: string;
  customer_id: string;
  /** SHA-256 of the Customer Secret; the secret itself is shown once and never stored. */
  customer_secret_hash: string;
  plan: 'starter' | 'pro' | 'enterprise';
  created_at: number;
}

export interface ProjectTable {
  app_id: string;
  account_id: string;
  name: string;
  /** The App Certificate, or its AES-GCM ciphertext (`v1:…`) when PARLEY_SECRET_KEY is set. */
  app_certificate: string;
  created_at: number;
}

export interface ChannelTable {
  app_id: string;
  name: string;
  mode: 'rtc' | 'live';
  created_at: number;
  /** JSON of the uid given at creation (number or string account), or null. */
  created_by_uid: string | null;
  /** 1 when made through the REST API: it lasts until deleted. */
  persistent: number;
  resource_expired_hour: number | null;
  recording_channel_type: number | null;
  recording_stream_types: number | null;
}

export interface BanRuleTable {
  id: Generated<number>;
  app_id: string;
  /** null: every channel of the app. */
  channel: string | null;
  /** null: every user (uid as its decimal string or account). */
  uid: string | null;
  ip: string | null;
  /** Comma-separated: join_channel, publish_audio, publish_video. */
  privileges: string;
  created_at: number;
  updated_at: number;
  expires_at: number;
}

/** One participant in one call, from join to leave (sessions/). */
export interface SessionTable {
  session_id: string;
  app_id: string;
  channel: string;
  /** JSON of the uid (number or string account), as channels.created_by_uid. */
  uid: string;
  role: 'host' | 'audience' | 'recorder';
  platform: string;
  mode: 'rtc' | 'live';
  /** The server node hosting the session (config.nodeId): it closes its own open sessions when it starts. */
  node_id: string;
  joined_at: number;
  /** null while the session is open. */
  left_at: number | null;
  /** Agora's leave reason code; null while open. */
  leave_reason: number | null;
}

export interface ServerSettingTable {
  key: string;
  value: string;
}

export interface Database {
  accounts: AccountTable;
  projects: ProjectTable;
  channels: ChannelTable;
  ban_rules: BanRuleTable;
  server_settings: ServerSettingTable;
  sessions: SessionTable;
}
