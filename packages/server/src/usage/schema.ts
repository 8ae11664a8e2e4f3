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

/** One request group: every request of one shape (credential, IP, user agent, method, route, status, model) in one minute. */
export const usageEventSchema = z.object({
  id: z.string(),
  minute: isoTimeSchema.meta({ description: 'Start of the minute (UTC) the requests were answered in' }),
  key_id: z.string(),
  credential_kind: z.enum(['api_key', 'personal_access_token']),
  ip: z.string().nullable(),
  user_agent: z.string().nullable().meta({ description: 'With any credential in it masked' }),
  method: z.string(),
  route: z.string().meta({ description: 'The route pattern, e.g. /v1/predictions/:id' }),
  model: z.string().nullable(),
  status_code: z.number().int(),
  requests: z.number().int().meta({ description: 'Requests in this group' }),
  errors: z.number().int().meta({ description: 'Those answered with status >= 400' }),
  predictions: z.number().int().meta({ description: 'Predictions created by them (each listed at /v1/predictions)' }),
  latency_ms_avg: z.number(),
  latency_ms_max: z.number(),
  charge: money,
});

export const usageEventsPageSchema = z.object({ data: z.array(usageEventSchema), next_cursor: z.string().nullable() });

export type UsageQuery = z.output<typeof usageQuerySchema>;
