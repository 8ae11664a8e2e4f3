/**
 * The one way to change a credential's validity (create, revoke): the change and its
 * published invalidation commit together, then every named credential hash is evicted from
 * this instance's cache before the caller answers. Other instances evict on the bus's news.
 *
 * Invariant: local eviction happens after commit. Were it before, a lookup racing the
 * transaction could read the old row after the eviction and cache it. The revocation feed
 * (operators' middleware caches) is written next, also before the caller answers: a client
 * that saw the answer can count on the middleware having been told.
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
  ctx: Pick<AppContext, 'store' | 'verifier' | 'invalidations' | 'revocations'>,
  work: (trx: Transaction<Database>) => Promise<CredentialChange<T>>,
): Promise<T> {
  const { result, invalidated } = await ctx.store.db.transaction().execute(async (trx) => {
    const change = await work(trx);
    await ctx.invalidations.publish(trx, change.invalidated);
    return change;
  });
  if (invalidated.length > 0) {
    ctx.verifier.invalidate(invalidated);
    await ctx.revocations.publish(invalidated);
  }
  return result;
}
