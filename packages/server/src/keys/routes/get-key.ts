/** GET /api/v1/keys/{id}: one key of the account; another account's id is a 404. */

import { requireAccount } from '../../auth/principal.js';
import type { AppContext } from '../../context.js';
import { notFound } from '../../http/errors.js';
import { defineRoute } from '../../http/route.js';
import { idParamsSchema } from '../../http/values.js';
import { toApiKeyView } from '../decisions.js';
import { findKey } from '../repository.js';
import { apiKeySchema } from '../schema.js';

export const getKeyRoute = (ctx: AppContext) =>
  defineRoute({
    method: 'GET',
    url: '/api/v1/keys/:id',
    summary: 'Get an API key',
    tag: 'API keys',
    auth: 'account',
    scopes: ['keys.read'],
    params: idParamsSchema,
    response: { status: 200, schema: apiKeySchema, description: 'The key (never its secret)' },
    errors: { NOT_FOUND: 'No API key with this id in the account' },
    async handler({ params, request }) {
      const row = await findKey(ctx.store.db, requireAccount(request).accountId, params.id);
      if (row === undefined) throw notFound('API key');
      return toApiKeyView(row, ctx.clock.now());
    },
  });
