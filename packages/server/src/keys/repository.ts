/** API-key rows. Every read is scoped by account id, except the verify lookup by hash. */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import type { CredentialLookup } from '../verify/verifier.js';
import type { ApiKeyRow } from './decisions.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Call inside the creating transaction: it keeps the account's key count in step. */
export async function insertKey(db: Db, row: ApiKeyRow): Promise<void> {
  await db.insertInto('api_keys').values(row).execute();
  await db
    .updateTable('accounts')
    .set((eb) => ({ api_key_count: eb('api_key_count', '+', 1) }))
    .where('id', '=', row.account_id)
    .execute();
}

/** Newest first; served by the (account_id, created_at, id) index without a scan or sort. */
export async function listKeys(db: Db, accountId: string, limit: number, offset: number): Promise<ApiKeyRow[]> {
  return db
    .selectFrom('api_keys')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function countKeys(db: Db, accountId: string): Promise<number> {
  const row = await db.selectFrom('accounts').select('api_key_count').where('id', '=', accountId).executeTakeFirst();
  return Number(row?.api_key_count ?? 0);
}

/** Another account's key is indistinguishable from a missing one. */
export async function findKey(db: Db, accountId: string, id: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
}

/** The verify path's single query: a key by hash, usable until its revocation (if one is scheduled). */
export function apiKeyLookup(db: Kysely<Database>): CredentialLookup {
  return async (hash, now) => {
    const row = await db
      .selectFrom('api_keys')
      .select(['id', 'account_id', 'revoked_at'])
      .where('key_hash', '=', hash)
      .where((eb) => eb.or([eb('revoked_at', 'is', null), eb('revoked_at', '>', now)]))
      .executeTakeFirst();
    return row ? { kind: 'api_key', credentialId: row.id, accountId: row.account_id, expiresAt: row.revoked_at, scopes: [] } : null;
  };
}
