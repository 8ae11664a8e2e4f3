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

/** Synchronous when the verifier answers from its cache: no promise on the hot path. */
export function authenticateApiKey(ctx: AppContext, request: FastifyRequest): VerifiedCredential | Promise<VerifiedCredential> {
  const presented = request.headers['x-api-key'];
  const verified = ctx.verifier.verify(typeof presented === 'string' ? presented : undefined, ['api_key']);
  return verified instanceof Promise ? verified.then((credential) => accept(ctx, request, credential)) : accept(ctx, request, verified);
}

function accept(ctx: AppContext, request: FastifyRequest, credential: VerifiedCredential | null): VerifiedCredential {
  // Missing, repeated, malformed, unknown, revoked: one answer.
  if (credential === null) throw invalidApiKey();
  ctx.lastUsed.record('api_keys', credential.credentialId, { at: ctx.clock.now(), ip: request.ip, userAgent: userAgentOf(request) });
  return credential;
}
