/**
 * POST /api/v1/keys/{id}/rotate {grace_period_seconds}: a new key with the same name; the old
 * one keeps working through the grace period (default 0: it stops now), then stops on every
 * instance at once (see verify/rotation.ts).
 */
import { z } from 'zod';
import { recordAudit } from '../../audit/record.js';
import { actorOf, requireAccount } from '../../auth/principal.js';
import type { AppContext } from '../../context.js';
import { ApiError, notFound } from '../../http/errors.js';
import { defineRoute } from '../../http/route.js';
import { idParamsSchema } from '../../http/values.js';
import { gracePeriodSchema } from '../../tokens/schema.js';
import { commitCredentialChange } from '../../verify/commit-credential-change.js';
import { alreadyRotated, graceEnd } from '../../verify/rotation.js';
import { issueApiKeyRow } from '../create-api-key.js';
import { keyStatus, toApiKeyView } from '../decisions.js';
import { findKey, insertKey } from '../repository.js';
import { createdApiKeySchema } from '../schema.js';

export const rotateKeyRoute = (ctx: AppContext) =>
  defineRoute({
    method: 'POST',
    url: '/api/v1/keys/:id/rotate',
    summary: 'Rotate an API key, with an optional grace period for the old one',
    tag: 'API keys',
    auth: 'account',
    scopes: ['keys.write'],
    params: idParamsSchema,
    body: z.object({ grace_period_seconds: gracePeriodSchema }),
    response: { status: 201, schema: createdApiKeySchema, description: 'The new key, shown once; the old one ends after the grace period' },
    errors: {
      NOT_FOUND: 'No active API key with this id in the account',
      CONFLICT: 'The key was rotated already: rotate its successor',
    },
    async handler({ params, body, request }) {
      const { accountId } = requireAccount(request);
      const now = ctx.clock.now();
      const { row, secret } = await commitCredentialChange(ctx, async (trx) => {
        const old = await findKey(trx, accountId, params.id);
        if (old === undefined || keyStatus(old, now) !== 'active') throw notFound('API key');
        if (alreadyRotated(old)) throw new ApiError('CONFLICT', 'This key was rotated already', { details: `Its successor is ${old.replaced_by}` });
        const issued = issueApiKeyRow(accountId, old.name, now);
        await insertKey(trx, issued.row);
        await trx
          .updateTable('api_keys')
          .set({ replaced_by: issued.row.id, revoked_at: graceEnd(now, body.grace_period_seconds) })
          .where('id', '=', old.id)
          .execute();
        await recordAudit(trx, {
          accountId,
          type: 'key.rotated',
          actor: actorOf(request),
          target: { type: 'api_key', id: old.id },
          metadata: { replaced_by: issued.row.id, grace_period_seconds: body.grace_period_seconds },
          at: now,
        });
        return { result: issued, invalidated: [old.key_hash, issued.row.key_hash] };
      });
      return { ...toApiKeyView(row, now), key: secret };
    },
  });
