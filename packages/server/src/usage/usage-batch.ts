/**
 * Usage events: one per authenticated /v1 request, queued off the request path and written
 * in batches with the last-used batch.
 *
 * Invariants:
 * - Each event gets its id when it is recorded, and a flush inserts with ON CONFLICT DO
 *   NOTHING: a batch written twice (a retry after a lost acknowledgement) counts once.
 * - A failed flush keeps its events for the next one. While the database stays down the
 *   queue is capped; the oldest events beyond the cap are dropped and counted.
 */
import { type Insertable, type Kysely, sql } from 'kysely';
import type { Metrics } from '../http/metrics.js';
import type { Database, UsageEventsTable } from '../store/schema.js';

export type UsageEventRow = Insertable<UsageEventsTable>;

const MAX_QUEUED = 200_000;
/** 14 columns a row: 500 rows stay well under every dialect's bound-parameter limit. */
const ROWS_PER_STATEMENT = 500;

const COLUMNS = [
  'id',
  'account_id',
  'credential_kind',
  'credential_id',
  'ip',
  'user_agent',
  'method',
  'path',
  'model',
  'status_code',
  'latency_ms',
  'prediction_id',
  'charge_nanos',
  'created_at',
] as const satisfies ReadonlyArray<keyof UsageEventRow>;

/**
 * One multi-row INSERT built with the `sql` tag: far less work per row than the query
 * builder's immutable nodes, and still compiled by Kysely for either dialect.
 */
async function insertEvents(db: Kysely<Database>, rows: UsageEventRow[]): Promise<void> {
  const values = rows.map((row) => sql`(${sql.join(COLUMNS.map((column) => row[column] ?? null))})`);
  await sql`insert into usage_events (${sql.join(COLUMNS.map((c) => sql.ref(c)))}) values ${sql.join(values)} on conflict (id) do nothing`.execute(
    db,
  );
}

export class UsageBatch {
  readonly name = 'usage_events';
  private pending: UsageEventRow[] = [];

  constructor(
    private readonly db: Kysely<Database>,
    private readonly metrics: Metrics,
  ) {}

  record(event: UsageEventRow): void {
    this.pending.push(event);
    if (this.pending.length > MAX_QUEUED) {
      this.pending.shift();
      this.metrics.usageEventsDropped.inc();
    }
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    try {
      // One transaction, so each page is written once per flush; statement by statement,
      // yielding in between, so a large flush does not stall requests.
      await this.db.transaction().execute(async (trx) => {
        for (let i = 0; i < batch.length; i += ROWS_PER_STATEMENT) {
          await insertEvents(trx, batch.slice(i, i + ROWS_PER_STATEMENT));
          await new Promise((resolve) => setImmediate(resolve));
        }
      });
      this.metrics.batchFlushes.inc({ batch: this.name, outcome: 'ok' });
      this.metrics.batchFlushSize.observe(batch.length, { batch: this.name });
    } catch (error) {
      this.pending = batch.concat(this.pending).slice(-MAX_QUEUED);
      this.metrics.batchFlushes.inc({ batch: this.name, outcome: 'error' });
      throw error;
    }
  }
}
