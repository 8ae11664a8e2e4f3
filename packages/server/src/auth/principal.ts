/**
 * Who a request acts for. Set by the authentication hook of the route's `auth` kind (see
 * `route-authenticator.ts`) and read by handlers; a handler of an authenticated route never
 * runs without it. The request decorations authentication owns are declared here and only here.
 */
import { redactCredentials } from '@skytells/credentials';
import type { FastifyRequest } from 'fastify';
import type { AuditActor } from '../audit/record.js';
import type { VerifiedCredential } from '../verify/verifier.js';

/** A console session holds every scope; a personal access token holds its own. */
export type AccountPrincipal =
  | { via: 'session'; accountId: string; sessionId: string }
  | { via: 'token'; accountId: string; tokenId: string; scopes: readonly string[]; expiresAt: number | null };

export type SessionPrincipal = Extract<AccountPrincipal, { via: 'session' }>;

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

export function requireSession(request: FastifyRequest): SessionPrincipal {
  const account = requireAccount(request);
  if (account.via !== 'session') throw new Error('route declared auth "session" but a token was authenticated');
  return account;
}

export function requireCredential(request: FastifyRequest): VerifiedCredential {
  if (request.credential === null) throw new Error('route declared auth "inference" but no credential was verified');
  return request.credential;
}

/**
 * The user agent as it may be logged and stored: any credential in it (a token pasted into
 * a client's User-Agent, in any percent-encoding) masked before it is cut to 512
 * characters, so the cut can never leave a partial, unmasked secret behind.
 */
export function userAgentOf(request: FastifyRequest): string | null {
  const ua = request.headers['user-agent'];
  return typeof ua === 'string' ? storableUserAgent(ua) : null;
}

/** A user agent as sent, made fit to log and store (see `userAgentOf`). */
export const storableUserAgent = (ua: string): string => redactCredentials(ua).slice(0, 512);

/** The audit actor: the session or the token the request came with. */
export function actorOf(request: FastifyRequest): AuditActor {
  const account = request.account;
  return {
    type: account?.via === 'token' ? 'personal_access_token' : 'session',
    id: account === null ? null : account.via === 'token' ? account.tokenId : account.sessionId,
    ip: request.ip,
    userAgent: userAgentOf(request),
  };
}
