/** POST /api/v1/auth/signout: ends the presenting session and clears its cookie. */
import { z } from 'zod';
import { recordAudit } from '../../audit/record.js';
import { actorOf, requireSession } from '../../auth/principal.js';
import { clearSessionCookie } from '../../auth/session-cookie.js';
import { deleteSession } from '../../auth/session-store.js';
import type { AppContext } from '../../context.js';
import { defineRoute } from '../../http/route.js';

export const signoutRoute = (ctx: AppContext) =>
  defineRoute({
    method: 'POST',
    url: '/api/v1/auth/signout',
    summary: 'Sign out',
    tag: 'Accounts',
    auth: 'session',
    response: {
      status: 200,
      schema: z.object({ signed_out: z.literal(true) }),
      description: 'The session is over',
      headers: { 'set-cookie': 'Clears the session cookie' },
    },
    async handler({ request, reply }) {
      const { accountId, sessionId } = requireSession(request);
      await ctx.store.db.transaction().execute(async (trx) => {
        await deleteSession(trx, sessionId);
        await recordAudit(trx, { accountId, type: 'auth.signout', actor: actorOf(request), at: ctx.clock.now() });
      });
      clearSessionCookie(ctx, request, reply);
      return { signed_out: true as const };
    },
  });
