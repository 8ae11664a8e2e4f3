/** Token rows. Every read is scoped by account id, except the verify lookup by hash. */
import type { Kysely } from 'kysely';
import { notRevokedAt } from '../lifecycle/repository.js';
import { whenReady } from '../maybe-promise.js';
import { compiledOnce } from '../store/compiled-once.js';
import type { Database } from '../store/schema.js';
import type { Store } from '../store/store.js';
import type { CredentialLookup } from '../verify/verifier.js';
import { scopesOf, type TokenRow } from './decisions.js';

export async function listTokens(db: Kysely<Database>, accountId: string, limit: number, offset: number): Promise<TokenRow[]> {
  return db
    .selectFrom('personal_access_tokens')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function countTokens(db: Kysely<Database>, accountId: string): Promise<number> {
  const { count } = await db
    .selectFrom('personal_access_tokens')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  return Number(count);
}

export async function findToken(db: Kysely<Database>, accountId: string, id: string): Promise<TokenRow | undefined> {
  return db.selectFrom('personal_access_tokens').selectAll().where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
}

export async function findTokenByHash(db: Kysely<Database>, hash: string): Promise<TokenRow | undefined> {
  return db.selectFrom('personal_access_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst();
}

/** Revokes every live member of a token family now; returns every member, for invalidation and the record. */
export async function revokeTokenFamily(db: Kysely<Database>, familyId: string, now: number): Promise<Array<{ id: string; token_hash: string }>> {
  const members = await db.selectFrom('personal_access_tokens').select(['id', 'token_hash']).where('family_id', '=', familyId).execute();
  await db
    .updateTable('personal_access_tokens')
    .set({ revoked_at: now, revoked_reason: 'family_revoked' })
    .where('family_id', '=', familyId)
    .where(notRevokedAt(now))
    .execute();
  return members;
}

export interface RotatedOutUse {
  tokenId: string;
  accountId: string;
  replacedBy: string;
}

/**
 * The verify path's query for tokens: usable until the earlier of its expiry and its
 * (possibly scheduled) revocation. A token that was rotated out and whose grace period is
 * over is reported to `onRotatedOutUse`: some consumer still holds it.
 */
export function tokenLookup(store: Pick<Store, 'db' | 'read'>, onRotatedOutUse: (use: RotatedOutUse) => void): CredentialLookup {
  const query = compiledOnce(
    (hash: string) =>
      store.db
        .selectFrom('personal_access_tokens')
        .select(['id', 'account_id', 'scopes', 'expires_at', 'revoked_at', 'replaced_by'])
        .where('token_hash', '=', hash),
    ['\u0000hash'],
  );
  return (hash, now) =>
    whenReady(store.read(query(hash)), ([row]) => {
      if (row === undefined) return null;
      const ends = [row.expires_at, row.revoked_at].filter((t): t is number => t !== null);
      const end = ends.length > 0 ? Math.min(...ends) : null;
      if (end !== null && end <= now) {
        if (row.replaced_by !== null && row.revoked_at !== null && row.revoked_at <= now) {
          onRotatedOutUse({ tokenId: row.id, accountId: row.account_id, replacedBy: row.replaced_by });
        }
        return null;
      }
      return {
        kind: 'personal_access_token',
        credentialId: row.id,
        accountId: row.account_id,
        expiresAt: end,
        scopes: scopesOf(row),
        usageNote: null,
      };
    });
}
