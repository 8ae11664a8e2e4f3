/**
 * POST /api/v1/auth/signin. Throttled per account and per IP before any password check.
 * An unknown email and a wrong password get the same 401, after the same argon2 work.
 */

import { recordAudit } from '../../audit/record.js';
import { refuseCrossSite } from '../../auth/account-authenticator.js';
import { userAgentOf } from '../../auth/principal.js';
import { openSession, setSessionCookie } from '../../auth/start-session.js';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../http/errors.js';
import { defineRoute } from '../../http/route.js';
import { clearSubjectFailures, failureRetryAfter, recordFailure } from '../../throttle/attempt-throttle.js';
import { findAccountByEmail, toAccountView } from '../repository.js';
import { accountSchema, normalizeEmail, signinBodySchema } from '../schema.js';

const invalidCredentials = () => new ApiError('UNAUTHORIZED', 'Invalid email or password', { details: 'Check the email and password and try again' });

const tooManyAttempts = (retryAfter: number) =>
  new ApiError('RATE_LIMIT_EXCEEDED', 'Too many failed sign-in attempts', {
    details: `Try again in ${retryAfter} seconds`,
    headers: { 'retry-after': String(retryAfter) },
  });

export const signinRoute = (ctx: AppContext) =>
  defineRoute({
    method: 'POST',
    url: '/api/v1/auth/signin',
    summary: 'Sign in',
    tag: 'Accounts',
    auth: 'none',
    body: signinBodySchema,
    response: {
      status: 200,
      schema: accountSchema,
      description: 'The account; the session cookie is set',
      headers: { 'set-cookie': 'The session cookie `skytells_session` (HttpOnly, SameSite=Lax)' },
    },
    errors: {
      UNAUTHORIZED: 'Wrong email or password; an unknown email gets the same answer',
      FORBIDDEN: 'Sent from another site (`Origin` or `Sec-Fetch-Site` says so)',
      RATE_LIMIT_EXCEEDED: 'Too many failed sign-ins for this email or from this IP address within the window',
    },
    async handler({ body, request, reply }) {
      refuseCrossSite(ctx, request);
      const emailNormalized = normalizeEmail(body.email);
      const who = { subject: `email:${emailNormalized}`, ip: request.ip };
      const limits = {
        perSubject: ctx.config.signinMaxFailuresPerAccount,
        perIp: ctx.config.signinMaxFailuresPerIp,
        windowMs: ctx.config.signinWindowMs,
      };
      const retryAfter = await failureRetryAfter(ctx.store.db, who, limits, ctx.clock.now());
      if (retryAfter !== undefined) throw tooManyAttempts(retryAfter);

      const account = await findAccountByEmail(ctx.store.db, emailNormalized);
      const passwordMatches = await ctx.passwords.verifyOrWaste(account?.password_hash, body.password);
      const now = ctx.clock.now();
      const actor = { type: 'account' as const, id: account?.id ?? null, ip: request.ip, userAgent: userAgentOf(request) };

      if (account === undefined || !passwordMatches) {
        await recordFailure(ctx.store.db, who, limits.windowMs, now);
        if (account !== undefined) {
          await recordAudit(ctx.store.db, { accountId: account.id, type: 'auth.signin_failed', actor, at: now });
        }
        throw invalidCredentials();
      }

      const sessionToken = await ctx.store.db.transaction().execute(async (trx) => {
        const token = await openSession(ctx, trx, request, account.id);
        await recordAudit(trx, { accountId: account.id, type: 'auth.signin', actor, at: now });
        return token;
      });
      await clearSubjectFailures(ctx.store.db, who.subject);
      setSessionCookie(ctx, request, reply, sessionToken);
      return toAccountView(account);
    },
  });
