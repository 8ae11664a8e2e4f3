/** Pure decisions about personal access tokens; routes apply them inside transactions. */
import type { Selectable } from 'kysely';
import { isoTime } from '../http/values.js';
import type { PersonalAccessTokensTable } from '../store/schema.js';
import type { TokenView } from './schema.js';

export type TokenRow = Selectable<PersonalAccessTokensTable>;

export const DAY_MS = 86_400_000;
export const EXPIRING_SOON_MS = 7 * DAY_MS;

export const scopesOf = (row: Pick<TokenRow, 'scopes'>): string[] => row.scopes.split(' ').filter(Boolean);

export function tokenStatus(row: TokenRow, now: number): TokenView['status'] {
  if (row.revoked_at !== null && row.revoked_at <= now) return 'revoked';
  if (row.expires_at !== null && row.expires_at <= now) return 'expired';
  return 'active';
}

export function toTokenView(row: TokenRow, now: number): TokenView {
  const status = tokenStatus(row, now);
  return {
    id: row.id,
    name: row.name,
    masked_token: row.masked_token,
    scopes: scopesOf(row),
    status,
    created_at: isoTime(row.created_at),
    expires_at: isoTime(row.expires_at),
    expiring_soon: status === 'active' && row.expires_at !== null && row.expires_at - now <= EXPIRING_SOON_MS,
    revoked_at: isoTime(row.revoked_at),
    replaced_by: row.replaced_by,
    last_used_at: isoTime(row.last_used_at),
    last_used_ip: row.last_used_ip,
  };
}

export type ExpiryRequest = { expires_in_days?: number; expires_at?: string | null };

/**
 * When a new token expires, or why it may not: a date in the past, no expiry where the
 * operator forbids it, or a lifetime beyond the operator's cap.
 */
export function resolveExpiry(
  request: ExpiryRequest,
  now: number,
  maxLifetimeDays: number | undefined,
): { expiresAt: number | null } | { problem: string } {
  const expiresAt =
    request.expires_in_days !== undefined ? now + request.expires_in_days * DAY_MS : request.expires_at ? Date.parse(request.expires_at) : null;
  if (expiresAt !== null && expiresAt <= now) return { problem: 'expires_at: must be in the future' };
  if (maxLifetimeDays !== undefined) {
    if (expiresAt === null) return { problem: `expires_at: tokens must expire (this server allows at most ${maxLifetimeDays} days)` };
    if (expiresAt > now + maxLifetimeDays * DAY_MS) return { problem: `expires_at: at most ${maxLifetimeDays} days from now on this server` };
  }
  return { expiresAt };
}
