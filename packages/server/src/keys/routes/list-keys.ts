/** GET /api/v1/keys: the account's keys, newest first, paginated. */

import { requireAccount } from '../../auth/principal.js';
import type { AppContext } from '../../context.js';
import { offsetOf, pageOf, pageQuerySchema, paginatedSchema } from '../../http/pagination.js';
import { defineRoute } from '../../http/route.js';
import { safeString } from '../../http/values.js';
import { toApiKeyView } from '../decisions.js';
import { countKeys, listKeys } from '../repository.js';
import { apiKeySchema } from '../schema.js';

const listKeysQuerySchema = pageQuerySchema.extend({
  search: safeString().max(64).optional().meta({ description: 'Only keys whose name contains this text (case-insensitive)' }),
});

export const listKeysRoute = (ctx: AppContext) =>
  defineRoute({
    method: 'GET',
    url: '/api/v1/keys',
    summary: 'List API keys',
    tag: 'API keys',
    auth: 'account',
    scopes: ['keys.read'],
    query: listKeysQuerySchema,
    response: { status: 200, schema: paginatedSchema(apiKeySchema), description: 'A page of keys, newest first' },
    async handler({ query, request }) {
      const { accountId } = requireAccount(request);
      const [rows, total] = await Promise.all([
        listKeys(ctx.store.db, accountId, query.per_page, offsetOf(query), query.search),
        countKeys(ctx.store.db, accountId, query.search),
      ]);
      const now = ctx.clock.now();
      return pageOf(
        rows.map((row) => toApiKeyView(row, now)),
        total,
        query,
      );
    },
  });
