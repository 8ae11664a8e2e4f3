/**
 * The batch writes, as plain data (jobs) and the prepared statements that apply them, one
 * backend per dialect. A backend owns its connection: the writer thread runs one (see
 * `writer.ts`), so a flush never holds a connection the request path needs.
 *
 * Invariants:
 * - Last-used: a job never moves `last_used_at` backwards, so jobs applied twice, late or by
 *   several instances leave the newest use in place. It is kept to the minute: a row is
 *   rewritten only when the use is a minute newer, or comes from another IP or user agent, so
 *   a key in steady use costs one row version a minute, not one a flush (on PostgreSQL every
 *   UPDATE is a new tuple, and a table of busy keys would otherwise bloat flush after flush).
 * - Usage: a job adds its counts to per-minute groups (upserts). Its ledger id is inserted in
 *   the same transaction, and a job whose id is already in the ledger changes nothing: a job
 *   retried after a lost acknowledgement counts once.
 * - Each job is one short transaction (a few hundred rows), so a revocation or any other
 *   write on another connection waits at most that long for SQLite's write lock.
 */
import { hash } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import { rollUpAndPrune } from '../usage/repository.js';
import type { DatabaseTarget } from './database-url.js';
import type { Database } from './schema.js';
import { ImmediateSqliteDialect } from './sqlite-dialect.js';

/** How stale a stored `last_used_at` may be, when IP and user agent are unchanged. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** A use: when (epoch ms), from which IP and with which user agent (null when absent). */
export interface LastUse {
  at: number;
  ip: string | null;
  userAgent: string | null;
}

/**
 * Whether a row holding `stored` is rewritten for `use`: the rule of both dialects' last-used
 * statements below, for the batch to skip in memory what the store would skip anyway.
 */
export const lastUseRewrites = (stored: LastUse, use: LastUse): boolean =>
  stored.at < use.at && (stored.at <= use.at - LAST_USED_RESOLUTION_MS || stored.ip !== use.ip || stored.userAgent !== use.userAgent);

/** Tables whose rows carry last_used_at / last_used_ip / last_used_user_agent. */
export type LastUsedTable = 'api_keys' | 'personal_access_tokens';

export interface LastUsedJob {
  op: 'last_used';
  table: LastUsedTable;
  ids: string[];
  at: number[];
  ips: Array<string | null>;
  userAgents: Array<string | null>;
}

/** Per-minute request groups, column by column. Absent ip, user agent and model are ''. */
export interface UsageColumns {
  minute: number[];
  accountId: string[];
  kind: string[];
  credentialId: string[];
  ip: string[];
  userAgent: string[];
  method: string[];
  route: string[];
  status: number[];
  model: string[];
  requests: number[];
  errors: number[];
  predictions: number[];
  latencySumUs: number[];
  latencyMaxUs: number[];
  chargeNanos: number[];
}

export interface UsageJob {
  op: 'usage';
  ledgerId: string;
  appliedAt: number;
  rows: UsageColumns;
}

export interface PruneLedgerJob {
  op: 'prune_ledger';
  before: number;
}

/** The daily usage rollup and retention (usage/repository.ts), run on the writer's connection. */
export interface RollupJob {
  op: 'rollup';
  now: number;
  retentionDays: number;
}

export type WriteJob = LastUsedJob | UsageJob | PruneLedgerJob | RollupJob;

export interface WriteBackend {
  /** Applies one job; resolves to the number of rows it wrote (0 for a job already in the ledger). */
  apply(job: WriteJob): Promise<number>;
  close(): Promise<void>;
}

/**
 * Where a usage group's id sorts: its minute (base36 epoch ms, fixed width, so ids order by
 * minute), then the last character of its credential id (random: 62 runs per minute). Each
 * job is written in id order (`idOrder`). On SQLite the batch also orders a whole flush by this
 * prefix (no digest on the main thread: `ordersUsageByPlace`), so a job of a few hundred groups
 * rewrites a dozen neighbouring pages instead of one or two per row.
 */
export const usageGroupPlace = (minute: number, credentialId: string): string =>
  `${minute.toString(36).padStart(9, '0')}.${String.fromCharCode(placeCode(credentialId))}`;

/** The character of a credential id that places its groups within their minute, as a code: ids order by it. */
export const placeCode = (credentialId: string): number => credentialId.charCodeAt(credentialId.length - 1);

