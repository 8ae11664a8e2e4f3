/** GET /api/v1/audit: the account's audit log, newest first. Read-only: nothing edits or deletes it. */

import { requireAccount } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { offsetOf, pageOf, paginatedSchema } from '../http/pagination.js';
import { defineRoute } from '../http/route.js';
import { isoTime } from '../http/values.js';
import type { AuditEventType } from './event-types.js';
import { auditEventSchema, auditQuerySchema } from './schema.js';

export const listAuditRoute = (ctx: AppContext) =>
  defineRoute({
    method: 'GET',
    url: '/api/v1/audit',
    summary: 'The audit log',
    tag: 'Audit',
    auth: 'account',
    scopes: ['audit.read'],
    query: auditQuerySchema,
    response: { status: 200, schema: paginatedSchema(auditEventSchema), description: 'A page of audit events, newest first' },
    async handler({ query, request }) {
      let filtered = ctx.store.db.selectFrom('audit_events').where('account_id', '=', requireAccount(request).accountId);
      if (query.type !== undefined) filtered = filtered.where('type', '=', query.type);
      if (query.from !== undefined) filtered = filtered.where('created_at', '>=', Date.parse(query.from));
      if (query.to !== undefined) filtered = filtered.where('created_at', '<', Date.parse(query.to));
      const [rows, { count }] = await Promise.all([
        filtered.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.per_page).offset(offsetOf(query)).execute(),
        filtered.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow(),
      ]);
      const data = rows.map((row) => ({
        id: row.id,
        type: row.type as AuditEventType,
        actor: { type: row.actor_type, id: row.actor_id },
        ip: row.ip,
        user_agent: row.user_agent,
        target: row.target_type && row.target_id ? { type: row.target_type, id: row.target_id } : null,
        metadata: row.metadata === null ? null : (JSON.parse(row.metadata) as Record<string, unknown>),
        created_at: isoTime(row.created_at),
      }));
      return pageOf(data, Number(count), query);
    },
  });
