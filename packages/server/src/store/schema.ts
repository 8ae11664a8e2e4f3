/**
 * The database schema as Kysely sees it. One schema serves SQLite and PostgreSQL:
 * - every id is TEXT (a prefixed random string), so no dialect's auto-increment is needed;
 * - every time is a BIGINT of epoch milliseconds, so date arithmetic is integer arithmetic
 *   that both dialects compute alike;
 * - credential secrets never appear: only their SHA-256 (`*_hash`) and a display mask.
 */
import type { Generated } from 'kysely';

export interface AccountsTable {
  id: string;
  email: string;
  /** Lower-cased, trimmed email: the unique key that makes emails case-insensitive. */
  email_normalized: string;
  name: string;
  password_hash: string;
  plan: Generated<string>;
  /**
   * How many API keys the account has ever had (keys are revoked, never deleted), kept in
   * the transaction that creates each key, so a list's total costs no count over the keys.
   */
  api_key_count: Generated<number>;
  created_at: number;
  updated_at: number;
}

export interface SessionsTable {
  id: string;
  account_id: string;
  /** SHA-256 of the cookie value; the cookie value itself is never stored. */
  token_hash: string;
  created_at: number;
  expires_at: number;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiKeysTable {
  id: string;
  account_id: string;
  name: string;
  key_hash: string;
  masked_key: string;
  created_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
  last_used_ip: string | null;
  last_used_user_agent: string | null;
  /** Set by rotation: the key that replaced this one. */
  replaced_by: string | null;
  /** Why it stopped: 'rotated' or 'revoked'. */
  revoked_reason: string | null;
}

/** One attempt on a throttle counter (`throttle/`): a failure, or a reservation in progress. */
export interface ThrottleAttemptsTable {
  id: string;
  /** `<purpose>:<subject>`, e.g. `signin_account:<normalized email>`, `signup_ip:<IP or IPv6 /64>`. */
  counter: string;
  attempted_at: number;
  /** When the attempt leaves its counter's window; the sweep deletes it after. */
  expires_at: number;
}

/** One row per throttle counter, only ever locked: attempts on a counter are decided one at a time. */
export interface ThrottleCountersTable {
  counter: string;
  /** The end of the window of the counter's newest attempt; the sweep deletes the row after. */
  expires_at: number;
}

/** A browser that signed in to the account before (the device cookie); it has a failure budget of its own. */
export interface SigninDevicesTable {
  id: string;
  /** SHA-256 of the cookie value; the cookie value itself is never stored. */
  token_hash: string;
  account_id: string;
  created_at: number;
  expires_at: number;
}

export interface AuditEventsTable {
  id: string;
  account_id: string;
  type: string;
  actor_type: string;
  actor_id: string | null;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  user_agent: string | null;
  /** JSON text; never holds a secret. */
  metadata: string | null;
  created_at: number;
}

export interface CredentialInvalidationsTable {
  id: string;
  credential_hash: string;
  /** Epoch ms by the writer's system clock; readers allow for skew when catching up. */
  created_at: number;
}

export type CredentialKindColumn = 'api_key' | 'personal_access_token';

export interface PredictionsTable {
  id: string;
  account_id: string;
  credential_kind: CredentialKindColumn;
  credential_id: string;
  model: string;
  status: 'queued' | 'processing' | 'succeeded' | 'failed' | 'canceled';
  /** JSON text; cleared when the prediction is deleted. */
  input: string | null;
  output: string | null;
  error: string | null;
  /** Billions of a US dollar: money is integer arithmetic, never floating point. */
  charge_nanos: number;
  executor: string;
  upstream_id: string | null;
  created_at: number;
  /** When the executor had it running; null while it waits in a queue. */
  started_at: number | null;
  /** The time of its last change of status or output. */
  updated_at: number;
  completed_at: number | null;
  deleted_at: number | null;
  /** 1 when its creator asked to stream it (`stream: true`), else 0. */
  stream: number;
}

/**
 * One row per (minute, credential, IP, user agent, method, route, status, model): how many
 * requests of that shape there were in that minute, and what they cost. Absent IP, user
 * agent and model are ''. Written only by the usage flush (upserts, see write-jobs.ts).
 */
export interface UsageMinutesTable {
  id: string;
  /** Epoch ms of the minute's start. */
  minute: number;
  account_id: string;
  credential_kind: CredentialKindColumn;
  credential_id: string;
  ip: string;
  user_agent: string;
  method: string;
  /** The route pattern (`/v1/predictions/:id`), never the raw path with its query. */
  route: string;
  status_code: number;
  model: string;
  requests: number;
  errors: number;
  predictions: number;
  latency_sum_us: number;
  latency_max_us: number;
  charge_nanos: number;
}

export interface UsageFlushLedgerTable {
  id: string;
  applied_at: number;
}

export interface UsageDailyTable {
  account_id: string;
  credential_id: string;
  /** Epoch ms of the UTC day's start. */
  day: number;
  requests: number;
  predictions: number;
  errors: number;
  charge_nanos: number;
}

export interface UsageRollupStateTable {
  id: 'daily';
  rolled_until: number;
}

export interface PersonalAccessTokensTable {
  id: string;
  account_id: string;
  name: string;
  token_hash: string;
  masked_token: string;
  /** Space-separated scope names. */
  scopes: string;
  /** Every token rotated from the same original shares its family id. */
  family_id: string;
  replaced_by: string | null;
  created_via: 'session' | 'device' | 'rotation';
  created_at: number;
  expires_at: number | null;
  /** May lie in the future: the end of a rotation's grace period. */
  revoked_at: number | null;
  revoked_reason: string | null;
  expiry_warned_at: number | null;
  expiry_recorded_at: number | null;
  last_used_at: number | null;
  last_used_ip: string | null;
  last_used_user_agent: string | null;
}

export interface DeviceGrantsTable {
  id: string;
  device_code_hash: string;
  user_code: string;
  client_name: string;
  scopes: string;
  status: 'pending' | 'approved' | 'denied' | 'consumed';
  account_id: string | null;
  approved_by_session: string | null;
  interval_seconds: number;
  last_polled_at: number | null;
  token_id: string | null;
  created_at: number;
  expires_at: number;
}

export interface NotificationsTable {
  id: string;
  account_id: string;
  type: string;
  subject_type: string;
  subject_id: string;
  payload: string;
  created_at: number;
  delivered_at: number | null;
}

export interface Database {
  accounts: AccountsTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  audit_events: AuditEventsTable;
  credential_invalidations: CredentialInvalidationsTable;
  predictions: PredictionsTable;
  usage_minutes: UsageMinutesTable;
  usage_flush_ledger: UsageFlushLedgerTable;
  usage_daily: UsageDailyTable;
  usage_rollup_state: UsageRollupStateTable;
  personal_access_tokens: PersonalAccessTokensTable;
  device_grants: DeviceGrantsTable;
  notifications: NotificationsTable;
  throttle_attempts: ThrottleAttemptsTable;
  throttle_counters: ThrottleCountersTable;
  signin_devices: SigninDevicesTable;
}
