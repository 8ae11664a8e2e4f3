/**
 * Which error envelopes a route can answer with, read from its declaration: those its auth,
 * method and inputs imply, then those it declares itself. The OpenAPI document lists them,
 * and test servers refuse any other (answer-check.ts), so the list stays true.
 */
import type { ErrorId } from './errors.js';
import type { AnyRoute } from './route.js';

/** Error id → each reason this route has to answer it, in a stable order. */
export type RouteErrors = ReadonlyMap<ErrorId, readonly string[]>;

export function errorsOf(route: AnyRoute): RouteErrors {
  const errors = new Map<ErrorId, string[]>();
  const add = (id: ErrorId, when: string) => errors.set(id, [...(errors.get(id) ?? []), when]);
  const changesState = route.method !== 'GET';

  if (route.auth === 'inference') {
    add('UNAUTHORIZED', 'No valid API key or token: missing, malformed, unknown, revoked and expired all get this same answer');
    add('FORBIDDEN', 'A personal access token without the `inference` scope (`x-accepted-scopes` names it)');
    add('SERVICE_UNAVAILABLE', 'The credential store cannot be reached, so the credential cannot be verified (`Retry-After`)');
  } else if (route.auth !== 'none') {
    add('UNAUTHORIZED', 'No valid session or token: missing, malformed, unknown, revoked and expired all get this same answer');
    if (route.auth === 'session') add('FORBIDDEN', 'A personal access token was sent: this needs the console session');
    else add('FORBIDDEN', 'The token lacks a scope this needs (`x-accepted-scopes` and `error.accepted_scopes` name them)');
    if (changesState) add('FORBIDDEN', 'Cookie-authenticated, but neither `Origin` nor `Sec-Fetch-Site` shows it comes from the console');
  }
  if (changesState) {
    add('INVALID_REQUEST', `A malformed body, or a content type other than JSON${route.acceptsForm ? ' or a form' : ''}`);
    add('PAYLOAD_TOO_LARGE', 'The body exceeds the size limit');
  }
  if (route.params || route.query || route.body) add('INVALID_INPUT', 'A parameter or field fails validation; `details` names it');
  for (const [id, when] of Object.entries(route.errors ?? {}) as Array<[ErrorId, string]>) add(id, when);
  return errors;
}
