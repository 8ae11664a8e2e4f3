/**
 * DELETE /api/v1/keys/{id}: revokes a key. Irreversible and idempotent; the row stays for
 * audit. The revocation commits, and the verify cache forgets the key, before the response.
 */

import { recordAudit } from '../../audit/record.js';
import { actorOf, requireAccount } from '../../auth/principal.js';
import type { AppContext } from '../../context.js';
import { notFound } from '../../http/errors.js';
import { defineRoute } from '../../http/route.js';
import { idParamsSchema } from '../../http/values.js';
import { commitCredentialChange } from '../../verify/commit-credential-change.js';
import { decideRevocation, toApiKeyView } from '../decisions.js';
import { findKey, markKeyRevoked } from '../repository.js';
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
    async handler({ params, request }) {
      const { accountId } = requireAccount(request);
      const now = ctx.clock.now();
      const revoked = await commitCredentialChange(ctx, async (trx) => {
        const row = await findKey(trx, accountId, params.id);
        if (row === undefined) throw notFound('API key');
        const decision = decideRevocation(row, now);
        if (decision.action === 'none') return { result: row, invalidated: [] };
        if (!(await markKeyRevoked(trx, row.id, decision.revokedAt))) {
          return { result: (await findKey(trx, accountId, row.id))!, invalidated: [row.key_hash] };
        }
        await recordAudit(trx, {
          accountId,
          type: 'key.revoked',
          actor: actorOf(request),
          target: { type: 'api_key', id: row.id },
          metadata: { name: row.name, masked_key: row.masked_key },
          at: now,
        });
        return { result: { ...row, revoked_at: decision.revokedAt }, invalidated: [row.key_hash] };
      });
      return toApiKeyView(revoked, now);
    },
  });
