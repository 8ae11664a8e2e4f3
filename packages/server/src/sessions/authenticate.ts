/**
 * The `account` auth hook: a valid session cookie, and for state-changing methods proof
 * that the request came from our own origin (see csrf.ts).
 */
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { ApiError, notAuthenticated } from '../http/errors.js';
import { publicOriginOf } from '../http/principal.js';
import { readSessionCookie } from './cookie.js';
import { changesState, originEvidence } from './csrf.js';
import { findActiveSession } from './session-store.js';

export function originHeaders(request: FastifyRequest) {
  const { origin, 'sec-fetch-site': secFetchSite } = request.headers;
  return {
    origin: typeof origin === 'string' ? origin : undefined,
    secFetchSite: typeof secFetchSite === 'string' ? secFetchSite : undefined,
  };
}

export const crossOriginRefused = (): ApiError =>
  new ApiError('FORBIDDEN', 'Cross-origin request refused', {
    details: 'State-changing console requests must come from the console origin (Origin or Sec-Fetch-Site: same-origin)',
  });

export function accountAuthenticator(ctx: AppContext) {
  return async function authenticateAccount(request: FastifyRequest): Promise<void> {
    const token = readSessionCookie(request.headers.cookie);
    const session = token === undefined ? undefined : await findActiveSession(ctx.store.db, token, ctx.clock.now());
    if (session === undefined) throw notAuthenticated();
    if (changesState(request.method)) {
      const evidence = originEvidence(originHeaders(request), publicOriginOf(request, ctx.config.publicOrigin));
      if (evidence !== 'same-origin') throw crossOriginRefused();
    }
    request.account = session;
  };
}
