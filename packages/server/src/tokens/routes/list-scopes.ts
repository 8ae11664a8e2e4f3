/**
 * GET /api/v1/scopes: the scopes a token may hold on this server, what each allows, and the
 * expiration windows a new token may take, so that a client (the console's token form) shows
 * the server's own catalogue and limits instead of a copy of them.
 */
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { defineRoute } from '../../http/route.js';
import { EXPIRATION_WINDOWS_DAYS } from '../schema.js';
import { SCOPE_MEANINGS } from '../scopes.js';

export const scopeCatalogueSchema = z.object({
  data: z.array(z.object({ name: z.string(), description: z.string() })),
  expiration: z.object({
    windows_days: z.array(z.number().int()).meta({ description: 'The values expires_in_days accepts' }),
    max_lifetime_days: z.number().int().nullable().meta({ description: "This server's cap on a token's lifetime; null: none" }),
    allows_no_expiry: z.boolean().meta({ description: 'Whether `"expires_at": null` (a token that never expires) is accepted' }),
  }),
});

export const listScopesRoute = (ctx: AppContext) =>
  defineRoute({
    method: 'GET',
    url: '/api/v1/scopes',
    summary: 'List the token scopes and expiration windows',
    tag: 'Tokens',
    auth: 'account',
    scopes: ['tokens.read'],
    response: { status: 200, schema: scopeCatalogueSchema, description: 'The scope catalogue, default scopes first, then the operator’s' },
    async handler() {
      const max = ctx.config.patMaxLifetimeDays ?? null;
      return {
        data: [
          ...Object.entries(SCOPE_MEANINGS).map(([name, description]) => ({ name, description })),
          ...ctx.config.extraScopes.map((name) => ({ name, description: "Defined by this server's operator for its other services" })),
        ],
        expiration: {
          windows_days: EXPIRATION_WINDOWS_DAYS.filter((days) => max === null || days <= max),
          max_lifetime_days: max,
          allows_no_expiry: max === null,
        },
      };
    },
  });
