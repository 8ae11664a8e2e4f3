/** GET /api/v1/usage/events: individual requests, newest first, with cursor pagination. */

import { requireAccount } from '../../auth/principal.js';
import type { AppContext } from '../../context.js';
import { decodeCursor, encodeCursor } from '../../http/pagination.js';
import { defineRoute } from '../../http/route.js';
import { isoTime } from '../../http/values.js';
import { nanosToUsd } from '../money.js';
import { usageEvents } from '../repository.js';
import { usageEventsPageSchema, usageEventsQuerySchema } from '../schema.js';
import { rangeOf } from './get-usage.js';

/** Event ids are `evt_` and 24 base62 characters (store/ids.ts). */
const EVENT_ID = /^evt_[0-9A-Za-z]{24}$/;

export const listUsageEventsRoute = (ctx: AppContext) =>
  defineRoute({
    method: 'GET',
    url: '/api/v1/usage/events',
    summary: 'Individual usage events',
    tag: 'Usage',
    auth: 'account',
    scopes: ['usage.read'],
    query: usageEventsQuerySchema,
    response: { status: 200, schema: usageEventsPageSchema, description: 'A page of events, newest first; pass next_cursor for the next' },
    errors: { INVALID_INPUT: '`from` is not before `to`, or `cursor` is not a `next_cursor` this server gave' },
    async handler({ query, request }) {
      const range = { accountId: requireAccount(request).accountId, ...rangeOf(query, ctx.clock.now()), credentialId: query.key_id };
      const position = query.cursor === undefined ? undefined : decodeCursor(query.cursor, EVENT_ID);
      const cursor = position && { createdAt: position.at, id: position.id };
      const rows = await usageEvents(ctx.store.db, range, query.per_page + 1, cursor);
      const page = rows.slice(0, query.per_page);
      const last = page.at(-1);
      return {
        data: page.map((row) => ({
          id: row.id,
          created_at: isoTime(row.created_at),
          key_id: row.credential_id,
          credential_kind: row.credential_kind,
          ip: row.ip,
          user_agent: row.user_agent,
          method: row.method,
          path: row.path,
          model: row.model,
          status_code: row.status_code,
          latency_ms: row.latency_ms,
          prediction_id: row.prediction_id,
          charge: nanosToUsd(row.charge_nanos),
        })),
        next_cursor: rows.length > query.per_page && last ? encodeCursor({ at: last.created_at, id: last.id }) : null,
      };
    },
  });
