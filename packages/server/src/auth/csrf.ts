/**
 * Cross-site request forgery defence (docs/credentials.md). A state-changing request that a
 * session cookie authenticates must prove it came from our own origin: an `Origin` equal
 * to the public origin, or `Sec-Fetch-Site: same-origin`. Requests without a cookie (sign-in,
 * sign-up) are refused only on positive evidence of another site.
 */
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
  if (headers.origin === 'null') return 'cross-site';
  return 'unknown';
}

export function changesState(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
}
