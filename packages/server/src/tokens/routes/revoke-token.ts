/** DELETE /api/v1/tokens/{id} (scope tokens.write): revokes at once; idempotent; the row stays for audit. See lifecycle/. */
import { actorOf, requireAccount } from '../../auth/principal.js';
import type { AppContext } from '../../context.js';
import { defineRoute } from '../../http/route.js';
import { idParamsSchema } from '../../http/values.js';
import { tokens } from '../../lifecycle/kinds.js';
import { revokeCredential } from '../../lifecycle/revoke.js';
import { tokenSchema } from '../schema.js';

export const revokeTokenRoute = (ctx: AppContext) =>
  defineRoute({
    method: 'DELETE',
    url: '/api/v1/tokens/:id',
    summary: 'Revoke a personal access token',
    tag: 'Tokens',
    auth: 'account',
    scopes: ['tokens.write'],
    params: idParamsSchema,
    response: { status: 200, schema: tokenSchema, description: 'The revoked token; a repeat answers the same' },
    errors: { NOT_FOUND: 'No token with this id in the account' },
    handler: ({ params, request }) =>
      revokeCredential(ctx, tokens, { accountId: requireAccount(request).accountId, id: params.id, actor: actorOf(request) }),
  });
