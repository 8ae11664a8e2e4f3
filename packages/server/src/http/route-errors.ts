/**
 * Which error envelopes a route can answer with, read from its declaration: those its auth,
 * method and inputs imply, then those it declares itself, each with the headers it may carry.
 * The OpenAPI document lists them, and test servers refuse any other (answer-check.ts), so
 * the list stays true.
 */
import type { ErrorId } from './errors.js';
import type { AnyRoute, DeclaredError, ErrorHeader } from './route.js';

/** One reason to answer an error, and the headers that answer carries besides `x-request-id`. */
export interface ErrorReason {
  when: string;
  headers: readonly ErrorHeader[];
}

/** Error id → each reason the route has to answer it, in a stable order. */
export type RouteErrors = ReadonlyMap<ErrorId, readonly ErrorReason[]>;

export function errorsOf(route: AnyRoute): RouteErrors {
  const errors = new Map<ErrorId, ErrorReason[]>();
  const add = (id: ErrorId, when: string, headers: readonly ErrorHeader[] = []) => {
    // A throttle always says when to come back.
    const reason = { when, headers: id === 'RATE_LIMIT_EXCEEDED' ? ['retry-after' as const, ...headers] : headers };
    errors.set(id, [...(errors.get(id) ?? []), reason]);
  };
  const changesState = route.method !== 'GET';

  if (route.auth === 'inference') {
    add('UNAUTHORIZED', 'No valid API key or token: missing, malformed, unknown, revoked and expired all get this same answer');
    add('FORBIDDEN', 'A personal access token without the `inference` scope (`x-accepted-scopes` names it)', ['x-accepted-scopes']);
    add('SERVICE_UNAVAILABLE', 'The credential store cannot be reached, so the credential cannot be verified', ['retry-after']);
  } else if (route.auth !== 'none') {
    add('UNAUTHORIZED', 'No valid session or token: missing, malformed, unknown, revoked and expired all get this same answer');
    if (route.auth === 'session') add('FORBIDDEN', 'A personal access token was sent: this needs the console session');
    else add('FORBIDDEN', 'The token lacks a scope this needs (`x-accepted-scopes` and `error.accepted_scopes` name them)', ['x-accepted-scopes']);
    if (changesState) add('FORBIDDEN', 'Cookie-authenticated, but neither `Origin` nor `Sec-Fetch-Site` shows it comes from the console');
  }
  if (changesState) {
    add('INVALID_REQUEST', `A malformed body, or a content type other than JSON${route.acceptsForm ? ' or a form' : ''}`);
    add('PAYLOAD_TOO_LARGE', 'The body exceeds the size limit');
  }
  if (route.params || route.query || route.body) add('INVALID_INPUT', 'A parameter or field fails validation; `details` names it');
  for (const [id, declared] of Object.entries(route.errors ?? {}) as Array<[ErrorId, DeclaredError]>) {
    if (typeof declared === 'string') add(id, declared);
    else add(id, declared.when, declared.headers);
  }
  return errors;
}
