/** Request and response schemas of the usage API. */
import { z } from 'zod';
import { isoTimeSchema, safeString } from '../http/values.js';

const range = {
  from: z.iso.datetime({ offset: true }).optional().meta({ description: 'Start (inclusive); default 30 days before `to`' }),
  to: z.iso.datetime({ offset: true }).optional().meta({ description: 'End (exclusive); default now' }),
  key_id: safeString().max(64).optional().meta({ description: 'Only this key (or token)' }),
};

export const usageQuerySchema = z.object({ ...range, granularity: z.enum(['day', 'hour']).default('day') });

export const usageEventsQuerySchema = z.object({
  ...range,
  cursor: safeString().max(200).optional(),
  per_page: z.coerce.number().int().min(1).max(100).default(50),
});

const money = z.string().meta({ description: 'USD, as a decimal string', example: '0.0075' });

export const usageAggregatesSchema = z.object({
  data: z.array(
    z.object({
      period: isoTimeSchema,
      key_id: z.string(),
      requests: z.number().int(),
      predictions: z.number().int(),
      errors: z.number().int(),
      charge: money,
    }),
  ),
  totals: z.object({ requests: z.number().int(), predictions: z.number().int(), errors: z.number().int(), charge: money }),
});

export const usageEventSchema = z.object({
  id: z.string(),
  created_at: isoTimeSchema,
  key_id: z.string(),
  credential_kind: z.enum(['api_key', 'personal_access_token']),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  method: z.string(),
  path: z.string(),
  model: z.string().nullable(),
  status_code: z.number().int(),
  latency_ms: z.number().int(),
  prediction_id: z.string().nullable(),
  charge: money,
});

export const usageEventsPageSchema = z.object({ data: z.array(usageEventSchema), next_cursor: z.string().nullable() });

export type UsageQuery = z.output<typeof usageQuerySchema>;
