/** Schemas of the audit-log API. */
import { z } from 'zod';
import { pageQuerySchema } from '../http/pagination.js';
import { isoTimeSchema } from '../http/values.js';
import { AUDIT_EVENT_TYPES } from './event-types.js';

export const auditQuerySchema = pageQuerySchema.extend({
  type: z.enum(AUDIT_EVENT_TYPES).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

export const auditEventSchema = z.object({
  id: z.string(),
  type: z.enum(AUDIT_EVENT_TYPES),
  actor: z.object({ type: z.string(), id: z.string().nullable() }),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  target: z.object({ type: z.string(), id: z.string() }).nullable(),
  metadata: z.record(z.string(), z.unknown()).nullable(),
  created_at: isoTimeSchema,
});
