/** Request and response schemas of the API-key routes. */
import { z } from 'zod';
import { displayNameSchema, isoTimeSchema } from '../http/values.js';

export const createKeyBodySchema = z.object({ name: displayNameSchema });

export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  masked_key: z.string().meta({ example: 'sk-AbCd…wXyZ' }),
  status: z.enum(['active', 'revoked']),
  created_at: isoTimeSchema,
  last_used_at: isoTimeSchema.nullable(),
  last_used_ip: z.string().nullable(),
  last_used_user_agent: z.string().nullable(),
  revoked_at: isoTimeSchema.nullable().meta({ description: 'May lie in the future: the end of a rotation grace period' }),
  replaced_by: z.string().nullable(),
});

/** The create response: the only place the full key ever appears. */
export const createdApiKeySchema = apiKeySchema.extend({ key: z.string().meta({ description: 'The full API key. Shown once; store it now.' }) });

export type ApiKeyView = z.infer<typeof apiKeySchema>;