/**
 * Whether a flush orders its usage groups by place before cutting them into jobs. Measured with
 * 10,000 busy groups, 40 jobs a flush (standalone scripts, not kept):
 * - SQLite updates rows in place: a flush of upserts cost the writer about 40 ms of CPU in
 *   place order against about 115 ms in arrival order, and a third of the wall time.
 * - PostgreSQL writes a new row version per update, on the same page while it has room (a HOT
 *   update, no index entry). A job that rewrites every row of a page in one transaction leaves
 *   it no room: in place order only half the updates were HOT and the table grew to 84.5 MB
 *   after 4 minutes, against 29.5 MB in arrival order, where a job touches about one row a page.
 */
export const ordersUsageByPlace = (dialect: DatabaseTarget['dialect']): boolean => dialect === 'sqlite';

/**
 * A group's primary key: its place, then a digest of the minute and every dimension, so every
 * instance (and every retry) names the same group the same way without a read.
 */
export function usageGroupId(rows: UsageColumns, i: number): string {
  const dimensions = `${rows.minute[i]}\u0000${rows.credentialId[i]}\u0000${rows.ip[i]}\u0000${rows.userAgent[i]}\u0000${rows.method[i]}\u0000${rows.route[i]}\u0000${rows.status[i]}\u0000${rows.model[i]}`;
  // One-shot `hash` (Node 20.12+): the same digest as a Hash object's, without one per row.
  return usageGroupPlace(rows.minute[i] as number, rows.credentialId[i] as string) + hash('sha256', dimensions, 'base64url').slice(0, 22);
}

/**
 * The positions of `ids` in id order. Rows written in it touch neighbouring pages, and the
 * writers of several instances lock shared rows in one order, so their flushes never deadlock.
 */
function idOrder(ids: string[]): number[] {
  return ids
    .map((id, i) => [id, i] as const)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([, i]) => i);
}

/** Takes any column of a job's rows in `order`. */
const picker =
  (order: number[]) =>
  <T>(values: T[]): T[] =>
    order.map((i) => values[i] as T);

const USAGE_COLUMNS =
  'id, minute, account_id, credential_kind, credential_id, ip, user_agent, method, route, status_code, model, requests, errors, predictions, latency_sum_us, latency_max_us, charge_nanos';

const usageUpsertTail = (greatest: string) => `on conflict (id) do update set
  requests = usage_minutes.requests + excluded.requests,
  errors = usage_minutes.errors + excluded.errors,
  predictions = usage_minutes.predictions + excluded.predictions,
  latency_sum_us = usage_minutes.latency_sum_us + excluded.latency_sum_us,
  latency_max_us = ${greatest}(usage_minutes.latency_max_us, excluded.latency_max_us),
  charge_nanos = usage_minutes.charge_nanos + excluded.charge_nanos`;

/** SQLite through better-sqlite3: prepared statements, one transaction per job. */
export class SqliteWriteBackend implements WriteBackend {
  private readonly lastUsed: Record<LastUsedTable, BetterSqlite3.Statement>;
  private readonly ledger: BetterSqlite3.Statement;
  private readonly upsert: BetterSqlite3.Statement;
  private readonly prune: BetterSqlite3.Statement;
  private readonly kysely: Kysely<Database>;

