/**
 * What POST /api/v1/credentials/verify answers for a verification result: pure, no I/O.
 *
 * Invariants:
 * - Malformed, unknown, revoked, expired, and another account's credential all answer the
 *   same `{valid: false, error: "invalid_credential"}`: a probe learns nothing about which, and
 *   one account never learns anything about another's credentials.
 * - `insufficient_scope` is only ever said of a live credential of the asking account.
 * - An API key holds exactly what a token's `inference` scope allows, so it is reported with
 *   that one scope and satisfies `required_scopes: ["inference"]` and nothing more.
 */
import { isoTime } from '../http/values.js';
import { missingScopes } from '../tokens/scopes.js';
import type { Verification } from './schema.js';
import type { VerifiedCredential } from './verifier.js';

export const API_KEY_SCOPES: readonly string[] = ['inference'];

export const INVALID: Verification = { valid: false, error: 'invalid_credential' };

export function verificationOf(found: VerifiedCredential | null, askingAccountId: string, requiredScopes: readonly string[]): Verification {
  if (found === null || found.accountId !== askingAccountId) return INVALID;
  const scopes = found.kind === 'api_key' ? [...API_KEY_SCOPES] : [...found.scopes];
  const missing = missingScopes(scopes, requiredScopes);
  if (missing.length > 0) return { valid: false, error: 'insufficient_scope', missing_scopes: missing };
  const granted = { valid: true as const, account_id: found.accountId, scopes, expires_at: isoTime(found.expiresAt) };
  return found.kind === 'api_key'
    ? { ...granted, kind: 'api_key', key_id: found.credentialId }
    : { ...granted, kind: 'personal_access_token', token_id: found.credentialId };
}
