/** Reads of the verification routes: which account owns each credential hash. */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/** hash → account id, for those of `hashes` that name an API key or a token (live or not). */
export async function ownersOfHashes(db: Kysely<Database>, hashes: readonly string[]): Promise<Map<string, string>> {
  const owners = new Map<string, string>();
  if (hashes.length === 0) return owners;
  const [keys, tokens] = await Promise.all([
    db.selectFrom('api_keys').select(['key_hash as hash', 'account_id']).where('key_hash', 'in', hashes).execute(),
    db.selectFrom('personal_access_tokens').select(['token_hash as hash', 'account_id']).where('token_hash', 'in', hashes).execute(),
  ]);
  for (const row of [...keys, ...tokens]) owners.set(row.hash, row.account_id);
  return owners;
}
