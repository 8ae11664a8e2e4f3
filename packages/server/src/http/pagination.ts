/** Page-numbered lists (INTERFACE §4): `?page=&per_page=`, newest first, `{data, pagination}`. */
import { z } from 'zod';

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
