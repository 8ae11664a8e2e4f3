/**
 * Usage reads and the daily rollup.
 *
 * Invariant: raw events of an account are complete from the UTC day of its oldest retained
 * event on (retention deletes whole days, after rolling them up). So aggregates come from
 * `usage_daily` for the days before that boundary and from raw events from it on, and no
 * request is counted twice.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

export const floorTo = (ms: number, unit: number): number => Math.floor(ms / unit) * unit;

export interface AggregateRow {
  period: number;
  credential_id: string;
  requests: number;
  predictions: number;
  errors: number;
  /** Exact integer nanodollars, as text: SUM can exceed JavaScript's safe integers. */
  charge_nanos: string;
}

export interface UsageRange {
  accountId: string;
  from: number;
  to: number;
  credentialId?: string;
}

/** The first UTC day from which this account's raw events are complete, or undefined when it has none. */
async function rawBoundary(db: Kysely<Database>, accountId: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('usage_events')
    .select('created_at')
    .where('account_id', '=', accountId)
    .orderBy('created_at', 'asc')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? undefined : floorTo(row.created_at, DAY_MS);
}

async function rawAggregates(db: Kysely<Database>, range: UsageRange, unit: number): Promise<AggregateRow[]> {
  const period = sql<number>`(created_at / ${sql.lit(unit)}) * ${sql.lit(unit)}`;
  let query = db
    .selectFrom('usage_events')
    .select([
      period.as('period'),
      'credential_id',
      (eb) => eb.fn.countAll<number>().as('requests'),
      sql<number>`sum(case when prediction_id is null then 0 else 1 end)`.as('predictions'),
      sql<number>`sum(case when status_code >= 400 then 1 else 0 end)`.as('errors'),
      sql<string>`cast(sum(charge_nanos) as text)`.as('charge_nanos'),
    ])
    .where('account_id', '=', range.accountId)
    .where('created_at', '>=', range.from)
    .where('created_at', '<', range.to);
  if (range.credentialId !== undefined) query = query.where('credential_id', '=', range.credentialId);
  return query.groupBy([period, 'credential_id']).execute();
}

async function dailyRollups(db: Kysely<Database>, range: UsageRange): Promise<AggregateRow[]> {
  let query = db
    .selectFrom('usage_daily')
    .select([
      'day as period',
      'credential_id',
      'requests',
      'predictions',
      'errors',
      sql<string>`cast(charge_nanos as text)`.as('charge_nanos'),
    ])
    .where('account_id', '=', range.accountId)
    .where('day', '>=', floorTo(range.from, DAY_MS))
    .where('day', '<', range.to);
  if (range.credentialId !== undefined) query = query.where('credential_id', '=', range.credentialId);
  return query.execute();
}

/** Aggregates per period and credential. Hourly periods exist only while raw events do. */
export async function usageAggregates(db: Kysely<Database>, range: UsageRange, granularity: 'day' | 'hour'): Promise<AggregateRow[]> {
  const boundary = (await rawBoundary(db, range.accountId)) ?? range.to;
  const rows: AggregateRow[] = [];
  if (granularity === 'day' && range.from < boundary) {
    rows.push(...(await dailyRollups(db, { ...range, to: Math.min(range.to, boundary) })));
  }
  if (range.to > boundary) {
    rows.push(...(await rawAggregates(db, { ...range, from: Math.max(range.from, boundary) }, granularity === 'day' ? DAY_MS : HOUR_MS)));
  }
  return rows
    .map((r) => ({ ...r, period: Number(r.period), requests: Number(r.requests), predictions: Number(r.predictions), errors: Number(r.errors) }))
    .sort((a, b) => a.period - b.period || a.credential_id.localeCompare(b.credential_id));
}

export interface EventCursor {
  createdAt: number;
  id: string;
}

/** Newest first, `limit` events strictly after `cursor` in that order. */
export async function usageEvents(db: Kysely<Database>, range: UsageRange, limit: number, cursor: EventCursor | undefined) {
  let query = db
    .selectFrom('usage_events')
    .selectAll()
    .where('account_id', '=', range.accountId)
    .where('created_at', '>=', range.from)
    .where('created_at', '<', range.to);
  if (range.credentialId !== undefined) query = query.where('credential_id', '=', range.credentialId);
  if (cursor !== undefined) {
    query = query.where((eb) =>
      eb.or([eb('created_at', '<', cursor.createdAt), eb.and([eb('created_at', '=', cursor.createdAt), eb('id', '<', cursor.id)])]),
    );
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/**
 * Rebuilds `usage_daily` for every complete UTC day that still has raw events, then deletes
 * raw events older than the retention window. Both in one transaction; running it twice gives
 * the same aggregates as running it once.
 */
export async function rollUpAndPrune(db: Kysely<Database>, now: number, retentionDays: number): Promise<{ days: number; pruned: number }> {
  const today = floorTo(now, DAY_MS);
  const cutoff = today - retentionDays * DAY_MS;
  return db.transaction().execute(async (trx) => {
    const oldest = await trx.selectFrom('usage_events').select('created_at').orderBy('created_at', 'asc').limit(1).executeTakeFirst();
    if (oldest === undefined) return { days: 0, pruned: 0 };
    const first = floorTo(oldest.created_at, DAY_MS);
    if (first < today) {
      await trx.deleteFrom('usage_daily').where('day', '>=', first).where('day', '<', today).execute();
      const day = sql<number>`(created_at / ${sql.lit(DAY_MS)}) * ${sql.lit(DAY_MS)}`;
      await trx
        .insertInto('usage_daily')
        .columns(['account_id', 'credential_id', 'day', 'requests', 'predictions', 'errors', 'charge_nanos'])
        .expression(
          trx
            .selectFrom('usage_events')
            .select([
              'account_id',
              'credential_id',
              day.as('day'),
              (eb) => eb.fn.countAll<number>().as('requests'),
              sql<number>`sum(case when prediction_id is null then 0 else 1 end)`.as('predictions'),
              sql<number>`sum(case when status_code >= 400 then 1 else 0 end)`.as('errors'),
              sql<number>`sum(charge_nanos)`.as('charge_nanos'),
            ])
            .where('created_at', '>=', first)
            .where('created_at', '<', today)
            .groupBy(['account_id', 'credential_id', day]),
        )
        .execute();
    }
    const pruned = await trx.deleteFrom('usage_events').where('created_at', '<', cutoff).executeTakeFirst();
    return { days: Math.max(0, (today - first) / DAY_MS), pruned: Number(pruned.numDeletedRows) };
  });
}
