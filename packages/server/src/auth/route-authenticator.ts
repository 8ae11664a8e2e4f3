/**
 * How a route's `auth` kind picks the hook that authenticates its requests. The hook runs
 * on `onRequest`, before the body is read, and sets the request's principal (`principal.ts`).
 *
 * - `none`: no hook.
 * - `session`, `account`: a bearer token when the request sends `Authorization`, otherwise
 *   the session cookie. A token can never do what needs a session (`session` routes): that
 *   is how no credential mints a broader one. API keys never authenticate here.
 * - `inference`: an API key when the request sends `x-api-key`, otherwise a bearer token
 *   with the `inference` scope. Every refusal is the `/v1` surface's one 401.
 */
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler, onRequestHookHandler } from 'fastify';
import type { AppContext } from '../context.js';
import { ApiError } from '../http/errors.js';
import type { Authenticate } from '../http/register-route.js';
import type { AnyRoute, RouteAuth } from '../http/route.js';
import type { VerifiedCredential } from '../verify/verifier.js';
import { authenticateApiKey } from './api-key-authenticator.js';
import { cannotVerify, invalidApiKey, sessionRequired } from './errors.js';
import { authenticateSession } from './session-authenticator.js';
import { authenticateToken, bearerToken } from './token-authenticator.js';

export type Authenticator = 'public' | 'session-or-token' | 'api-key-or-token';

/** The one place a route's auth kind becomes an authenticator; a new kind fails to compile here. */
export function authenticatorFor(auth: RouteAuth): Authenticator {
  switch (auth) {
    case 'none':
      return 'public';
    case 'session':
    case 'account':
      return 'session-or-token';
    case 'inference':
      return 'api-key-or-token';
    default: {
      const unknown: never = auth;
      throw new Error(`route auth ${String(unknown)} has no authenticator`);
    }
  }
}

function sessionOrToken(ctx: AppContext, route: AnyRoute): onRequestAsyncHookHandler {
  return async function authenticateAccount(request, reply) {
    const bearer = bearerToken(request.headers.authorization);
    if (bearer === undefined) {
      request.account = await authenticateSession(ctx, request);
      return;
    }
    const credential = await authenticateToken(ctx, route, bearer, request, reply);
    if (route.auth === 'session') throw sessionRequired();
    request.account = {
      via: 'token',
      accountId: credential.accountId,
      tokenId: credential.credentialId,
      scopes: credential.scopes,
      expiresAt: credential.expiresAt,
    };
  };
}

/**
 * Callback-style, not async: a key the verifier has cached is accepted synchronously, so the
 * hot path of every /v1 request allocates no promise and waits for no microtask.
 */
function apiKeyOrToken(ctx: AppContext, route: AnyRoute): onRequestHookHandler {
  const refusal = (request: FastifyRequest, error: unknown): ApiError => {
    // A refused token gets the same 401 as a refused key: /v1 has one answer for both.
    if (error instanceof ApiError) return error.httpStatus === 401 ? invalidApiKey() : error;
    // The store could not be asked: fail closed with a 503 rather than guess.
    ctx.logger.error({ err: error, req_id: request.id }, 'credential lookup failed');
    return cannotVerify();
  };
  const authenticate = (request: FastifyRequest, reply: FastifyReply): VerifiedCredential | Promise<VerifiedCredential> => {
    const bearer = request.headers['x-api-key'] === undefined ? bearerToken(request.headers.authorization) : undefined;
    return bearer === undefined ? authenticateApiKey(ctx, request) : authenticateToken(ctx, route, bearer, request, reply);
  };
  return function authenticateInference(request, reply, done) {
    let outcome: VerifiedCredential | Promise<VerifiedCredential>;
    try {
      outcome = authenticate(request, reply);
    } catch (error) {
      done(refusal(request, error));
      return;
    }
    if (!(outcome instanceof Promise)) {
      request.credential = outcome;
      done();
      return;
    }
    outcome.then(
      (credential) => {
        request.credential = credential;
        done();
      },
      (error: unknown) => done(refusal(request, error)),
    );
  };
}

/** The `Authenticate` that `registerRoute` calls for each route: its hook, or none for public routes. */
export function routeAuthenticator(ctx: AppContext): Authenticate {
  const hooks = { 'session-or-token': sessionOrToken, 'api-key-or-token': apiKeyOrToken } as const;
  return (route) => {
    const authenticator = authenticatorFor(route.auth);
    return authenticator === 'public' ? undefined : hooks[authenticator](ctx, route);
  };
}
