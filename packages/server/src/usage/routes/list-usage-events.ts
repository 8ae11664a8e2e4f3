/**
 * GET /api/v1/usage/events: request groups, one per minute and request shape (credential,
 * IP, user agent, method, route, status, model) with their counts, newest minute first, with
 * cursor pagination. "Who used this key, from where, when, on what" to the minute.
 */

import { requireAccount } from '../../auth/principal.js';
import type { AppContext } from '../../context.js';
import { decodeCursor, encodeCursor } from '../../http/pagination.js';
import { defineRoute } from '../../http/route.js';
import { isoTime } from '../../http/values.js';
import { nanosToUsd } from '../money.js';
import { type GroupCursor, usageGroups } from '../repository.js';
import { usageEventsPageSchema, usageEventsQuerySchema } from '../schema.js';
import { rangeOf } from './get-usage.js';

/** Group ids are base64url digests of the minute and the dimensions (usage/repository.ts). */
const GROUP_ID = /^[0-9A-Za-z_-]{1,32}$/;

const orNull = (value: string): string | null => (value === '' ? null : value);
const microsToMs = (us: number): number => Math.round(us) / 1000;

export const listUsageEventsRoute = (ctx: AppContext) =>
  defineRoute({
    method: 'GET',
    url: '/api/v1/usage/events',
    summary: 'Request groups per minute',
    tag: 'Usage',
    auth: 'account',
    scopes: ['usage.read'],
    query: usageEventsQuerySchema,
    response: {
      status: 200,
      schema: usageEventsPageSchema,
      description: 'A page of request groups (one per minute and request shape), newest first; pass next_cursor for the next',
    },
    errors: { INVALID_INPUT: '`from` is not before `to`, or `cursor` is not a `next_cursor` this server gave' },
    async handler({ query, request }) {
      const range = { accountId: requireAccount(request).accountId, ...rangeOf(query, ctx.clock.now()), credentialId: query.key_id };
      const position = query.cursor === undefined ? undefined : decodeCursor(query.cursor, GROUP_ID);
      const cursor: GroupCursor | undefined = position && { minute: position.at, id: position.id };
      const rows = await usageGroups(ctx.store.db, range, query.per_page + 1, cursor);
      const page = rows.slice(0, query.per_page);
      const last = page.at(-1);
      return {
        data: page.map((row) => ({
          id: row.id,
          minute: isoTime(Number(row.minute)),
          key_id: row.credential_id,
          credential_kind: row.credential_kind,
          ip: orNull(row.ip),
          user_agent: orNull(row.user_agent),
          method: row.method,
          route: row.route,
          model: orNull(row.model),
          status_code: Number(row.status_code),
          requests: Number(row.requests),
          errors: Number(row.errors),
          predictions: Number(row.predictions),
          latency_ms_avg: microsToMs(Number(row.latency_sum_us) / Number(row.requests)),
          latency_ms_max: microsToMs(Number(row.latency_max_us)),
          charge: nanosToUsd(row.charge_nanos),
        })),
        next_cursor: rows.length > query.per_page && last ? encodeCursor({ at: Number(last.minute), id: last.id }) : null,
      };
    },
  });
