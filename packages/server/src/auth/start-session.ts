/**
 * The end of a successful sign-up or sign-in: a session row. Its cookie is set (with
 * `setSessionCookie`) only after the row has committed, so a failed request never hands out
 * a session.
 */
import type { FastifyRequest } from 'fastify';
import type { Kysely, Transaction } from 'kysely';
import type { AppContext } from '../context.js';
import type { Database } from '../store/schema.js';
import { userAgentOf } from './principal.js';
import { createSession } from './session-store.js';

/** Creates the session row; returns the cookie value for `setSessionCookie`. */
export async function openSession(
  ctx: AppContext,
  db: Kysely<Database> | Transaction<Database>,
  request: FastifyRequest,
  accountId: string,
): Promise<string> {
  const { token } = await createSession(db, {
    accountId,
    ip: request.ip,
    userAgent: userAgentOf(request),
    now: ctx.clock.now(),
    ttlMs: ctx.config.sessionTtlMs,
  });
  return token;
}
