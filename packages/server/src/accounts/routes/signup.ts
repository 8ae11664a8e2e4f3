/** POST /api/v1/auth/signup: creates an account and signs it in (201, session cookie). Limited per client IP. */

import { refuseCrossSite } from '../../auth/csrf.js';
import { setSessionCookie } from '../../auth/session-cookie.js';
import { openSession } from '../../auth/start-session.js';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../http/errors.js';
import { defineRoute } from '../../http/route.js';
import { newId } from '../../store/ids.js';
import { isUniqueViolation } from '../../store/store.js';
import { counterFor, reserveOrRefuse } from '../../throttle/throttle.js';
import { type AccountRow, findAccountByEmail, toAccountView } from '../repository.js';
import { accountSchema, normalizeEmail, signupBodySchema } from '../schema.js';

const emailTaken = () => new ApiError('CONFLICT', 'An account with this email already exists', { details: 'Sign in instead, or use another email' });

export const signupRoute = (ctx: AppContext) =>
  defineRoute({
    method: 'POST',
    url: '/api/v1/auth/signup',
    summary: 'Sign up',
    tag: 'Accounts',
    auth: 'none',
    bodyLimit: ctx.config.publicBodyLimitBytes,
    body: signupBodySchema,
    response: {
      status: 201,
      schema: accountSchema,
      description: 'The new account; the session cookie is set',
      headers: { 'set-cookie': 'The session cookie `skytells_session` (HttpOnly, SameSite=Lax)' },
    },
    errors: {
      FORBIDDEN: 'Sent from another site (`Origin` or `Sec-Fetch-Site` says so)',
      CONFLICT: 'An account with this email exists (emails compare case-insensitively)',
      RATE_LIMIT_EXCEEDED: 'Too many sign-ups from this IP address (IPv6: its /64) within the window',
    },
    async handler({ body, request, reply }) {
      refuseCrossSite(ctx, request);
      const now = ctx.clock.now();
      // Every sign-up counts, taken email included (409s would otherwise probe for accounts
      // for free), and it is never released: this limits creations, not failures.
      await reserveOrRefuse(ctx.store.db, [counterFor(ctx.config, 'signup_ip', request.ip)], now, 'Too many sign-ups from this address');
      const emailNormalized = normalizeEmail(body.email);
      if (await findAccountByEmail(ctx.store.db, emailNormalized)) throw emailTaken();
      const account: AccountRow = {
        id: newId('acct'),
        email: body.email,
        email_normalized: emailNormalized,
        name: body.name,
        password_hash: await ctx.passwords.hash(body.password),
        plan: 'free',
        api_key_count: 0,
        created_at: now,
        updated_at: now,
      };
      let sessionToken: string;
      try {
        sessionToken = await ctx.store.db.transaction().execute(async (trx) => {
          await trx.insertInto('accounts').values(account).execute();
          return openSession(ctx, trx, request, account.id);
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw emailTaken();
        throw error;
      }
      setSessionCookie(ctx, request, reply, sessionToken);
      return toAccountView(account);
    },
  });
