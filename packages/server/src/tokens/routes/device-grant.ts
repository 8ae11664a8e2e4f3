/**
 * The device authorization grant (RFC 8628) that `skytells login` uses:
 * - POST /api/oauth/device: the CLI asks for codes, naming itself and the scopes it wants;
 * - GET /api/oauth/device/{user_code}, POST …/approve, POST …/deny: the signed-in user,
 *   in the console, sees who asks for what and decides (session only, CSRF-checked);
 * - POST /api/oauth/token: the CLI polls; once approved it receives a token, once.
 *
 * Invariants: a grant is bound to the account that approves it; a device code yields at
 * most one token; wrong user codes are throttled per account; the token endpoint answers in
 * RFC 6749 §5.2 form. A token never mints a token: only a session can approve.
 * Creating grants is public, so it is cheap to refuse: small bodies, a limit per client IP
 * and a cap on pending grants over all clients, which keeps the table bounded.
 */
import { z } from 'zod';
import { publicOriginOf } from '../../auth/console-origin.js';
import { requireSession } from '../../auth/principal.js';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../http/errors.js';
import { Answer, type AnyRoute, defineRoute } from '../../http/route.js';
import { isoTime } from '../../http/values.js';
import { commitCredentialChange } from '../../lifecycle/commit-credential-change.js';
import { newId } from '../../store/ids.js';
import { releaseAttempt } from '../../throttle/repository.js';
import { counterFor, reserveOrRefuse } from '../../throttle/throttle.js';
import { isPlainDisplayText } from '../client-name.js';
import { resolveExpiry } from '../decisions.js';
import {
  DEVICE_CODE_LIFETIME_SECONDS,
  decidePoll,
  hashDeviceCode,
  newDeviceCode,
  normalizeUserCode,
  POLL_INTERVAL_SECONDS,
} from '../device-codes.js';
import { countPendingGrants, deleteDeviceGrant, insertDeviceGrant } from '../device-grant-store.js';
import { insertToken } from '../issue-token.js';
import { LOGIN_DEFAULT_SCOPES, unknownScopes } from '../scopes.js';
import { invalidScopes } from './create-token.js';

/** Tokens from a device grant live this long, or less where the operator caps lifetimes. */
const DEVICE_TOKEN_LIFETIME_DAYS = 90;
const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** Past the cap on pending grants: about when to try again (grants leave the count as they are decided or expire). */
const PENDING_CAP_RETRY_AFTER_SECONDS = 60;

const scopeList = z
  .union([z.string().max(2000), z.array(z.string().max(64)).max(64)])
  .transform((value) => (Array.isArray(value) ? value : value.split(/[\s,]+/)).filter(Boolean));

const deviceRequestSchema = z.object({
  client_name: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .refine(isPlainDisplayText, 'must not contain control, direction-changing or invisible characters')
    .default('Skytells CLI'),
  client_id: z.string().max(100).optional(),
  scopes: scopeList.optional(),
  scope: scopeList.optional(),
});

const deviceAuthorizationSchema = z.object({
  device_code: z.string(),
  user_code: z.string().meta({ example: 'BCDF-GHJK' }),
  verification_uri: z.string(),
  verification_uri_complete: z.string(),
  expires_in: z.number().int(),
  interval: z.number().int(),
});

const tokenResponseSchema = z.object({
  access_token: z.string(),
  token_type: z.literal('bearer'),
  scope: z.string(),
  scopes: z.array(z.string()),
  expires_in: z.number().int().nullable(),
  expires_at: z.string().nullable(),
});

/** The poll (RFC 8628 §3.4). Loose on purpose: a wrong value gets an RFC 6749 error, not the envelope. */
const tokenRequestSchema = z.looseObject({
  grant_type: z
    .unknown()
    .optional()
    .meta({ description: `\`${DEVICE_CODE_GRANT}\`; anything else answers unsupported_grant_type` }),
  device_code: z
    .unknown()
    .optional()
    .meta({ description: 'The device_code that POST /api/oauth/device gave; missing or not a string answers invalid_request' }),
});

