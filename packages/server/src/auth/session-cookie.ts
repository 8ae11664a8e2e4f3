/**
 * The console session cookie. Its value is 32 random bytes; the server keeps only their
 * SHA-256, so a database dump cannot be replayed as a session and no server secret exists.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';

export const SESSION_COOKIE = 'skytells_session';
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;

export interface SessionCookiePolicy {
  name: string;
  secure: boolean;
}

/**
 * The cookie's name and `Secure` flag, decided alike when it is set and when it is read.
 * `publicOrigin` is PUBLIC_URL's origin (undefined when not configured); `protocol` is this
 * request's, as far as a trusted proxy says.
 */
export function sessionCookiePolicy(publicOrigin: string | undefined, protocol: string): SessionCookiePolicy {
  // Secure whenever the console is served over https, even when this hop arrived as plain
  // http (TLS ended at a proxy TRUST_PROXY does not name): the browser is on https either way.
  const secure = publicOrigin?.startsWith('https:') === true || protocol === 'https';
  // With Secure, the `__Host-` name: browsers accept it only with Secure, Path=/ and no Domain,
  // so neither a sibling subdomain nor a plain-http page can set or shadow it. Without Secure
  // (plain-http local development) browsers would drop a `__Host-` cookie, so the plain name.
  return secure ? { name: SECURE_SESSION_COOKIE, secure } : { name: SESSION_COOKIE, secure };
}

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * The session token of the cookie called `name` in a Cookie header. Undefined when there is
 * none, when its value is malformed, and when there are several: a second cookie of that name
 * (planted by a sibling subdomain, or a stale one on another path) makes it ambiguous which
 * session the browser meant, and acting as the first would let the planter choose.
 */
export function readSessionCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  const values: string[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) values.push(part.slice(eq + 1).trim());
  }
  if (values.length !== 1) return undefined;
  const [value = ''] = values;
  return /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
}

export function sessionCookie(policy: SessionCookiePolicy, token: string, maxAgeSeconds: number): string {
  // No Domain attribute ever: the cookie belongs to the console's host alone (`__Host-` demands it).
  const attributes = [`${policy.name}=${token}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${maxAgeSeconds}`];
  if (policy.secure) attributes.push('Secure');
  return attributes.join('; ');
}

const policyFor = (ctx: AppContext, request: FastifyRequest) => sessionCookiePolicy(ctx.config.publicOrigin, request.protocol);

/** The session token the request presents, under the cookie name this request's policy reads. */
export function sessionTokenOf(ctx: AppContext, request: FastifyRequest): string | undefined {
  return readSessionCookie(request.headers.cookie, policyFor(ctx, request).name);
}

export function setSessionCookie(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, token: string): void {
  reply.header('set-cookie', sessionCookie(policyFor(ctx, request), token, Math.floor(ctx.config.sessionTtlMs / 1000)));
}

export function clearSessionCookie(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): void {
  reply.header('set-cookie', sessionCookie(policyFor(ctx, request), '', 0));
}
