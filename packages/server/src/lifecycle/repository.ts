/**
 * The lifecycle's writes, one statement each for keys and tokens alike (the tables share these
 * columns). Every state change is guarded in the UPDATE itself and reports whether it changed
 * the row: a read before it would not stop a concurrent request on PostgreSQL.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../store/schema.js';

export type LifecycleTable = 'api_keys' | 'personal_access_tokens';
type Db = Kysely<Database> | Transaction<Database>;

/**
 * Not revoked at `now`: never revoked, or only scheduled to be (a grace period still running).
 * The one rule of a usable key or token, for every statement on these tables: the lifecycle's
 * guards, the verify lookups and a token family's revocation.
 */
export const notRevokedAt = (now: number) => sql<boolean>`(revoked_at is null or revoked_at > ${now})`;

/**
 * Claims `id` for rotation: points it at its successor and schedules its end, only if nobody
 * rotated or revoked it since it was read. Expiry needs no guard: it never changes.
 */
export async function claimForRotation(
  db: Db,
  table: LifecycleTable,
  claim: { id: string; successorId: string; endsAt: number; now: number },
): Promise<bigint> {
  const result = await db
    .updateTable(table)
    .set({ replaced_by: claim.successorId, revoked_at: claim.endsAt, revoked_reason: 'rotated' })
    .where('id', '=', claim.id)
    .where('replaced_by', 'is', null)
    .where(notRevokedAt(claim.now))
    .executeTakeFirst();
  return result.numUpdatedRows;
}

/** Revokes `id` at `at`, only if it is not revoked by then already (ends a running grace period). */
export async function markRevoked(db: Db, table: LifecycleTable, id: string, at: number): Promise<bigint> {
  const result = await db
    .updateTable(table)
    .set({ revoked_at: at, revoked_reason: 'revoked' })
    .where('id', '=', id)
    .where(notRevokedAt(at))
    .executeTakeFirst();
  return result.numUpdatedRows;
}

/** The credential `id` replaced, if any (by the replaced_by index). */
export async function findPredecessor(db: Db, table: LifecycleTable, hashColumn: 'key_hash' | 'token_hash', id: string) {
  return db
    .selectFrom(table)
    .select(['id', 'revoked_at as revokedAt', sql<string>`${sql.ref(hashColumn)}`.as('hash')])
    .where('replaced_by', '=', id)
    .executeTakeFirst();
}

/** Ends the grace period of `predecessorId` now, only if it is still running; the reason stays 'rotated'. */
export async function endGrace(db: Db, table: LifecycleTable, predecessorId: string, successorId: string, now: number): Promise<bigint> {
  const result = await db
    .updateTable(table)
    .set({ revoked_at: now })
    .where('id', '=', predecessorId)
    .where('replaced_by', '=', successorId)
    .where('revoked_at', '>', now)
    .executeTakeFirst();
  return result.numUpdatedRows;
}
