/**
 * GET /api/v1/tokens/self and DELETE /api/v1/tokens/self: the presenting token reads or
 * revokes itself. No scope is needed: whoever holds a token already knows its scopes and
 * expiry (it can try them), and ending it only narrows what the holder can do. This is what
 * `skytells whoami` and `skytells logout` use, whatever scopes the login asked for.
 */
import { notAuthenticated } from '../../auth/errors.js';
import { type AccountPrincipal, actorOf, requireAccount } from '../../auth/principal.js';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../http/errors.js';
import { type AnyRoute, defineRoute } from '../../http/route.js';
import { tokens } from '../../lifecycle/kinds.js';
import { revokeCredential } from '../../lifecycle/revoke.js';
import { toTokenView } from '../decisions.js';
import { findToken } from '../repository.js';
import { tokenSchema } from '../schema.js';

const SESSION_REFUSED = 'Sent with the session cookie: only a token reads or revokes itself';

function presentingToken(principal: AccountPrincipal): Extract<AccountPrincipal, { via: 'token' }> {
  if (principal.via !== 'token') {
    throw new ApiError('INVALID_REQUEST', 'tokens/self is the presenting token', {
      details: 'Send the token as Authorization: Bearer, or use /api/v1/tokens/{id} from the console',
    });
  }
  return principal;
}

export const selfTokenRoutes = (ctx: AppContext): AnyRoute[] => [
  defineRoute({
    method: 'GET',
    url: '/api/v1/tokens/self',
    summary: 'Get the presenting token (no scope needed)',
    tag: 'Tokens',
    auth: 'account',
    response: { status: 200, schema: tokenSchema, description: 'The token the request came with (never its secret)' },
    errors: { INVALID_REQUEST: SESSION_REFUSED },
    async handler({ request }) {
      const token = presentingToken(requireAccount(request));
      const row = await findToken(ctx.store.db, token.accountId, token.tokenId);
      // Credentials are revoked, never deleted: a token that authenticated has its row.
      if (row === undefined) throw notAuthenticated();
      return toTokenView(row, ctx.clock.now());
    },
  }),
  defineRoute({
    method: 'DELETE',
    url: '/api/v1/tokens/self',
    summary: 'Revoke the presenting token (no scope needed): a sign-out for the CLI',
    tag: 'Tokens',
    auth: 'account',
    response: { status: 200, schema: tokenSchema, description: 'The token, revoked' },
    errors: { INVALID_REQUEST: SESSION_REFUSED },
    handler: ({ request }) => {
      const token = presentingToken(requireAccount(request));
      return revokeCredential(ctx, tokens, { accountId: token.accountId, id: token.tokenId, actor: actorOf(request) });
    },
  }),
];
