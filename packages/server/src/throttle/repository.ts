/**
 * Throttle counters in the store, so every instance sharing the database counts the same
 * attempts: one `throttle_attempts` row per attempt, and one `throttle_counters` row per
 * counter that only serves as its lock.
 *
 * Invariant: an attempt is reserved (its row committed) BEFORE the slow or guessable work it
 * guards, and it is decided while its counters' rows are locked. Attempts on one counter are
 * therefore decided one after another, on any number of instances, each seeing every attempt
 * committed before it: exactly `limit` pass a burst, no more and (unlike counting without a
 * lock) no fewer.
 */
import type { Kysely, Transaction } from 'kysely';
import { newSequentialId } from '../store/ids.js';
import type { Database } from '../store/schema.js';
import { attemptsToRead, decide, mostRestrictive, type ThrottleDecision, type ThrottlePolicy } from './policy.js';

export interface Counter {
  /** `<purpose>:<subject>`. */
  key: string;
  policy: ThrottlePolicy;
}

/** The rows of one reserved attempt, one per counter. */
export interface Reservation {
  readonly ids: readonly string[];
}

export type ReserveOutcome = { reserved: Reservation } | { retryAfterSeconds: number };

async function decideCounters(db: Kysely<Database> | Transaction<Database>, counters: readonly Counter[], now: number): Promise<ThrottleDecision> {
  const decisions: ThrottleDecision[] = [];
  for (const { key, policy } of counters) {
    const recent = await db
      .selectFrom('throttle_attempts')
      .select('attempted_at')
      .where('counter', '=', key)
      .where('attempted_at', '>', now - policy.windowMs)
      .orderBy('attempted_at', 'desc')
      .limit(attemptsToRead(policy))
      .execute();
    decisions.push(
      decide(
        policy,
        recent.map((row) => row.attempted_at),
        now,
      ),
    );
  }
  return mostRestrictive(decisions);
}

export async function reserveAttempt(db: Kysely<Database>, counters: readonly Counter[], now: number): Promise<ReserveOutcome> {
  // A refusal needs no lock: more attempts only ever make a decision stricter, so what the
  // committed attempts refuse stays refused. A flood of refused attempts costs one read each.
  const unlocked = await decideCounters(db, counters, now);
  if (!unlocked.allow) return { retryAfterSeconds: unlocked.retryAfterSeconds };
  return db.transaction().execute(async (trx) => {
    // Locked in one order, so two attempts sharing two counters never wait on each other crosswise.
    const byKey = [...counters].sort((a, b) => (a.key < b.key ? -1 : 1));
    for (const { key, policy } of byKey) {
      // The upsert holds the counter's row lock until commit; the sweep deletes the row once
      // its expiry (that of the counter's newest attempt) has passed.
      const expiresAt = now + policy.windowMs;
      await trx
        .insertInto('throttle_counters')
        .values({ counter: key, expires_at: expiresAt })
        .onConflict((oc) => oc.column('counter').doUpdateSet({ expires_at: expiresAt }))
        .execute();
    }
    const locked = await decideCounters(trx, counters, now);
    if (!locked.allow) return { retryAfterSeconds: locked.retryAfterSeconds };
    const rows = counters.map(({ key, policy }) => ({
      id: newSequentialId('att', now),
      counter: key,
      attempted_at: now,
      // Each row carries the end of its own window, so the sweep needs no policy to delete it.
      expires_at: now + policy.windowMs,
    }));
    await trx.insertInto('throttle_attempts').values(rows).execute();
    return { reserved: { ids: rows.map((row) => row.id) } };
  });
}

/**
 * The attempt turned out not to be a failure: its rows go, and so does every attempt of
 * `clear` (counters whose owner the attempt proved, e.g. the account of a right password).
 */
export async function releaseAttempt(db: Kysely<Database>, reservation: Reservation, clear: readonly Counter[] = []): Promise<void> {
  const keys = clear.map((counter) => counter.key);
  await db
    .deleteFrom('throttle_attempts')
    .where((eb) => eb.or([eb('id', 'in', reservation.ids), ...(keys.length > 0 ? [eb('counter', 'in', keys)] : [])]))
    .execute();
}
