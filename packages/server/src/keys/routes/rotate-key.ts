/**
 * POST /api/v1/keys/{id}/rotate {grace_period_seconds}: a new key with the same name; the old
 * one keeps working through the grace period (default 0: it stops now), then stops on every
 * instance at once (see lifecycle/).
 */
import { z } from 'zod';
import { actorOf, requireAccount } from '../../auth/principal.js';
import type { AppContext } from '../../context.js';
import { defineRoute } from '../../http/route.js';
import { idParamsSchema } from '../../http/values.js';
import { apiKeys } from '../../lifecycle/kinds.js';
import { rotateCredential } from '../../lifecycle/rotate.js';
import { gracePeriodSchema } from '../../tokens/schema.js';
import { ISSUE_KEY_SCOPES } from '../create-api-key.js';
import { createdApiKeySchema } from '../schema.js';

export const rotateKeyRoute = (ctx: AppContext) =>
  defineRoute({
    method: 'POST',
    url: '/api/v1/keys/:id/rotate',
    summary: 'Rotate an API key, with an optional grace period for the old one',
    tag: 'API keys',
    auth: 'account',
    // Rotation issues a key: exactly what creating one needs.
    scopes: ISSUE_KEY_SCOPES,
    params: idParamsSchema,
    body: z.object({ grace_period_seconds: gracePeriodSchema }),
    response: { status: 201, schema: createdApiKeySchema, description: 'The new key, shown once; the old one ends after the grace period' },
    errors: {
      NOT_FOUND: 'No active API key with this id in the account',
      CONFLICT: 'The key was rotated already: rotate its successor',
    },
    async handler({ params, body, request }) {
      const principal = requireAccount(request);
      const { view, secret } = await rotateCredential(ctx, apiKeys, {
        accountId: principal.accountId,
        id: params.id,
        actor: actorOf(request),
        by: principal.via,
        gracePeriodSeconds: body.grace_period_seconds,
      });
      return { ...view, key: secret };
    },
  });
