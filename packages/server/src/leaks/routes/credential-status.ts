/**
 * POST /api/v1/credentials/status: live, revoked or unknown, for each SHA-256 hash asked.
 * Public (a scanner asks before anyone signs in) and limited per client IP; the secret never
 * travels, and the answer says nothing beyond those three words (no owner, no id, no dates).
 */
import type { AppContext } from '../../context.js';
import { defineRoute } from '../../http/route.js';
import { counterFor, reserveOrRefuse } from '../../throttle/throttle.js';
import { statusOf } from '../decisions.js';
import { credentialsByHash } from '../repository.js';
import { statusBodySchema, statusResponseSchema } from '../schema.js';

export const credentialStatusRoute = (ctx: AppContext) =>
  defineRoute({
    method: 'POST',
    url: '/api/v1/credentials/status',
    summary: 'Whether credentials are live, by hash',
    tag: 'Leak response',
    auth: 'none',
    bodyLimit: ctx.config.publicBodyLimitBytes,
    body: statusBodySchema,
    response: { status: 200, schema: statusResponseSchema, description: 'One status per hash, in the order asked' },
    errors: { RATE_LIMIT_EXCEEDED: 'Too many status requests from this IP address (IPv6: its /64) within the window' },
    async handler({ body, request }) {
      const now = ctx.clock.now();
      await reserveOrRefuse(
        ctx.store.db,
        [counterFor(ctx.config, 'credential_status_ip', request.ip)],
        now,
        'Too many status requests from this address',
      );
      const stored = new Map((await credentialsByHash(ctx.store.db, body.hashes)).map((row) => [row.hash, row]));
      return { results: body.hashes.map((hash) => ({ hash, status: statusOf(stored.get(hash), now) })) };
    },
  });
