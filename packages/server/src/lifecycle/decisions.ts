/**
 * Pure decisions about the end of a credential's life, the same for API keys and personal
 * access tokens: whether and when a revocation takes effect, what a rotation may create, and
 * what a request answers when its guarded write loses a race. Decided in memory from rows read
 * in the transaction; `rotate.ts` and `revoke.ts` apply them with guarded writes.
 *
 * Rotation with a grace period: the old credential gets a revocation time in the future
 * (now + grace) and a pointer to its successor, in the transaction that creates the successor,
 * and its hash is invalidated. Every instance then re-reads it and caches its end of life, so
 * the grace period ends at the same moment everywhere with no further message.
 */
import { DAY_MS, resolveExpiry } from '../tokens/decisions.js';
import { widensScopes } from '../tokens/scopes.js';

/** What the lifecycle reads of a credential of either kind (keys never expire and carry no scopes). */
export interface CredentialFacts {
  id: string;
  accountId: string;
  hash: string;
  createdAt: number;
  expiresAt: number | null;
  /** May lie in the future: the end of a rotation's grace period. */
  revokedAt: number | null;
  replacedBy: string | null;
  scopes: readonly string[];
}

/** Usable now: not revoked (a grace period still running counts as usable) and not expired. */
export const isLive = (c: Pick<CredentialFacts, 'revokedAt' | 'expiresAt'>, now: number): boolean =>
  (c.revokedAt === null || c.revokedAt > now) && (c.expiresAt === null || c.expiresAt > now);

/** A credential that already has a successor cannot be rotated again. */
export const alreadyRotated = (row: { replaced_by: string | null }): boolean => row.replaced_by !== null;

/**
 * Revocation is irreversible and idempotent: a credential revoked already stays as it was
 * revoked. Revoking one inside its grace period ends the grace period now; an expired token
 * is still marked revoked, so its record says so.
 */
export type RevocationDecision = { action: 'revoke'; revokedAt: number } | { action: 'none' };

export function decideRevocation(c: Pick<CredentialFacts, 'revokedAt'>, now: number): RevocationDecision {
  return c.revokedAt !== null && c.revokedAt <= now ? { action: 'none' } : { action: 'revoke', revokedAt: now };
}

export interface RotationRequest {
  now: number;
  /** Who rotates: a console session may renew a token's lifetime; a token never extends its own. */
  by: 'session' | 'token';
  gracePeriodSeconds: number;
  /** Same or fewer than the old credential's; omitted: the same. */
  scopes?: readonly string[] | undefined;
  expiresInDays?: number | undefined;
  /** The operator's cap on a token's lifetime; undefined for kinds without one (keys). */
  maxLifetimeDays: number | undefined;
}

export type RotationRefusal =
  | { action: 'refuse'; reason: 'not_found' }
  | { action: 'refuse'; reason: 'already_rotated'; successorId: string }
  | { action: 'refuse'; reason: 'widens_scopes'; allowed: readonly string[] }
  | { action: 'refuse'; reason: 'invalid_expiry'; problem: string };

export type RotationDecision<P> =
  | RotationRefusal
  | {
      action: 'rotate';
      /** When the old credential stops: now, or the end of its grace period. */
      graceEndsAt: number;
      successor: { expiresAt: number | null; scopes: readonly string[] };
      /** The old credential's own predecessor, still in its grace: that grace ends now. */
      endGraceOf: P | null;
    };

/**
 * A successor's expiry: the requested window, or the old credential's window length, or none
 * if the old one had none; always within the operator's cap. A rotation by the token itself
 * never ends later than the old token would have, so a token cannot prolong itself.
 */
export function successorExpiry(
  old: Pick<CredentialFacts, 'createdAt' | 'expiresAt'>,
  request: Pick<RotationRequest, 'now' | 'by' | 'expiresInDays' | 'maxLifetimeDays'>,
): { expiresAt: number | null } | { problem: string } {
  const { now, maxLifetimeDays } = request;
  let asked: { expiresAt: number | null } | { problem: string };
  if (request.expiresInDays !== undefined) asked = resolveExpiry({ expires_in_days: request.expiresInDays }, now, maxLifetimeDays);
  else if (old.expiresAt === null) asked = resolveExpiry({ expires_at: null }, now, maxLifetimeDays);
  else {
    const windowMs = Math.max(DAY_MS, old.expiresAt - old.createdAt);
    asked = { expiresAt: now + (maxLifetimeDays === undefined ? windowMs : Math.min(windowMs, maxLifetimeDays * DAY_MS)) };
  }
  if (request.by === 'session' || old.expiresAt === null || 'problem' in asked) return asked;
  return { expiresAt: asked.expiresAt === null ? old.expiresAt : Math.min(asked.expiresAt, old.expiresAt) };
}

/**
 * Whether `old` may be rotated, and into what. `predecessor` is the credential `old` itself
 * replaced, if any: a grace period never overlaps more than one predecessor, so one still in
 * its grace has it ended by this rotation.
 */
export function decideRotation<P extends Pick<CredentialFacts, 'id' | 'revokedAt'>>(
  old: CredentialFacts,
  predecessor: P | undefined,
  request: RotationRequest,
): RotationDecision<P> {
  const { now } = request;
  // Rotated already, whether or not its grace period has ended: the answer names the successor.
  if (old.replacedBy !== null) return { action: 'refuse', reason: 'already_rotated', successorId: old.replacedBy };
  if (!isLive(old, now)) return { action: 'refuse', reason: 'not_found' };
  const scopes = request.scopes ?? old.scopes;
  if (widensScopes(old.scopes, scopes)) return { action: 'refuse', reason: 'widens_scopes', allowed: old.scopes };
  const expiry = successorExpiry(old, request);
  if ('problem' in expiry) return { action: 'refuse', reason: 'invalid_expiry', problem: expiry.problem };
  return {
    action: 'rotate',
    graceEndsAt: now + request.gracePeriodSeconds * 1000,
    successor: { expiresAt: expiry.expiresAt, scopes },
    endGraceOf: predecessor !== undefined && predecessor.revokedAt !== null && predecessor.revokedAt > now ? predecessor : null,
  };
}

/**
 * After a guarded write (`UPDATE ... WHERE <expected state>`): one row changed means this
 * request won; none means another request changed the credential first. A rotation that lost
 * is a 409 and commits nothing; a revocation that lost answers the row as it now is.
 */
export type GuardOutcome = { outcome: 'applied' } | { outcome: 'conflict' } | { outcome: 'answer_current_row' };

export function afterGuardedWrite(operation: 'rotate' | 'revoke', rowsChanged: bigint): GuardOutcome {
  if (rowsChanged === 1n) return { outcome: 'applied' };
  return operation === 'rotate' ? { outcome: 'conflict' } : { outcome: 'answer_current_row' };
}
