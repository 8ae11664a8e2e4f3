/**
 * POST /api/v1/credentials/verify: an operator's own service asks whether a key or token it
 * was presented is valid, and for whom (scope `credentials.verify`).
 *
 * Security reasoning:
 * - An invalid credential answers 200 `{valid: false, error: "invalid_credential"}`, as OAuth
 *   token introspection (RFC 7662) answers `active: false`: a 401 would read as "your PAT is
 *   bad". Malformed, unknown, revoked, expired and another account's credentials get that same
 *   body, so a probe learns nothing, and no account learns about another's credentials.
 * - The presented credential is only ever hashed (the verifier, and its cache, shared with the
 *   server's own authentication); it is not logged, stored, or put in an answer or error. The
 *   body schema never echoes a value in its validation messages.
 */
import { requireAccount } from '../../auth/principal.js';
import type { AppContext } from '../../context.js';
import { defineRoute } from '../../http/route.js';
import { verificationOf } from '../decisions.js';
import { verificationSchema, verifyCredentialBodySchema } from '../schema.js';

export const verifyCredentialRoute = (ctx: AppContext) =>
  defineRoute({
    method: 'POST',
    url: '/api/v1/credentials/verify',
    summary: "Verify a key or token presented to the operator's own service",
    tag: 'Verification',
    auth: 'account',
    scopes: ['credentials.verify'],
    bodyLimit: 4096,
    body: verifyCredentialBodySchema,
    response: {
      status: 200,
      schema: verificationSchema,
      description:
        'Valid: who it is and what it may do. Invalid: `{valid: false, error: "invalid_credential"}` whatever the reason, or `insufficient_scope` with `missing_scopes` for a live credential of this account lacking `required_scopes`',
    },
    async handler({ body, request }) {
      const { accountId } = requireAccount(request);
      const found = await ctx.verifier.verify(body.credential, ['api_key', 'personal_access_token']);
      return verificationOf(found, accountId, body.required_scopes ?? []);
    },
  });
