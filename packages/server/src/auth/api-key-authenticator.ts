/**
 * The API-key authenticator: `x-api-key` on `/v1`. The verifier checks the key's shape and
 * checksum with no I/O, then its cache, then one indexed query; the use is only queued for
 * the last-used batch, so nothing here writes to the database.
 */
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import type { VerifiedCredential } from '../verify/verifier.js';
import { invalidApiKey } from './errors.js';
import { userAgentOf } from './principal.js';

export async function authenticateApiKey(ctx: AppContext, request: FastifyRequest): Promise<VerifiedCredential> {
  const presented = request.headers['x-api-key'];
  const credential = await ctx.verifier.verify(typeof presented === 'string' ? presented : undefined, ['api_key']);
  // Missing, repeated, malformed, unknown, revoked: one answer.
  if (credential === null) throw invalidApiKey();
  ctx.lastUsed.record('api_keys', credential.credentialId, { at: ctx.clock.now(), ip: request.ip, userAgent: userAgentOf(request) });
  return credential;
}
