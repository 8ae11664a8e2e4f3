/**
 * Cross-site request forgery defence (docs/credentials.md). A state-changing request that a
 * session cookie authenticates must prove it came from our own origin: an `Origin` equal
 * to the public origin, or `Sec-Fetch-Site: same-origin`. Requests without a cookie (sign-in,
 * sign-up) are refused only on positive evidence of another site.
 */
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { publicOriginOf } from './console-origin.js';
import { crossOriginRefused } from './errors.js';

export type OriginEvidence = 'same-origin' | 'cross-site' | 'unknown';

export interface OriginHeaders {
  origin: string | undefined;
  secFetchSite: string | undefined;
}

export function originEvidence(headers: OriginHeaders, publicOrigin: string): OriginEvidence {
  if (headers.origin !== undefined && headers.origin !== 'null') {
    return headers.origin === publicOrigin ? 'same-origin' : 'cross-site';
  }
  if (headers.secFetchSite === 'same-origin') return 'same-origin';
  if (headers.secFetchSite === 'same-site' || headers.secFetchSite === 'cross-site') return 'cross-site';
  // An opaque origin (sandboxed frame, data: URL, some redirects) is never ours.
  if (headers.origin === 'null') return 'cross-site';
  return 'unknown';
}

export function changesState(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
}

function evidenceOf(ctx: AppContext, request: FastifyRequest): OriginEvidence {
  const { origin, 'sec-fetch-site': secFetchSite } = request.headers;
  const headers = {
    origin: typeof origin === 'string' ? origin : undefined,
    secFetchSite: typeof secFetchSite === 'string' ? secFetchSite : undefined,
  };
  return originEvidence(headers, publicOriginOf(request, ctx.config.publicOrigin));
}

/** For requests without a session yet (sign-up, sign-in): refuse on evidence of another site. */
export function refuseCrossSite(ctx: AppContext, request: FastifyRequest): void {
  if (evidenceOf(ctx, request) === 'cross-site') throw crossOriginRefused();
}

/** For cookie-authenticated requests: a state change needs positive evidence of our own origin. */
export function requireSameOriginChange(ctx: AppContext, request: FastifyRequest): void {
  if (changesState(request.method) && evidenceOf(ctx, request) !== 'same-origin') throw crossOriginRefused();
}
