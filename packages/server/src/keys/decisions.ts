/** Pure decisions about API keys; the routes apply them inside a transaction. */
import type { Selectable } from 'kysely';
import type { ApiKeysTable } from '../store/schema.js';
import { isoTime } from '../http/values.js';
import type { ApiKeyView } from './schema.js';

export type ApiKeyRow = Selectable<ApiKeysTable>;

export function toApiKeyView(row: ApiKeyRow): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    masked_key: row.masked_key,
    status: row.revoked_at === null ? 'active' : 'revoked',
    created_at: isoTime(row.created_at),
    last_used_at: isoTime(row.last_used_at),
    last_used_ip: row.last_used_ip,
    last_used_user_agent: row.last_used_user_agent,
    revoked_at: isoTime(row.revoked_at),
  };
}

/** Revocation is irreversible and idempotent: a revoked key stays as it was revoked. */
export type RevocationDecision = { action: 'revoke'; revokedAt: number } | { action: 'none' };

export function decideRevocation(row: ApiKeyRow, now: number): RevocationDecision {
  return row.revoked_at === null ? { action: 'revoke', revokedAt: now } : { action: 'none' };
}
