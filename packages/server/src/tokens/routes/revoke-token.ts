/** DELETE /api/v1/tokens/{id} (scope tokens.write): revokes at once; idempotent; the row stays for audit. */

import { recordAudit } from '../../audit/record.js';
import { actorOf, requireAccount } from '../../auth/principal.js';
import type { AppContext } from '../../context.js';
import { notFound } from '../../http/errors.js';
import { defineRoute } from '../../http/route.js';
import { idParamsSchema } from '../../http/values.js';
import { commitCredentialChange } from '../../verify/commit-credential-change.js';
import { tokenStatus, toTokenView } from '../decisions.js';
import { findToken, scheduleTokenRevocation } from '../repository.js';
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
    async handler({ params, request }) {
      const { accountId } = requireAccount(request);
      const now = ctx.clock.now();
      const row = await commitCredentialChange(ctx, async (trx) => {
        const found = await findToken(trx, accountId, params.id);
        if (found === undefined) throw notFound('Token');
        if (tokenStatus(found, now) === 'revoked' || !(await scheduleTokenRevocation(trx, found.id, now, 'revoked'))) {
          return { result: found, invalidated: [] };
        }
        await recordAudit(trx, {
          accountId,
          type: 'token.revoked',
          actor: actorOf(request),
          target: { type: 'personal_access_token', id: found.id },
          metadata: { name: found.name, masked_token: found.masked_token },
          at: now,
        });
        return { result: { ...found, revoked_at: now, revoked_reason: 'revoked' }, invalidated: [found.token_hash] };
      });
      return toTokenView(row, now);
    },
  });
