/**
 * The session authenticator: the console session cookie. A cookie rides along with every
 * request the browser makes, including those another site triggers, so a state change also
 * needs evidence that it came from the console's own origin (`csrf.ts`).
 */
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { requireSameOriginChange } from './csrf.js';
import { notAuthenticated } from './errors.js';
import type { SessionPrincipal } from './principal.js';
import { sessionTokenOf } from './session-cookie.js';
import { findActiveSession } from './session-store.js';

export async function authenticateSession(ctx: AppContext, request: FastifyRequest): Promise<SessionPrincipal> {
  const token = sessionTokenOf(ctx, request);
  const session = token === undefined ? undefined : await findActiveSession(ctx.store.db, token, ctx.clock.now());
  if (session === undefined) throw notAuthenticated();
  requireSameOriginChange(ctx, request);
  return { via: 'session', ...session };
}
