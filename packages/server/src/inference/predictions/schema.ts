/** Request and response schemas of the prediction routes. */
import { z } from 'zod';
import { pageQuerySchema } from '../../http/pagination.js';
import { isoTimeSchema, safeString } from '../../http/values.js';

export const PREDICTION_STATUSES = ['queued', 'processing', 'succeeded', 'failed', 'canceled'] as const;

export const createPredictionBodySchema = z.object({
  model: safeString().min(1).max(100),
  input: z.record(z.string(), z.unknown()),
  /** Whether the caller means to follow it at `urls.stream`; echoed in the prediction. */
  stream: z.boolean().default(false),
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
  started_at: isoTimeSchema.nullable().meta({ description: 'When it started running; null while queued' }),
  updated_at: isoTimeSchema.meta({ description: 'Its last change of status or output' }),
  stream: z.boolean().meta({ description: 'Whether its creator asked to stream it (`stream: true`)' }),
  urls: z
    .object({ get: z.url(), cancel: z.url(), stream: z.url(), delete: z.url() })
    .meta({ description: 'Absolute URLs of this prediction: its public URL (PUBLIC_URL) or the origin the request came to' }),
});

export const deletedPredictionSchema = z.object({ id: z.string(), deleted: z.literal(true) });

export type PredictionView = z.infer<typeof predictionSchema>;
