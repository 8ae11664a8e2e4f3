/** The leak response's reads: credentials of either kind found by the SHA-256 of their secret. */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

export interface StoredCredential {
  kind: 'api_key' | 'personal_access_token';
  id: string;
  accountId: string;
  hash: string;
  createdAt: number;
  revokedAt: number | null;
  expiresAt: number | null;
}

/** Every stored credential whose hash is in `hashes` (both unique hash indexes, one probe each). */
export async function credentialsByHash(db: Kysely<Database>, hashes: readonly string[]): Promise<StoredCredential[]> {
  if (hashes.length === 0) return [];
  const [keys, tokens] = await Promise.all([
    db
      .selectFrom('api_keys')
      .select(['id', 'account_id', 'key_hash', 'created_at', 'revoked_at'])
      .where('key_hash', 'in', [...hashes])
      .execute(),
    db
      .selectFrom('personal_access_tokens')
      .select(['id', 'account_id', 'token_hash', 'created_at', 'revoked_at', 'expires_at'])
      .where('token_hash', 'in', [...hashes])
      .execute(),
  ]);
  return [
    ...keys.map((row) => ({
      kind: 'api_key' as const,
      id: row.id,
      accountId: row.account_id,
      hash: row.key_hash,
      createdAt: row.created_at,
      revokedAt: row.revoked_at,
      expiresAt: null,
    })),
    ...tokens.map((row) => ({
      kind: 'personal_access_token' as const,
      id: row.id,
      accountId: row.account_id,
      hash: row.token_hash,
      createdAt: row.created_at,
      revokedAt: row.revoked_at,
      expiresAt: row.expires_at,
    })),
  ];
}
