/**
 * Cross-instance invalidation on PostgreSQL: a durable log row per invalidated credential
 * plus a NOTIFY, both in the transaction of the change (NOTIFY is delivered at commit), and
 * a dedicated LISTEN connection per instance that applies what others publish.
 *
 * Invariants:
 * - While the listener is down, `trusted` is false, so the verifier asks the database and
 *   never serves a cached answer it cannot vouch for.
 * - PostgreSQL drops notifications sent while a listener is away. On reconnect the listener
 *   first LISTENs again, then replays the log from the last moment it knew it had missed
 *   nothing (less a margin for clock skew and commit delay), and only then reports trusted.
 *   Replaying an invalidation twice is harmless: it only evicts.
 */
import { randomBytes } from 'node:crypto';
import { type Kysely, sql, type Transaction } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { newId } from '../store/ids.js';
import type { Database } from '../store/schema.js';
import type { InvalidationBus } from './invalidation-bus.js';

/** NOTIFY payloads are limited to 8000 bytes: 100 hashes of 64 characters fit with room. */
const HASHES_PER_NOTIFY = 100;
/** Invalidations older than this are pruned; a listener away longer flushes its whole cache. */
const LOG_RETENTION_MS = 24 * 60 * 60 * 1000;

export interface PostgresBusOptions {
  db: Kysely<Database>;
  connectionString: string;
  schema: string | undefined;
  logger: Logger;
  /** Applies hashes to this instance's cache. */
  apply(hashes: readonly string[]): void;
  /** Drops this instance's whole cache. */
  applyAll(): void;
  reconnectDelayMs: number;
  heartbeatMs: number;
  /** Replays this much before the last confirmed moment, for clock skew and commit delay. */
  catchUpMarginMs?: number;
}

export const invalidationChannel = (schema: string | undefined): string => (schema ? `skytells_invalidations_${schema}` : 'skytells_invalidations');

type ListenerState = 'down' | 'live' | 'stopped';

export class PostgresInvalidationBus implements InvalidationBus {
  private readonly instanceId = randomBytes(8).toString('hex');
  private readonly channel: string;
  private client: pg.Client | undefined;
  private state: ListenerState = 'down';
  /** System time up to which this instance is sure it has applied every invalidation. */
  private confirmedAt: number | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: PostgresBusOptions) {
    this.channel = invalidationChannel(options.schema);
  }

  get trusted(): boolean {
    return this.state === 'live';
  }

  /** The listener connection's server process id (tests terminate it). */
  get listenerPid(): number | undefined {
    return (this.client as unknown as { processID?: number } | undefined)?.processID;
  }

  async publish(trx: Transaction<Database>, hashes: readonly string[]): Promise<void> {
    if (hashes.length === 0) return;
    const now = Date.now();
    await trx
      .insertInto('credential_invalidations')
      .values(hashes.map((hash) => ({ id: newId('inv'), credential_hash: hash, created_at: now })))
      .execute();
    for (let i = 0; i < hashes.length; i += HASHES_PER_NOTIFY) {
      const payload = `${this.instanceId}|${hashes.slice(i, i + HASHES_PER_NOTIFY).join(',')}`;
      await sql`select pg_notify(${this.channel}, ${payload})`.execute(trx);
    }
  }

  /** Connects the listener. The schedule (jobs/schedule.ts) runs `heartbeat` and `prune`. */
  async start(): Promise<void> {
    await this.connect();
  }

  async stop(): Promise<void> {
    this.state = 'stopped';
    clearTimeout(this.reconnectTimer);
    await this.client?.end().catch(() => {});
    this.client = undefined;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      application_name: `skytells-invalidations-${this.instanceId}`,
      // A heartbeat that hangs (a silent network partition) counts as a lost listener.
      query_timeout: this.options.heartbeatMs,
    });
    client.on('notification', (message) => {
      if (message.channel !== this.channel || message.payload === undefined || client !== this.client) return;
      const [origin, list] = message.payload.split('|');
      // This instance already evicted its own changes right after they committed.
      if (origin !== this.instanceId && list) this.options.apply(list.split(','));
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, undefined));
    try {
      await client.connect();
      await client.query(`listen "${this.channel}"`);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    this.client = client;
    try {
      await this.catchUp();
    } catch (error) {
      // This connection already LISTENs but missed news it could not replay: it cannot be
      // trusted, and the retry opens a fresh one, so end it here or each failure leaks one.
      if (this.client === client) this.client = undefined;
      await client.end().catch(() => {});
      throw error;
    }
    if (this.client === client && this.state !== 'stopped') {
      this.state = 'live';
      this.options.logger.info({ channel: this.channel }, 'invalidation listener live');
    }
  }

  /** Applies every invalidation this instance may have missed since it last knew it had not. */
  private async catchUp(): Promise<void> {
    const listeningSince = Date.now();
    if (this.confirmedAt === undefined) {
      this.confirmedAt = listeningSince;
      return;
    }
    const since = this.confirmedAt - (this.options.catchUpMarginMs ?? 60_000);
    if (listeningSince - since > LOG_RETENTION_MS) {
      this.options.applyAll();
    } else {
      const rows = await this.options.db.selectFrom('credential_invalidations').select('credential_hash').where('created_at', '>=', since).execute();
      this.options.apply(rows.map((r) => r.credential_hash));
    }
    this.confirmedAt = listeningSince;
  }

  private lost(client: pg.Client, error: Error | undefined): void {
    if (client !== this.client || this.state === 'stopped') return;
    this.client = undefined;
    this.state = 'down';
    this.options.logger.warn({ err: error, channel: this.channel }, 'invalidation listener lost: verifying against the database until it is back');
    client.end().catch(() => {});
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => {
      this.connect().catch((error: unknown) => {
        this.options.logger.warn({ err: error }, 'invalidation listener reconnect failed; retrying');
        if (this.state !== 'stopped') this.scheduleReconnect();
      });
    }, this.options.reconnectDelayMs);
    this.reconnectTimer.unref();
  }

  /** Every LISTENER_HEARTBEAT_MS: a round trip on the listener connection proves it alive. */
  async heartbeat(): Promise<void> {
    const client = this.client;
    if (client === undefined || this.state !== 'live') return;
    const startedAt = Date.now();
    try {
      await client.query('select 1');
      // Notifications committed before the heartbeat began were delivered before its reply.
      if (client === this.client) this.confirmedAt = startedAt;
    } catch (error) {
      this.lost(client, error as Error);
    }
  }

  /** Hourly: invalidations older than the log's retention go. */
  async prune(): Promise<void> {
    await this.options.db
      .deleteFrom('credential_invalidations')
      .where('created_at', '<', Date.now() - LOG_RETENTION_MS)
      .execute()
      .catch((error: unknown) => this.options.logger.warn({ err: error }, 'pruning the invalidation log failed'));
  }
}
