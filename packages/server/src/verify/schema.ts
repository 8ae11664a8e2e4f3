/** Request and response schemas of the operators' verification routes (/api/v1/credentials). */
import { z } from 'zod';
import { isoTimeSchema, safeString } from '../http/values.js';

/** Longer than any credential kind: anything longer is simply not one (answered `valid: false`). */
const MAX_PRESENTED_LENGTH = 256;

export const verifyCredentialBodySchema = z.object({
  credential: safeString()
    .max(MAX_PRESENTED_LENGTH)
    .meta({ description: 'The API key or personal access token your service was presented. Never logged, stored or echoed' }),
  required_scopes: z
    .array(safeString().regex(/^[a-z][a-z0-9_.:-]{0,63}$/, 'must be a scope name such as keys.read'))
    .max(64)
    .optional()
    .meta({ description: 'Scopes the credential must hold; an API key holds `inference` only' }),
});

const granted = {
  valid: z.literal(true),
  account_id: z.string(),
  scopes: z.array(z.string()).meta({ description: 'A token\'s scopes; `["inference"]` for an API key' }),
  expires_at: isoTimeSchema.nullable().meta({ description: 'When it stops working: expiry, or the end of a rotation grace period' }),
};

export const verificationSchema = z.union([
  z.object({ ...granted, kind: z.literal('api_key'), key_id: z.string() }),
  z.object({ ...granted, kind: z.literal('personal_access_token'), token_id: z.string() }),
  z
    .object({ valid: z.literal(false), error: z.literal('invalid_credential') })
    .meta({ description: 'Malformed, unknown, revoked, expired, or of another account: always this same answer' }),
  z
    .object({ valid: z.literal(false), error: z.literal('insufficient_scope'), missing_scopes: z.array(z.string()) })
    .meta({ description: 'A live credential of this account that lacks some of `required_scopes`' }),
]);

export type Verification = z.infer<typeof verificationSchema>;

/** The feed's body: Server-Sent Events, described in its route's response description. */
export const revocationFeedSchema = z.string();
