/**
 * The `inference` auth hook for `/v1`: an API key in `x-api-key`. On success the use is
 * queued for the last-used batch; nothing here writes to the database.
 */
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { ApiError, invalidApiKey } from '../http/errors.js';
import { userAgentOf } from '../http/principal.js';

export function inferenceAuthenticator(ctx: AppContext) {
  return async function authenticateInference(request: FastifyRequest): Promise<void> {
    const header = request.headers['x-api-key'];
    let credential;
    try {
      credential = await ctx.verifier.verify(typeof header === 'string' ? header : undefined, ['api_key']);
    } catch (error) {
      // The store could not be asked: refuse (fail closed) rather than guess.
      ctx.logger.error({ err: error, req_id: request.id }, 'credential lookup failed');
      throw new ApiError('SERVICE_UNAVAILABLE', 'Credentials cannot be verified right now', { details: 'Retry shortly', headers: { 'retry-after': '1' } });
    }
    if (credential === null) throw invalidApiKey();
    request.credential = credential;
    ctx.lastUsed.record('api_keys', credential.credentialId, {
      at: ctx.clock.now(),
      ip: request.ip,
      userAgent: userAgentOf(request),
    });
  };
}
