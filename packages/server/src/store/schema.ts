import type { Generated } from 'kysely';

/**
 * Table types of the durable store, as Kysely sees them. Timestamps are unix milliseconds and
 * booleans are 0/1 integers, so the same queries run on SQLite and PostgreSQL.
 */
export interface AccountTable {
  id: string;
  customer_id: string;
  /**
   * SHA-256 of the account's first Customer Secret, kept from before several pairs (migration 010);
   * authentication reads `customer_credentials`.
   */
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
  /** `disabled`: joins and API calls are refused (set from the console). */
  status: 'active' | 'disabled';
  app_certificate_created_at: number;
  /** A second accepted certificate while servers move to it (sealed like the primary); null when none. */
  secondary_certificate: string | null;
  secondary_certificate_created_at: number | null;
  /** When it was deleted from the console; a deleted project is found by nothing. */
  deleted_at: number | null;
  /** 1: joins with no token are accepted (Agora's testing mode); 0, the default: every join needs a token. */
  testing_mode: number;
}

export interface CustomerCredentialTable {
  customer_id: string;
  account_id: string;
  /** SHA-256 of the Customer Secret; the secret itself is shown once and never stored. */
  secret_hash: string;
  created_at: number;
  /** Last authenticated request, to the minute. */
  last_used_at: number | null;
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

/** A project's webhook endpoint (webhooks/). */
export interface WebhookEndpointTable {
  id: string;
  app_id: string;
  url: string;
  /** JSON array of event names, or null for every event. */
  events: string | null;
  enabled: number;
  /** The signing secret, sealed like App Certificates (AES-GCM `v1:…` when PARLEY_SECRET_KEY is set). */
  secret: string;
  /** `manual` or `failing`; null while enabled. */
  disabled_reason: 'manual' | 'failing' | null;
  disabled_at: number | null;
  /** Failed attempts since the last successful one. */
  failure_streak: number;
  failing_since: number | null;
  last_success_at: number | null;
  created_at: number;
  updated_at: number;
}

/** One notice to one endpoint: the outbox row the delivery worker sends (webhooks/). */
export interface WebhookDeliveryTable {
  id: Generated<number>;
  endpoint_id: string;
  app_id: string;
  /** The same on every retry and redelivery of the notice. */
  notice_id: string;
  event: string;
  product_id: number;
  event_type: number;
  channel: string | null;
  /** Notices sharing an order key are sent one at a time, in id order. */
  order_key: string;
  /** The exact JSON bytes POSTed and signed. */
  body: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: number;
  /** While a worker is sending it: until when the claim holds, and which node holds it. */
  lease_until: number | null;
  claimed_by: string | null;
  last_attempt_at: number | null;
  last_status: number | null;
  last_latency_ms: number | null;
  last_error: string | null;
  /** The start of the last answer's body (2 KiB at most), as text. */
  last_response_body: string | null;
  created_at: number;
  delivered_at: number | null;
}

/** A resource id from Agora's `acquire`: valid 5 minutes, starts one recording (recording/). */
export interface RecordingResourceTable {
  resource_id: string;
  app_id: string;
  channel: string;
  /** The recorder's uid, as Agora sends it (a string holding an integer). */
  uid: string;
  resource_expired_hour: number;
  /** JSON of acquire's `startParameter`, which start's `clientRequest` must match; or null. */
  start_parameter: string | null;
  created_at: number;
  expires_at: number;
  /** The recording it started; null until then. */
  sid: string | null;
}

/** One cloud recording task (recording/). */
export interface RecordingTable {
  sid: string;
  resource_id: string;
  app_id: string;
  channel: string;
  uid: string;
  mode: 'individual' | 'mix';
  /** Agora's status number: 0-8, 20 exited abnormally. */
  status: number;
  /** The node that records it; a starting node finalises what it left unfinished. */
  node_id: string;
  /** JSON of the normalised recording settings (recording/settings.ts); never credentials. */
  settings: string;
  /** JSON of the storage named in the request (secret sealed like App Certificates), or null for the server's. */
  storage: string | null;
  created_at: number;
  /** After this, Agora's query/update/stop no longer find the task (resourceExpiredHour). */
  expires_at: number;
  /** Mix mode: when the composite's clock started (time 0 of its capture). */
  capture_started_at: number | null;
  /** When the first media arrived; null while nothing has been recorded. */
  media_started_at: number | null;
  stopped_at: number | null;
  /** JSON array of the files made (fileList entries). */
  file_list: string;
  /** JSON array of file names made but not yet in storage (uploads to retry). */
  pending_files: string;
  uploading_status: 'uploaded' | 'backuped' | 'unknown' | null;
  error: string | null;
}

/** A raw WebM slice an individual recording wrote: one user's track kind for one publishing period. */
export interface RecordingSliceTable {
  sid: string;
  /** File name in the recording's work folder. */
  file: string;
  /** JSON of the publisher's uid (number or string account), as sessions.uid. */
  uid: string;
  kind: 'audio' | 'video';
  /** Wall-clock time of the slice's first packet: time 0 of the WebM. */
  started_at: number;
}

/** Notices given so far per recording task (webhooks/recordingNotices.ts numbers them from it). */
export interface RecordingNoticeSequenceTable {
  sid: string;
  issued: number;
}

/** A console user: signs in with an email and password; acts in one account with a role. */
export interface ConsoleUserTable {
  id: string;
  account_id: string;
  /** Trimmed and lowercased. */
  email: string;
  /** `scrypt$N$r$p$salt$hash` (console/passwords.ts). */
  password_hash: string;
  role: 'owner' | 'admin' | 'viewer';
  created_at: number;
  updated_at: number;
}

/** A signed-in console session; the id the holder presents is stored only as its SHA-256. */
export interface ConsoleSessionTable {
  id_hash: string;
  user_id: string;
  kind: 'cookie' | 'bearer';
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

export interface Database {
  accounts: AccountTable;
  customer_credentials: CustomerCredentialTable;
  projects: ProjectTable;
  channels: ChannelTable;
  ban_rules: BanRuleTable;
  server_settings: ServerSettingTable;
  sessions: SessionTable;
  recording_resources: RecordingResourceTable;
  recordings: RecordingTable;
  recording_slices: RecordingSliceTable;
  webhook_endpoints: WebhookEndpointTable;
  webhook_deliveries: WebhookDeliveryTable;
  recording_notice_sequences: RecordingNoticeSequenceTable;
  console_users: ConsoleUserTable;
  console_sessions: ConsoleSessionTable;
}
