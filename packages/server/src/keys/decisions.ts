/** How an API key reads: its status and its view. Rotation and revocation decide in lifecycle/. */
import type { Selectable } from 'kysely';
import { isoTime } from '../http/values.js';
import type { ApiKeysTable } from '../store/schema.js';
import type { ApiKeyView } from './schema.js';

export type ApiKeyRow = Selectable<ApiKeysTable>;

/** Revoked once `revoked_at` has passed; a rotated key in its grace period is still active. */
export const keyStatus = (row: ApiKeyRow, now: number): ApiKeyView['status'] =>
  row.revoked_at !== null && row.revoked_at <= now ? 'revoked' : 'active';

export function toApiKeyView(row: ApiKeyRow, now: number): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    masked_key: row.masked_key,
    status: keyStatus(row, now),
    created_at: isoTime(row.created_at),
    last_used_at: isoTime(row.last_used_at),
    last_used_ip: row.last_used_ip,
    last_used_user_agent: row.last_used_user_agent,
    revoked_at: isoTime(row.revoked_at),
    replaced_by: row.replaced_by,
  };
}
