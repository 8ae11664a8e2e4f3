/**
 * POST /api/v1/auth/signin. Throttled before any password check (the attempt is reserved
 * first, so a burst gets at most the limit checked). An unknown email and a wrong password
 * get the same 401, after the same argon2 work.
 */

import { recordAudit } from '../../audit/record.js';
import { refuseCrossSite } from '../../auth/csrf.js';
import { userAgentOf } from '../../auth/principal.js';
import { setSessionCookie } from '../../auth/session-cookie.js';
import { openSession } from '../../auth/start-session.js';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../http/errors.js';
import { defineRoute } from '../../http/route.js';
import { releaseAttempt } from '../../throttle/repository.js';
import { counterFor, reserveOrRefuse } from '../../throttle/throttle.js';
import { findAccountByEmail, toAccountView } from '../repository.js';
import { accountSchema, normalizeEmail, signinBodySchema } from '../schema.js';
import { deviceCookie, findSigninDevice, readDeviceCookie, rememberSigninDevice } from '../signin-devices.js';

const invalidCredentials = () => new ApiError('UNAUTHORIZED', 'Invalid email or password', { details: 'Check the email and password and try again' });

export const signinRoute = (ctx: AppContext) =>
  defineRoute({
    method: 'POST',
    url: '/api/v1/auth/signin',
    summary: 'Sign in',
    tag: 'Accounts',
    auth: 'none',
    bodyLimit: ctx.config.publicBodyLimitBytes,
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
      RATE_LIMIT_EXCEEDED:
        'Too many failed sign-ins for this email (from this browser, if it signed in before) or from this IP address: each further try waits longer',
    },
    async handler({ body, request, reply }) {
      refuseCrossSite(ctx, request);
      const db = ctx.store.db;
      const now = ctx.clock.now();
      const emailNormalized = normalizeEmail(body.email);
      const presentedDevice = readDeviceCookie(request.headers.cookie);
      const deviceId = presentedDevice === undefined ? undefined : await findSigninDevice(db, presentedDevice, emailNormalized, now);
      // Which budget this attempt spends. Failures past a limit cost a growing delay, never a
      // lockout for the window; and a browser that has signed in to this account before (its
      // device cookie) has a budget of its own. So a guesser, from any number of addresses,
      // can slow down strangers to the account but never its owner in their own browser:
      // the owner's counter holds only failures made with the owner's cookie.
      const own = deviceId ? counterFor(ctx.config, 'signin_device', deviceId) : counterFor(ctx.config, 'signin_account', emailNormalized);
      const counters = deviceId ? [own] : [own, counterFor(ctx.config, 'signin_ip', request.ip)];
      const reservation = await reserveOrRefuse(db, counters, now, 'Too many failed sign-in attempts');

      const account = await findAccountByEmail(db, emailNormalized);
      const passwordMatches = await ctx.passwords.verifyOrWaste(account?.password_hash, body.password);
      const actor = { type: 'account' as const, id: account?.id ?? null, ip: request.ip, userAgent: userAgentOf(request) };
      if (account === undefined || !passwordMatches) {
        // The reservation stays: it is this failure's record on every counter.
        if (account !== undefined) await recordAudit(db, { accountId: account.id, type: 'auth.signin_failed', actor, at: now });
        throw invalidCredentials();
      }

      const { sessionToken, deviceToken } = await db.transaction().execute(async (trx) => {
        await recordAudit(trx, { accountId: account.id, type: 'auth.signin', actor, at: now });
        return {
          sessionToken: await openSession(ctx, trx, request, account.id),
          deviceToken: deviceId === undefined ? await rememberSigninDevice(trx, account.id, now) : undefined,
        };
      });
      // The right password proves the account's (or this browser's) counter: it starts over.
      // The IP's does not: a guesser signing in to an account of their own must not reset it.
      await releaseAttempt(db, reservation, [own]);
      // The session cookie first: a client that keeps a single cookie keeps the session.
      setSessionCookie(ctx, request, reply, sessionToken);
      if (deviceToken !== undefined) reply.header('set-cookie', deviceCookie(deviceToken, request.protocol === 'https'));
      return toAccountView(account);
    },
  });
