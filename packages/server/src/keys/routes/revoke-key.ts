/**
 * DELETE /api/v1/keys/{id}: revokes a key. Irreversible and idempotent; the row stays for
 * audit. The revocation commits, and the verify cache forgets the key, before the response.
 */
import { actorOf, requireAccount } from '../../auth/principal.js';
import type { AppContext } from '../../context.js';
import { defineRoute } from '../../http/route.js';
import { idParamsSchema } from '../../http/values.js';
import { apiKeys } from '../../lifecycle/kinds.js';
import { revokeCredential } from '../../lifecycle/revoke.js';
import { apiKeySchema } from '../schema.js';

export const revokeKeyRoute = (ctx: AppContext) =>
  defineRoute({
    method: 'DELETE',
    url: '/api/v1/keys/:id',
    summary: 'Revoke an API key',
    tag: 'API keys',
    auth: 'account',
    scopes: ['keys.write'],
    params: idParamsSchema,
    response: { status: 200, schema: apiKeySchema, description: 'The revoked key; a repeat answers the same' },
    errors: { NOT_FOUND: 'No API key with this id in the account' },
    handler: ({ params, request }) =>
      revokeCredential(ctx, apiKeys, { accountId: requireAccount(request).accountId, id: params.id, actor: actorOf(request) }),
  });
