/**
 * POST /api/v1/credentials/revocations/ack: a feed subscriber confirms it dropped the
 * credentials of a `revoked` event; the change that sent it is answered once every subscriber
 * on this instance has (see revocation-feed.ts). Only the subscription's own account can
 * acknowledge for it: another account's acknowledgement changes nothing.
 */
import { requireAccount } from '../../auth/principal.js';
import type { AppContext } from '../../context.js';
import { defineRoute } from '../../http/route.js';
import { revocationAckBodySchema, revocationAckSchema } from '../schema.js';

export const acknowledgeRevocationRoute = (ctx: AppContext) =>
  defineRoute({
    method: 'POST',
    url: '/api/v1/credentials/revocations/ack',
    summary: 'Acknowledge a revocation event of the feed',
    tag: 'Verification',
    auth: 'account',
    scopes: ['credentials.verify'],
    bodyLimit: 1024,
    body: revocationAckBodySchema,
    response: { status: 200, schema: revocationAckSchema, description: 'Whether a change was waiting for this acknowledgement' },
    handler: async ({ body, request }) => ({
      acknowledged: ctx.revocations.acknowledge(requireAccount(request).accountId, body.subscription_id, body.seq),
    }),
  });
