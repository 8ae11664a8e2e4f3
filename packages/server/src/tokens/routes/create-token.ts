/** POST /api/v1/tokens: a console session creates a token. No token can (docs/credentials.md). */

import { actorOf, requireSession } from '../../auth/principal.js';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../http/errors.js';
import { defineRoute } from '../../http/route.js';
import { commitCredentialChange } from '../../lifecycle/commit-credential-change.js';
import { resolveExpiry, toTokenView } from '../decisions.js';
import { insertToken } from '../issue-token.js';
import { createdTokenSchema, createTokenBodySchema } from '../schema.js';
import { unknownScopes } from '../scopes.js';

/** The names asked for are never sent back: they are the caller's input, and may be a pasted secret. */
export const invalidScopes = () =>
  new ApiError('INVALID_INPUT', 'Unknown scopes', { details: 'scopes: ask for one or more scopes of the catalogue, such as inference or keys.read' });

export const createTokenRoute = (ctx: AppContext) =>
  defineRoute({
    method: 'POST',
    url: '/api/v1/tokens',
    summary: 'Create a personal access token (console session only)',
    tag: 'Tokens',
    auth: 'session',
    body: createTokenBodySchema,
    response: { status: 201, schema: createdTokenSchema, description: 'The new token, with its secret shown this once' },
    errors: { INVALID_INPUT: 'An unknown scope, or an expiry in the past, beyond the lifetime cap, or absent where the operator requires one' },
    async handler({ body, request }) {
      const { accountId } = requireSession(request);
      const unknown = unknownScopes(ctx.scopes, body.scopes);
      if (unknown.length > 0) throw invalidScopes();
      const now = ctx.clock.now();
      const expiry = resolveExpiry(body, now, ctx.config.patMaxLifetimeDays);
      if ('problem' in expiry) throw new ApiError('INVALID_INPUT', 'Invalid expiration', { details: expiry.problem });
      const { row, secret } = await commitCredentialChange(ctx, async (trx) => {
        const issued = await insertToken(trx, {
          accountId,
          name: body.name,
          scopes: body.scopes,
          expiresAt: expiry.expiresAt,
          createdVia: 'session',
          actor: actorOf(request),
          now,
        });
        return { result: issued, invalidated: [issued.row.token_hash] };
      });
      return { ...toTokenView(row, now), token: secret };
    },
  });
