/** POST /api/v1/keys: creates a key and returns the full secret, once. */

import { actorOf, requireAccount } from '../../auth/principal.js';
import type { AppContext } from '../../context.js';
import { defineRoute } from '../../http/route.js';
import { createApiKey, ISSUE_KEY_SCOPES } from '../create-api-key.js';
import { toApiKeyView } from '../decisions.js';
import { createdApiKeySchema, createKeyBodySchema } from '../schema.js';

export const createKeyRoute = (ctx: AppContext) =>
  defineRoute({
    method: 'POST',
    url: '/api/v1/keys',
    summary: 'Create an API key',
    tag: 'API keys',
    auth: 'account',
    scopes: ISSUE_KEY_SCOPES,
    body: createKeyBodySchema,
    response: { status: 201, schema: createdApiKeySchema, description: 'The new key, with its secret shown this once' },
    async handler({ body, request }) {
      const { accountId } = requireAccount(request);
      const { row, secret } = await createApiKey(ctx, { accountId, name: body.name, actor: actorOf(request) });
      return { ...toApiKeyView(row, ctx.clock.now()), key: secret };
    },
  });
