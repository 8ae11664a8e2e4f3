/**
 * Usage reads and the daily rollup, over per-minute request groups (`usage_minutes`).
 *
 * Invariant: every minute before `usage_rollup_state.rolled_until` is in `usage_daily` (a
 * day is final once `rolled_until` has passed it). Daily aggregates come from there before
 * that moment and from minute groups after it, so a long range costs one row per day and
 * key, and no request is counted twice.
 * Retention deletes only minute groups of days already rolled up.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../store/schema.js';

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
/** A day is rolled up only once it ended this long ago, so late batch flushes are in it. */
const SETTLE_MS = HOUR_MS;

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

async function rolledUntil(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('usage_rollup_state').select('rolled_until').where('id', '=', 'daily').executeTakeFirst();
  return row?.rolled_until ?? Number.NEGATIVE_INFINITY;
}

/** Sums of the minute groups, per `unit` and credential. A minute lies wholly inside any hour or day. */
async function minuteAggregates(db: Kysely<Database>, range: UsageRange, unit: number): Promise<AggregateRow[]> {
  const period = sql<number>`(minute / ${sql.lit(unit)}) * ${sql.lit(unit)}`;
  let query = db
    .selectFrom('usage_minutes')
    .select([
      period.as('period'),
      'credential_id',
      sql<number>`sum(requests)`.as('requests'),
      sql<number>`sum(predictions)`.as('predictions'),
      sql<number>`sum(errors)`.as('errors'),
      sql<string>`cast(sum(charge_nanos) as text)`.as('charge_nanos'),
    ])
    .where('account_id', '=', range.accountId)
    .where('minute', '>=', range.from)
    .where('minute', '<', range.to);
  if (range.credentialId !== undefined) query = query.where('credential_id', '=', range.credentialId);
  return query.groupBy([period, 'credential_id']).execute();
}

async function dailyRollups(db: Kysely<Database>, range: UsageRange): Promise<AggregateRow[]> {
  let query = db
    .selectFrom('usage_daily')
    .select(['day as period', 'credential_id', 'requests', 'predictions', 'errors', sql<string>`cast(charge_nanos as text)`.as('charge_nanos')])
    .where('account_id', '=', range.accountId)
    .where('day', '>=', floorTo(range.from, DAY_MS))
    .where('day', '<', range.to);
  if (range.credentialId !== undefined) query = query.where('credential_id', '=', range.credentialId);
  return query.execute();
}

/**
 * Aggregates per period and credential. A minute group counts wholly in its period, so
 * `from` is effectively rounded down to the minute. Hourly periods exist only while the
 * minute groups do (the retention window).
 */
export async function usageAggregates(db: Kysely<Database>, range: UsageRange, granularity: 'day' | 'hour'): Promise<AggregateRow[]> {
  const minuteFrom = floorTo(range.from, 60_000);
  const boundary = granularity === 'day' ? Math.max(floorTo(range.from, DAY_MS), await rolledUntil(db)) : minuteFrom;
  const rows: AggregateRow[] = [];
  if (granularity === 'day' && range.from < boundary) {
    rows.push(...(await dailyRollups(db, { ...range, to: Math.min(range.to, boundary) })));
  }
  if (range.to > boundary) {
    rows.push(...(await minuteAggregates(db, { ...range, from: Math.max(minuteFrom, boundary) }, granularity === 'day' ? DAY_MS : HOUR_MS)));
  }
  // A day being rolled up has part of it in usage_daily and the rest in minute groups: one row.
  const merged = new Map<string, AggregateRow>();
  for (const r of rows) {
    const row = { ...r, period: Number(r.period), requests: Number(r.requests), predictions: Number(r.predictions), errors: Number(r.errors) };
    const key = `${row.period}:${row.credential_id}`;
    const seen = merged.get(key);
    if (seen === undefined) merged.set(key, row);
    else
      merged.set(key, {
        ...seen,
        requests: seen.requests + row.requests,
        predictions: seen.predictions + row.predictions,
        errors: seen.errors + row.errors,
        charge_nanos: (BigInt(seen.charge_nanos ?? 0) + BigInt(row.charge_nanos ?? 0)).toString(),
      });
  }
  return [...merged.values()].sort((a, b) => a.period - b.period || a.credential_id.localeCompare(b.credential_id));
}

export interface GroupCursor {
  minute: number;
  id: string;
}

