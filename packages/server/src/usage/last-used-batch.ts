/**
 * Collects "last used" facts off the verify path and writes them in batches.
 *
 * Invariants:
 * - `record` never touches the database; only `flush` does, at least every flush interval,
 *   and once more on shutdown. A crash loses at most one interval of last-used data.
 * - A flush never moves `last_used_at` backwards, so batches from several instances, or a
 *   batch written twice, leave the newest value in place.
 * - A failed flush keeps its records for the next one.
 */
import { type Kysely, sql } from 'kysely';
import type { Metrics } from '../http/metrics.js';
import type { Database } from '../store/schema.js';

export interface LastUse {
  at: number;
  ip: string | null;
  userAgent: string | null;
}

/** Tables whose rows carry last_used_at / last_used_ip / last_used_user_agent. */
export type LastUsedTable = 'api_keys' | 'personal_access_tokens';

/** SQLite allows at most 500 terms in a compound SELECT. */
const ROWS_PER_STATEMENT = 500;

/**
 * One UPDATE … FROM for many rows (SQLite 3.33+ and PostgreSQL share the syntax). The rows
 * come as a UNION ALL of typed SELECTs, the one row-set literal both dialects read alike.
 */
async function updateLastUsed(db: Kysely<Database>, table: LastUsedTable, entries: Array<{ id: string; use: LastUse }>): Promise<void> {
  const rows = entries.map(
    ({ id, use }) =>
      sql`select cast(${id} as text) as id, cast(${use.at} as bigint) as used_at, cast(${use.ip} as text) as ip, cast(${use.userAgent} as text) as user_agent`,
  );
  const target = sql.table(table);
  await sql`update ${target} set last_used_at = v.used_at, last_used_ip = v.ip, last_used_user_agent = v.user_agent
    from (${sql.join(rows, sql` union all `)}) as v
    where ${target}.id = v.id and (${target}.last_used_at is null or ${target}.last_used_at < v.used_at)`.execute(db);
}

export class LastUsedBatch {
  readonly name = 'last_used';
  private pending = new Map<string, { table: LastUsedTable; id: string; use: LastUse }>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly metrics: Metrics,
  ) {}

  get size(): number {
    return this.pending.size;
  }

  record(table: LastUsedTable, id: string, use: LastUse): void {
    const key = `${table}:${id}`;
    const previous = this.pending.get(key);
    if (previous === undefined || previous.use.at <= use.at) this.pending.set(key, { table, id, use });
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      const byTable = new Map<LastUsedTable, Array<{ id: string; use: LastUse }>>();
      for (const { table, id, use } of batch.values()) {
        const entries = byTable.get(table) ?? [];
        entries.push({ id, use });
        byTable.set(table, entries);
      }
      // One transaction, so each page is written once per flush; statement by statement,
      // yielding in between, so a large flush does not stall requests.
      await this.db.transaction().execute(async (trx) => {
        for (const [table, entries] of byTable) {
          for (let i = 0; i < entries.length; i += ROWS_PER_STATEMENT) {
            await updateLastUsed(trx, table, entries.slice(i, i + ROWS_PER_STATEMENT));
            await new Promise((resolve) => setImmediate(resolve));
          }
        }
      });
      this.metrics.batchFlushes.inc({ batch: 'last_used', outcome: 'ok' });
      this.metrics.batchFlushSize.observe(batch.size, { batch: 'last_used' });
    } catch (error) {
      for (const { table, id, use } of batch.values()) this.record(table, id, use);
      this.metrics.batchFlushes.inc({ batch: 'last_used', outcome: 'error' });
      throw error;
    }
  }
}
