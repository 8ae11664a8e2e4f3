/**
 * Pure decisions of the leak response: what a status look-up answers, and the exposure window
 * of a leaked credential with the console link to its requests in that window.
 */
import { isLive } from '../lifecycle/decisions.js';
import type { StoredCredential } from './repository.js';

export type CredentialStatus = 'live' | 'revoked' | 'unknown';

/** Live (usable now, a rotation's grace period included), revoked (revoked or expired), or unknown. */
export function statusOf(credential: Pick<StoredCredential, 'revokedAt' | 'expiresAt'> | undefined, now: number): CredentialStatus {
  if (credential === undefined) return 'unknown';
  return isLive(credential, now) ? 'live' : 'revoked';
}

export interface ExposureWindow {
  from: number;
  to: number;
}

/**
 * From the first time the reporter saw the credential exposed (never before it existed: a
 * wrong or forged date cannot widen the window past the credential's life), to when it stopped
 * working (its revocation, or `revokedAt` of an earlier one).
 */
export function exposureWindow(credential: Pick<StoredCredential, 'createdAt'>, firstSeen: number | undefined, revokedAt: number): ExposureWindow {
  const from = firstSeen === undefined || Number.isNaN(firstSeen) ? credential.createdAt : Math.max(firstSeen, credential.createdAt);
  return { from: Math.min(from, revokedAt), to: revokedAt };
}

/** The console's usage page, filtered to this credential's requests within the window. */
export function usageLink(credentialId: string, window: ExposureWindow): string {
  const query = new URLSearchParams({ key_id: credentialId, from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString() });
  return `/usage?${query}`;
}
