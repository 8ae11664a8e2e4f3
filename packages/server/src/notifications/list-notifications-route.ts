/** GET /api/v1/notifications: what the server told the account's owner (leak reports, expiring tokens…), newest first. */

import { z } from 'zod';
import { requireAccount } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { offsetOf, pageOf, pageQuerySchema, paginatedSchema } from '../http/pagination.js';
import { defineRoute } from '../http/route.js';
import { isoTime, isoTimeSchema } from '../http/values.js';
import { countNotifications, listNotifications } from './repository.js';

export const notificationSchema = z.object({
  id: z.string(),
  type: z.string(),
  subject: z.object({ type: z.string(), id: z.string() }),
  payload: z.record(z.string(), z.unknown()),
  created_at: isoTimeSchema,
  delivered_at: isoTimeSchema.nullable(),
});

export const listNotificationsRoute = (ctx: AppContext) =>
  defineRoute({
    method: 'GET',
    url: '/api/v1/notifications',
    summary: 'Notifications for the account owner',
    tag: 'Audit',
    auth: 'account',
    scopes: ['account.read'],
    query: pageQuerySchema,
    response: { status: 200, schema: paginatedSchema(notificationSchema), description: 'A page of notifications, newest first' },
    async handler({ query, request }) {
      const { accountId } = requireAccount(request);
      const [rows, total] = await Promise.all([
        listNotifications(ctx.store.db, accountId, query.per_page, offsetOf(query)),
        countNotifications(ctx.store.db, accountId),
      ]);
      const data = rows.map((row) => ({
        id: row.id,
        type: row.type,
        subject: { type: row.subject_type, id: row.subject_id },
        payload: JSON.parse(row.payload) as Record<string, unknown>,
        created_at: isoTime(row.created_at),
        delivered_at: isoTime(row.delivered_at),
      }));
      return pageOf(data, total, query);
    },
  });
