/**
 * POST /api/v1/account/password: needs the current password; ends every other session of
 * the account (and forgets its known sign-in browsers) in the same transaction as the
 * change. Wrong current passwords are throttled per account and audited: a stolen session
 * must not become a free password oracle.
 */

import { recordAudit } from '../../audit/record.js';
import { notAuthenticated } from '../../auth/errors.js';
import { actorOf, requireSession } from '../../auth/principal.js';
import { deleteOtherSessions } from '../../auth/session-store.js';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../http/errors.js';
import { defineRoute } from '../../http/route.js';
import { releaseAttempt } from '../../throttle/repository.js';
import { counterFor, reserveOrRefuse } from '../../throttle/throttle.js';
import { passwordWeakness } from '../password.js';
import { findAccountById, toAccountView } from '../repository.js';
import { accountSchema, changePasswordBodySchema } from '../schema.js';
import { forgetSigninDevices } from '../signin-devices.js';

export const changePasswordRoute = (ctx: AppContext) =>
  defineRoute({
    method: 'POST',
    url: '/api/v1/account/password',
    summary: 'Change the password',
    tag: 'Accounts',
    auth: 'session',
    bodyLimit: ctx.config.publicBodyLimitBytes,
    body: changePasswordBodySchema,
    response: { status: 200, schema: accountSchema, description: 'The account; its other sessions are ended' },
    errors: {
      FORBIDDEN: 'The current password is wrong',
      INVALID_INPUT: 'The new password is too weak (three or fewer different characters, or contains the email)',
      RATE_LIMIT_EXCEEDED: 'Too many wrong current passwords for this account: each further try waits longer',
    },
    async handler({ body, request }) {
      const principal = requireSession(request);
      const account = await findAccountById(ctx.store.db, principal.accountId);
      if (account === undefined) throw notAuthenticated();
      const now = ctx.clock.now();
      const counter = counterFor(ctx.config, 'password_account', account.id);
      const reservation = await reserveOrRefuse(ctx.store.db, [counter], now, 'Too many wrong passwords');
      if (!(await ctx.passwords.verifyOrWaste(account.password_hash, body.current_password))) {
        // The reservation stays as this failure's record.
        await recordAudit(ctx.store.db, { accountId: account.id, type: 'account.password_change_failed', actor: actorOf(request), at: now });
        throw new ApiError('FORBIDDEN', 'The current password is wrong', { details: 'current_password does not match' });
      }
      await releaseAttempt(ctx.store.db, reservation, [counter]);
      const weakness = passwordWeakness(body.new_password, account.email);
      if (weakness) throw new ApiError('INVALID_INPUT', `Invalid value for new_password`, { details: `new_password: ${weakness}` });
      const newHash = await ctx.passwords.hash(body.new_password);
      await ctx.store.db.transaction().execute(async (trx) => {
        await trx.updateTable('accounts').set({ password_hash: newHash, updated_at: now }).where('id', '=', account.id).execute();
        await deleteOtherSessions(trx, account.id, principal.sessionId);
        await forgetSigninDevices(trx, account.id);
        await recordAudit(trx, { accountId: account.id, type: 'account.password_changed', actor: actorOf(request), at: now });
      });
      return toAccountView(account);
    },
  });
