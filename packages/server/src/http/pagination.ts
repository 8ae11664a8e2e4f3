/**
 * Lists (docs/api.md, "Lists"): page-numbered, `?page=&per_page=`, newest first, answered as
 * `{data, pagination}`; or, for lists too long to count, keyset cursors.
 */
import { z } from 'zod';
import { ApiError } from './errors.js';

export const pageQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(10_000_000).default(1),
  per_page: z.coerce.number().int().min(1).max(100).default(20),
});

export type PageQuery = z.output<typeof pageQuerySchema>;

export function paginatedSchema<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    pagination: z.object({
      current_page: z.number().int(),
      per_page: z.number().int(),
      total: z.number().int(),
      last_page: z.number().int(),
    }),
  });
}

export function pageOf<T>(data: T[], total: number, query: PageQuery) {
  return {
    data,
    pagination: {
      current_page: query.page,
      per_page: query.per_page,
      total,
      last_page: Math.max(1, Math.ceil(total / query.per_page)),
    },
  };
}

export const offsetOf = (query: PageQuery): number => (query.page - 1) * query.per_page;

/** A keyset position: the sort key of the last row sent (a time in ms) and its id. */
export interface Cursor {
  at: number;
  id: string;
}

/** Opaque to clients: base64url of `at:id`. */
export const encodeCursor = (cursor: Cursor): string => Buffer.from(`${cursor.at}:${cursor.id}`).toString('base64url');

/**
 * The cursor `encodeCursor` made, or 422. Only what encoding can produce is accepted (an
 * integer and an id of the list's own shape), so a forged cursor never reaches a query.
 */
export function decodeCursor(text: string, idPattern: RegExp): Cursor {
  const [at, id] = Buffer.from(text, 'base64url').toString().split(':');
  if (!at || !/^\d{1,16}$/.test(at) || !id || !idPattern.test(id)) {
    throw new ApiError('INVALID_INPUT', 'Invalid value for cursor', { details: 'cursor: use the next_cursor of a previous page' });
  }
  return { at: Number(at), id };
}
