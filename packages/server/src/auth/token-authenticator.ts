/**
 * The bearer-token authenticator: a personal access token in `Authorization: Bearer`, on
 * the management API and (with the `inference` scope) on `/v1`.
 *
 * Invariants:
 * - A token acts only within its scopes; a missing scope is a 403 naming the accepted ones.
 * - An `Authorization` header that is not a well-formed bearer still counts as a token
 *   presented (and refused): it never falls back to the session cookie or the API key.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import type { AnyRoute } from '../http/route.js';
import { isoTime } from '../http/values.js';
import { missingScopes } from '../tokens/scopes.js';
import type { VerifiedCredential } from '../verify/verifier.js';
import { missingScope, notAuthenticated } from './errors.js';
import { userAgentOf } from './principal.js';

/** The token of an Authorization header: undefined when there is no header, '' when it is not `Bearer <token>`. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? '';
}

/** Verifies a bearer token for `route`, or throws the 401/403 it deserves. */
export async function authenticateToken(
  ctx: AppContext,
  route: AnyRoute,
  presented: string,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<VerifiedCredential> {
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
