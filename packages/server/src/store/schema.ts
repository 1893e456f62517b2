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

export interface Database {
  accounts: AccountTable;
  projects: ProjectTable;
  channels: ChannelTable;
  ban_rules: BanRuleTable;
}