  constructor(private readonly db: BetterSqlite3.Database) {
    this.kysely = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: db }) });
    const lastUsed = (table: LastUsedTable) =>
      db.prepare(
        `update ${table} set last_used_at = @at, last_used_ip = @ip, last_used_user_agent = @userAgent
         where id = @id and (last_used_at is null or (last_used_at < @at
           and (last_used_at <= @at - ${LAST_USED_RESOLUTION_MS} or last_used_ip is not @ip or last_used_user_agent is not @userAgent)))`,
      );
    this.lastUsed = { api_keys: lastUsed('api_keys'), personal_access_tokens: lastUsed('personal_access_tokens') };
    this.ledger = db.prepare('insert into usage_flush_ledger (id, applied_at) values (?, ?) on conflict (id) do nothing');
    this.upsert = db.prepare(`insert into usage_minutes (${USAGE_COLUMNS}) values (${Array(17).fill('?').join(', ')}) ${usageUpsertTail('max')}`);
    this.prune = db.prepare('delete from usage_flush_ledger where applied_at < ?');
  }

  async apply(job: WriteJob): Promise<number> {
    if (job.op === 'rollup') return (await rollUpAndPrune(this.kysely, job.now, job.retentionDays)).pruned;
    return this.db.transaction(() => this.applyNow(job)).immediate();
  }

  private applyNow(job: Exclude<WriteJob, RollupJob>): number {
    switch (job.op) {
      case 'last_used': {
        const statement = this.lastUsed[job.table];
        let written = 0;
        for (const i of idOrder(job.ids)) {
          written += statement.run({ at: job.at[i], ip: job.ips[i], userAgent: job.userAgents[i], id: job.ids[i] }).changes;
        }
        return written;
      }
      case 'usage': {
        if (this.ledger.run(job.ledgerId, job.appliedAt).changes === 0) return 0;
        const r = job.rows;
        const ids = r.minute.map((_, i) => usageGroupId(r, i));
        for (const i of idOrder(ids)) {
          this.upsert.run(
            ids[i],
            r.minute[i],
            r.accountId[i],
            r.kind[i],
            r.credentialId[i],
            r.ip[i],
            r.userAgent[i],
            r.method[i],
            r.route[i],
            r.status[i],
            r.model[i],
            r.requests[i],
            r.errors[i],
            r.predictions[i],
            r.latencySumUs[i],
            r.latencyMaxUs[i],
            r.chargeNanos[i],
          );
        }
        return r.minute.length;
      }
      case 'prune_ledger':
        return this.prune.run(job.before).changes;
    }
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

/**
 * PostgreSQL through one dedicated client: each job is one named (prepared) statement over
 * arrays (`unnest`), so a batch of any size is one round trip and one plan.
 */
export class PostgresWriteBackend implements WriteBackend {
  private readonly kysely: Kysely<Database>;

  constructor(private readonly client: pg.Client) {
    // Kysely over this one client: a pool of one that never closes it (close() does).
    const pool = { connect: async () => Object.assign(client, { release: () => {} }), end: async () => {} };
    this.kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }

  async apply(job: WriteJob): Promise<number> {
    switch (job.op) {
      case 'rollup':
        return (await rollUpAndPrune(this.kysely, job.now, job.retentionDays)).pruned;
      case 'last_used': {
        const pick = picker(idOrder(job.ids));
        const result = await this.client.query({
          name: `last_used_${job.table}`,
          text: `update ${job.table} as t set last_used_at = v.used_at, last_used_ip = v.ip, last_used_user_agent = v.user_agent
            from unnest($1::text[], $2::bigint[], $3::text[], $4::text[]) as v(id, used_at, ip, user_agent)
            where t.id = v.id and (t.last_used_at is null or (t.last_used_at < v.used_at
              and (t.last_used_at <= v.used_at - ${LAST_USED_RESOLUTION_MS} or t.last_used_ip is distinct from v.ip
                or t.last_used_user_agent is distinct from v.user_agent)))`,
          values: [pick(job.ids), pick(job.at), pick(job.ips), pick(job.userAgents)],
        });
        return result.rowCount ?? 0;
      }
      case 'usage': {
        const r = job.rows;
        const ids = r.minute.map((_, i) => usageGroupId(r, i));
        const pick = picker(idOrder(ids));
        // The ledger insert and the upserts are one statement: both commit, or neither.
        const result = await this.client.query({
          name: 'usage_upsert',
          text: `with ledger as (insert into usage_flush_ledger (id, applied_at) values ($1, $2) on conflict (id) do nothing returning id)
            insert into usage_minutes (${USAGE_COLUMNS})
            select v.* from unnest($3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
              $11::text[], $12::integer[], $13::text[], $14::bigint[], $15::bigint[], $16::bigint[], $17::bigint[], $18::bigint[], $19::bigint[]) as v
            where exists (select 1 from ledger)
            ${usageUpsertTail('greatest')}`,
          values: [
            job.ledgerId,
            job.appliedAt,
            pick(ids),
            pick(r.minute),
            pick(r.accountId),
            pick(r.kind),
            pick(r.credentialId),
            pick(r.ip),
            pick(r.userAgent),
            pick(r.method),
            pick(r.route),
            pick(r.status),
            pick(r.model),
            pick(r.requests),
            pick(r.errors),
            pick(r.predictions),
            pick(r.latencySumUs),
            pick(r.latencyMaxUs),
            pick(r.chargeNanos),
          ],
        });
        return result.rowCount ?? 0;
      }
      case 'prune_ledger': {
        const result = await this.client.query('delete from usage_flush_ledger where applied_at < $1', [job.before]);
        return result.rowCount ?? 0;
      }
    }
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
