/** GET /api/v1/usage: requests, predictions, errors and charges per period and key, with totals. */

import { requireAccount } from '../../auth/principal.js';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../http/errors.js';
import { defineRoute } from '../../http/route.js';
import { isoTime } from '../../http/values.js';
import { nanosToUsd } from '../money.js';
import { DAY_MS, usageAggregates } from '../repository.js';
import { usageAggregatesSchema, usageQuerySchema } from '../schema.js';

/** from/to as epoch ms: `to` defaults to now, `from` to 30 days before `to`. */
export function rangeOf(query: { from?: string; to?: string }, now: number): { from: number; to: number } {
  const to = query.to === undefined ? now : Date.parse(query.to);
  const from = query.from === undefined ? to - 30 * DAY_MS : Date.parse(query.from);
  if (from >= to) throw new ApiError('INVALID_INPUT', 'Invalid value for from', { details: 'from: must be before to' });
  return { from, to };
}

export const getUsageRoute = (ctx: AppContext) =>
  defineRoute({
    method: 'GET',
    url: '/api/v1/usage',
    summary: 'Usage aggregates by period and key',
    tag: 'Usage',
    auth: 'account',
    scopes: ['usage.read'],
    query: usageQuerySchema,
    response: { status: 200, schema: usageAggregatesSchema, description: 'Aggregates and totals; charges are exact decimal strings' },
    errors: { INVALID_INPUT: '`from` is not before `to`' },
    async handler({ query, request }) {
      const range = { accountId: requireAccount(request).accountId, ...rangeOf(query, ctx.clock.now()), credentialId: query.key_id };
      const rows = await usageAggregates(ctx.store.db, range, query.granularity);
      const totals = { requests: 0, predictions: 0, errors: 0, charge: 0n };
      const data = rows.map((row) => {
        totals.requests += row.requests;
        totals.predictions += row.predictions;
        totals.errors += row.errors;
        totals.charge += BigInt(row.charge_nanos ?? 0);
        return {
          period: isoTime(row.period),
          key_id: row.credential_id,
          requests: row.requests,
          predictions: row.predictions,
          errors: row.errors,
          charge: nanosToUsd(row.charge_nanos ?? 0),
        };
      });
      return { data, totals: { ...totals, charge: nanosToUsd(totals.charge) } };
    },
  });
