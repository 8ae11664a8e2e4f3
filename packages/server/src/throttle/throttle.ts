/**
 * The one throttle of the server: a counter per purpose and subject, each with its policy
 * from the configuration (see the README's table). Routes reserve an attempt before the slow
 * or guessable work (`reserveOrRefuse`), then release it if it was no failure.
 *
 * Purposes never share a counter: failed sign-ins do not spend the budget of device codes
 * or password changes, and the other way round.
 */
import type { Kysely } from 'kysely';
import type { Config } from '../config/config.js';
import { ApiError } from '../http/errors.js';
import type { Database } from '../store/schema.js';
import { ipGroup } from './ip-group.js';
import type { ThrottlePolicy } from './policy.js';
import { type Counter, type Reservation, reserveAttempt } from './repository.js';

export type ThrottlePurpose =
  /** Failed sign-ins per email, from browsers not known to the account. */
  | 'signin_account'
  /** Failed sign-ins from one browser known to the account (its device cookie). */
  | 'signin_device'
  /** Failed sign-ins per client IP (IPv6: per /64), from browsers not known to the account. */
  | 'signin_ip'
  /** Wrong user codes typed by one account on the device-approval page. */
  | 'device_code_account'
  /** Wrong current passwords given to the password change of one account. */
  | 'password_account'
  /** Sign-ups per client IP, successful or not. */
  | 'signup_ip'
  /** Device logins started per client IP. */
  | 'device_grant_ip'
  /** Credential status look-ups (by hash) per client IP. */
  | 'credential_status_ip'
  /** Leak reports per client IP. */
  | 'leak_report_ip';

function policyOf(config: Config, purpose: ThrottlePurpose): ThrottlePolicy {
  const failures = (limit: number): ThrottlePolicy => ({
    limit,
    windowMs: config.signinWindowMs,
    delay: { minMs: config.throttleMinDelayMs, maxMs: config.throttleMaxDelayMs },
  });
  const creations = (limit: number): ThrottlePolicy => ({ limit, windowMs: config.rateLimitWindowMs });
  switch (purpose) {
    case 'signin_account':
    case 'signin_device':
      return failures(config.signinMaxFailuresPerAccount);
    case 'signin_ip':
      return failures(config.signinMaxFailuresPerIp);
    case 'device_code_account':
      return failures(config.deviceCodeMaxFailuresPerAccount);
    case 'password_account':
      return failures(config.passwordChangeMaxFailuresPerAccount);
    case 'signup_ip':
      return creations(config.signupMaxPerIp);
    case 'device_grant_ip':
      return creations(config.deviceGrantsMaxPerIp);
    case 'credential_status_ip':
      return creations(config.credentialStatusMaxPerIp);
    case 'leak_report_ip':
      return creations(config.leakReportsMaxPerIp);
  }
}

/** The counter of `purpose` for `subject`; per-IP purposes take the client IP and count its group. */
export function counterFor(config: Config, purpose: ThrottlePurpose, subject: string): Counter {
  const counted = purpose.endsWith('_ip') ? ipGroup(subject) : subject;
  return { key: `${purpose}:${counted}`, policy: policyOf(config, purpose) };
}

/** Reserves an attempt on every counter, or throws 429 with `Retry-After`. */
export async function reserveOrRefuse(db: Kysely<Database>, counters: readonly Counter[], now: number, refusal: string): Promise<Reservation> {
  const outcome = await reserveAttempt(db, counters, now);
  if ('reserved' in outcome) return outcome.reserved;
  throw new ApiError('RATE_LIMIT_EXCEEDED', refusal, {
    details: `Try again in ${outcome.retryAfterSeconds} seconds`,
    headers: { 'retry-after': String(outcome.retryAfterSeconds) },
  });
}
