/**
 * Token rotation: POST /api/v1/tokens/{id}/rotate (console session) and
 * POST /api/v1/tokens/self/rotate (the presenting token, scope tokens.write).
 *
 * The new token has the same or fewer scopes (wider is a 403) and joins the old one's
 * family; the old one keeps working for `grace_period_seconds`, then stops everywhere.
 * A token that already has a successor and is used to rotate is a sign of theft (GitLab's
 * rule): the whole family is revoked, and the audit log says why. See lifecycle/.
 */
import { hashCredential, isCredential } from '@skytells/credentials';
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { notAuthenticated } from '../../auth/errors.js';
import { type AccountPrincipal, actorOf, requireAccount, requireSession } from '../../auth/principal.js';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../http/errors.js';
import { type AnyRoute, defineRoute } from '../../http/route.js';
import { idParamsSchema } from '../../http/values.js';
import { alreadyRotated } from '../../lifecycle/decisions.js';
import { tokens } from '../../lifecycle/kinds.js';
import { revokeFamily } from '../../lifecycle/revoke-family.js';
import { rotateCredential } from '../../lifecycle/rotate.js';
import { findToken, findTokenByHash } from '../repository.js';
import { createdTokenSchema, rotateTokenBodySchema } from '../schema.js';

async function rotate(
  ctx: AppContext,
  request: FastifyRequest,
  principal: AccountPrincipal,
  id: string,
  body: z.output<typeof rotateTokenBodySchema>,
) {
  const { view, secret } = await rotateCredential(ctx, tokens, {
    accountId: principal.accountId,
    id,
    actor: actorOf(request),
    by: principal.via,
    gracePeriodSeconds: body.grace_period_seconds,
    scopes: body.scopes,
    expiresInDays: body.expires_in_days,
  });
  return { ...view, token: secret };
}

export const rotateTokenRoutes = (ctx: AppContext): AnyRoute[] => [
  defineRoute({
    method: 'POST',
    url: '/api/v1/tokens/:id/rotate',
    summary: 'Rotate a token (console session): same or fewer scopes, optional grace period',
    tag: 'Tokens',
    auth: 'session',
    params: idParamsSchema,
    body: rotateTokenBodySchema,
    response: { status: 201, schema: createdTokenSchema, description: 'The new token, shown once; the old one ends after the grace period' },
    errors: {
      NOT_FOUND: 'No active token with this id in the account',
      CONFLICT: 'The token was rotated already: rotate its successor',
      FORBIDDEN: {
        when: 'The new scopes are not a subset of the old ones (`x-accepted-scopes` names those allowed)',
        headers: ['x-accepted-scopes'],
      },
      INVALID_INPUT: 'The new expiry is beyond the lifetime cap, or absent where the operator requires one',
    },
    handler: ({ params, body, request }) => rotate(ctx, request, requireSession(request), params.id, body),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/v1/tokens/self/rotate',
    summary: 'Rotate the presenting token into one with the same or fewer scopes',
    tag: 'Tokens',
    auth: 'account',
    scopes: ['tokens.write'],
    body: rotateTokenBodySchema,
    response: { status: 201, schema: createdTokenSchema, description: 'The new token, shown once; the old one ends after the grace period' },
    errors: {
      INVALID_REQUEST: 'Sent with the session cookie: only a token rotates itself',
      UNAUTHORIZED: 'The token was rotated already and is used again: its whole family is revoked, as stolen',
      NOT_FOUND: 'The token is no longer active',
      CONFLICT: 'A concurrent rotation of the same token won',
      FORBIDDEN: 'The new scopes are not a subset of the old ones (`x-accepted-scopes` names those allowed)',
      INVALID_INPUT: 'The new expiry is beyond the lifetime cap, or absent where the operator requires one',
    },
    // A dead token presented here may be a rotated-out one in a thief's hands.
    async onRejectedToken(presented, request) {
      if (!isCredential(presented, 'personal_access_token')) return;
      const reused = await findTokenByHash(ctx.store.db, hashCredential(presented));
      if (reused === undefined || !alreadyRotated(reused) || reused.revoked_reason === 'family_revoked') return;
      await revokeFamily(ctx, reused, { type: 'personal_access_token', id: reused.id, ip: request.ip, userAgent: null });
    },
    async handler({ body, request }) {
      const principal = requireAccount(request);
      if (principal.via !== 'token') {
        throw new ApiError('INVALID_REQUEST', 'self/rotate rotates the presenting token', {
          details: 'Send the token as Authorization: Bearer, or use /api/v1/tokens/{id}/rotate from the console',
        });
      }
      const old = await findToken(ctx.store.db, principal.accountId, principal.tokenId);
      if (old === undefined) throw notAuthenticated();
      if (alreadyRotated(old)) {
        // Still inside its grace period, yet rotated again: the same sign of theft.
        await revokeFamily(ctx, old, actorOf(request));
        throw notAuthenticated();
      }
      return rotate(ctx, request, principal, old.id, body);
    },
  }),
];
