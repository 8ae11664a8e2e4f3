/**
 * The `session` and `account` auth hooks. A request is authenticated by exactly one thing:
 * a bearer token when it sends `Authorization`, otherwise the session cookie.
 *
 * Invariants:
 * - A token acts only within its scopes; a missing scope is a 403 naming the accepted ones.
 * - A token can never do what needs a session (`session` routes): that is how no credential
 *   mints a broader one. API keys never authenticate here.
 * - Cookie-authenticated, state-changing requests must prove they come from our own origin.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { ApiError, notAuthenticated } from '../http/errors.js';
import type { AnyRoute } from '../http/route.js';
import { isoTime } from '../http/values.js';
import { missingScopes } from '../tokens/scopes.js';
import { changesState, originEvidence } from './csrf.js';
import { publicOriginOf, userAgentOf } from './principal.js';
import { readSessionCookie } from './session-cookie.js';
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

export const missingScope = (accepted: readonly string[]): ApiError =>
  new ApiError('FORBIDDEN', `This token lacks the scope this action needs: ${accepted.join(', ')}`, {
    details: `Accepted scopes: ${accepted.join(' ')}. Create a token with them in the console.`,
    headers: { 'x-accepted-scopes': accepted.join(', ') },
    fields: { accepted_scopes: [...accepted] },
  });

/** For requests without a session yet (sign-up, sign-in): refuse on evidence of another site. */
export function refuseCrossSite(ctx: AppContext, request: FastifyRequest): void {
  if (originEvidence(originHeaders(request), publicOriginOf(request, ctx.config.publicOrigin)) === 'cross-site') throw crossOriginRefused();
}

const sessionRequired = (): ApiError =>
  new ApiError('FORBIDDEN', 'This action needs a console session', {
    details: 'Personal access tokens cannot do this; sign in to the console (or use the device flow of skytells login)',
  });

/** The token of an `Authorization: Bearer` header; undefined when there is no such header. */
export function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : '';
}

/** Verifies a bearer token for `route`, or throws the 401/403 it deserves. */
export async function authenticateToken(ctx: AppContext, route: AnyRoute, presented: string, request: FastifyRequest, reply: FastifyReply) {
  const credential = await ctx.verifier.verify(presented, ['personal_access_token']);
  if (credential === null) {
    await route.onRejectedToken?.(presented, request);
    throw notAuthenticated();
  }
  // Every answer to a request made with a valid token says when it stops working, a 403 too.
  if (credential.expiresAt !== null) reply.header('x-token-expires-at', isoTime(credential.expiresAt));
  const required = route.auth === 'inference' ? ['inference'] : (route.scopes ?? []);
  if (missingScopes(credential.scopes, required).length > 0) throw missingScope(required);
  ctx.lastUsed.record('personal_access_tokens', credential.credentialId, { at: ctx.clock.now(), ip: request.ip, userAgent: userAgentOf(request) });
  return credential;
}

export function accountAuthenticator(ctx: AppContext) {
  return (route: AnyRoute) =>
    async function authenticateAccount(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      const bearer = bearerOf(request);
      if (bearer !== undefined) {
        const credential = await authenticateToken(ctx, route, bearer, request, reply);
        if (route.auth === 'session') throw sessionRequired();
        request.account = {
          via: 'token',
          accountId: credential.accountId,
          tokenId: credential.credentialId,
          scopes: credential.scopes,
          expiresAt: credential.expiresAt,
        };
        return;
      }
      const token = readSessionCookie(request.headers.cookie);
      const session = token === undefined ? undefined : await findActiveSession(ctx.store.db, token, ctx.clock.now());
      if (session === undefined) throw notAuthenticated();
      if (changesState(request.method)) {
        const evidence = originEvidence(originHeaders(request), publicOriginOf(request, ctx.config.publicOrigin));
        if (evidence !== 'same-origin') throw crossOriginRefused();
      }
      request.account = { via: 'session', ...session };
    };
}
