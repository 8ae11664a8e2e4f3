/** Request and response schemas of the prediction routes. */
import { z } from 'zod';
import { pageQuerySchema } from '../../http/pagination.js';
import { isoTimeSchema, safeString } from '../../http/values.js';

export const PREDICTION_STATUSES = ['queued', 'processing', 'succeeded', 'failed', 'canceled'] as const;

export const createPredictionBodySchema = z.object({
  model: safeString().min(1).max(100),
  input: z.record(z.string(), z.unknown()),
});

export const listPredictionsQuerySchema = pageQuerySchema.extend({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  model: safeString().max(100).optional(),
});

export const predictionSchema = z.object({
  id: z.string(),
  model: z.string(),
  status: z.enum(PREDICTION_STATUSES),
  input: z.unknown(),
  output: z.unknown(),
  error: z.string().nullable(),
  charge: z.string().meta({ description: 'USD, as a decimal string', example: '0.0025' }),
  sandbox: z.boolean(),
  created_at: isoTimeSchema,
  completed_at: isoTimeSchema.nullable(),
});

export const deletedPredictionSchema = z.object({ id: z.string(), deleted: z.literal(true) });

export type PredictionView = z.infer<typeof predictionSchema>;
