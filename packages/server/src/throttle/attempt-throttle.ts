/**
 * Throttling of failed attempts over a sliding window, per subject (for sign-in the
 * normalized email, so unknown emails are throttled exactly like known ones; for device
 * codes the account) and per client IP. Failures are rows in the store, so every instance
 * sharing the database counts the same failures.
 */
import type { Kysely } from 'kysely';
import { newId } from '../store/ids.js';
import type { Database } from '../store/schema.js';

export interface ThrottleLimits {
  perSubject: number;
  perIp: number;
  windowMs: number;
}

type Bucket = 'subject' | 'ip';

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
    .selectFrom('auth_failures')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where(bucket, '=', value)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  if (Number(count) < limit) return undefined;
  const row = await db
    .selectFrom('auth_failures')
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
export async function failureRetryAfter(
  db: Kysely<Database>,
  who: { subject: string; ip: string },
  limits: ThrottleLimits,
  now: number,
): Promise<number | undefined> {
  const since = now - limits.windowMs;
  const blocking = [
    await blockingFailure(db, 'subject', who.subject, limits.perSubject, since),
    await blockingFailure(db, 'ip', who.ip, limits.perIp, since),
  ].filter((t): t is number => t !== undefined);
  if (blocking.length === 0) return undefined;
  return Math.max(...blocking.map((t) => retryAfterSeconds(t, limits.windowMs, now)));
}

/** Records a failure and prunes this email's and IP's failures that left the window. */
export async function recordFailure(db: Kysely<Database>, who: { subject: string; ip: string }, windowMs: number, now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('auth_failures')
      .values({ id: newId('fail'), subject: who.subject, ip: who.ip, created_at: now })
      .execute();
    const expired = now - windowMs;
    await trx.deleteFrom('auth_failures').where('subject', '=', who.subject).where('created_at', '<=', expired).execute();
    await trx.deleteFrom('auth_failures').where('ip', '=', who.ip).where('created_at', '<=', expired).execute();
  });
}

/** A success clears the subject's failures (not the IP's). */
export async function clearSubjectFailures(db: Kysely<Database>, subject: string): Promise<void> {
  await db.deleteFrom('auth_failures').where('subject', '=', subject).execute();
}
