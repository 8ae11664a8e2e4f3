/** Request and response schemas of the token routes. */
import { z } from 'zod';
import { displayNameSchema, isoTimeSchema, safeString } from '../http/values.js';

export const EXPIRATION_WINDOWS_DAYS = [7, 30, 60, 90, 365] as const;
export const MAX_GRACE_PERIOD_SECONDS = 7 * 24 * 3600;

/** The shape of every scope name (the operator's extra scopes too); a pasted credential never fits it. */
const scopeNameSchema = safeString().regex(/^[a-z][a-z0-9_.:-]{0,63}$/, 'must be a scope name such as keys.read');
const scopesSchema = z.array(scopeNameSchema).min(1, 'must name at least one scope').max(64);
const expiresInDaysSchema = z.literal(EXPIRATION_WINDOWS_DAYS);
const expiresAtSchema = z.iso.datetime({ offset: true }).nullable();

/** Exactly one of `expires_in_days` and `expires_at` (which may be null: no expiry). */
export const createTokenBodySchema = z
  .object({
    name: displayNameSchema,
    scopes: scopesSchema,
    expires_in_days: expiresInDaysSchema.optional(),
    expires_at: expiresAtSchema.optional(),
  })
  .superRefine((body, ctx) => {
    const given = Number(body.expires_in_days !== undefined) + Number(body.expires_at !== undefined);
    if (given !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['expires_in_days'],
        message: 'give exactly one of expires_in_days (7, 30, 60, 90, 365) or expires_at (an ISO date-time, or null for no expiry)',
      });
    }
  });

export const gracePeriodSchema = z.number().int().min(0).max(MAX_GRACE_PERIOD_SECONDS).default(0);

export const rotateTokenBodySchema = z.object({
  scopes: scopesSchema.optional(),
  expires_in_days: expiresInDaysSchema.optional(),
  grace_period_seconds: gracePeriodSchema,
});

export const tokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  masked_token: z.string().meta({ example: 'sk_pat_0a1b…9f8e' }),
  scopes: z.array(z.string()),
  status: z.enum(['active', 'expired', 'revoked']),
  created_at: isoTimeSchema,
  expires_at: isoTimeSchema.nullable(),
  expiring_soon: z.boolean().meta({ description: 'Expires within 7 days' }),
  revoked_at: isoTimeSchema.nullable().meta({ description: 'May lie in the future: the end of a rotation grace period' }),
  replaced_by: z.string().nullable(),
  last_used_at: isoTimeSchema.nullable(),
  last_used_ip: z.string().nullable(),
});

export const createdTokenSchema = tokenSchema.extend({
  token: z.string().meta({ description: 'The full token. Shown once; store it now.' }),
});

export type TokenView = z.infer<typeof tokenSchema>;
