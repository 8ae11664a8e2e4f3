/** Value formats shared by every request and response (docs/api.md, "Conventions"). */
import { z } from 'zod';

/** Timestamps leave the server as ISO 8601 UTC strings. */
export function isoTime(ms: number): string;
export function isoTime(ms: number | null): string | null;
export function isoTime(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

export const isoTimeSchema = z.iso.datetime();

/**
 * The building block of every request string that can reach SQL. PostgreSQL cannot hold NUL
 * (U+0000) in text and fails the whole statement; refusing it here gives one 422 on both
 * dialects, before any query, instead of a 500 on one of them.
 */
export const safeString = () => z.string().refine((text) => !text.includes('\0'), 'must not contain NUL characters');

/** A display name: trimmed, 1–64 characters, no control characters (NUL among them). */
export const displayNameSchema = safeString()
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters');

/**
 * An object id in a path (`key_…`, `tok_…`, `pred_…`). Anything else cannot name an object,
 * so the route answers 404 (see `validate`) without a query.
 */
export const idParamsSchema = z.object({
  id: safeString()
    .max(64)
    .regex(/^[a-z]+_[0-9A-Za-z]+$/, 'must be an object id'),
});