/** RFC 6749 §5.2, with the device-grant codes of RFC 8628 §3.5: how the token endpoint refuses. */
const oauthErrorSchema = z.object({
  error: z.enum([
    'invalid_request',
    'unsupported_grant_type',
    'invalid_grant',
    'expired_token',
    'access_denied',
    'slow_down',
    'authorization_pending',
    'server_error',
  ]),
  error_description: z.string(),
});

const grantViewSchema = z.object({
  user_code: z.string(),
  client_name: z.string(),
  scopes: z.array(z.string()),
  status: z.enum(['pending', 'approved', 'denied', 'consumed']),
  expires_at: z.string(),
});

const userCodeParams = z.object({ user_code: z.string().max(32) });

/** What `pendingGrant` refuses with. */
const userCodeErrors = {
  NOT_FOUND: 'No pending, unexpired request has this user code',
  RATE_LIMIT_EXCEEDED: 'Too many wrong user codes from this account or IP address within the window',
} as const;

export const deviceGrantRoutes = (ctx: AppContext): AnyRoute[] => {
  const oauthError = (error: z.output<typeof oauthErrorSchema>['error'], description: string) =>
    new Answer(400, { error, error_description: description });

  /** The pending, unexpired grant for a typed user code; throttles wrong codes per account. */
  async function pendingGrant(accountId: string, typed: string) {
    const now = ctx.clock.now();
    const reservation = await reserveOrRefuse(ctx.store.db, [counterFor(ctx.config, 'device_code_account', accountId)], now, 'Too many wrong codes');
    const userCode = normalizeUserCode(typed);
    const grant =
      userCode === undefined
        ? undefined
        : await ctx.store.db
            .selectFrom('device_grants')
            .selectAll()
            .where('user_code', '=', userCode)
            .where('expires_at', '>', now)
            .executeTakeFirst();
    if (grant === undefined || grant.status !== 'pending') {
      // The reservation stays as this wrong code's record.
      throw new ApiError('NOT_FOUND', 'No pending request with this code', {
        details: 'Check the code shown by the CLI; codes expire after 15 minutes',
      });
    }
    // A right code is no failure, but it clears nothing: anyone can start a grant of their
    // own, and its code must not buy a guesser a fresh budget.
    await releaseAttempt(ctx.store.db, reservation);
    return grant;
  }

  const decide = (decision: 'approved' | 'denied') =>
    defineRoute({
      method: 'POST',
      url: `/api/oauth/device/:user_code/${decision === 'approved' ? 'approve' : 'deny'}`,
      summary: decision === 'approved' ? 'Approve a device login (console session)' : 'Deny a device login (console session)',
      tag: 'OAuth',
      auth: 'session',
      params: userCodeParams,
      response: { status: 200, schema: grantViewSchema, description: 'The request, decided' },
      errors: { ...userCodeErrors, CONFLICT: 'The request was decided already (a concurrent decision won)' },
      async handler({ params, request }) {
        const session = requireSession(request);
        const grant = await pendingGrant(session.accountId, params.user_code);
        const updated = await ctx.store.db
          .updateTable('device_grants')
          .set({ status: decision, account_id: session.accountId, approved_by_session: session.sessionId })
          .where('id', '=', grant.id)
          .where('status', '=', 'pending')
          .executeTakeFirst();
        if (updated.numUpdatedRows !== 1n) throw new ApiError('CONFLICT', 'This request was decided already');
        return {
          user_code: grant.user_code,
          client_name: grant.client_name,
          scopes: grant.scopes.split(' '),
          status: decision,
          expires_at: isoTime(grant.expires_at),
        };
      },
    });

  return [
    defineRoute({
      method: 'POST',
      url: '/api/oauth/device',
      summary: 'Start a device login (RFC 8628 device authorization request)',
      tag: 'OAuth',
      auth: 'none',
      acceptsForm: true,
      bodyLimit: ctx.config.publicBodyLimitBytes,
      body: deviceRequestSchema,
      response: { status: 200, schema: deviceAuthorizationSchema, description: 'Codes for the device and for the user' },
      errors: {
        INVALID_INPUT: 'An unknown scope, or none; or a client name with control, direction-override or invisible characters',
        RATE_LIMIT_EXCEEDED: 'Too many device logins started from this IP address (IPv6: its /64) within the window',
        SERVICE_UNAVAILABLE: {
          when: 'Too many device logins are pending on this server, or no free user code could be drawn',
          headers: ['retry-after'],
        },
      },
      async handler({ body, request }) {
        const scopes = [...new Set(body.scopes ?? body.scope ?? [...LOGIN_DEFAULT_SCOPES])];
        const unknown = unknownScopes(ctx.scopes, scopes);
        if (unknown.length > 0 || scopes.length === 0) throw invalidScopes();
        const now = ctx.clock.now();
        // A creation, never released: the limit is on grants started, not on failures.
        await reserveOrRefuse(ctx.store.db, [counterFor(ctx.config, 'device_grant_ip', request.ip)], now, 'Too many device logins from this address');
        const id = newId('dev');
        const deviceCode = newDeviceCode();
        const userCode = await insertDeviceGrant(ctx.store.db, {
          id,
          device_code_hash: hashDeviceCode(deviceCode),
          client_name: body.client_name,
          scopes: scopes.join(' '),
          status: 'pending',
          account_id: null,
          approved_by_session: null,
          interval_seconds: POLL_INTERVAL_SECONDS,
          last_polled_at: null,
          token_id: null,
          created_at: now,
          expires_at: now + DEVICE_CODE_LIFETIME_SECONDS * 1000,
        });
        if (userCode === undefined) throw new ApiError('SERVICE_UNAVAILABLE', 'No free user code could be drawn', { details: 'Try again' });
        // The cap is checked after the insert has committed, counting this grant: of racing
        // creations, the last to count sees all the others, so the cap holds on any number of
        // instances. At the cap, racing creations may also refuse each other: that errs on the
        // safe side, and the table stays bounded with no lock shared by every creation.
        const cap = ctx.config.deviceGrantsMaxPending;
        if ((await countPendingGrants(ctx.store.db, now, cap + 1)) > cap) {
          await deleteDeviceGrant(ctx.store.db, id);
          throw new ApiError('SERVICE_UNAVAILABLE', 'Too many device logins are pending', {
            details: `Try again in ${PENDING_CAP_RETRY_AFTER_SECONDS} seconds`,
            headers: { 'retry-after': String(PENDING_CAP_RETRY_AFTER_SECONDS) },
          });
        }
        const verificationUri = `${publicOriginOf(request, ctx.config.publicOrigin)}/device`;
        return {
          device_code: deviceCode,
          user_code: userCode,
          verification_uri: verificationUri,
          verification_uri_complete: `${verificationUri}?user_code=${userCode}`,
          expires_in: DEVICE_CODE_LIFETIME_SECONDS,
          interval: POLL_INTERVAL_SECONDS,
        };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/oauth/token',
      summary: 'Poll for the token of a device login (RFC 8628 §3.4; errors in RFC 6749 §5.2 form)',
      tag: 'OAuth',
      auth: 'none',
      acceptsForm: true,
      bodyLimit: ctx.config.publicBodyLimitBytes,
      body: tokenRequestSchema,
      response: { status: 200, schema: tokenResponseSchema, description: 'The access token, issued once' },
      otherResponses: {
        400: {
          schema: oauthErrorSchema,
          description:
            'Not (yet) a token, in RFC 6749 §5.2 form: authorization_pending until the user decides, slow_down when polled faster than the interval, then access_denied, expired_token or invalid_grant',
        },
      },
      async handler({ body }) {
        if (body.grant_type !== DEVICE_CODE_GRANT) return oauthError('unsupported_grant_type', `grant_type must be ${DEVICE_CODE_GRANT}`);
        if (typeof body.device_code !== 'string' || body.device_code.length > 200) return oauthError('invalid_request', 'device_code is required');
        const now = ctx.clock.now();
        const grant = await ctx.store.db
          .selectFrom('device_grants')
          .selectAll()
          .where('device_code_hash', '=', hashDeviceCode(body.device_code))
          .executeTakeFirst();
        if (grant === undefined) return oauthError('invalid_grant', 'Unknown device_code');
        const decision = decidePoll(grant, now);
        if (decision.outcome !== 'invalid_grant' && decision.outcome !== 'expired_token') {
          await ctx.store.db
            .updateTable('device_grants')
            .set({ last_polled_at: now, interval_seconds: decision.outcome === 'slow_down' ? decision.interval : grant.interval_seconds })
            .where('id', '=', grant.id)
            .execute();
        }
        switch (decision.outcome) {
          case 'invalid_grant':
            return oauthError('invalid_grant', 'This device_code was used already');
          case 'expired_token':
            return oauthError('expired_token', 'The device code expired; start again');
          case 'access_denied':
            return oauthError('access_denied', 'The user denied the request');
          case 'slow_down':
            return oauthError('slow_down', `Poll at most every ${decision.interval} seconds`);
          case 'authorization_pending':
            return oauthError('authorization_pending', 'Waiting for the user to approve in the console');
        }
        const expiry = resolveExpiry(
          { expires_in_days: Math.min(DEVICE_TOKEN_LIFETIME_DAYS, ctx.config.patMaxLifetimeDays ?? Infinity) },
          now,
          ctx.config.patMaxLifetimeDays,
        );
        if ('problem' in expiry) return oauthError('server_error', expiry.problem);
        const scopes = grant.scopes.split(' ');
        const issued = await commitCredentialChange(ctx, async (trx) => {
          // Single use: only the poll that moves the grant from approved to consumed gets a token.
          const claimed = await trx
            .updateTable('device_grants')
            .set({ status: 'consumed' })
            .where('id', '=', grant.id)
            .where('status', '=', 'approved')
            .executeTakeFirst();
          if (claimed.numUpdatedRows !== 1n) return { result: undefined, invalidated: [] };
          const token = await insertToken(trx, {
            accountId: decision.accountId,
            name: grant.client_name,
            scopes,
            expiresAt: expiry.expiresAt,
            createdVia: 'device',
            actor: { type: 'device_grant', id: grant.id, ip: null, userAgent: null },
            now,
          });
          await trx.updateTable('device_grants').set({ token_id: token.row.id }).where('id', '=', grant.id).execute();
          return { result: token, invalidated: [token.row.token_hash] };
        });
        if (issued === undefined) return oauthError('invalid_grant', 'This device_code was used already');
        return {
          access_token: issued.secret,
          token_type: 'bearer' as const,
          scope: scopes.join(' '),
          scopes,
          expires_in: expiry.expiresAt === null ? null : Math.round((expiry.expiresAt - now) / 1000),
          expires_at: isoTime(expiry.expiresAt),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/oauth/device/:user_code',
      summary: 'Who asks for what, for the approval page (console session)',
      tag: 'OAuth',
      auth: 'session',
      params: userCodeParams,
      response: { status: 200, schema: grantViewSchema, description: 'The pending request' },
      errors: userCodeErrors,
      async handler({ params, request }) {
        const grant = await pendingGrant(requireSession(request).accountId, params.user_code);
        return {
          user_code: grant.user_code,
          client_name: grant.client_name,
          scopes: grant.scopes.split(' '),
          status: grant.status,
          expires_at: isoTime(grant.expires_at),
        };
      },
    }),
    decide('approved'),
    decide('denied'),
  ];
};
