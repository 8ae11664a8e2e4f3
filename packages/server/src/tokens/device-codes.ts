/**
 * Codes of the device authorization grant (RFC 8628). The user code is 8 characters from a
 * consonant alphabet with no look-alikes (§6.1), shown as `BCDF-GHJK`; typed input is
 * normalized, so case, spaces and the dash do not matter. The device code is a 256-bit
 * secret that the server keeps only as a SHA-256 hash.
 */
import { createHash, randomBytes } from 'node:crypto';
import { randomString } from '@skytells/credentials';

export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export const DEVICE_CODE_LIFETIME_SECONDS = 900;
export const POLL_INTERVAL_SECONDS = 5;
/** RFC 8628 §3.5: each slow_down adds 5 seconds to the interval. */
export const SLOW_DOWN_STEP_SECONDS = 5;

export function newUserCode(): string {
  const code = randomString(USER_CODE_ALPHABET, 8);
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** `bcdf ghjk` → `BCDF-GHJK`; undefined when it cannot be a user code. */
export function normalizeUserCode(input: string): string | undefined {
  const letters = input.toUpperCase().replace(/[\s-]/g, '');
  if (letters.length !== 8 || [...letters].some((c) => !USER_CODE_ALPHABET.includes(c))) return undefined;
  return `${letters.slice(0, 4)}-${letters.slice(4)}`;
}

export const newDeviceCode = (): string => randomBytes(32).toString('base64url');
export const hashDeviceCode = (code: string): string => createHash('sha256').update(code).digest('hex');

export type PollDecision =
  | { outcome: 'expired_token' | 'access_denied' | 'invalid_grant' }
  | { outcome: 'slow_down'; interval: number }
  | { outcome: 'authorization_pending' }
  | { outcome: 'issue'; accountId: string };

/** Pure: what a poll of the token endpoint gets, given the grant's state. */
export function decidePoll(
  grant: { status: string; account_id: string | null; expires_at: number; last_polled_at: number | null; interval_seconds: number },
  now: number,
): PollDecision {
  if (grant.status === 'consumed') return { outcome: 'invalid_grant' };
  if (grant.expires_at <= now) return { outcome: 'expired_token' };
  if (grant.status === 'denied') return { outcome: 'access_denied' };
  if (grant.last_polled_at !== null && now - grant.last_polled_at < grant.interval_seconds * 1000) {
    return { outcome: 'slow_down', interval: grant.interval_seconds + SLOW_DOWN_STEP_SECONDS };
  }
  // An approved grant is bound to the account that approved it; without one it issues nothing.
  return grant.status === 'approved' && grant.account_id !== null
    ? { outcome: 'issue', accountId: grant.account_id }
    : { outcome: 'authorization_pending' };
}
