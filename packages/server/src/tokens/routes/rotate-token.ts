/**
 * Token rotation: POST /api/v1/tokens/{id}/rotate (console session) and
 * POST /api/v1/tokens/self/rotate (the presenting token, scope tokens.write).
 *
 * The new token has the same or fewer scopes (wider is a 403) and joins the old one's
 * family; the old one keeps working for `grace_period_seconds`, then stops everywhere.
 * A token that already has a successor and is used to rotate is a sign of theft (GitLab's
 * rule): the whole family is revoked, and the audit log says why.
 */
import { hashCredential, isCredential } from '@skytells/credentials';
import type { FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import type { z } from 'zod';
import { type AuditActor, recordAudit, recordAuditWithNotification } from '../../audit/record.js';
import { missingScope } from '../../auth/account-authenticator.js';
import { actorOf, requireAccount, requireSession } from '../../auth/principal.js';
import type { AppContext } from '../../context.js';
import { ApiError, notAuthenticated, notFound } from '../../http/errors.js';
import { type AnyRoute, defineRoute } from '../../http/route.js';
import { idParamsSchema } from '../../http/values.js';
import type { Database } from '../../store/schema.js';
import { commitCredentialChange } from '../../verify/commit-credential-change.js';
import { alreadyRotated, graceEnd } from '../../verify/rotation.js';
import { rotatedExpiry, scopesOf, type TokenRow, tokenStatus, toTokenView } from '../decisions.js';
import { insertToken } from '../issue-token.js';
import { findToken, findTokenByHash } from '../repository.js';
import { createdTokenSchema, rotateTokenBodySchema } from '../schema.js';
import { widensScopes } from '../scopes.js';

const FAMILY_REVOKED_REASON = 'a rotated-out token was used to rotate: treated as stolen';

/** Revokes every token of `family` now; returns their hashes for invalidation. */
async function revokeFamily(trx: Transaction<Database>, reused: TokenRow, actor: AuditActor, now: number): Promise<string[]> {
  const members = await trx.selectFrom('personal_access_tokens').select(['id', 'token_hash']).where('family_id', '=', reused.family_id).execute();
  await trx
    .updateTable('personal_access_tokens')
    .set({ revoked_at: now, revoked_reason: 'family_revoked' })
    .where('family_id', '=', reused.family_id)
    .where((eb) => eb.or([eb('revoked_at', 'is', null), eb('revoked_at', '>', now)]))
    .execute();
  await recordAuditWithNotification(trx, {
    accountId: reused.account_id,
    type: 'token.family_revoked',
    actor,
    target: { type: 'personal_access_token', id: reused.id },
    metadata: { reason: FAMILY_REVOKED_REASON, family_id: reused.family_id, revoked: members.map((m) => m.id).join(' ') },
    at: now,
  });
  return members.map((m) => m.token_hash);
}

async function rotate(ctx: AppContext, request: FastifyRequest, old: TokenRow, body: z.output<typeof rotateTokenBodySchema>) {
  const now = ctx.clock.now();
  if (tokenStatus(old, now) !== 'active') throw notFound('Token');
  const currentScopes = scopesOf(old);
  const scopes = body.scopes ?? currentScopes;
  if (widensScopes(currentScopes, scopes)) throw missingScope(currentScopes);
  const expiry = rotatedExpiry(old, body.expires_in_days, now, ctx.config.patMaxLifetimeDays);
  if ('problem' in expiry) throw new ApiError('INVALID_INPUT', 'Invalid expiration', { details: expiry.problem });
  const oldEnd = graceEnd(now, body.grace_period_seconds);
  const { row, secret } = await commitCredentialChange(ctx, async (trx) => {
    const issued = await insertToken(trx, {
      accountId: old.account_id,
      name: old.name,
      scopes,
      expiresAt: expiry.expiresAt,
      createdVia: 'rotation',
      familyId: old.family_id,
      actor: actorOf(request),
      now,
    });
    const claimed = await trx
      .updateTable('personal_access_tokens')
      .set({ replaced_by: issued.row.id, revoked_at: oldEnd, revoked_reason: 'rotated' })
      .where('id', '=', old.id)
      .where('replaced_by', 'is', null)
      .executeTakeFirst();
    if (claimed.numUpdatedRows !== 1n) throw new ApiError('CONFLICT', 'This token was rotated already', { details: 'Use its successor' });
    await recordAudit(trx, {
      accountId: old.account_id,
      type: 'token.rotated',
      actor: actorOf(request),
      target: { type: 'personal_access_token', id: old.id },
      metadata: { replaced_by: issued.row.id, grace_period_seconds: body.grace_period_seconds, scopes: scopes.join(' ') },
      at: now,
    });
    return { result: issued, invalidated: [old.token_hash, issued.row.token_hash] };
  });
  return { ...toTokenView(row, now), token: secret };
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
    async handler({ params, body, request }) {
      const old = await findToken(ctx.store.db, requireSession(request).accountId, params.id);
      if (old === undefined) throw notFound('Token');
      if (alreadyRotated(old)) throw new ApiError('CONFLICT', 'This token was rotated already', { details: `Its successor is ${old.replaced_by}` });
      return rotate(ctx, request, old, body);
    },
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
      await commitCredentialChange(ctx, async (trx) => ({
        result: undefined,
        invalidated: await revokeFamily(
          trx,
          reused,
          { type: 'personal_access_token', id: reused.id, ip: request.ip, userAgent: null },
          ctx.clock.now(),
        ),
      }));
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
        await commitCredentialChange(ctx, async (trx) => ({
          result: undefined,
          invalidated: await revokeFamily(trx, old, actorOf(request), ctx.clock.now()),
        }));
        throw notAuthenticated();
      }
      return rotate(ctx, request, old, body);
    },
  }),
];
