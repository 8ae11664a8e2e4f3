/**
 * Who a request acts for. Set by the authentication hook of the route's `auth` kind and
 * read by handlers; a handler of an authenticated route never runs without it.
 */
import type { FastifyRequest } from 'fastify';
import type { AuditActor } from '../audit/record.js';
import type { VerifiedCredential } from '../verify/verifier.js';

export interface AccountPrincipal {
  accountId: string;
  sessionId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    account: AccountPrincipal | null;
    credential: VerifiedCredential | null;
  }
}

export function requireAccount(request: FastifyRequest): AccountPrincipal {
  if (request.account === null) throw new Error('route declared auth "account" but no account was authenticated');
  return request.account;
}

export function requireCredential(request: FastifyRequest): VerifiedCredential {
  if (request.credential === null) throw new Error('route declared auth "inference" but no credential was verified');
  return request.credential;
}

export function userAgentOf(request: FastifyRequest): string | null {
  const ua = request.headers['user-agent'];
  return typeof ua === 'string' ? ua.slice(0, 512) : null;
}

export function actorOf(request: FastifyRequest): AuditActor {
  return {
    type: 'session',
    id: request.account?.sessionId ?? null,
    ip: request.ip,
    userAgent: userAgentOf(request),
  };
}

/** The origin cookie-authenticated requests must come from: PUBLIC_URL's, else the request's own. */
export function publicOriginOf(request: FastifyRequest, configured: string | undefined): string {
  return configured ?? `${request.protocol}://${request.host}`;
}
