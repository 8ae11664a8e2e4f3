/** Prediction rows, always scoped by account; deleted ones are invisible. */
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import type { PredictionRow } from './decisions.js';

export async function insertPrediction(db: Kysely<Database>, row: PredictionRow): Promise<void> {
  await db.insertInto('predictions').values(row).execute();
}

export async function findPrediction(db: Kysely<Database>, accountId: string, id: string): Promise<PredictionRow | undefined> {
  return db
    .selectFrom('predictions')
    .selectAll()
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

export interface PredictionFilter {
  accountId: string;
  from?: number;
  to?: number;
  model?: string;
  /** Only those created with this key or token. */
  credentialId?: string;
}

function filtered(db: Kysely<Database>, filter: PredictionFilter) {
  let query = db.selectFrom('predictions').where('account_id', '=', filter.accountId).where('deleted_at', 'is', null);
  if (filter.from !== undefined) query = query.where('created_at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('created_at', '<', filter.to);
  if (filter.model !== undefined) query = query.where('model', '=', filter.model);
  if (filter.credentialId !== undefined) query = query.where('credential_id', '=', filter.credentialId);
  return query;
}

export async function listPredictions(db: Kysely<Database>, filter: PredictionFilter, limit: number, offset: number) {
  return filtered(db, filter).selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute();
}

export async function countPredictions(db: Kysely<Database>, filter: PredictionFilter): Promise<number> {
  const { count } = await filtered(db, filter)
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(count);
}

export async function markCanceled(db: Kysely<Database>, id: string, at: number): Promise<boolean> {
  const result = await db
    .updateTable('predictions')
    .set({ status: 'canceled', completed_at: at, updated_at: at })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'processing'])
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/**
 * Deleting keeps the row (its charge stays accounted) but drops its input and output.
 * Idempotent: false only when the account has no such prediction, deleted or not.
 */
export async function markDeleted(db: Kysely<Database>, accountId: string, id: string, at: number): Promise<boolean> {
  const result = await db
    .updateTable('predictions')
    .set((eb) => ({ deleted_at: eb.fn.coalesce('deleted_at', eb.val(at)), input: null, output: null }))
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export async function accountPlan(db: Kysely<Database>, accountId: string): Promise<string | undefined> {
  return (await db.selectFrom('accounts').select('plan').where('id', '=', accountId).executeTakeFirst())?.plan;
}
