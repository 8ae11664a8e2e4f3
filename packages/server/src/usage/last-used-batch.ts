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
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Metrics } from '../http/metrics.js';

export interface LastUse {
  at: number;
  ip: string | null;
  userAgent: string | null;
}

/** Tables whose rows carry last_used_at / last_used_ip / last_used_user_agent. */
export type LastUsedTable = 'api_keys';

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
      await this.db.transaction().execute(async (trx) => {
        for (const { table, id, use } of batch.values()) {
          await trx
            .updateTable(table)
            .set({ last_used_at: use.at, last_used_ip: use.ip, last_used_user_agent: use.userAgent })
            .where('id', '=', id)
            .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', use.at)]))
            .execute();
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
