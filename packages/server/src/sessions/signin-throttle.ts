/**
 * Sign-in throttling over a sliding window, per account (by normalized email, so unknown
 * emails are throttled exactly like known ones) and per client IP. Failures are rows in the
 * store, so every instance sharing the database counts the same failures.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { newId } from '../store/ids.js';

export interface ThrottleLimits {
  perAccount: number;
  perIp: number;
  windowMs: number;
}

type Bucket = 'email_normalized' | 'ip';

/** Pure: when a bucket at its limit next lets an attempt through, in whole seconds. */
export function retryAfterSeconds(blockingFailureAt: number, windowMs: number, now: number): number {
  return Math.max(1, Math.ceil((blockingFailureAt + windowMs - now) / 1000));
}

/**
 * The time of the failure whose expiry would bring the bucket back under its limit, or
 * undefined when the bucket is under its limit now.
 */
async function blockingFailure(db: Kysely<Database>, bucket: Bucket, value: string, limit: number, since: number): Promise<number | undefined> {
  const { count } = await db
    .selectFrom('signin_failures')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where(bucket, '=', value)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  if (Number(count) < limit) return undefined;
  const row = await db
    .selectFrom('signin_failures')
    .select('created_at')
    .where(bucket, '=', value)
    .where('created_at', '>', since)
    .orderBy('created_at', 'asc')
    .limit(1)
    .offset(Number(count) - limit)
    .executeTakeFirstOrThrow();
  return row.created_at;
}

/** Seconds to wait before another attempt, or undefined when one may be made now. */
export async function signinRetryAfter(
  db: Kysely<Database>,
  who: { emailNormalized: string; ip: string },
  limits: ThrottleLimits,
  now: number,
): Promise<number | undefined> {
  const since = now - limits.windowMs;
  const blocking = [
    await blockingFailure(db, 'email_normalized', who.emailNormalized, limits.perAccount, since),
    await blockingFailure(db, 'ip', who.ip, limits.perIp, since),
  ].filter((t): t is number => t !== undefined);
  if (blocking.length === 0) return undefined;
  return Math.max(...blocking.map((t) => retryAfterSeconds(t, limits.windowMs, now)));
}

/** Records a failure and prunes this email's and IP's failures that left the window. */
export async function recordSigninFailure(
  db: Kysely<Database>,
  who: { emailNormalized: string; ip: string },
  windowMs: number,
  now: number,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('signin_failures')
      .values({ id: newId('fail'), email_normalized: who.emailNormalized, ip: who.ip, created_at: now })
      .execute();
    const expired = now - windowMs;
    await trx.deleteFrom('signin_failures').where('email_normalized', '=', who.emailNormalized).where('created_at', '<=', expired).execute();
    await trx.deleteFrom('signin_failures').where('ip', '=', who.ip).where('created_at', '<=', expired).execute();
  });
}

/** A successful sign-in clears the account's failures (not the IP's). */
export async function clearAccountFailures(db: Kysely<Database>, emailNormalized: string): Promise<void> {
  await db.deleteFrom('signin_failures').where('email_normalized', '=', emailNormalized).execute();
}
