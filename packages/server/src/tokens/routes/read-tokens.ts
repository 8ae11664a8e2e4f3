/** GET /api/v1/tokens and GET /api/v1/tokens/{id} (scope tokens.read). Never a secret. */

import { requireAccount } from '../../auth/principal.js';
import type { AppContext } from '../../context.js';
import { notFound } from '../../http/errors.js';
import { offsetOf, pageOf, pageQuerySchema, paginatedSchema } from '../../http/pagination.js';
import { defineRoute } from '../../http/route.js';
import { idParamsSchema } from '../../http/values.js';
import { toTokenView } from '../decisions.js';
import { countTokens, findToken, listTokens } from '../repository.js';
import { tokenSchema } from '../schema.js';

export const readTokenRoutes = (ctx: AppContext) => [
  defineRoute({
    method: 'GET',
    url: '/api/v1/tokens',
    summary: 'List personal access tokens',
    tag: 'Tokens',
    auth: 'account',
    scopes: ['tokens.read'],
    query: pageQuerySchema,
    response: {
      status: 200,
      schema: paginatedSchema(tokenSchema),
      description: 'A page of tokens, newest first; expiring_soon flags those within 7 days of expiry',
    },
    async handler({ query, request }) {
      const { accountId } = requireAccount(request);
      const [rows, total] = await Promise.all([
        listTokens(ctx.store.db, accountId, query.per_page, offsetOf(query)),
        countTokens(ctx.store.db, accountId),
      ]);
      const now = ctx.clock.now();
      return pageOf(
        rows.map((row) => toTokenView(row, now)),
        total,
        query,
      );
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/api/v1/tokens/:id',
    summary: 'Get a personal access token',
    tag: 'Tokens',
    auth: 'account',
    scopes: ['tokens.read'],
    params: idParamsSchema,
    response: { status: 200, schema: tokenSchema, description: 'The token (never its secret)' },
    errors: { NOT_FOUND: 'No token with this id in the account' },
    async handler({ params, request }) {
      const row = await findToken(ctx.store.db, requireAccount(request).accountId, params.id);
      if (row === undefined) throw notFound('Token');
      return toTokenView(row, ctx.clock.now());
    },
  }),
];
