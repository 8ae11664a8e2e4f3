/** GET /api/v1/account: the signed-in account. */

import { notAuthenticated } from '../../auth/errors.js';
import { requireAccount } from '../../auth/principal.js';
import type { AppContext } from '../../context.js';
import { defineRoute } from '../../http/route.js';
import { findAccountById, toAccountView } from '../repository.js';
import { accountSchema } from '../schema.js';

export const getAccountRoute = (ctx: AppContext) =>
  defineRoute({
    method: 'GET',
    url: '/api/v1/account',
    summary: 'Get the account',
    tag: 'Accounts',
    auth: 'account',
    scopes: ['account.read'],
    response: { status: 200, schema: accountSchema, description: 'The account the request acts for' },
    async handler({ request }) {
      const account = await findAccountById(ctx.store.db, requireAccount(request).accountId);
      if (account === undefined) throw notAuthenticated();
      return toAccountView(account);
    },
  });