/** Request groups, newest minute first, `limit` of them strictly after `cursor` in that order. */
export async function usageGroups(db: Kysely<Database>, range: UsageRange, limit: number, cursor: GroupCursor | undefined) {
  // One upper bound on the minute, so the index range starts right at the cursor.
  const upper = cursor === undefined ? range.to : Math.min(range.to, cursor.minute + 1);
  let query = db
    .selectFrom('usage_minutes')
    .selectAll()
    .where('account_id', '=', range.accountId)
    .where('minute', '>=', floorTo(range.from, 60_000))
    .where('minute', '<', upper);
  if (range.credentialId !== undefined) query = query.where('credential_id', '=', range.credentialId);
  if (cursor !== undefined) {
    query = query.where((eb) => eb.or([eb('minute', '<', cursor.minute), eb('id', '<', cursor.id)]));
  }
  return query.orderBy('minute', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/** The rollup and the pruning advance in slices this long, one short transaction each. */
const SLICE_MS = 10 * 60_000;

/**
 * Adds every settled minute not yet rolled up into `usage_daily`, then deletes minute groups
 * older than the retention window (and already rolled up). Each ten-minute slice is one
 * transaction that adds its sums and moves `rolled_until` past it, so a run interrupted
 * anywhere resumes where it stopped, a second run changes nothing, and no transaction holds
 * SQLite's write lock for long. Empty stretches are skipped in one step. Runs on the writer
 * thread's connection (see store/write-jobs.ts), never on the event loop.
 */
export async function rollUpAndPrune(db: Kysely<Database>, now: number, retentionDays: number): Promise<{ days: number; pruned: number }> {
  const settled = floorTo(now - SETTLE_MS, DAY_MS);
  const oldest = async (from: number) =>
    (await db.selectFrom('usage_minutes').select('minute').where('minute', '>=', from).orderBy('minute', 'asc').limit(1).executeTakeFirst())?.minute;
  let from = await rolledUntil(db);
  if (from === Number.NEGATIVE_INFINITY) from = floorTo((await oldest(Number.MIN_SAFE_INTEGER)) ?? settled, DAY_MS);
  const started = from;
  while (from < settled) {
    const next = await oldest(from);
    const sliceStart = next === undefined || next >= settled ? settled : Math.max(from, floorTo(next, SLICE_MS));
    const sliceEnd = Math.min(sliceStart + SLICE_MS, settled);
    await db.transaction().execute(async (trx) => {
      if (sliceStart < settled) {
        const day = sql<number>`(minute / ${sql.lit(DAY_MS)}) * ${sql.lit(DAY_MS)}`;
        await trx
          .insertInto('usage_daily')
          .columns(['account_id', 'credential_id', 'day', 'requests', 'predictions', 'errors', 'charge_nanos'])
          .expression(
            trx
              .selectFrom('usage_minutes')
              .select([
                'account_id',
                'credential_id',
                day.as('day'),
                sql<number>`sum(requests)`.as('requests'),
                sql<number>`sum(predictions)`.as('predictions'),
                sql<number>`sum(errors)`.as('errors'),
                sql<number>`sum(charge_nanos)`.as('charge_nanos'),
              ])
              .where('minute', '>=', sliceStart)
              .where('minute', '<', sliceEnd)
              .groupBy(['account_id', 'credential_id', day]),
          )
          .onConflict((oc) =>
            oc.columns(['account_id', 'day', 'credential_id']).doUpdateSet({
              requests: sql`usage_daily.requests + excluded.requests`,
              predictions: sql`usage_daily.predictions + excluded.predictions`,
              errors: sql`usage_daily.errors + excluded.errors`,
              charge_nanos: sql`usage_daily.charge_nanos + excluded.charge_nanos`,
            }),
          )
          .execute();
      }
      await trx
        .insertInto('usage_rollup_state')
        .values({ id: 'daily', rolled_until: sliceEnd })
        .onConflict((oc) => oc.column('id').doUpdateSet({ rolled_until: sliceEnd }))
        .execute();
    });
    from = sliceEnd;
  }
  const rolled = Math.max(from, settled);
  if (started >= settled) {
    await db
      .insertInto('usage_rollup_state')
      .values({ id: 'daily', rolled_until: rolled })
      .onConflict((oc) => oc.column('id').doUpdateSet({ rolled_until: rolled }))
      .execute();
  }
  const cutoff = Math.min(floorTo(now, DAY_MS) - retentionDays * DAY_MS, rolled);
  let pruned = 0;
  for (let start = await oldest(Number.MIN_SAFE_INTEGER); start !== undefined && start < cutoff; start = await oldest(start)) {
    const end = Math.min(floorTo(start, SLICE_MS) + SLICE_MS, cutoff);
    const deleted = await db.deleteFrom('usage_minutes').where('minute', '>=', start).where('minute', '<', end).executeTakeFirst();
    pruned += Number(deleted.numDeletedRows);
  }
  return { days: Math.max(0, (settled - started) / DAY_MS), pruned };
}
