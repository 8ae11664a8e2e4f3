/** Session rows: created at sign-in and sign-up, looked up by token hash, deleted at sign-out. */
import type { Kysely, Transaction } from 'kysely';
import { newId } from '../store/ids.js';
import type { Database } from '../store/schema.js';
import { hashSessionToken, newSessionToken } from './session-cookie.js';

export interface ActiveSession {
  sessionId: string;
  accountId: string;
}

export async function createSession(
  db: Kysely<Database> | Transaction<Database>,
  input: { accountId: string; ip: string | null; userAgent: string | null; now: number; ttlMs: number },
): Promise<{ token: string; sessionId: string }> {
  const token = newSessionToken();
  const sessionId = newId('sess');
  await db
    .insertInto('sessions')
    .values({
      id: sessionId,
      account_id: input.accountId,
      token_hash: hashSessionToken(token),
      created_at: input.now,
      expires_at: input.now + input.ttlMs,
      ip: input.ip,
      user_agent: input.userAgent,
    })
    .execute();
  return { token, sessionId };
}

export async function findActiveSession(db: Kysely<Database>, token: string, now: number): Promise<ActiveSession | undefined> {
  const row = await db
    .selectFrom('sessions')
    .select(['id', 'account_id'])
    .where('token_hash', '=', hashSessionToken(token))
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row && { sessionId: row.id, accountId: row.account_id };
}

export async function deleteSession(db: Kysely<Database>, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

/** Ends every session of the account except `keepSessionId` (when given). */
export async function deleteOtherSessions(db: Kysely<Database>, accountId: string, keepSessionId: string | undefined): Promise<void> {
  let query = db.deleteFrom('sessions').where('account_id', '=', accountId);
  if (keepSessionId !== undefined) query = query.where('id', '!=', keepSessionId);
  await query.execute();
}
