/**
 * The API-key authenticator: `x-api-key` on `/v1`. The verifier checks the key's shape and
 * checksum with no I/O, then its cache, then one indexed query; nothing here writes to the
 * database. The key's last use is taken from its usage sample when the request finishes
 * (usage-batch.ts), not recorded here.
 */
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { type MaybePromise, whenReady } from '../maybe-promise.js';
import type { VerifiedCredential } from '../verify/verifier.js';
import { invalidApiKey } from './errors.js';

/** Synchronous when the verifier answers from its cache: no promise on the hot path. */
export function authenticateApiKey(ctx: AppContext, request: FastifyRequest): MaybePromise<VerifiedCredential> {
  const presented = request.headers['x-api-key'];
  return whenReady(ctx.verifier.verify(typeof presented === 'string' ? presented : undefined, ['api_key']), accept);
}

function accept(credential: VerifiedCredential | null): VerifiedCredential {
  // Missing, repeated, malformed, unknown, revoked: one answer.
  if (credential === null) throw invalidApiKey();
  return credential;
}
