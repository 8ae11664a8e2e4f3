/**
 * The `inference` auth hook for `/v1`: an API key in `x-api-key`. On success the use is
 * queued for the last-used batch; nothing here writes to the database.
 */
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { invalidApiKey } from '../http/errors.js';
import { userAgentOf } from '../http/principal.js';

export function inferenceAuthenticator(ctx: AppContext) {
  return async function authenticateInference(request: FastifyRequest): Promise<void> {
    const header = request.headers['x-api-key'];
    const credential = await ctx.verifier.verify(typeof header === 'string' ? header : undefined, ['api_key']);
    if (credential === null) throw invalidApiKey();
    request.credential = credential;
    ctx.lastUsed.record('api_keys', credential.credentialId, {
      at: ctx.clock.now(),
      ip: request.ip,
      userAgent: userAgentOf(request),
    });
  };
}
