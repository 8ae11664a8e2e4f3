/** API-key rows. Every read is scoped by account id, except the verify lookup by hash. */
import { type Kysely, type SelectQueryBuilder, sql, type Transaction } from 'kysely';
import { notRevokedAt } from '../lifecycle/repository.js';
import { whenReady } from '../maybe-promise.js';
import { compiledOnce } from '../store/compiled-once.js';
import type { Database } from '../store/schema.js';
import type { Store } from '../store/store.js';
import type { CredentialBatchLookup, CredentialLookup, VerifiedCredential } from '../verify/verifier.js';
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

/** `name` holds `search`, compared case-insensitively; `%`, `_` and `\\` in it match themselves. */
function nameContains<O>(query: SelectQueryBuilder<Database, 'api_keys', O>, search: string | undefined) {
  if (search === undefined || search === '') return query;
  const pattern = `%${search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return query.where(sql<boolean>`lower(name) like ${pattern} escape '\\'`);
}

/**
 * Newest first; served by the (account_id, created_at, id) index without a scan or sort. A
 * search reads the account's keys in that order and filters their names (bounded by the
 * account's key count).
 */
export async function listKeys(db: Db, accountId: string, limit: number, offset: number, search?: string): Promise<ApiKeyRow[]> {
  return nameContains(db.selectFrom('api_keys').selectAll().where('account_id', '=', accountId), search)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}

/** Without a search, the count kept on the account row; with one, a count of the matches. */
export async function countKeys(db: Db, accountId: string, search?: string): Promise<number> {
  if (search !== undefined && search !== '') {
    const row = await nameContains(db.selectFrom('api_keys').where('account_id', '=', accountId), search)
      .select((eb) => eb.fn.countAll().as('count'))
      .executeTakeFirst();
    return Number(row?.count ?? 0);
  }
  const row = await db.selectFrom('accounts').select('api_key_count').where('id', '=', accountId).executeTakeFirst();
  return Number(row?.api_key_count ?? 0);
}

/** Another account's key is indistinguishable from a missing one. */
export async function findKey(db: Db, accountId: string, id: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
}

/** The verify path's single query: a key by hash, usable until its revocation (if one is scheduled). Compiled once, run by `store.read`. */
export function apiKeyLookup(store: Pick<Store, 'db' | 'read'>): CredentialLookup {
  const query = compiledOnce(
    (hash: string, now: number) =>
      store.db.selectFrom('api_keys').select(['id', 'account_id', 'revoked_at']).where('key_hash', '=', hash).where(notRevokedAt(now)),
    ['\u0000hash', Number.MIN_SAFE_INTEGER],
  );
  return (hash, now) => whenReady(store.read(query(hash, now)), ([row]) => (row ? verifiedKey(row) : null));
}

/** The same question for many hashes in one query (the verifier's batched refreshes): the usable keys among them. */
export function apiKeyBatchLookup(store: Pick<Store, 'db' | 'read'>): CredentialBatchLookup {
  return (hashes, now) =>
    whenReady(
      store.read(
        store.db
          .selectFrom('api_keys')
          .select(['key_hash', 'id', 'account_id', 'revoked_at'])
          .where('key_hash', 'in', hashes)
          .where(notRevokedAt(now))
          .compile(),
      ),
      (rows) => new Map(rows.map((row) => [row.key_hash, verifiedKey(row)])),
    );
}

const verifiedKey = (row: { id: string; account_id: string; revoked_at: number | null }): VerifiedCredential => ({
  kind: 'api_key',
  credentialId: row.id,
  accountId: row.account_id,
  expiresAt: row.revoked_at,
  scopes: [],
  usageNote: null,
});
