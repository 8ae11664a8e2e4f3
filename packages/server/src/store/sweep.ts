/**
 * The hourly sweep of rows that only ever stop mattering: expired sessions, device grants a
 * day past their expiry, throttle attempts and counters out of their window, and forgotten
 * sign-in devices. Each is one indexed DELETE; running it twice, or on every instance, is harmless.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

const DAY_MS = 86_400_000;

export async function sweepExpired(
  db: Kysely<Database>,
  now: number,
): Promise<{ sessions: number; grants: number; attempts: number; counters: number; devices: number }> {
  const sessions = await db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
  const grants = await db
    .deleteFrom('device_grants')
    .where('expires_at', '<', now - DAY_MS)
    .executeTakeFirst();
  const attempts = await db.deleteFrom('throttle_attempts').where('expires_at', '<=', now).executeTakeFirst();
  // A counter's row is only its lock: it goes with its newest attempt, the next attempt makes it again.
  const counters = await db.deleteFrom('throttle_counters').where('expires_at', '<=', now).executeTakeFirst();
  const devices = await db.deleteFrom('signin_devices').where('expires_at', '<=', now).executeTakeFirst();
  return {
    sessions: Number(sessions.numDeletedRows),
    grants: Number(grants.numDeletedRows),
    attempts: Number(attempts.numDeletedRows),
    counters: Number(counters.numDeletedRows),
    devices: Number(devices.numDeletedRows),
  };
}
