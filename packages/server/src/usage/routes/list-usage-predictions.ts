/**
 * GET /api/v1/usage/predictions: one key's (or token's) predictions in a window, each with its
 * charge, newest first: the console's drill-down after a suspected leak ("which predictions
 * did this key pay for while it was exposed"). Inputs and outputs are not part of it.
 */
import { z } from 'zod';
import { requireAccount } from '../../auth/principal.js';
import type { AppContext } from '../../context.js';
import { offsetOf, pageOf, pageQuerySchema, paginatedSchema } from '../../http/pagination.js';
import { defineRoute } from '../../http/route.js';
import { isoTime, isoTimeSchema, safeString } from '../../http/values.js';
import { countPredictions, listPredictions } from '../../inference/predictions/repository.js';
import { nanosToUsd } from '../money.js';
import { rangeOf } from './get-usage.js';

const usagePredictionsQuerySchema = pageQuerySchema.extend({
  key_id: safeString().max(64).meta({ description: 'The key (or token) whose predictions to list' }),
  from: z.iso.datetime({ offset: true }).optional().meta({ description: 'Start (inclusive); default 30 days before `to`' }),
  to: z.iso.datetime({ offset: true }).optional().meta({ description: 'End (exclusive); default now' }),
});

const usagePredictionSchema = z.object({
  id: z.string(),
  model: z.string(),
  status: z.enum(['queued', 'processing', 'succeeded', 'failed', 'canceled']),
  charge: z.string().meta({ description: 'USD, as a decimal string', example: '0.0075' }),
  created_at: isoTimeSchema,
  completed_at: isoTimeSchema.nullable(),
});

export const listUsagePredictionsRoute = (ctx: AppContext) =>
  defineRoute({
    method: 'GET',
    url: '/api/v1/usage/predictions',
    summary: "A key's predictions and their charges",
    tag: 'Usage',
    auth: 'account',
    scopes: ['usage.read'],
    query: usagePredictionsQuerySchema,
    response: { status: 200, schema: paginatedSchema(usagePredictionSchema), description: 'A page of predictions, newest first' },
    errors: { INVALID_INPUT: '`from` is not before `to`' },
    async handler({ query, request }) {
      const filter = { accountId: requireAccount(request).accountId, credentialId: query.key_id, ...rangeOf(query, ctx.clock.now()) };
      const [rows, total] = await Promise.all([
        listPredictions(ctx.store.db, filter, query.per_page, offsetOf(query)),
        countPredictions(ctx.store.db, filter),
      ]);
      return pageOf(
        rows.map((row) => ({
          id: row.id,
          model: row.model,
          status: row.status,
          charge: nanosToUsd(row.charge_nanos),
          created_at: isoTime(row.created_at),
          completed_at: isoTime(row.completed_at),
        })),
        total,
        query,
      );
    },
  });
