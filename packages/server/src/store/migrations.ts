/**
 * Versioned, forward-only migrations shared by SQLite and PostgreSQL. A migration is
 * written once with Kysely's schema builder using portable types only (text, bigint);
 * a released migration is never edited, only followed by a new one.
 */
import { type Kysely, type Migration, type MigrationProvider, sql } from 'kysely';

const migrations: Record<string, Migration> = {
  '0001_accounts_sessions_keys': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('accounts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('email_normalized', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('plan', 'text', (c) => c.notNull().defaultTo('free'))
        .addColumn('api_key_count', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('ip', 'text')
        .addColumn('user_agent', 'text')
        .execute();
      await db.schema.createIndex('sessions_account').on('sessions').column('account_id').execute();
      await db.schema.createIndex('sessions_expires').on('sessions').column('expires_at').execute();

      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('key_hash', 'text', (c) => c.notNull().unique())
        .addColumn('masked_key', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .addColumn('last_used_at', 'bigint')
        .addColumn('last_used_ip', 'text')
        .addColumn('last_used_user_agent', 'text')
        .execute();
      // Serves "an account's keys, newest first" as an index range: no scan, no sort.
      await db.schema.createIndex('api_keys_account_created').on('api_keys').columns(['account_id', 'created_at', 'id']).execute();

      // Failed attempts (sign-ins, device-code look-ups) per subject and per IP, for throttling.
      await db.schema
        .createTable('auth_failures')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('ip', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('auth_failures_subject').on('auth_failures').columns(['subject', 'created_at']).execute();
      await db.schema.createIndex('auth_failures_ip').on('auth_failures').columns(['ip', 'created_at']).execute();
      await db.schema.createIndex('auth_failures_created').on('auth_failures').column('created_at').execute();

      await db.schema
        .createTable('audit_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('actor_type', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('target_type', 'text')
        .addColumn('target_id', 'text')
        .addColumn('ip', 'text')
        .addColumn('user_agent', 'text')
        .addColumn('metadata', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_events_account_created').on('audit_events').columns(['account_id', 'created_at', 'id']).execute();
    },
  },
  '0002_credential_invalidations': {
    async up(db: Kysely<any>) {
      // A durable record of every change that can turn a valid credential invalid, so an
      // instance that lost its invalidation listener can catch up on what it missed.
      await db.schema
        .createTable('credential_invalidations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('credential_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('credential_invalidations_created').on('credential_invalidations').column('created_at').execute();
    },
  },
  '0003_predictions_usage': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('predictions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('credential_kind', 'text', (c) => c.notNull())
        .addColumn('credential_id', 'text', (c) => c.notNull())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('input', 'text')
        .addColumn('output', 'text')
        .addColumn('error', 'text')
        .addColumn('charge_nanos', 'bigint', (c) => c.notNull())
        .addColumn('executor', 'text', (c) => c.notNull())
        .addColumn('upstream_id', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('completed_at', 'bigint')
        .addColumn('deleted_at', 'bigint')
        .execute();
      await db.schema.createIndex('predictions_account_created').on('predictions').columns(['account_id', 'created_at', 'id']).execute();

      // One row per authenticated /v1 request. The id is made when the request is recorded,
      // so writing a batch twice inserts nothing the second time.
      await db.schema
        .createTable('usage_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('credential_kind', 'text', (c) => c.notNull())
        .addColumn('credential_id', 'text', (c) => c.notNull())
        .addColumn('ip', 'text')
        .addColumn('user_agent', 'text')
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('model', 'text')
        .addColumn('status_code', 'integer', (c) => c.notNull())
        .addColumn('latency_ms', 'integer', (c) => c.notNull())
        .addColumn('prediction_id', 'text')
        .addColumn('charge_nanos', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('usage_events_account_created').on('usage_events').columns(['account_id', 'created_at', 'id']).execute();
      await db.schema
        .createIndex('usage_events_account_credential_created')
        .on('usage_events')
        .columns(['account_id', 'credential_id', 'created_at', 'id'])
        .execute();
      await db.schema.createIndex('usage_events_created').on('usage_events').column('created_at').execute();

      // Daily aggregates, rebuilt from raw events by the rollup and kept after retention
      // deletes the raw events.
      await db.schema
        .createTable('usage_daily')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('credential_id', 'text', (c) => c.notNull())
        .addColumn('day', 'bigint', (c) => c.notNull())
        .addColumn('requests', 'bigint', (c) => c.notNull())
        .addColumn('predictions', 'bigint', (c) => c.notNull())
        .addColumn('errors', 'bigint', (c) => c.notNull())
        .addColumn('charge_nanos', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('usage_daily_pk', ['account_id', 'day', 'credential_id'])
        .execute();
      // One row: every UTC day before `rolled_until` is in usage_daily, final.
      await db.schema
        .createTable('usage_rollup_state')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('rolled_until', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createIndex('audit_events_account_type_created')
        .on('audit_events')
        .columns(['account_id', 'type', 'created_at', 'id'])
        .execute();
    },
  },
  '0004_tokens_device_grants_notifications': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('personal_access_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('masked_token', 'text', (c) => c.notNull())
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('family_id', 'text', (c) => c.notNull())
        .addColumn('replaced_by', 'text')
        .addColumn('created_via', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .addColumn('revoked_reason', 'text')
        .addColumn('expiry_warned_at', 'bigint')
        .addColumn('expiry_recorded_at', 'bigint')
        .addColumn('last_used_at', 'bigint')
        .addColumn('last_used_ip', 'text')
        .addColumn('last_used_user_agent', 'text')
        .execute();
      await db.schema.createIndex('tokens_account_created').on('personal_access_tokens').columns(['account_id', 'created_at', 'id']).execute();
      await db.schema.createIndex('tokens_family').on('personal_access_tokens').column('family_id').execute();
      await db.schema.createIndex('tokens_expires').on('personal_access_tokens').column('expires_at').execute();

      // A rotated key keeps working until revoked_at (its grace period), then stops.
      await db.schema.alterTable('api_keys').addColumn('replaced_by', 'text').execute();

      await db.schema
        .createTable('device_grants')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('device_code_hash', 'text', (c) => c.notNull().unique())
        .addColumn('user_code', 'text', (c) => c.notNull().unique())
        .addColumn('client_name', 'text', (c) => c.notNull())
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text')
        .addColumn('approved_by_session', 'text')
        .addColumn('interval_seconds', 'integer', (c) => c.notNull())
        .addColumn('last_polled_at', 'bigint')
        .addColumn('token_id', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('device_grants_expires').on('device_grants').column('expires_at').execute();

      // An outbox: a mailer or webhook delivers these later and sets delivered_at.
      await db.schema
        .createTable('notifications')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('subject_type', 'text', (c) => c.notNull())
        .addColumn('subject_id', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('delivered_at', 'bigint')
        .execute();
      await db.schema.createIndex('notifications_account_created').on('notifications').columns(['account_id', 'created_at']).execute();
    },
  },
  '0005_key_revoked_reason_and_predecessor_index': {
    async up(db: Kysely<any>) {
      // Keys say why they stopped ('rotated', 'revoked'), as tokens do: one lifecycle writes both.
      await db.schema.alterTable('api_keys').addColumn('revoked_reason', 'text').execute();
      // A rotation ends the grace period of the credential its old one replaced: found by index.
      await db.schema.createIndex('api_keys_replaced_by').on('api_keys').column('replaced_by').execute();
      await db.schema.createIndex('tokens_replaced_by').on('personal_access_tokens').column('replaced_by').execute();
    },
  },
  // When a prediction started and last changed, and whether its creator asked to stream it,
  // as the Skytells API reports them. Rows from before are backfilled from what they recorded.
  '0006_prediction_progress': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('predictions').addColumn('started_at', 'bigint').execute();
      await db.schema
        .alterTable('predictions')
        .addColumn('updated_at', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .alterTable('predictions')
        .addColumn('stream', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await sql`update predictions set updated_at = coalesce(completed_at, created_at),
        started_at = case when status in ('processing', 'succeeded', 'failed') then created_at end`.execute(db);
    },
  },
  '0007_throttle_attempts_devices': {
    async up(db: Kysely<any>) {
      // One row per attempt on a throttle counter (`throttle/`).
      await db.schema
        .createTable('throttle_attempts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('counter', 'text', (c) => c.notNull())
        .addColumn('attempted_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('throttle_attempts_counter').on('throttle_attempts').columns(['counter', 'attempted_at']).execute();
      await db.schema.createIndex('throttle_attempts_expires').on('throttle_attempts').column('expires_at').execute();
      // One row per counter, locked while an attempt on it is decided.
      await db.schema
        .createTable('throttle_counters')
        .addColumn('counter', 'text', (c) => c.primaryKey())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('throttle_counters_expires').on('throttle_counters').column('expires_at').execute();
      // Replaced by throttle_attempts. Its rows counted for one window at most: the upgrade forgets at most that.
      await db.schema.dropTable('auth_failures').execute();

      // Browsers that signed in before (the device cookie), each with a failure budget of its own.
      await db.schema
        .createTable('signin_devices')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('signin_devices_account').on('signin_devices').column('account_id').execute();
      await db.schema.createIndex('signin_devices_expires').on('signin_devices').column('expires_at').execute();

      // Serves the bounded count of pending, unexpired grants behind the cap on them.
      await db.schema.createIndex('device_grants_status_expires').on('device_grants').columns(['status', 'expires_at']).execute();
    },
  },
  '0008_minute_groups': {
    async up(db: Kysely<any>) {
      // Usage as per-minute request groups: one row per (minute, credential, IP, user agent,
      // method, route, status, model) with counts, so the table grows with the variety of
      // traffic, not its volume. Absent IP, user agent and model are '' (a unique key must
      // not contain NULLs). The id is a digest of the minute and the dimensions.
      await db.schema
        .createTable('usage_minutes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('minute', 'bigint', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('credential_kind', 'text', (c) => c.notNull())
        .addColumn('credential_id', 'text', (c) => c.notNull())
        .addColumn('ip', 'text', (c) => c.notNull())
        .addColumn('user_agent', 'text', (c) => c.notNull())
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('route', 'text', (c) => c.notNull())
        .addColumn('status_code', 'integer', (c) => c.notNull())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('requests', 'bigint', (c) => c.notNull())
        .addColumn('errors', 'bigint', (c) => c.notNull())
        .addColumn('predictions', 'bigint', (c) => c.notNull())
        .addColumn('latency_sum_us', 'bigint', (c) => c.notNull())
        .addColumn('latency_max_us', 'bigint', (c) => c.notNull())
        .addColumn('charge_nanos', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('usage_minutes_account_minute').on('usage_minutes').columns(['account_id', 'minute', 'id']).execute();
      await db.schema
        .createIndex('usage_minutes_account_credential_minute')
        .on('usage_minutes')
        .columns(['account_id', 'credential_id', 'minute', 'id'])
        .execute();
      await db.schema.createIndex('usage_minutes_minute').on('usage_minutes').column('minute').execute();
      // Every applied usage flush job, so a job retried after a lost acknowledgement counts once.
      await db.schema
        .createTable('usage_flush_ledger')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('applied_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('usage_flush_ledger_applied').on('usage_flush_ledger').column('applied_at').execute();
      // The raw events recorded so far become groups (each group named by one of its events' ids).
      await sql`insert into usage_minutes (id, minute, account_id, credential_kind, credential_id, ip, user_agent, method, route,
          status_code, model, requests, errors, predictions, latency_sum_us, latency_max_us, charge_nanos)
        select min(id), (created_at / 60000) * 60000, account_id, credential_kind, credential_id, coalesce(ip, ''), coalesce(user_agent, ''),
          method, path, status_code, coalesce(model, ''), count(*), sum(case when status_code >= 400 then 1 else 0 end),
          sum(case when prediction_id is null then 0 else 1 end), sum(latency_ms) * 1000, max(latency_ms) * 1000, sum(charge_nanos)
        from usage_events
        group by (created_at / 60000) * 60000, account_id, credential_kind, credential_id, coalesce(ip, ''), coalesce(user_agent, ''),
          method, path, status_code, coalesce(model, '')`.execute(db);
      await db.schema.dropTable('usage_events').execute();
    },
  },
};

/** Name of the newest migration: `/readyz` compares the database against it. */
export const LATEST_MIGRATION = Object.keys(migrations).sort().at(-1) ?? '';

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};
