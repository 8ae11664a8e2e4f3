/**
 * The `inference` auth hook for `/v1`: an API key in `x-api-key`, or a personal access token
 * with the `inference` scope as a bearer. On success the use is queued for the last-used
 * batch; nothing here writes to the database.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { ApiError, invalidApiKey } from '../http/errors.js';
import type { AnyRoute } from '../http/route.js';
import type { VerifiedCredential } from '../verify/verifier.js';
import { authenticateToken, bearerOf } from './account-authenticator.js';
import { userAgentOf } from './principal.js';

/** The store could not be asked: refuse (fail closed) rather than guess. */
const cannotVerify = () =>
  new ApiError('SERVICE_UNAVAILABLE', 'Credentials cannot be verified right now', { details: 'Retry shortly', headers: { 'retry-after': '1' } });

export function inferenceAuthenticator(ctx: AppContext) {
  return (route: AnyRoute) =>
    async function authenticateInference(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      const apiKey = request.headers['x-api-key'];
      const bearer = apiKey === undefined ? bearerOf(request) : undefined;
      let credential: VerifiedCredential | null;
      try {
        if (bearer !== undefined) {
          credential = await authenticateToken(ctx, route, bearer, request, reply).catch((error: unknown) => {
            if (error instanceof ApiError && error.httpStatus === 401) throw invalidApiKey();
            throw error;
          });
        } else {
          credential = await ctx.verifier.verify(typeof apiKey === 'string' ? apiKey : undefined, ['api_key']);
          if (credential !== null) {
            ctx.lastUsed.record('api_keys', credential.credentialId, { at: ctx.clock.now(), ip: request.ip, userAgent: userAgentOf(request) });
          }
        }
      } catch (error) {
        if (error instanceof ApiError) throw error;
        ctx.logger.error({ err: error, req_id: request.id }, 'credential lookup failed');
        throw cannotVerify();
      }
      if (credential === null) throw invalidApiKey();
      request.credential = credential;
    };
}
