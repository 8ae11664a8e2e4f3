/**
 * The hourly sweep of rows that only ever stop mattering: expired sessions, device grants a
 * day past their expiry, and failed attempts older than the throttle window. Each is one
 * indexed or bounded DELETE; running it twice, or on every instance, is harmless.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

const DAY_MS = 86_400_000;

export async function sweepExpired(
  db: Kysely<Database>,
  now: number,
  throttleWindowMs: number,
): Promise<{ sessions: number; grants: number; failures: number }> {
  const sessions = await db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
  const grants = await db
    .deleteFrom('device_grants')
    .where('expires_at', '<', now - DAY_MS)
    .executeTakeFirst();
  const failures = await db
    .deleteFrom('auth_failures')
    .where('created_at', '<=', now - throttleWindowMs)
    .executeTakeFirst();
  return { sessions: Number(sessions.numDeletedRows), grants: Number(grants.numDeletedRows), failures: Number(failures.numDeletedRows) };
}
