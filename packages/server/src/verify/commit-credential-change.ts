/**
 * The one way to change a credential's validity (create, revoke): the change commits, then
 * every named credential hash is invalidated in the verify cache before the caller answers.
 *
 * Invariant: invalidation happens after commit. Were it before, a lookup racing the
 * transaction could read the old row after the invalidation and cache it.
 */
import type { Transaction } from 'kysely';
import type { AppContext } from '../context.js';
import type { Database } from '../store/schema.js';

export interface CredentialChange<T> {
  result: T;
  /** Hashes of credentials whose cached answer may now be wrong. */
  invalidated: string[];
}

export async function commitCredentialChange<T>(
  ctx: Pick<AppContext, 'store' | 'verifier'>,
  work: (trx: Transaction<Database>) => Promise<CredentialChange<T>>,
): Promise<T> {
  const { result, invalidated } = await ctx.store.db.transaction().execute(work);
  if (invalidated.length > 0) ctx.verifier.invalidate(invalidated);
  return result;
}
